#pragma once
// ICMPv4 codec, RFC 792, with RFC 4884 multi-part extensions.
//
// RFC 792 / RFC 4884 §4.1-4.3 (Destination Unreachable shown; Time Exceeded and Parameter Problem alike):
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |unused/Pointer |    Length     |  Next-Hop MTU (3/4) or unused |   Pointer: type 12; MTU: RFC 1191
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      Internet Header + leading octets of original datagram    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      ICMP Extension Structure (optional, RFC 4884 §7)         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Extension header (§7) and object header (§8):
// |Version|      (Reserved)       |           Checksum            |   version 2; checksum 0 = none sent
// |             Length            |   Class-Num   |    C-Type     |   Length counts the object header
// |                   Object payload ...                          |
//
// The Length attribute (byte 5) gives the original-datagram field size; when it is 0 the message is
// either classic (no extensions) or from a pre-RFC 4884 sender that always quoted exactly 128 bytes (MPLS
// traceroute, RFC 4950). §5 tells receivers to probe for those: a version-2 header with a valid, non-zero
// checksum at offset 128 of a long enough Destination Unreachable or Time Exceeded is taken as an
// extension (`legacy` set). The ICMP checksum itself is not checked by the parser: use icmp_checksum_ok().
#include <cstdint>
#include <string_view>

#include "pktmap/codec/ip_common.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::size_t kIcmpHeaderLen = 8;
inline constexpr std::size_t kIcmpExtMinDatagram = 128;  // RFC 4884 §4.1: original datagram when extended
inline constexpr std::size_t kIcmpExtHeaderLen = 4;
inline constexpr std::size_t kIcmpExtObjectHeaderLen = 4;

namespace icmp_type {
inline constexpr std::uint8_t echo_reply = 0;
inline constexpr std::uint8_t dest_unreach = 3;
inline constexpr std::uint8_t source_quench = 4;  // deprecated, RFC 6633
inline constexpr std::uint8_t redirect = 5;
inline constexpr std::uint8_t echo = 8;
inline constexpr std::uint8_t time_exceeded = 11;
inline constexpr std::uint8_t param_problem = 12;
inline constexpr std::uint8_t timestamp = 13;
inline constexpr std::uint8_t timestamp_reply = 14;
}  // namespace icmp_type

// Destination Unreachable codes: RFC 792 (0-5), RFC 1122 §3.2.2.1 (6-12), RFC 1812 §5.2.7.1 (13-15).
namespace icmp_unreach {
inline constexpr std::uint8_t net = 0;
inline constexpr std::uint8_t host = 1;
inline constexpr std::uint8_t protocol = 2;
inline constexpr std::uint8_t port = 3;
inline constexpr std::uint8_t frag_needed = 4;  // with Next-Hop MTU, RFC 1191
inline constexpr std::uint8_t src_route_failed = 5;
inline constexpr std::uint8_t net_unknown = 6;
inline constexpr std::uint8_t host_unknown = 7;
inline constexpr std::uint8_t src_host_isolated = 8;
inline constexpr std::uint8_t net_prohibited = 9;    // network administratively prohibited
inline constexpr std::uint8_t host_prohibited = 10;  // host administratively prohibited
inline constexpr std::uint8_t net_tos = 11;
inline constexpr std::uint8_t host_tos = 12;
inline constexpr std::uint8_t admin_prohibited = 13;  // communication administratively prohibited
inline constexpr std::uint8_t host_precedence = 14;
inline constexpr std::uint8_t precedence_cutoff = 15;
}  // namespace icmp_unreach

// snake_case name of a Destination Unreachable code ("port_unreachable", "admin_prohibited", ...), or
// "unknown".
const char* icmp_unreach_code_name(std::uint8_t code);

// An RFC 4884 extension structure (ICMPv4 or ICMPv6).
struct IcmpExtension {
  std::uint8_t version = 0;
  std::uint16_t reserved = 0;  // 12 bits
  std::uint16_t checksum = 0;
  bool checksum_ok = false;  // non-zero and verifying over the captured structure
  bool legacy = false;       // found by the §5 probe at offset 128, without a Length attribute
  std::uint8_t object_count = 0;
  ByteView bytes;    // header + objects
  ByteView objects;  // after the 4-byte header
};

struct IcmpExtObject {
  std::uint16_t length = 0;  // including the 4-byte object header
  std::uint8_t class_num = 0;
  std::uint8_t c_type = 0;
  ByteView payload;  // length - 4 bytes
};

// Iterates the objects of a parsed extension; parse_icmp_extension() already checked they fit, so next()
// only stops at the end (or at the first object cut by a snapped capture).
class IcmpExtObjectIterator {
 public:
  explicit IcmpExtObjectIterator(ByteView objects) : objs_(objects) {}
  [[nodiscard]] bool next(IcmpExtObject& obj);

