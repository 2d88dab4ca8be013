#pragma once
// DHCP for IPv4 (RFC 2131) over the BOOTP message format, options per RFC 2132. UDP 67 (server) / 68.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +---------------+---------------+---------------+---------------+
// |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |   RFC 2131 §2, Figure 1
// +---------------+---------------+---------------+---------------+
// |                            xid (4)                            |
// |           secs (2)            |           flags (2)           |
// |                          ciaddr  (4)                          |
// |                          yiaddr  (4)                          |
// |                          siaddr  (4)                          |
// |                          giaddr  (4)                          |
// |                          chaddr  (16)                         |
// |                          sname   (64)                         |
// |                          file    (128)                        |
// |                          options (variable)                   |   starts with the magic cookie
// +---------------------------------------------------------------+   99.130.83.99 (§3)
//
// Options (RFC 2132 §2): Pad (0) and End (255) are single bytes; every other option is code, length, data.
//
// Not implemented (documented limits): option overload (52: options carried in sname/file; the value is
// exposed in DhcpView::overload) and RFC 3396 long-option concatenation (a split option appears several
// times; helpers return the first instance and say so).
#include <array>
#include <cstdint>
#include <string_view>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::uint16_t kDhcpServerPort = 67;
inline constexpr std::uint16_t kDhcpClientPort = 68;
inline constexpr std::size_t kDhcpFixedLen = 236;              // op .. file
inline constexpr std::size_t kDhcpMinLen = kDhcpFixedLen + 4;  // + magic cookie
inline constexpr std::size_t kBootpMinLen = 300;               // RFC 951: 64-byte vendor area
inline constexpr std::uint32_t kDhcpMagicCookie = 0x63825363;

namespace dhcp_opt {  // RFC 2132 unless noted
inline constexpr std::uint8_t pad = 0;
inline constexpr std::uint8_t subnet_mask = 1;
inline constexpr std::uint8_t router = 3;
inline constexpr std::uint8_t dns_server = 6;
inline constexpr std::uint8_t host_name = 12;
inline constexpr std::uint8_t domain_name = 15;
inline constexpr std::uint8_t requested_ip = 50;
inline constexpr std::uint8_t lease_time = 51;
inline constexpr std::uint8_t overload = 52;
inline constexpr std::uint8_t message_type = 53;
inline constexpr std::uint8_t server_id = 54;
inline constexpr std::uint8_t parameter_request_list = 55;
inline constexpr std::uint8_t client_id = 61;
inline constexpr std::uint8_t ipv6_only_preferred = 108;    // RFC 8925
inline constexpr std::uint8_t captive_portal = 114;         // RFC 8910
inline constexpr std::uint8_t captive_portal_legacy = 160;  // RFC 7710 (obsolete; also used by Polycom)
inline constexpr std::uint8_t end = 255;
}  // namespace dhcp_opt

namespace dhcp_msg {  // option 53, RFC 2132 §9.6 (9: RFC 3203)
inline constexpr std::uint8_t discover = 1;
inline constexpr std::uint8_t offer = 2;
inline constexpr std::uint8_t request = 3;
inline constexpr std::uint8_t decline = 4;
inline constexpr std::uint8_t ack = 5;
inline constexpr std::uint8_t nak = 6;
inline constexpr std::uint8_t release = 7;
inline constexpr std::uint8_t inform = 8;
inline constexpr std::uint8_t forcerenew = 9;
}  // namespace dhcp_msg

struct DhcpOption {
  std::uint8_t code = 0;
  std::uint8_t length = 0;
  ByteView value{};
};

// Walks an options area (DhcpView::options). Pad bytes are skipped; End stops the walk. An option whose
// length byte or data runs past the area stops it with invalid "dhcp_option_overrun".
class DhcpOptionIterator {
 public:
  explicit DhcpOptionIterator(ByteView options) : data_(options) {}
  [[nodiscard]] bool next(DhcpOption& opt);
  [[nodiscard]] const Outcome& outcome() const { return outcome_; }
  [[nodiscard]] bool end_seen() const { return end_seen_; }
  // Offset of the next unread byte (after End: the first byte after it).
  [[nodiscard]] std::size_t offset() const { return pos_; }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
  bool end_seen_ = false;
  Outcome outcome_{};
};

