#pragma once
// The parts of a captured frame the enforcement emulator decides on and answers from: link header
// (Ethernet with any VLAN stack, or none for raw-IP link types), IP addresses and lengths, the transport
// header. A view into the frame; parsing allocates nothing.
#include <array>
#include <cstdint>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::capport {

struct EnforceFrame {
  bool ethernet = false;
  codec::MacAddr dst_mac{};
  codec::MacAddr src_mac{};
  ByteView l2;         // link header and VLAN tags: everything before the IP header (empty on raw IP)
  bool is_ip = false;  // false: a non-IP frame (ARP, LLDP ...), passed as local traffic

  std::uint8_t ip_version = 0;
  std::array<std::uint8_t, 16> src{};  // IPv4 in the first 4 bytes
  std::array<std::uint8_t, 16> dst{};
  ByteView ip;                  // from the IP header to the end of the captured bytes
  std::size_t ip_wire_len = 0;  // the datagram's length per its header (IPv4 Total Length, IPv6 40+Payload)
  std::size_t l4_offset = 0;    // from the start of the IP header (after IPv6 extension headers)
  std::uint8_t proto = 0;       // upper-layer protocol
  bool fragment = false;
  bool later_fragment = false;  // no transport header in this fragment

  bool has_ports = false;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  bool has_tcp = false;  // a complete TCP header
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t tcp_flags = 0;
  ByteView payload;                  // TCP payload as captured
  std::size_t payload_wire_len = 0;  // TCP payload length per the IP header
  bool has_icmp = false;
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;

  // ICMP errors are never answered with ICMP (RFC 1122 §3.2.2, RFC 4443 §2.4(e)).
  [[nodiscard]] bool is_icmp_error() const;
};

// Supported link types: Ethernet (1), raw IP (101), IPv4 (228), IPv6 (229).
bool enforce_linktype_supported(int linktype);

// Outcomes: the codec outcome where a header is unusable (ethernet_truncated, vlan_*, ipv4_*, ipv6_*),
// enforce_ip_version_unknown (raw IP that is neither 4 nor 6). A non-IP Ethernet frame is ok with
// is_ip false. A transport header cut by the capture leaves has_ports/has_tcp false, not an error.
Result<EnforceFrame> parse_enforce_frame(ByteView frame, int linktype);

}  // namespace pktmap::capport
