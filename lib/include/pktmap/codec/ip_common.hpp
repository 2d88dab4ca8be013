#pragma once
// Shared by the IP-layer codecs: address types, IANA protocol numbers and the "wire length unknown" marker.
#include <array>
#include <cstddef>
#include <cstdint>

namespace pktmap::codec {

using Ipv4Addr = std::array<std::uint8_t, 4>;
using Ipv6Addr = std::array<std::uint8_t, 16>;

// IANA "Assigned Internet Protocol Numbers" (IPv4 Protocol / IPv6 Next Header).
namespace ip_proto {
inline constexpr std::uint8_t hop_by_hop = 0;  // IPv6 extension header
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t igmp = 2;
inline constexpr std::uint8_t ipip = 4;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t ipv6 = 41;
inline constexpr std::uint8_t routing = 43;   // IPv6 extension header
inline constexpr std::uint8_t fragment = 44;  // IPv6 extension header
inline constexpr std::uint8_t gre = 47;
inline constexpr std::uint8_t esp = 50;
inline constexpr std::uint8_t ah = 51;
inline constexpr std::uint8_t icmpv6 = 58;
inline constexpr std::uint8_t no_next_header = 59;
inline constexpr std::uint8_t dst_opts = 60;  // IPv6 extension header
inline constexpr std::uint8_t sctp = 132;
inline constexpr std::uint8_t mobility = 135;  // IPv6 extension header (RFC 6275)
inline constexpr std::uint8_t hip = 139;       // IPv6 extension header (RFC 7401)
inline constexpr std::uint8_t shim6 = 140;     // IPv6 extension header (RFC 5533)
}  // namespace ip_proto

// Pass as `wire_len` when only the captured bytes are known (the usual case below the IP layer). A codec
// told the real on-the-wire length can tell a snapped capture (truncated) from a length field that lies
// (invalid); without it, a length field pointing past the captured bytes is reported as truncated.
inline constexpr std::size_t kWireLenUnknown = static_cast<std::size_t>(-1);

// The wire length left after n bytes of headers; unknown stays unknown.
[[nodiscard]] constexpr std::size_t sub_wire(std::size_t wire_len, std::size_t n) {
  if (wire_len == kWireLenUnknown) return kWireLenUnknown;
  return wire_len > n ? wire_len - n : 0;
}

}  // namespace pktmap::codec
