#pragma once
// VXLAN, RFC 7348 §5 (UDP 4789). The payload is an Ethernet frame.
//  |R|R|R|R|I|R|R|R|            Reserved (24)                      |
//  |                VXLAN Network Identifier (VNI) (24)            | Reserved (8) |
#include <cstdint>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::uint16_t kVxlanPort = 4789;
inline constexpr std::size_t kVxlanHeaderLen = 8;

struct VxlanView {
  std::uint8_t flags = 0;
  bool i_flag = false;  // VNI valid; RFC 7348 says it MUST be set
  std::uint32_t vni = 0;
  ByteView header;
  ByteView payload;
};

// Outcomes: vxlan_truncated.
Result<VxlanView> parse_vxlan(ByteView data);
void write_vxlan(ByteWriter& w, std::uint32_t vni);

}  // namespace pktmap::codec
