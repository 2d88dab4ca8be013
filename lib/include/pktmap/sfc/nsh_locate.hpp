#pragma once
// Finds the NSH in a frame as an SFF sends it: Ethernet (0x894F), VXLAN-GPE over UDP 4790 with NP=4, or
// NP=3 + Ethernet(0x894F) (the ODL/OVS form, specs/sfc.md §1.2), or GRE protocol 0x894F; outer 802.1Q/QinQ
// tags allowed. Uses the codecs only (no copies, no allocation).
#include <cstdint>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::sfc {

enum class Transport : std::uint8_t { none, ethernet, vxlan_gpe, vxlan_gpe_eth, gre };
const char* transport_name(Transport t);

// The outer headers kept with an interned NSH may be at most this long.
inline constexpr std::size_t kMaxOuterLen = 192;

struct NshLocation {
  Transport transport = Transport::none;  // none: not NSH (the frame is passed through)
  std::size_t nsh_offset = 0;
  codec::NshView nsh;
  std::uint8_t ip_off = 0;  // outer IP header offset (tunnels), for length/checksum fix-ups on return
  std::uint8_t l4_off = 0;  // outer UDP or GRE header offset
  std::uint8_t ip_version = 0;
  std::uint8_t l4_proto = 0;  // 17 UDP, 47 GRE
};

namespace detail {
Outcome locate_nsh_general(ByteView frame, NshLocation& loc);  // every form but NSH over untagged Ethernet
}

// Outcomes: the first codec outcome on the way (e.g. ethernet_truncated, ipv4_truncated,
// nsh_length_too_short), or outer_too_long. A frame that is well formed but carries no NSH is ok with
// transport none. Fills loc in place (no copy of the view per packet).
inline Outcome locate_nsh(ByteView frame, NshLocation& loc) {
  loc.transport = Transport::none;
  loc.nsh_offset = 0;
  loc.ip_off = loc.l4_off = loc.ip_version = loc.l4_proto = 0;
  // NSH straight over untagged Ethernet, the common case: inline, without the tag walk and the tunnels.
  if (frame.size() < codec::kEthernetHeaderLen || load_be16(frame.data() + 12) != codec::ethertype::nsh)
    return detail::locate_nsh_general(frame, loc);
  if (Outcome o = codec::parse_nsh(frame.subspan(codec::kEthernetHeaderLen), loc.nsh); !o.ok()) return o;
  loc.nsh_offset = codec::kEthernetHeaderLen;
  loc.transport = Transport::ethernet;
  return ok_outcome();
}
// The same as a value, for callers off the per-packet path (tests, fuzz targets).
inline Result<NshLocation> locate_nsh(ByteView frame) {
  NshLocation loc;
  const Outcome o = locate_nsh(frame, loc);
  return {loc, o};
}

// Zeroes the per-packet fields of the outer headers (IPv4 total length, id, checksum; IPv6 payload length;
// UDP length, checksum; GRE checksum) so that outers of one tunnel intern to one copy.
void normalize_outer(MutableByteView outer, const NshLocation& loc);
// Fills them in again for a packet of total_len bytes starting with the outer headers. ip_id for IPv4.
void finish_outer(MutableByteView packet, std::size_t outer_len, std::uint8_t ip_off, std::uint8_t l4_off,
                  std::uint8_t ip_version, std::uint8_t l4_proto, std::uint16_t ip_id);

}  // namespace pktmap::sfc
