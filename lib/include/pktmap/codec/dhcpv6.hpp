#pragma once
// DHCP for IPv6, RFC 8415 (UDP 547 servers/relays, 546 clients).
//
// Client/server message, §8:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |    msg-type   |               transaction-id                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// .                            options                            .
//
// Relay agent/server message (RELAY-FORW 12, RELAY-REPL 13), §9:
// |    msg-type   |   hop-count   |                               |
// |                         link-address (128)                    |
// |                         peer-address (128)                    |
// .                 options (variable number and length)  ....    .
//
// Option, §21.1:
// |          option-code          |           option-len          |
// |                          option-data (option-len octets)      |
#include <array>
#include <cstdint>
#include <string_view>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::uint16_t kDhcpv6ClientPort = 546;
inline constexpr std::uint16_t kDhcpv6ServerPort = 547;
inline constexpr std::size_t kDhcpv6HeaderLen = 4;
inline constexpr std::size_t kDhcpv6RelayHeaderLen = 34;

namespace dhcpv6_msg {  // §7.3
inline constexpr std::uint8_t solicit = 1;
inline constexpr std::uint8_t advertise = 2;
inline constexpr std::uint8_t request = 3;
inline constexpr std::uint8_t confirm = 4;
inline constexpr std::uint8_t renew = 5;
inline constexpr std::uint8_t rebind = 6;
inline constexpr std::uint8_t reply = 7;
inline constexpr std::uint8_t release = 8;
inline constexpr std::uint8_t decline = 9;
inline constexpr std::uint8_t reconfigure = 10;
inline constexpr std::uint8_t information_request = 11;
inline constexpr std::uint8_t relay_forw = 12;
inline constexpr std::uint8_t relay_repl = 13;
}  // namespace dhcpv6_msg

namespace dhcpv6_opt {  // §21 unless noted
inline constexpr std::uint16_t client_id = 1;
inline constexpr std::uint16_t server_id = 2;
inline constexpr std::uint16_t ia_na = 3;
inline constexpr std::uint16_t oro = 6;
inline constexpr std::uint16_t elapsed_time = 8;
inline constexpr std::uint16_t relay_msg = 9;
inline constexpr std::uint16_t status_code = 13;
inline constexpr std::uint16_t interface_id = 18;
inline constexpr std::uint16_t dns_servers = 23;  // RFC 3646
inline constexpr std::uint16_t ia_pd = 25;
inline constexpr std::uint16_t captive_portal = 103;  // RFC 8910 §2.2
}  // namespace dhcpv6_opt

struct Dhcpv6Option {
  std::uint16_t code = 0;
  std::uint16_t length = 0;
  ByteView value{};
};

// Walks any DHCPv6 options area: a message's, or an encapsulating option's data (IA_NA, IA_PD, ...).
// An option header or data running past the area stops it with invalid "dhcpv6_option_overrun".
class Dhcpv6OptionIterator {
 public:
  explicit Dhcpv6OptionIterator(ByteView options) : data_(options) {}
  [[nodiscard]] bool next(Dhcpv6Option& opt);
  [[nodiscard]] const Outcome& outcome() const { return outcome_; }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
  Outcome outcome_{};
};

using Ipv6Address = std::array<std::uint8_t, 16>;

struct Dhcpv6View {
  std::uint8_t msg_type = 0;
  bool relay = false;                // RELAY-FORW or RELAY-REPL: the relay fields below are valid
  std::uint32_t transaction_id = 0;  // 24 bits; client/server messages only
  std::uint8_t hop_count = 0;        // relay only
  Ipv6Address link_address{};        // relay only
  Ipv6Address peer_address{};        // relay only
  ByteView options{};
  std::uint16_t option_count = 0;
  ByteView relay_message{};  // relay only: the first Relay Message option's data (parse it with parse_dhcpv6)

  // The first option with this code at the top level.
  [[nodiscard]] bool find(std::uint16_t code, Dhcpv6Option& out) const;
  [[nodiscard]] std::size_t count(std::uint16_t code) const;
};

// Parses one DHCPv6 message (a UDP payload, or a Relay Message option's data). Never allocates.
// Outcomes: dhcpv6_truncated (truncated: shorter than 4 bytes, or than 34 for a relay message),
// dhcpv6_option_overrun (invalid: an option runs past the message; earlier options are counted),
// dhcpv6_relay_message_missing (invalid: a relay message without option 9, which §9 requires).
Result<Dhcpv6View> parse_dhcpv6(ByteView data);

// The Option Request Option (6): a list of 16-bit option codes.
struct Dhcpv6Oro {
  ByteView raw{};
  bool present = false;
  [[nodiscard]] std::size_t size() const { return raw.size() / 2; }
  [[nodiscard]] std::uint16_t at(std::size_t i) const;  // 0 if out of range
  [[nodiscard]] bool contains(std::uint16_t code) const;
};
// Outcomes: dhcpv6_oro_odd_length (invalid: the trailing byte is ignored).
Result<Dhcpv6Oro> dhcpv6_oro(const Dhcpv6View& v);

struct Dhcpv6CaptivePortal {
  std::string_view uri{};  // points into the packet
  bool present = false;
};
// The captive-portal API URI from option 103 (RFC 8910 §2.2).
// Outcomes: dhcpv6_captive_portal_nul_terminated (invalid: the URI is not meant to be NUL-terminated;
// trailing NULs are stripped from uri), dhcpv6_captive_portal_repeated (invalid: more than one option
// 103; the first is returned).
Result<Dhcpv6CaptivePortal> dhcpv6_captive_portal(const Dhcpv6View& v);

struct Dhcpv6Fields {
  std::uint8_t msg_type = dhcpv6_msg::solicit;
  std::uint32_t transaction_id = 0;  // 24 bits; client/server messages
  std::uint8_t hop_count = 0;        // relay messages
  Ipv6Address link_address{};
  Ipv6Address peer_address{};
  ByteView options{};  // encoded options (write_dhcpv6_option); for relays include the Relay Message
};
// Writes the relay layout for msg_type 12/13, the client/server layout otherwise.
void write_dhcpv6(ByteWriter& w, const Dhcpv6Fields& f);
// Writes code, length, data. Fails if data is longer than 65535 bytes.
void write_dhcpv6_option(ByteWriter& w, std::uint16_t code, ByteView data);

// "SOLICIT" ... "RELAY-REPL" (§7.3 names), or "unknown".
const char* dhcpv6_msg_type_name(std::uint8_t type);

}  // namespace pktmap::codec
