// capport-probe: is this network captive? Reads the evidence in a capture (-r FILE); asks the RFC 8908 API
// and fetches connectivity canaries live; `serve` emulates a captive portal (API, portal page, canaries).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "pktmap/capport/capture_analysis.hpp"
#include "pktmap/capport/verdict.hpp"
#include "pktmap/error.hpp"
#include "pktmap/report/interrupt.hpp"

namespace {

using namespace pktmap;
using namespace pktmap::capport;

constexpr const char* kExamples = R"(
Examples:
  capport-probe -r hotel.pcap                  verdict and evidence with packet numbers
  capport-probe -r hotel.pcap --json | jq .verdict
  capport-probe -r hotel.pcap 'host 192.0.2.10'   only one client's packets (BPF filter)

Exit status: 0 open, 10 captive, 11 partial, 12 unknown, 1 usage error, 2 error (unreadable capture,
corrupt record, set-up failure). See capport-probe(1).
)";

struct Options {
  std::string read_file;
  std::vector<std::string> filter_words;
  bool json = false;
};

int run_offline(const Options& opt) {
  std::string filter;
  for (const auto& w : opt.filter_words)
    filter += (filter.empty() ? "" : " ") + w;
  report::install_interrupt_handlers();
  auto run = analyze_capture_file(opt.read_file, filter, true);
  auto text = opt.json ? format_capture_report_json(run.report, opt.read_file)
                       : format_capture_report(run.report, opt.read_file);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (run.interrupted)
    std::fprintf(stderr, "capport-probe: interrupted after %llu packets; verdict covers those\n",
                 static_cast<unsigned long long>(run.report.packets));
  if (!run.read_error.empty()) {
    std::fprintf(stderr, "capport-probe: %s\n", run.read_error.c_str());
    return kExitError;
  }
  return verdict_exit_code(run.report.verdict);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capport-probe: is this network captive? (RFC 8908/8910 API, canaries, capture analysis)"};
  app.footer(kExamples);
  Options opt;
  app.add_option("-r,--read", opt.read_file, "Analyse a pcap or pcapng capture instead of probing live")
      ->type_name("FILE");
  app.add_flag("--json", opt.json, "Print the verdict and evidence as one JSON object");
  app.add_option("filter", opt.filter_words, "BPF filter for -r, as in tcpdump")->type_name("EXPRESSION");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOpen : kExitUsage;
  }
  try {
    if (opt.read_file.empty()) {
      std::fprintf(stderr, "capport-probe: give -r FILE (see --help)\n");
      return kExitUsage;
    }
    return run_offline(opt);
  } catch (const SetupError& e) {
    std::fprintf(stderr, "capport-probe: %s\n", e.what());
    return kExitError;
  } catch (const InputError& e) {
    std::fprintf(stderr, "capport-probe: %s\n", e.what());
    return kExitError;
  }
}
