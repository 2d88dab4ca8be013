#pragma once
// `pktmap-gencap pcp`: PCP exchanges between a host and a CGN (captures/README.md lists them).
#include <cstdint>
#include <string>

namespace pktmap::gencap {

std::uint64_t write_pcp_mix(const std::string& output);

}  // namespace pktmap::gencap
