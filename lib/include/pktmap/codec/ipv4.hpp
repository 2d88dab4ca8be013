#pragma once
// IPv4 header codec, RFC 791 §3.1.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version|  IHL  |   DSCP    |ECN|          Total Length         |   DSCP/ECN: RFC 2474, RFC 3168
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Identification        |0|D|M|      Fragment Offset    |   flags: reserved, DF, MF
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Time to Live |    Protocol   |         Header Checksum       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       Source Address                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Destination Address                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Options (IHL > 5)          |    Padding    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The header checksum is not checked by parse_ipv4 (captures from hosts with checksum offload carry junk);
// use ipv4_header_checksum_ok(). Options are exposed raw and walked on demand with Ipv4OptionIterator, so a
// malformed option does not hide the addresses.
#include <cstdint>
#include <string>
#include <string_view>

#include "pktmap/codec/ip_common.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::size_t kIpv4MinHeaderLen = 20;
inline constexpr std::size_t kIpv4MaxHeaderLen = 60;

struct Ipv4View {
  std::uint8_t version = 0;
  std::uint8_t ihl = 0;  // header length in 4-byte words
  std::uint8_t dscp = 0;
  std::uint8_t ecn = 0;
  std::uint16_t total_length = 0;
  std::uint16_t id = 0;
  bool reserved_flag = false;  // must be zero; reported, not rejected
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t frag_offset = 0;  // in 8-byte units
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  std::uint16_t checksum = 0;
  Ipv4Addr src{};
  Ipv4Addr dst{};
  bool is_fragment = false;        // MF set or offset non-zero
  bool is_first_fragment = false;  // a fragment with offset 0: the only one carrying the L4 header
  bool payload_truncated = false;  // captured bytes end before Total Length (snapped capture)
  ByteView header;                 // IHL*4 bytes
  ByteView options;                // header bytes after the fixed 20 (padding included)
  ByteView payload;                // up to Total Length, cut at the captured end

  [[nodiscard]] std::size_t header_len() const { return std::size_t{ihl} * 4; }
  [[nodiscard]] std::uint8_t tos() const { return static_cast<std::uint8_t>(dscp << 2 | ecn); }
  [[nodiscard]] std::size_t frag_offset_bytes() const { return std::size_t{frag_offset} * 8; }
  // False for non-first fragments: their payload starts mid-datagram, there is no transport header.
  [[nodiscard]] bool has_l4_header() const { return frag_offset == 0; }
};

// Outcomes: ipv4_truncated (< 20 bytes), ipv4_version_not_4, ipv4_header_length_too_short (IHL < 5),
// ipv4_total_length_too_short (Total Length < IHL*4), ipv4_header_truncated (options cut by the capture),
// ipv4_total_length_exceeds_packet (truncated: payload cut by the capture; the view is complete otherwise),
// ipv4_total_length_exceeds_wire (invalid: longer than wire_len when that is known),
// ipv4_fragment_too_large (offset + length past 65535: the reassembled datagram could not exist).
Result<Ipv4View> parse_ipv4(ByteView data, std::size_t wire_len = kWireLenUnknown);

// True when the header checksum verifies (one's-complement sum over the header is 0xffff).
bool ipv4_header_checksum_ok(ByteView header);
// The checksum value for `header`, computed as if its checksum field were zero.
std::uint16_t ipv4_header_checksum(ByteView header);

// RFC 791 option: type = copied(1) | class(2) | number(5). EOL (0) and NOP (1) are single bytes; the
// others carry a length that counts the type and length bytes.
namespace ipv4_opt {
inline constexpr std::uint8_t eol = 0;
inline constexpr std::uint8_t nop = 1;
inline constexpr std::uint8_t rr = 7;              // record route
inline constexpr std::uint8_t timestamp = 68;      // RFC 791
inline constexpr std::uint8_t lsrr = 131;          // loose source route
inline constexpr std::uint8_t ssrr = 137;          // strict source route
inline constexpr std::uint8_t router_alert = 148;  // RFC 2113
}  // namespace ipv4_opt

struct Ipv4Option {
  std::uint8_t type = 0;
  std::uint8_t length = 0;  // whole option; 1 for EOL/NOP
  ByteView data;            // length - 2 bytes (empty for EOL/NOP)
  [[nodiscard]] bool copied() const { return (type & 0x80) != 0; }
  [[nodiscard]] std::uint8_t option_class() const { return (type >> 5) & 3; }
  [[nodiscard]] std::uint8_t number() const { return type & 0x1f; }
};

// Walks options; next() returns false at EOL, at the end, or on a malformed option, after which outcome()
// says which: ok, or ipv4_option_truncated (length byte missing or data past the header),
// ipv4_option_length_invalid (length < 2). EOL ends the walk (it and the padding after it are not returned).
class Ipv4OptionIterator {
 public:
  explicit Ipv4OptionIterator(ByteView options) : opts_(options) {}
  [[nodiscard]] bool next(Ipv4Option& opt);
  [[nodiscard]] Outcome outcome() const { return outcome_; }

 private:
  ByteView opts_;
  std::size_t pos_ = 0;
  bool done_ = false;
  Outcome outcome_{};
};

struct Ipv4Fields {
  std::uint8_t dscp = 0;
  std::uint8_t ecn = 0;
  std::uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t frag_offset = 0;  // 8-byte units
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 0;
  Ipv4Addr src{};
  Ipv4Addr dst{};
  ByteView options{};             // padded with EOL (zero) bytes to a multiple of 4; at most 40 bytes
  std::uint16_t payload_len = 0;  // Total Length = header + payload_len
};
// Writes the header with its checksum; the payload follows from the caller. Fails (w.ok() false) if the
// options exceed 40 bytes or the total length exceeds 65535.
void write_ipv4(ByteWriter& w, const Ipv4Fields& f);

// "192.0.2.1" into out (at most 15 chars + NUL); returns out. Never allocates.
const char* format_ipv4_addr(const Ipv4Addr& addr, char (&out)[16]);
// Dotted quad, exactly four decimal parts 0..255, no leading "+"/spaces/zeros (inet_pton's rules).
bool parse_ipv4_addr(std::string_view text, Ipv4Addr& out);
// Why parse_ipv4_addr refuses `text`, for error messages: "not an IPv4 address", and for a part written with
// a leading zero, that other tools read it as octal (010 is 8 to inet_aton and ping).
std::string ipv4_addr_refusal(std::string_view text);

}  // namespace pktmap::codec
