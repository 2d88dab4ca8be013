#pragma once
// VXLAN Generic Protocol Extension, draft-ietf-nvo3-vxlan-gpe (UDP 4790).
//  0                   1                   2                   3
//  |R|R|Ver|I|P|B|O|       Reserved (16)           | Next Protocol |
//  |                VXLAN Network Identifier (VNI) (24)            | Reserved (8) |
// Next Protocol: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS. With P clear the payload is Ethernet, as in
// VXLAN. Interop note (specs/sfc.md §1.2): ODL/OVS send NP=3 Ethernet whose ethertype is 0x894F (NSH); the
// dissector accepts both that and NP=4.
#include <cstdint>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::uint16_t kVxlanGpePort = 4790;
inline constexpr std::size_t kVxlanGpeHeaderLen = 8;

namespace gpe_np {
inline constexpr std::uint8_t ipv4 = 1;
inline constexpr std::uint8_t ipv6 = 2;
inline constexpr std::uint8_t ethernet = 3;
inline constexpr std::uint8_t nsh = 4;
inline constexpr std::uint8_t mpls = 5;
}  // namespace gpe_np

struct VxlanGpeView {
  std::uint8_t flags = 0;
  std::uint8_t version = 0;
  bool i_flag = false;
  bool p_flag = false;
  bool b_flag = false;
  bool o_flag = false;
  std::uint8_t next_proto = 0;  // as on the wire; see effective_next_proto()
  std::uint32_t vni = 0;
  ByteView header;
  ByteView payload;
  // Ethernet when P is clear, else the Next Protocol field.
  [[nodiscard]] std::uint8_t effective_next_proto() const { return p_flag ? next_proto : gpe_np::ethernet; }
};

// Outcomes: vxlan_gpe_truncated, vxlan_gpe_version_unsupported.
Result<VxlanGpeView> parse_vxlan_gpe(ByteView data);

struct VxlanGpeFields {
  std::uint8_t next_proto = gpe_np::nsh;
  std::uint32_t vni = 0;
  bool oam = false;
};
void write_vxlan_gpe(ByteWriter& w, const VxlanGpeFields& f);

}  // namespace pktmap::codec
