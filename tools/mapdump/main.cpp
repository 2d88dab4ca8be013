// mapdump: decodes captures of SFC (NSH, VXLAN-GPE, GRE, VLAN/QinQ), PCP and captive-portal provisioning,
// one line per packet like tcpdump, or JSON; prints mapping state files saved by the other tools.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "pktmap/dissect/dissector.hpp"
#include "pktmap/dump/packet_format.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/report/counters.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/report/progress.hpp"
#include "pktmap/report/version.hpp"
#include "state_dump.hpp"

namespace {

using namespace pktmap;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitInput = 2;

constexpr const char* kExamples = R"(
Examples:
  mapdump -r chain.pcap                        one line per packet
  mapdump -r chain.pcap -c 2 -v                every field of the first two packets
  mapdump -r chain.pcap -T json | jq 'select(.nsh.spi == 101)'
  mapdump -r chain.pcap -q --stats             counts per encapsulation, (SPI, SI) and outcome
  mapdump -r chain.pcap 'udp port 4790'        BPF filter, as in tcpdump
  mapdump -r odd.pcap --udp-port 8472=vxlan --rejected bad.pcap
  mapdump -i eth1 -c 100                       live capture
  mapdump -i eth1 --duration 30 -q --stats     live counts over 30 seconds, even if nothing arrives
  mapdump --state fw.state                     mapping state saved by sfcproxy-replay or pcp-cli

Exit status: 0 done, 1 usage error (bad option, filter or rule), 2 input error (unreadable or corrupt
capture, bad state file).
)";

struct Options {
  std::string read_file;
  std::string iface;
  std::string state_file;
  std::vector<std::string> filter_words;
  std::vector<std::string> udp_rules;
  std::vector<std::string> ethertype_rules;
  std::string format = "text";
  std::string rejected;
  std::uint64_t count = 0;
  double duration_s = 0;
  int verbose = 0;
  bool quiet = false;
  bool stats = false;
  bool json = false;
  bool utc = false;
  bool numbers = false;
  bool no_resolve = false;
};

