#pragma once
// UDP header codec, RFC 768.
//
//  0      7 8     15 16    23 24    31
// +--------+--------+--------+--------+
// |   Source Port   | Destination Port|
// +--------+--------+--------+--------+
// |     Length      |    Checksum     |   Length counts header + data (>= 8)
// +--------+--------+--------+--------+
//
// Checksums (pseudo-header) are verified with transport_checksum_ok() from transport_checksum.hpp.
#include <cstdint>

#include "pktmap/codec/ip_common.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::size_t kUdpHeaderLen = 8;

struct UdpView {
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint16_t length = 0;
  std::uint16_t checksum = 0;      // 0: none sent (allowed on IPv4 only)
  bool payload_truncated = false;  // captured bytes end before Length (snapped capture)
  ByteView header;
  ByteView payload;  // Length - 8 bytes, cut at the captured end; bytes past Length are not payload
};

// `data` is the IP payload as captured; `wire_len` its on-the-wire size when known (IPv4 Total Length minus
// the header, or the IPv6 upper-layer length), so a Length past it is invalid rather than a snapped capture.
// Outcomes: udp_truncated (< 8 bytes; ports filled from the first 4 when present), udp_length_too_short
// (Length < 8; 0 would be an RFC 2675 jumbogram, not supported), udp_length_exceeds_packet (truncated:
// payload cut by the capture, header complete), udp_length_exceeds_wire (invalid).
Result<UdpView> parse_udp(ByteView data, std::size_t wire_len = kWireLenUnknown);

struct UdpFields {
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
};
// Writes header + payload with Length set and checksum 0; fill the checksum afterwards with
// set_transport_checksum() over the written datagram. Fails if the datagram exceeds 65535 bytes.
void write_udp(ByteWriter& w, const UdpFields& f, ByteView payload);

}  // namespace pktmap::codec
