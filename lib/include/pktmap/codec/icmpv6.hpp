#pragma once
// ICMPv6 codec, RFC 4443, with Neighbor Discovery (RFC 4861) and RFC 4884 extensions on errors.
//
// RFC 4443 §2.1 / §3 (error messages: Destination Unreachable shown):
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |    Length     |                    Unused                     |   Length: RFC 4884 §4.4-4.5,
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   64-bit words, types 1 and 3
// |          As much of the invoking packet as possible           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The second word is the MTU in Packet Too Big (2), the Pointer in Parameter Problem (4), and
// Identifier | Sequence Number in Echo (128/129).
//
// RFC 4861 §4.2 Router Advertisement:
// |     Type      |     Code      |          Checksum             |
// | Cur Hop Limit |M|O|H|Prf|P|Rsv|       Router Lifetime         |   H: RFC 6275, Prf: RFC 4191, P: RFC 4389
// |                         Reachable Time                        |
// |                          Retrans Timer                        |
// |   Options ...
// ND options (§4.6): | Type | Length (8-byte units, incl. type/length; 0 invalid) | value ... |
//
// The checksum covers an IPv6 pseudo-header; verify it with transport_checksum_ok(src, dst,
// ip_proto::icmpv6, message) from transport_checksum.hpp.
#include <cstdint>
#include <optional>
#include <string_view>

#include "pktmap/codec/icmp.hpp"
#include "pktmap/codec/ip_common.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

// Type, code, checksum and the 32-bit word every RFC 4443 / RFC 4861 message has.
inline constexpr std::size_t kIcmpv6HeaderLen = 8;

namespace icmpv6_type {
inline constexpr std::uint8_t dest_unreach = 1;
inline constexpr std::uint8_t packet_too_big = 2;
inline constexpr std::uint8_t time_exceeded = 3;
inline constexpr std::uint8_t param_problem = 4;
inline constexpr std::uint8_t echo_request = 128;
inline constexpr std::uint8_t echo_reply = 129;
inline constexpr std::uint8_t router_solicit = 133;
inline constexpr std::uint8_t router_advert = 134;
inline constexpr std::uint8_t neighbor_solicit = 135;
inline constexpr std::uint8_t neighbor_advert = 136;
inline constexpr std::uint8_t redirect = 137;
}  // namespace icmpv6_type

// Destination Unreachable codes, RFC 4443 §3.1.
namespace icmpv6_unreach {
inline constexpr std::uint8_t no_route = 0;
inline constexpr std::uint8_t admin_prohibited = 1;
inline constexpr std::uint8_t beyond_scope = 2;
inline constexpr std::uint8_t address = 3;
inline constexpr std::uint8_t port = 4;
inline constexpr std::uint8_t policy_failed = 5;
inline constexpr std::uint8_t reject_route = 6;
}  // namespace icmpv6_unreach

// ND option types (IANA "IPv6 Neighbor Discovery Option Formats").
namespace nd_opt {
inline constexpr std::uint8_t source_lladdr = 1;
inline constexpr std::uint8_t target_lladdr = 2;
inline constexpr std::uint8_t prefix_info = 3;
inline constexpr std::uint8_t redirected_header = 4;
inline constexpr std::uint8_t mtu = 5;
inline constexpr std::uint8_t rdnss = 25;           // RFC 8106
inline constexpr std::uint8_t dnssl = 31;           // RFC 8106
inline constexpr std::uint8_t captive_portal = 37;  // RFC 8910 §2.3
inline constexpr std::uint8_t pref64 = 38;          // RFC 8781
}  // namespace nd_opt

struct RouterAdvert {
  std::uint8_t cur_hop_limit = 0;
  std::uint8_t flags = 0;             // the whole flags byte
  bool managed = false;               // M: addresses via DHCPv6
  bool other = false;                 // O: other configuration via DHCPv6
  std::uint16_t router_lifetime = 0;  // seconds; 0 = not a default router
  std::uint32_t reachable_time = 0;   // ms
  std::uint32_t retrans_timer = 0;    // ms
};

struct Icmpv6View {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t checksum = 0;
  std::uint32_t rest = 0;        // the word after the checksum
  std::uint8_t length_attr = 0;  // RFC 4884 Length (types 1, 3), in 64-bit words; 0 = not given
  bool has_extension = false;
  IcmpExtension ext;
  ByteView header;          // 8 bytes
  ByteView payload;         // everything after the header (the message body)
  ByteView quoted;          // errors (types 0-127): the invoking packet, cut to Length when given
  ByteView nd_options;      // ND messages (133-137): the options after the fixed part
  RouterAdvert ra;          // type 134
  Ipv6Addr target{};        // NS, NA, Redirect
  Ipv6Addr redirect_dst{};  // Redirect

