#pragma once
// IPv6 header codec, RFC 8200 §3, with the extension-header walk of §4.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version| Traffic Class |           Flow Label                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Payload Length        |  Next Header  |   Hop Limit   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   Source Address (128)                        |
// |                Destination Address (128)                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Extension headers walked (RFC 8200 §4, RFC 7045 §2): Hop-by-Hop (0, first only), Routing (43),
// Destination Options (60), Mobility (135), HIP (139), Shim6 (140) in the §4.2 / RFC 6564 shape
//   | Next Header | Hdr Ext Len (8-byte units, first 8 not counted) | data ... |
// Fragment (44, §4.5, 8 bytes)
//   | Next Header |   Reserved    |      Fragment Offset    |Res|M|
//   |                         Identification                       |
// and AH (51, RFC 4302 §2: Payload Len in 4-byte units minus 2). ESP (50) and No Next Header (59) end the
// walk: what follows is opaque. Anything else is the upper-layer protocol.
#include <cstdint>
#include <string_view>

#include "pktmap/codec/ip_common.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::size_t kIpv6HeaderLen = 40;
inline constexpr std::size_t kIpv6FragmentHeaderLen = 8;
inline constexpr std::size_t kIpv6MaxExtHeaders = 8;  // walk limit; real traffic rarely has more than 3

// True for the next-header values parse_ipv6 walks as extension headers.
bool is_ipv6_ext_header(std::uint8_t next_header);

struct Ipv6View {
  std::uint8_t version = 0;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;  // 20 bits
  std::uint16_t payload_length = 0;
  std::uint8_t next_header = 0;  // the first one, right after the fixed header
  std::uint8_t hop_limit = 0;
  Ipv6Addr src{};
  Ipv6Addr dst{};

  // Extension-header walk.
  std::uint8_t ext_count = 0;    // extension headers walked
  std::uint8_t upper_proto = 0;  // TCP, UDP, ICMPv6, ... or ESP / No Next Header where the walk stopped
  std::size_t upper_offset = 0;  // from the start of the IPv6 header
  bool has_fragment_header = false;
  bool is_fragment = false;        // a fragment header with M set or offset non-zero (not an atomic fragment)
  bool is_first_fragment = false;  // is_fragment with offset 0: the only fragment carrying the L4 header
  bool more_fragments = false;
  std::uint16_t frag_offset = 0;  // 8-byte units
  std::uint32_t frag_id = 0;
  bool payload_truncated = false;  // captured bytes end before Payload Length (snapped capture)

  ByteView header;       // the fixed 40 bytes
  ByteView ext_headers;  // the walked extension headers
  ByteView payload;      // after the fixed header, up to Payload Length, cut at the captured end
  ByteView upper;        // upper-layer bytes: payload after the extension headers

  [[nodiscard]] std::uint8_t dscp() const { return traffic_class >> 2; }
  [[nodiscard]] std::uint8_t ecn() const { return traffic_class & 3; }
  // False for non-first fragments: their data starts mid-datagram, there is no transport header.
  [[nodiscard]] bool has_l4_header() const { return frag_offset == 0; }
};

// Outcomes: ipv6_truncated (< 40 bytes), ipv6_version_not_6, ipv6_jumbogram_unsupported (Payload Length 0
// with Hop-by-Hop: RFC 2675), ipv6_payload_length_exceeds_wire (invalid, when wire_len is known),
// ipv6_payload_length_exceeds_packet (truncated: payload cut by the capture; the walk still ran),
// ipv6_hop_by_hop_not_first (RFC 8200 §4.1), ipv6_ext_header_truncated (an extension header cut by the
// capture), ipv6_ext_header_overrun (an extension header runs past Payload Length),
// ipv6_too_many_ext_headers (more than kIpv6MaxExtHeaders: unsupported).
Result<Ipv6View> parse_ipv6(ByteView data, std::size_t wire_len = kWireLenUnknown);

struct Ipv6Fields {
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;
  std::uint16_t payload_length = 0;  // extension headers + upper layer
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 64;
  Ipv6Addr src{};
  Ipv6Addr dst{};
};
// Writes the fixed 40-byte header.
void write_ipv6(ByteWriter& w, const Ipv6Fields& f);
// Writes a Fragment header (offset in 8-byte units).
void write_ipv6_fragment_header(ByteWriter& w, std::uint8_t next_header, std::uint16_t frag_offset, bool more,
                                std::uint32_t id);
// Writes a Hop-by-Hop or Destination Options header around encoded options, padded with Pad1/PadN
// (§4.2) to a multiple of 8 bytes. Fails if the header would exceed 2048 bytes.
void write_ipv6_options_header(ByteWriter& w, std::uint8_t next_header, ByteView options);

// RFC 5952 text: lowercase, no leading zeros, the longest run (first on a tie) of two or more zero groups
// as "::", and ::ffff:a.b.c.d for IPv4-mapped addresses (§5). At most 45 chars + NUL; returns out.
const char* format_ipv6_addr(const Ipv6Addr& addr, char (&out)[46]);
bool parse_ipv6_addr(std::string_view text, Ipv6Addr& out);

}  // namespace pktmap::codec
