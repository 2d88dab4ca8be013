#pragma once
// Frame-building helpers shared by the mixes. Ethernet, VLAN tags and every SFC header (NSH, VXLAN-GPE,
// GRE) come from the pktmap codec builders; IP/TCP/UDP/ICMP bodies come from libtins, whose checksum
// handling we trust for test input (specs/perf.md notes it is too slow for per-packet use in tools).
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <tins/pdu.h>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::gencap {

using Bytes = std::vector<std::uint8_t>;
using Ipv4Addr = std::array<std::uint8_t, 4>;
using Ipv6Addr = std::array<std::uint8_t, 16>;

// The SFF -> proxy link every SFC sample frame travels on (locally administered MACs, RFC 5737 addresses).
inline constexpr codec::MacAddr kSffMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
inline constexpr codec::MacAddr kProxyMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
inline constexpr codec::MacAddr kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline constexpr Ipv4Addr kSffIp{192, 0, 2, 1};
inline constexpr Ipv4Addr kProxyIp{192, 0, 2, 2};

inline constexpr std::uint8_t kIpProtoGre = 47;

Bytes serialize(Tins::PDU& pdu);
void append(Bytes& out, ByteView bytes);

// What goes above IP: a TCP segment (with MSS on SYNs) or a UDP datagram.
struct L4Spec {
  bool tcp = true;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t tcp_flags = 0;  // Tins::TCP::Flags bits
  ByteView payload;
};
namespace tcp_flags {
inline constexpr std::uint16_t fin = 0x01, syn = 0x02, psh = 0x08, ack = 0x10;
}

// IPv4 (DF set, TTL 64, given id) or IPv6 (hop limit 64) packet with valid checksums.
Bytes ipv4_packet(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint16_t id, const L4Spec& l4);
Bytes ipv6_packet(const Ipv6Addr& src, const Ipv6Addr& dst, const L4Spec& l4);

// Ethernet header with zero or more tags (outermost first); `ethertype` follows the last tag.
void write_l2(ByteWriter& w, const codec::MacAddr& dst, const codec::MacAddr& src,
              std::span<const codec::VlanTag> tags, std::uint16_t ethertype);
// The same, into a new byte vector followed by `payload`.
Bytes l2_frame(const codec::MacAddr& dst, const codec::MacAddr& src, std::span<const codec::VlanTag> tags,
               std::uint16_t ethertype, ByteView payload);

// Outer IPv4 (SFF -> proxy) carrying `payload` as IP protocol `proto`, or as UDP to `dport`. The UDP
// checksum of tunnels is 0, as RFC 7348 §5 recommends for VXLAN over IPv4 and Linux/OVS send it.
Bytes outer_ipv4_raw(std::uint8_t proto, std::uint16_t ip_id, ByteView payload);
Bytes outer_ipv4_udp(std::uint16_t sport, std::uint16_t dport, std::uint16_t ip_id, ByteView payload);

// Text filler for payloads: readable in hex dumps, and no dissector mistakes it for a protocol.
void fill_text(std::span<std::uint8_t> out, std::string_view tag);

}  // namespace pktmap::gencap