  [[nodiscard]] bool is_error() const { return type < 128; }  // §2.1: errors have the high bit clear
  [[nodiscard]] bool is_nd() const { return type >= 133 && type <= 137; }
  [[nodiscard]] std::uint32_t mtu() const { return rest; }                                   // type 2
  [[nodiscard]] std::uint32_t pointer() const { return rest; }                               // type 4
  [[nodiscard]] std::uint16_t id() const { return static_cast<std::uint16_t>(rest >> 16); }  // echo
  [[nodiscard]] std::uint16_t seq() const { return static_cast<std::uint16_t>(rest); }
  [[nodiscard]] bool na_router() const { return (rest & 0x80000000u) != 0; }  // NA R flag
  [[nodiscard]] bool na_solicited() const { return (rest & 0x40000000u) != 0; }
  [[nodiscard]] bool na_override() const { return (rest & 0x20000000u) != 0; }
  [[nodiscard]] bool is_admin_prohibited() const {
    return type == icmpv6_type::dest_unreach && code == icmpv6_unreach::admin_prohibited;
  }
};

// `wire_len`: the message's on-the-wire size when known (the IPv6 upper-layer length).
// Outcomes: icmpv6_truncated (< 8 bytes), icmpv6_length_exceeds_packet / icmpv6_length_exceeds_message
// (RFC 4884 Length past the captured bytes / the message), icmpv6_original_datagram_too_short (an
// extension after under 128 quoted bytes), the icmp_ext_* outcomes of parse_icmp_extension(), and for ND:
// icmpv6_nd_code_not_zero (RFC 4861 validity checks), icmpv6_nd_truncated / icmpv6_nd_too_short (fixed
// part cut by the capture / missing from a complete message), icmpv6_nd_option_length_zero (§4.6: discard),
// icmpv6_nd_option_truncated / icmpv6_nd_option_overrun (an option past the captured bytes / the message),
// icmpv6_message_truncated (otherwise fine but shorter than a known wire_len).
Result<Icmpv6View> parse_icmpv6(ByteView data, std::size_t wire_len = kWireLenUnknown);

struct NdOption {
  std::uint8_t type = 0;
  std::uint8_t length = 0;  // 8-byte units, type and length bytes included
  ByteView value;           // length*8 - 2 bytes
};

// Walks ND options; next() returns false at the end or on a malformed option, after which outcome() says
// which: ok, icmpv6_nd_option_length_zero, icmpv6_nd_option_truncated.
class NdOptionIterator {
 public:
  explicit NdOptionIterator(ByteView options) : opts_(options) {}
  [[nodiscard]] bool next(NdOption& opt);
  [[nodiscard]] Outcome outcome() const { return outcome_; }

 private:
  ByteView opts_;
  std::size_t pos_ = 0;
  Outcome outcome_{};
};

// RFC 8910 §2.3: the first Captive-Portal option's URI, its NUL padding stripped, as a view into the
// packet; nullopt when there is none.
std::optional<std::string_view> nd_captive_portal_uri(ByteView nd_options);

struct Icmpv6Fields {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint32_t rest = 0;
};
// Writes header + body with the checksum computed over the IPv6 pseudo-header (src, dst).
void write_icmpv6(ByteWriter& w, const Icmpv6Fields& f, ByteView body, const Ipv6Addr& src,
                  const Ipv6Addr& dst);

struct RouterAdvertFields {
  std::uint8_t cur_hop_limit = 64;
  bool managed = false;
  bool other = false;
  std::uint8_t extra_flags = 0;  // H, Prf, P bits (low 6 bits of the flags byte), as on the wire
  std::uint16_t router_lifetime = 1800;
  std::uint32_t reachable_time = 0;
  std::uint32_t retrans_timer = 0;
};
// Writes a Router Advertisement with encoded options (see write_nd_option) and its checksum.
void write_router_advert(ByteWriter& w, const RouterAdvertFields& f, ByteView options, const Ipv6Addr& src,
                         const Ipv6Addr& dst);
// One ND option: type, length, value zero-padded to a multiple of 8 bytes. Fails past 255 units.
void write_nd_option(ByteWriter& w, std::uint8_t type, ByteView value);
// Option 37 (RFC 8910 §2.3): the URI NUL-padded so the option is a multiple of 8 bytes.
void write_nd_captive_portal(ByteWriter& w, std::string_view uri);

}  // namespace pktmap::codec
