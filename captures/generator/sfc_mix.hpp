#pragma once
// `pktmap-gencap sfc`: NSH traffic as an SFF sends it to an SFC proxy.
#include <cstdint>
#include <string>

namespace pktmap::gencap {

struct SfcOptions {
  std::string output;
  std::string mix = "default";  // "default" or "md1-eth-ipv4"
  std::uint64_t packets = 0;    // 0 = the mix's default
  std::uint32_t flows = 0;
  std::uint32_t paths = 0;
  std::uint64_t seed = 1;
};

// Defaults of the committed sample (default mix).
inline constexpr std::uint64_t kSfcDefaultPackets = 2000;
inline constexpr std::uint32_t kSfcDefaultFlows = 96;
inline constexpr std::uint32_t kSfcDefaultPaths = 24;  // 12 forward/reverse pairs = the whole catalog
// Defaults of the benchmark shape (specs/perf.md §1).
inline constexpr std::uint64_t kBenchDefaultPackets = 1'000'000;
inline constexpr std::uint32_t kBenchDefaultFlows = 10'000;
inline constexpr std::uint32_t kBenchDefaultPaths = 50;

// Both return the number of packets written; both throw std::runtime_error / std::invalid_argument.
std::uint64_t write_sfc_default_mix(const SfcOptions& o);
std::uint64_t write_sfc_bench_mix(const SfcOptions& o);

}  // namespace pktmap::gencap
