#pragma once
// What the decode chain keeps of IP and transport headers: the fields a packet summary prints and flows are
// keyed on. The full views stay in the codecs (codec/ipv4.hpp etc.); these summaries keep Dissection
// independent of each codec's layout.
#include <array>
#include <cstdint>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap::dissect {

struct IpSummary {
  std::uint8_t version = 0;            // 4 or 6
  std::array<std::uint8_t, 16> src{};  // IPv4 uses the first 4 bytes
  std::array<std::uint8_t, 16> dst{};
  std::uint8_t proto = 0;         // upper-layer protocol after IPv6 extension headers
  std::uint8_t ttl = 0;           // TTL or hop limit
  std::uint8_t tos = 0;           // TOS / traffic class (DSCP << 2 | ECN)
  std::uint16_t total_len = 0;    // IPv4 total length; IPv6 payload length + 40
  std::uint16_t id = 0;           // IPv4 identification
  std::uint16_t frag_offset = 0;  // in bytes
  bool df = false;
  bool more_fragments = false;
  bool is_fragment = false;      // any fragment (first or later)
  bool later_fragment = false;   // no transport header in this fragment
  std::uint16_t header_len = 0;  // IPv4 IHL*4; IPv6 40 + extension headers
  std::uint32_t flow_label = 0;  // IPv6
  ByteView header;
};

struct L4Summary {
  std::uint8_t proto = 0;  // 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint8_t tcp_flags = 0;  // FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t window = 0;
  std::uint16_t length = 0;  // UDP length field; TCP/ICMP: bytes after the IP header
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  std::uint16_t checksum = 0;
  ByteView payload;
};

struct GreSummary {
  std::uint8_t flags = 0;  // C K S bits (0x80 0x20 0x10 of the first byte)
  std::uint8_t version = 0;
  std::uint16_t protocol = 0;
  bool has_key = false;
  std::uint32_t key = 0;
  bool has_seq = false;
  std::uint32_t seq = 0;
};

// "10.0.0.1" or RFC 5952 IPv6 text into out (INET6_ADDRSTRLEN = 46 bytes is enough); returns out.
const char* format_ip(const IpSummary& ip, bool source, char (&out)[48]);
const char* format_ip_bytes(std::uint8_t version, const std::uint8_t* addr, char (&out)[48]);

}  // namespace pktmap::dissect