struct Stats {
  report::Counters encap;                         // packets containing each protocol
  report::Counters outcomes;                      // how decoding ended
  std::map<std::uint32_t, std::uint64_t> spi_si;  // (SPI << 8 | SI) -> packets; grows only with new paths
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

void count(Stats& st, const dissect::Dissection& d) {
  ++st.packets;
  st.bytes += d.length;
  bool seen[static_cast<std::size_t>(dissect::Proto::kCount)] = {};
  for (std::size_t i = 0; i < d.layer_count; ++i) {
    auto p = static_cast<std::size_t>(d.layers[i].proto);
    if (!seen[p]) st.encap.add(dissect::proto_name(d.layers[i].proto));
    seen[p] = true;
    if (d.layers[i].proto == dissect::Proto::nsh) {
      const auto& n = d.nsh[d.layers[i].slot];
      ++st.spi_si[n.spi << 8 | n.si];
    }
  }
  st.outcomes.add(d.outcome.name);
}

void print_stats(const Stats& st, bool json, std::FILE* out) {
  if (json) {
    report::JsonWriter j;
    j.begin_object().field("packets", st.packets).field("bytes", st.bytes);
    j.key("encapsulation").begin_object();
    for (const auto& c : st.encap) {
      const auto p = dissect::proto_from_name(c.name);
      j.field(p ? dump::json_key(*p) : c.name, c.value);
    }
    j.end_object().key("nsh_paths").begin_array();
    for (const auto& [k, v] : st.spi_si) {
      j.begin_object().field("spi", k >> 8).field("si", k & 0xff).field("packets", v).end_object();
    }
    j.end_array().key("outcomes").begin_object();
    for (const auto& c : st.outcomes)
      j.field(c.name, c.value);
    j.end_object().end_object();
    std::fprintf(out, "%s\n", j.str().c_str());
    return;
  }
  std::fprintf(out, "%llu packets, %llu bytes\n", static_cast<unsigned long long>(st.packets),
               static_cast<unsigned long long>(st.bytes));
  std::fprintf(out, "encapsulation:\n");
  for (const auto& c : st.encap)
    std::fprintf(out, "  %-12.*s %llu\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<unsigned long long>(c.value));
  if (!st.spi_si.empty()) {
    std::fprintf(out, "nsh paths (spi si packets):\n");
    for (const auto& [k, v] : st.spi_si)
      std::fprintf(out, "  %8u %3u %llu\n", k >> 8, k & 0xff, static_cast<unsigned long long>(v));
  }
  std::fprintf(out, "outcomes:\n");
  for (const auto& c : st.outcomes)
    std::fprintf(out, "  %-32.*s %llu\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<unsigned long long>(c.value));
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "mapdump: %s\n", msg.c_str());
  return kExitUsage;
}

pcapio::PacketSource* g_source = nullptr;
void break_source(void*) {
  if (g_source) g_source->interrupt();
}

int run(const Options& opt) {
  if (!opt.state_file.empty())
    return mapdump::dump_state_file(opt.state_file, opt.json) ? kExitOk : kExitInput;

  dissect::DispatchTable table;
  for (const auto& r : opt.udp_rules) {
    std::string_view why;
    if (!table.add_udp_rule(r, why)) return usage_error("--udp-port " + r + ": " + std::string(why));
  }
  for (const auto& r : opt.ethertype_rules) {
    std::string_view why;
    if (!table.add_ethertype_rule(r, why)) return usage_error("--ethertype " + r + ": " + std::string(why));
  }
  std::string filter;
  for (const auto& w : opt.filter_words)
    filter += (filter.empty() ? "" : " ") + w;

  auto source = opt.iface.empty() ? pcapio::PacketSource::open_file(opt.read_file, filter)
                                  : pcapio::PacketSource::open_live(opt.iface, filter);
  g_source = &source;
  report::install_interrupt_handlers();
  report::set_interrupt_callback(break_source, nullptr);

  std::unique_ptr<pcapio::PcapWriter> rejected;
  if (!opt.rejected.empty())
    rejected = std::make_unique<pcapio::PcapWriter>(opt.rejected, source.linktype(), source.nanosecond());

  dissect::Dissector dissector(table);
  dissect::Dissection d;
  dump::FormatOptions fmt{opt.verbose, opt.utc, opt.numbers};
  const bool json = opt.format == "json" || opt.json;
  const bool print_packets = !opt.quiet;
  std::string line;
  line.reserve(4096);
  report::JsonWriter j;
  Stats st;
  report::Progress progress(source.file_size());
  // The progress line (stderr, terminals only) would interleave with per-packet lines on the same terminal.
  const bool show_progress = !source.is_live() && (!print_packets || !::isatty(STDOUT_FILENO));

  static char outbuf[1 << 16];
  std::setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  if (opt.iface.size()) std::setvbuf(stdout, nullptr, _IOLBF, 0);

  pcapio::Packet p;
  int status = kExitOk;
  // A live next() returns `timeout` at least every 100 ms when nothing arrives, so the deadline holds on an
  // idle interface too.
  using Clock = std::chrono::steady_clock;
  const bool timed = opt.duration_s > 0;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(opt.duration_s));
  while (!report::interrupted() && (opt.count == 0 || st.packets < opt.count)) {
    if (timed && Clock::now() >= deadline) break;
    auto rs = source.next(p);
    if (rs == pcapio::ReadStatus::end) break;
    if (rs == pcapio::ReadStatus::timeout) continue;
    if (rs == pcapio::ReadStatus::error) {
      std::fflush(stdout);
      std::fprintf(stderr, "mapdump: %s\n", source.error().c_str());
      status = kExitInput;
      break;
    }
    dissector.dissect(p.data, source.linktype(), d);
    d.wire_len = p.wire_len;
    count(st, d);
    if (rejected && !d.outcome.ok()) rejected->write(p);
    if (print_packets) {
      if (json) {
        j.clear();
        dump::format_json(d, p, j);
        std::fwrite(j.view().data(), 1, j.view().size(), stdout);
        std::fputc('\n', stdout);
      } else {
        line.clear();
        dump::format_text(d, p, fmt, line);
        std::fwrite(line.data(), 1, line.size(), stdout);
      }
    }
    if (show_progress) progress.tick(st.packets, source.bytes_read());
  }
  progress.finish();
  std::fflush(stdout);
  if (rejected) rejected->commit();
  if (opt.stats) print_stats(st, json, print_packets ? stderr : stdout);
  if (report::interrupted())
    std::fprintf(stderr, "mapdump: interrupted after %llu packets\n",
                 static_cast<unsigned long long>(st.packets));
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mapdump: decode SFC, PCP and captive-portal traffic like tcpdump, or dump mapping state"};
  app.footer(kExamples);
  app.set_version_flag("--version", pktmap::report::version_text("mapdump"));
  Options opt;
  app.add_option("-r,--read", opt.read_file, "Read packets from a pcap or pcapng file")->type_name("FILE");
  app.add_option("-i,--interface", opt.iface, "Capture live on an interface")->type_name("IFACE");
  app.add_option("--state", opt.state_file, "Print a mapping state file (JSON saved by --state-out)")
      ->type_name("FILE");
  app.add_option("-c,--count", opt.count, "Stop after N packets")->type_name("N");
  app.add_option("--duration", opt.duration_s, "Live: stop after SEC seconds (also when nothing arrives)")
      ->type_name("SEC");
  app.add_flag("-v,--verbose", opt.verbose, "Every field, one layer per line");
  app.add_option("-T,--format", opt.format, "Output format: text or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--json", opt.json, "Same as -T json; also for --stats and --state");
  app.add_flag("-q,--quiet", opt.quiet, "No per-packet output (use with --stats)");
  app.add_flag("--stats", opt.stats, "Counts per encapsulation, per (SPI, SI) and per outcome at the end");
  app.add_option("--rejected", opt.rejected, "Write packets that did not decode cleanly to this pcap")
      ->type_name("FILE");
  app.add_option("--udp-port", opt.udp_rules, "Decode a UDP port as a protocol, e.g. 8472=vxlan (repeatable)")
      ->type_name("PORT=PROTO");
  app.add_option("--ethertype", opt.ethertype_rules, "Decode an ethertype as a protocol, e.g. 0x894f=nsh")
      ->type_name("TYPE=PROTO");
  app.add_flag("-u,--utc", opt.utc, "Timestamps in UTC (default: local time, like tcpdump)");
  app.add_flag("-#,--number", opt.numbers, "Print the record number before each line");
  app.add_flag("-n", opt.no_resolve, "Accepted for tcpdump habit: mapdump never resolves names");
  app.add_option("filter", opt.filter_words, "BPF filter expression, as in tcpdump")->type_name("EXPRESSION");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  int sources = !opt.read_file.empty() + !opt.iface.empty() + !opt.state_file.empty();
  if (sources != 1) {
    std::fprintf(stderr, "mapdump: give exactly one of -r FILE, -i IFACE or --state FILE (see --help)\n");
    return kExitUsage;
  }
  if (opt.duration_s < 0) return usage_error("--duration: expected a positive number of seconds");
  if (opt.duration_s > 0 && opt.iface.empty()) return usage_error("--duration needs -i IFACE");
  try {
    return run(opt);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "mapdump: %s\n", e.what());
    return kExitUsage;
  } catch (const SetupError& e) {
    std::fprintf(stderr, "mapdump: %s\n", e.what());
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mapdump: %s\n", e.what());
    return kExitInput;
  }
}
