#pragma once
// `pktmap-gencap capport-ue`: a client-side capture of a captive network before enforcement, the input of
// `capport-probe enforce` (captures/README.md).
#include <cstdint>
#include <string>

namespace pktmap::gencap {

std::uint64_t write_capport_ue_mix(const std::string& output);

}  // namespace pktmap::gencap