struct DhcpView {
  std::uint8_t op = 0;  // 1 BOOTREQUEST, 2 BOOTREPLY
  std::uint8_t htype = 0;
  std::uint8_t hlen = 0;
  std::uint8_t hops = 0;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0;
  std::uint16_t flags = 0;   // bit 15: broadcast
  std::uint32_t ciaddr = 0;  // addresses in host order
  std::uint32_t yiaddr = 0;
  std::uint32_t siaddr = 0;
  std::uint32_t giaddr = 0;
  ByteView chaddr{};    // 16 bytes
  ByteView sname{};     // 64 bytes
  ByteView file{};      // 128 bytes
  ByteView options{};   // after the magic cookie, to the end of the message
  ByteView trailing{};  // bytes after the End option (usually padding)
  bool end_seen = false;
  std::uint16_t option_count = 0;  // Pad and End not counted
  std::uint8_t message_type = 0;   // option 53, 0 if absent (plain BOOTP)
  std::uint8_t overload = 0;       // option 52 value, 0 if absent; the sname/file options are not parsed

  [[nodiscard]] constexpr bool broadcast() const { return (flags & 0x8000) != 0; }
  // chaddr limited to hlen (at most 16 bytes).
  [[nodiscard]] ByteView hw_address() const {
    return chaddr.first(hlen < chaddr.size() ? hlen : chaddr.size());
  }
  // The first option with this code (Pad/End cannot be found).
  [[nodiscard]] bool find(std::uint8_t code, DhcpOption& out) const;
  [[nodiscard]] std::size_t count(std::uint8_t code) const;
};

// Parses a BOOTP/DHCP message (a whole UDP payload). Never allocates.
// Outcomes: dhcp_truncated (truncated: shorter than 240 bytes), dhcp_bad_magic (invalid: no DHCP magic
// cookie; the BOOTP fields are filled), dhcp_option_overrun (invalid: an option runs past the message;
// earlier options are counted), dhcp_bad_hlen (invalid: hlen > 16; everything else is parsed).
// A missing End option is accepted (end_seen tells).
Result<DhcpView> parse_dhcp(ByteView data);

// The Parameter Request List (55) as the raw list of requested codes; empty if absent.
ByteView dhcp_parameter_request_list(const DhcpView& v);

struct DhcpCaptivePortal {
  std::string_view uri{};  // points into the packet
  std::uint8_t code = 0;   // 114 (RFC 8910), 160 (legacy RFC 7710), or 0 if neither is present
};
// The captive-portal API URI: option 114 if present, else legacy 160.
// Outcomes: dhcp_captive_portal_split (unsupported: the option appears more than once, i.e. RFC 3396
// concatenation would be needed; the first part is returned), dhcp_captive_portal_nul_terminated
// (invalid: RFC 8910 §2.1 says the URI is not NUL-terminated; trailing NULs are stripped from uri).
Result<DhcpCaptivePortal> dhcp_captive_portal(const DhcpView& v);

struct DhcpFields {
  std::uint8_t op = 1;
  std::uint8_t htype = 1;  // Ethernet
  std::uint8_t hlen = 6;
  std::uint8_t hops = 0;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0;
  std::uint16_t flags = 0;
  std::uint32_t ciaddr = 0;
  std::uint32_t yiaddr = 0;
  std::uint32_t siaddr = 0;
  std::uint32_t giaddr = 0;
  std::array<std::uint8_t, 16> chaddr{};
  std::string_view sname{};      // at most 63 bytes (NUL-padded)
  std::string_view file{};       // at most 127 bytes (NUL-padded)
  bool magic_cookie = true;      // false: plain BOOTP, `options` is the vendor area
  ByteView options{};            // encoded options without End (see write_dhcp_option)
  bool end = true;               // append the End option
  bool pad_to_bootp_min = true;  // zero-fill to 300 bytes, as most clients do
};
// Fails (w.ok() false) if sname/file are too long.
void write_dhcp(ByteWriter& w, const DhcpFields& f);
// Writes code, length, value. Fails if value is longer than 255 bytes.
void write_dhcp_option(ByteWriter& w, std::uint8_t code, ByteView value);

// "DHCPDISCOVER" ... "DHCPFORCERENEW", or "unknown".
const char* dhcp_message_type_name(std::uint8_t type);

}  // namespace pktmap::codec