 private:
  ByteView objs_;
  std::size_t pos_ = 0;
};

// Parses an extension structure; wire_len is its on-the-wire size when known (see ip_common.hpp).
// Outcomes (shared with ICMPv6): icmp_ext_truncated (header cut), icmp_ext_too_short (a complete message
// with under 4 bytes of extension), icmp_ext_version_unsupported (version != 2),
// icmp_ext_no_objects (§7 wants one or more), icmp_ext_object_length_invalid (< 4),
// icmp_ext_object_truncated (cut by the capture), icmp_ext_object_overrun (runs past the end of a complete
// message).
Result<IcmpExtension> parse_icmp_extension(ByteView ext, std::size_t wire_len = kWireLenUnknown);

// The outcome names of split_by_length(), one set per protocol.
struct Rfc4884Names {
  std::string_view exceeds_message;     // Length past the end of a complete message
  std::string_view exceeds_packet;      // Length past the end of what was captured
  std::string_view datagram_too_short;  // an extension after under 128 quoted bytes
};
// RFC 4884 §4 (ICMP) and §4.5 (ICMPv6): a non-zero Length attribute, `quote_len` bytes, makes the quoted
// datagram exactly that long and whatever follows it the extension. Sets quoted, ext and has_extension as
// far as the payload allows; body_wire is the body's on-the-wire size when known. Shared by both codecs.
Outcome split_by_length(ByteView payload, std::size_t quote_len, std::size_t body_wire,
                        const Rfc4884Names& names, ByteView& quoted, IcmpExtension& ext, bool& has_extension);

struct IcmpView {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t checksum = 0;
  std::uint32_t rest = 0;        // the 4 bytes after the checksum, as sent
  std::uint8_t length_attr = 0;  // RFC 4884 Length (types 3, 11, 12), in 32-bit words; 0 = not given
  bool has_extension = false;
  IcmpExtension ext;
  ByteView header;   // 8 bytes
  ByteView payload;  // everything after the header (the message body)
  ByteView quoted;   // error types: the original datagram (IP header + leading octets, padding included)

  [[nodiscard]] bool is_error() const;  // types 3, 4, 5, 11, 12: the body quotes a datagram
  // Echo / Timestamp identifier and sequence number.
  [[nodiscard]] std::uint16_t id() const { return static_cast<std::uint16_t>(rest >> 16); }
  [[nodiscard]] std::uint16_t seq() const { return static_cast<std::uint16_t>(rest); }
  [[nodiscard]] std::uint8_t pointer() const { return static_cast<std::uint8_t>(rest >> 24); }   // type 12
  [[nodiscard]] std::uint16_t next_hop_mtu() const { return static_cast<std::uint16_t>(rest); }  // 3/4
  [[nodiscard]] Ipv4Addr gateway() const;                                                        // type 5
  // Type 3 codes 9, 10 and 13: a filter, not a routing failure (what captive-portal enforcement sends).
  [[nodiscard]] bool is_admin_prohibited() const;
};

// `wire_len`: the message's on-the-wire size when known (IP payload length).
// Outcomes: icmp_truncated (< 8 bytes), icmp_length_exceeds_packet (Length attribute past the captured
// bytes: truncated), icmp_length_exceeds_message (past wire_len: invalid), icmp_original_datagram_too_short
// (an extension after fewer than 128 quoted bytes, RFC 4884 §4.1), icmp_message_truncated (otherwise fine
// but shorter than a known wire_len), and the extension outcomes above.
// The view (quoted datagram included) is filled in all of these cases except icmp_truncated.
Result<IcmpView> parse_icmp(ByteView data, std::size_t wire_len = kWireLenUnknown);

// True when the message checksum verifies over `message` (the whole ICMP message).
bool icmp_checksum_ok(ByteView message);

struct IcmpFields {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint32_t rest = 0;  // id/seq, pointer, MTU, gateway; write_icmp_error sets the Length byte in it
};
// Writes header + body with the checksum computed over both.
void write_icmp(ByteWriter& w, const IcmpFields& f, ByteView body);
// Writes an error (type 3, 11 or 12) quoting `quoted`. With extension objects (encoded with
// write_icmp_ext_object) the quote is zero-padded to a 32-bit boundary and at least 128 bytes, its
// Length attribute set, and a version-2 extension header with checksum added (RFC 4884 §4.1, §7).
// Fails if the padded quote exceeds 1020 bytes (8-bit Length).
void write_icmp_error(ByteWriter& w, const IcmpFields& f, ByteView quoted, ByteView ext_objects);
// One extension object: 4-byte header + payload (payload at most 65531 bytes).
void write_icmp_ext_object(ByteWriter& w, std::uint8_t class_num, std::uint8_t c_type, ByteView payload);

}  // namespace pktmap::codec
