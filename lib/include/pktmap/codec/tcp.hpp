#pragma once
// TCP header codec, RFC 9293 §3.1.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Source Port          |       Destination Port        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                        Sequence Number                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Acknowledgment Number                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Data |       |C|E|U|A|P|R|S|F|                               |
// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
// |       |       |R|E|G|K|H|T|N|N|                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Checksum            |         Urgent Pointer        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     [Options] (Data Offset > 5)               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// TCP has no length field: the segment is whatever the IP layer carries. Checksums (pseudo-header) are
// verified with transport_checksum_ok() from transport_checksum.hpp.
#include <cstdint>

#include "pktmap/codec/ip_common.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::size_t kTcpMinHeaderLen = 20;
inline constexpr std::size_t kTcpMaxHeaderLen = 60;

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;  // RFC 3168
inline constexpr std::uint8_t cwr = 0x80;  // RFC 3168
}  // namespace tcp_flag

namespace tcp_opt {
inline constexpr std::uint8_t eol = 0;
inline constexpr std::uint8_t nop = 1;
inline constexpr std::uint8_t mss = 2;             // RFC 9293 §3.2
inline constexpr std::uint8_t window_scale = 3;    // RFC 7323
inline constexpr std::uint8_t sack_permitted = 4;  // RFC 2018
inline constexpr std::uint8_t sack = 5;            // RFC 2018
inline constexpr std::uint8_t timestamps = 8;      // RFC 7323
}  // namespace tcp_opt

struct TcpView {
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t data_offset = 0;  // header length in 4-byte words
  std::uint8_t reserved = 0;     // the 4 bits before the flags, as sent
  std::uint8_t flags = 0;        // tcp_flag bits
  std::uint16_t window = 0;
  std::uint16_t checksum = 0;
  std::uint16_t urgent_ptr = 0;
  ByteView header;   // data_offset*4 bytes
  ByteView options;  // header bytes after the fixed 20
  ByteView payload;  // the rest of the segment as captured

  [[nodiscard]] std::size_t header_len() const { return std::size_t{data_offset} * 4; }
  [[nodiscard]] bool has(std::uint8_t flag) const { return (flags & flag) == flag; }
  [[nodiscard]] bool syn() const { return has(tcp_flag::syn); }
  [[nodiscard]] bool ack_flag() const { return has(tcp_flag::ack); }
  [[nodiscard]] bool rst() const { return has(tcp_flag::rst); }
  [[nodiscard]] bool fin() const { return has(tcp_flag::fin); }
};

// `wire_len`: the segment's on-the-wire size when known (see udp.hpp).
// Outcomes: tcp_truncated (< 20 bytes; ports, seq and ack are filled as far as the bytes go),
// tcp_data_offset_too_short (< 5), tcp_header_truncated (options cut by the capture),
// tcp_data_offset_exceeds_wire (invalid: header longer than the segment).
Result<TcpView> parse_tcp(ByteView data, std::size_t wire_len = kWireLenUnknown);

struct TcpOption {
  std::uint8_t kind = 0;
  std::uint8_t length = 0;  // whole option; 1 for NOP
  ByteView data;            // length - 2 bytes
};

// Walks the options; next() returns false at EOL, at the end, or on a malformed option, after which
// outcome() says which: ok, tcp_option_truncated, tcp_option_length_invalid (length < 2).
class TcpOptionIterator {
 public:
  explicit TcpOptionIterator(ByteView options) : opts_(options) {}
  [[nodiscard]] bool next(TcpOption& opt);
  [[nodiscard]] Outcome outcome() const { return outcome_; }

 private:
  ByteView opts_;
  std::size_t pos_ = 0;
  bool done_ = false;
  Outcome outcome_{};
};

struct TcpFields {
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 65535;
  std::uint16_t urgent_ptr = 0;
  ByteView options{};  // padded with EOL (zero) bytes to a multiple of 4; at most 40 bytes
};
// Writes header + payload with checksum 0; fill it afterwards with set_transport_checksum().
void write_tcp(ByteWriter& w, const TcpFields& f, ByteView payload);

}  // namespace pktmap::codec
