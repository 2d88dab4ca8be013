// pktmap-gencap: writes the project's deterministic sample captures. Same options, same bytes.
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "capport_mix.hpp"
#include "capport_ue_mix.hpp"
#include "pcp_mix.hpp"
#include "samples.hpp"
#include "sfc_mix.hpp"

namespace {

// CLI11 2.1's PositiveNumber prints its upper bound as a 300-digit double; a Range reads better.
const CLI::Range kAtLeastOne(std::uint64_t{1}, std::uint64_t{0xFFFFFFFF});

using namespace pktmap::gencap;

void report(const std::string& path, std::uint64_t packets, std::chrono::steady_clock::time_point start) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "wrote %s (%llu packets) in %.2f s\n", path.c_str(),
               static_cast<unsigned long long>(packets), secs);
}

int run(int argc, char** argv) {
  CLI::App app{"pktmap-gencap: deterministic sample captures for pktmap"};
  app.require_subcommand(1);

  SfcOptions sfc;
  auto* sfc_cmd = app.add_subcommand("sfc", "NSH traffic as an SFF sends it to an SFC proxy");
  sfc_cmd->add_option("-o,--output", sfc.output, "output pcap (- for standard output)")->required();
  sfc_cmd->add_option("--mix", sfc.mix, "default (all encapsulations) or md1-eth-ipv4 (benchmark shape)")
      ->check(CLI::IsMember({"default", "md1-eth-ipv4"}))
      ->capture_default_str();
  sfc_cmd->add_option("--packets", sfc.packets, "packets to write (default 2000; md1-eth-ipv4: 1000000)")
      ->check(kAtLeastOne);
  sfc_cmd->add_option("--flows", sfc.flows, "flows (default 96; md1-eth-ipv4: 10000)")->check(kAtLeastOne);
  sfc_cmd
      ->add_option("--paths", sfc.paths,
                   "service paths, i.e. SPIs (default 24 = 12 forward/reverse pairs; md1-eth-ipv4: 50)")
      ->check(kAtLeastOne);
  sfc_cmd->add_option("--seed", sfc.seed, "PRNG seed")->capture_default_str();

  std::string capport_out;
  auto* capport_cmd = app.add_subcommand("capport", "captive-portal provisioning: DHCPv4, DHCPv6, RAs");
  capport_cmd->add_option("-o,--output", capport_out, "output pcap (- for standard output)")->required();

  std::string ue_out;
  auto* ue_cmd = app.add_subcommand("capport-ue", "client-side capture of a captive network (enforce input)");
  ue_cmd->add_option("-o,--output", ue_out, "output pcap (- for standard output)")->required();

  std::string pcp_out;
  auto* pcp_cmd = app.add_subcommand("pcp", "PCP exchanges: ANNOUNCE, MAP with PORT_SET, PEER, errors");
  pcp_cmd->add_option("-o,--output", pcp_out, "output pcap (- for standard output)")->required();

  std::string dir;
  std::string all_help = "write the committed sample set into DIR:";
  for (const Sample& s : samples())
    all_help += std::string("\n  ") + s.file + ": " + s.what;
  auto* all_cmd = app.add_subcommand("all", all_help);
  all_cmd->add_option("DIR", dir, "output directory (created if missing)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;  // usage errors exit 1, like the other pktmap tools
  }

  const auto start = std::chrono::steady_clock::now();
  if (*sfc_cmd) {
    const std::uint64_t n = sfc.mix == "default" ? write_sfc_default_mix(sfc) : write_sfc_bench_mix(sfc);
    report(sfc.output, n, start);
  } else if (*capport_cmd) {
    report(capport_out, write_capport_mix(capport_out), start);
  } else if (*ue_cmd) {
    report(ue_out, write_capport_ue_mix(ue_out), start);
  } else if (*pcp_cmd) {
    report(pcp_out, write_pcp_mix(pcp_out), start);
  } else if (*all_cmd) {
    std::filesystem::create_directories(dir);
    for (const Sample& s : samples()) {
      const auto t = std::chrono::steady_clock::now();
      const std::string path = (std::filesystem::path(dir) / s.file).string();
      report(path, s.write(path), t);
    }
  }
  return 0;
}

}  // namespace

// Exit status: 0 written, 1 usage error (including options that contradict each other), 2 the output
// could not be written.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "pktmap-gencap: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pktmap-gencap: %s\n", e.what());
    return 2;
  }
}
