#pragma once
// Port Control Protocol options, RFC 6887 §7.3, plus DESCRIPTION (RFC 7220), PREFIX64 (RFC 7225) and
// PORT_SET (RFC 7753). The message codec is in pcp.hpp.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Option Code  |  Reserved     |       Option Length           |   §7.3
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// :                       (optional) Data                         :
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Option Length counts the data only; the data is followed by 0-3 zero bytes of padding to a multiple of 4.
// Codes 0-127 are mandatory-to-process (a server answers UNSUPP_OPTION), 128-255 optional-to-process.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

// PCP carries every address as 128 bits; IPv4 uses the IPv4-mapped form ::ffff:a.b.c.d (RFC 6887 §5).
using PcpAddress = std::array<std::uint8_t, 16>;

namespace pcp_opt {                                // IANA "PCP Options"
inline constexpr std::uint8_t third_party = 1;     // RFC 6887 §13.1: 16-byte Internal IP Address
inline constexpr std::uint8_t prefer_failure = 2;  // RFC 6887 §13.2: no data
inline constexpr std::uint8_t filter = 3;          // RFC 6887 §13.3: 20 bytes
inline constexpr std::uint8_t description = 128;   // RFC 7220: UTF-8 text
inline constexpr std::uint8_t prefix64 = 129;      // RFC 7225
inline constexpr std::uint8_t port_set = 130;      // RFC 7753: 5 bytes
}  // namespace pcp_opt

inline constexpr std::size_t kPcpOptionHeaderLen = 4;
inline constexpr std::size_t kPcpThirdPartyLen = 16;
inline constexpr std::size_t kPcpFilterLen = 20;
inline constexpr std::size_t kPcpPortSetLen = 5;

struct PcpOption {
  std::uint8_t code = 0;
  std::uint8_t reserved = 0;
  std::uint16_t length = 0;  // data length, padding excluded
  ByteView value{};          // `length` bytes
  ByteView padding{};        // the bytes after value up to the 4-byte boundary; see fully_padded()

  // Codes below 128 must be understood by the receiver (§7.3).
  [[nodiscard]] constexpr bool mandatory() const { return code < 128; }
  // One of the codes this codec has a typed accessor or name for.
  [[nodiscard]] bool known() const;
  [[nodiscard]] constexpr std::size_t padding_len() const { return (4 - length % 4) % 4; }
  // False only for a final option whose padding is missing (the message then is not a multiple of 4).
  [[nodiscard]] constexpr bool fully_padded() const { return padding.size() == padding_len(); }
};

// Walks encoded options (PcpView::options_data, or a builder's output). An option whose data fits but
// whose padding is cut off by the end of the buffer is returned with a short `padding`, as tshark does;
// an option header or data running past the end stops the walk with invalid "pcp_option_overrun".
class PcpOptionIterator {
 public:
  explicit PcpOptionIterator(ByteView options) : data_(options) {}
  [[nodiscard]] bool next(PcpOption& opt);
  // ok, or pcp_option_overrun once next() has returned false because of a bad option.
  [[nodiscard]] const Outcome& outcome() const { return outcome_; }
  // Offset of the next option from the start of the buffer.
  [[nodiscard]] std::size_t offset() const { return pos_; }

 private:
  ByteView data_{};
  std::size_t pos_ = 0;
  Outcome outcome_{};
};

// --- Typed accessors. Each checks the code and the data length; when the data is longer than the fixed
// size the fields are still filled from its first bytes (tshark does the same) but the outcome is invalid.

// Outcomes: pcp_option_wrong_code, pcp_third_party_bad_length.
Result<PcpAddress> parse_pcp_third_party(const PcpOption& opt);

// Outcomes: pcp_option_wrong_code, pcp_prefer_failure_bad_length (data must be empty).
Outcome check_pcp_prefer_failure(const PcpOption& opt);

//  |    Reserved   | Prefix Length |      Remote Peer Port         |   RFC 6887 §13.3
//  |               Remote Peer IP Address (128 bits)               |
struct PcpFilter {
  std::uint8_t reserved = 0;
  std::uint8_t prefix_length = 0;  // 0 = remove all filters; for IPv4-mapped peers 96 + IPv4 prefix
  std::uint16_t remote_peer_port = 0;
  PcpAddress remote_peer_ip{};
};
// Outcomes: pcp_option_wrong_code, pcp_filter_bad_length.
Result<PcpFilter> parse_pcp_filter(const PcpOption& opt);

// The DESCRIPTION text (RFC 7220 §4): UTF-8, not NUL-terminated. The view points into the packet.
// Outcomes: pcp_option_wrong_code, pcp_description_bad_utf8 (the text is still returned).
Result<std::string_view> parse_pcp_description(const PcpOption& opt);

//  |        Port Set Size          |     First Internal Port       |   RFC 7753 (field order from
//  |  Reserved   |P|  (then 3 bytes of option padding)                  draft-07 §4 and Wireshark)
struct PcpPortSet {
  std::uint16_t size = 1;  // number of ports; 0xFFFF = as many as possible (request)
  std::uint16_t first_internal_port = 0;
  bool parity = false;        // P: preserve port parity (RFC 4787 §4.2.2)
  std::uint8_t reserved = 0;  // the 7 bits above P
};
// Outcomes: pcp_option_wrong_code, pcp_port_set_bad_length (length != 5; fields filled when > 5).
Result<PcpPortSet> parse_pcp_port_set(const PcpOption& opt);

// --- Builders. Each writes header, data and zero padding to 4 bytes.

// Writes any option. pad=false leaves the padding out (only for negative tests: it produces a message that
// is not a multiple of 4). Fails (w.ok() false) if value is longer than 65535 bytes.
void write_pcp_option(ByteWriter& w, std::uint8_t code, ByteView value, bool pad = true);
void write_pcp_third_party(ByteWriter& w, const PcpAddress& internal_ip);
void write_pcp_prefer_failure(ByteWriter& w);
void write_pcp_filter(ByteWriter& w, const PcpFilter& f);
void write_pcp_description(ByteWriter& w, std::string_view text);
// Length 5 plus 3 pad bytes (RFC 7753 §4).
void write_pcp_port_set(ByteWriter& w, const PcpPortSet& ps);

// "THIRD_PARTY", "PREFER_FAILURE", "FILTER", "DESCRIPTION", "PREFIX64", "PORT_SET", or "unknown".
const char* pcp_option_name(std::uint8_t code);

}  // namespace pktmap::codec
