#pragma once
// Port Control Protocol, RFC 6887 (UDP 5351 to the server, 5350 for unsolicited ANNOUNCE). One UDP payload
// is one message: a 24-byte common header, opcode-specific data, then options (pcp_options.hpp).
//
// Request header, §7.1:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Version = 2  |R|   Opcode    |         Reserved              |
// |                 Requested Lifetime (32 bits)                  |
// |            PCP Client's IP Address (128 bits)                 |
// :             (optional) Opcode-specific information            :
// :             (optional) PCP Options                            :
//
// Response header, §7.2:
// |  Version = 2  |R|   Opcode    |   Reserved    |  Result Code  |
// |                      Lifetime (32 bits)                       |
// |                     Epoch Time (32 bits)                      |
// |                      Reserved (96 bits)                       |
//
// Version 0 is NAT-PMP (RFC 6886), which shares the ports; version 1 is the pre-RFC draft format whose
// MAP/PEER data lack the 12-byte nonce (Wireshark and miniupnpd still decode it).
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/codec/pcp_options.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::uint16_t kPcpServerPort = 5351;
inline constexpr std::uint16_t kPcpClientPort = 5350;
inline constexpr std::uint8_t kPcpVersion = 2;
inline constexpr std::size_t kPcpHeaderLen = 24;
inline constexpr std::size_t kPcpMaxLen = 1100;  // §7
inline constexpr std::size_t kPcpNonceLen = 12;
inline constexpr std::size_t kPcpMapLen = 36;      // §11.1
inline constexpr std::size_t kPcpPeerLen = 56;     // §12.1
inline constexpr std::size_t kPcpV1MapLen = 24;    // version 1: no nonce
inline constexpr std::size_t kPcpV1PeerLen = 44;   // version 1: no nonce
inline constexpr std::size_t kPcpMaxOptions = 16;  // stored in the view; more is "unsupported"

namespace pcp_op {  // IANA "PCP Opcodes"
inline constexpr std::uint8_t announce = 0;
inline constexpr std::uint8_t map = 1;
inline constexpr std::uint8_t peer = 2;
inline constexpr std::uint8_t authentication = 3;  // RFC 7652; not decoded
}  // namespace pcp_op

namespace pcp_result {  // §7.4
inline constexpr std::uint8_t success = 0;
inline constexpr std::uint8_t unsupp_version = 1;
inline constexpr std::uint8_t not_authorized = 2;
inline constexpr std::uint8_t malformed_request = 3;
inline constexpr std::uint8_t unsupp_opcode = 4;
inline constexpr std::uint8_t unsupp_option = 5;
inline constexpr std::uint8_t malformed_option = 6;
inline constexpr std::uint8_t network_failure = 7;
inline constexpr std::uint8_t no_resources = 8;
inline constexpr std::uint8_t unsupp_protocol = 9;
inline constexpr std::uint8_t user_ex_quota = 10;
inline constexpr std::uint8_t cannot_provide_external = 11;
inline constexpr std::uint8_t address_mismatch = 12;
inline constexpr std::uint8_t excessive_remote_peers = 13;
}  // namespace pcp_result

using PcpNonce = std::array<std::uint8_t, kPcpNonceLen>;

// MAP data, §11.1 (PEER starts with the same 36 bytes, §12.1):
// |                 Mapping Nonce (96 bits)                       |
// |   Protocol    |          Reserved (24 bits)                   |
// |        Internal Port          |    Suggested/Assigned External Port |
// |     Suggested/Assigned External IP Address (128 bits)         |
struct PcpMapData {
  PcpNonce nonce{};            // absent on the wire in version 1
  std::uint8_t protocol = 0;   // IANA protocol number; 0 = all
  std::uint32_t reserved = 0;  // 24 bits
  std::uint16_t internal_port = 0;
  std::uint16_t external_port = 0;  // suggested (request) or assigned (response)
  PcpAddress external_ip{};         // suggested (request) or assigned (response)
};

// PEER data after the MAP-like part, §12.1:
// |       Remote Peer Port        |     Reserved (16 bits)        |
// |               Remote Peer IP Address (128 bits)               |
struct PcpPeerData {
  std::uint16_t remote_peer_port = 0;
  std::uint16_t reserved = 0;
  PcpAddress remote_peer_ip{};
};

struct PcpView {
  std::uint8_t version = 0;
  bool response = false;         // R bit
  std::uint8_t opcode = 0;       // 7 bits
  std::uint16_t reserved = 0;    // request: bytes 2-3; response: byte 2
  std::uint32_t lifetime = 0;    // requested (request) or granted / error lifetime (response)
  PcpAddress client_ip{};        // request only
  std::uint8_t result_code = 0;  // response only
  std::uint32_t epoch = 0;       // response only
  ByteView rsp_reserved{};       // response only: the 12 reserved bytes
  PcpMapData map{};              // MAP and PEER
  PcpPeerData peer{};            // PEER only
  ByteView opcode_data{};        // the opcode-specific bytes; for unknown opcodes everything after the header
  ByteView options_data{};       // every byte after the opcode data (walk it with PcpOptionIterator)
  std::array<PcpOption, kPcpMaxOptions> options{};
  std::uint8_t option_count = 0;  // options stored in `options` (at most kPcpMaxOptions)

  [[nodiscard]] constexpr bool has_nonce() const { return version >= 2; }
  [[nodiscard]] std::span<const PcpOption> option_list() const { return {options.data(), option_count}; }
  // First stored option with this code, or nullptr.
  [[nodiscard]] const PcpOption* find_option(std::uint8_t code) const;
  [[nodiscard]] std::size_t count_option(std::uint8_t code) const;
};

// Parses one PCP message (a whole UDP payload). Never allocates.
// Outcomes, in the order they are checked:
//   pcp_truncated (truncated: empty, or a PCP header shorter than 24 bytes),
//   pcp_version_natpmp (unsupported: version 0; version, R and opcode exposed),
//   pcp_version_unsupported (unsupported: version > 2; the common header is exposed),
//   pcp_opcode_unknown (unsupported: header exposed, opcode_data = rest, options not parsed),
//   pcp_opcode_data_truncated (truncated: MAP/PEER data cut short),
//   pcp_message_too_long (invalid: > 1100 bytes; everything is still parsed),
//   pcp_length_not_multiple_of_4 (invalid: everything is still parsed; an unpadded final option is kept
//     with a short `padding`, as tshark does),
//   pcp_option_overrun (invalid: an option header or data runs past the message; earlier options kept),
//   pcp_options_too_many (unsupported: more than kPcpMaxOptions; the first ones are stored).
// Version 1 is parsed with the nonce-less MAP/PEER layout and is ok; refusing it is policy.
Result<PcpView> parse_pcp(ByteView data);

struct PcpRequestFields {
  std::uint8_t version = kPcpVersion;
  std::uint8_t opcode = pcp_op::map;
  std::uint32_t lifetime = 0;
  PcpAddress client_ip{};
  PcpMapData map{};        // MAP and PEER
  PcpPeerData peer{};      // PEER
  ByteView opcode_data{};  // written verbatim for opcodes other than ANNOUNCE/MAP/PEER
  ByteView options{};      // encoded options (write_pcp_* in pcp_options.hpp), appended verbatim
};
// Fails (w.ok() false) if the message would exceed 1100 bytes.
void write_pcp_request(ByteWriter& w, const PcpRequestFields& f);

struct PcpResponseFields {
  std::uint8_t version = kPcpVersion;
  std::uint8_t opcode = pcp_op::map;  // the request's opcode; R is set by the builder
  std::uint8_t result_code = pcp_result::success;
  std::uint32_t lifetime = 0;
  std::uint32_t epoch = 0;
  PcpMapData map{};
  PcpPeerData peer{};
  ByteView opcode_data{};
  ByteView options{};
};
// Fails (w.ok() false) if the message would exceed 1100 bytes.
void write_pcp_response(ByteWriter& w, const PcpResponseFields& f);

// "ANNOUNCE", "MAP", "PEER", "AUTHENTICATION", or "unknown".
const char* pcp_opcode_name(std::uint8_t opcode);
// §7.4 names ("SUCCESS" ... "EXCESSIVE_REMOTE_PEERS"), or "unknown" for 14 and up.
const char* pcp_result_name(std::uint8_t code);

// ::ffff:a.b.c.d for an IPv4 address in host order.
PcpAddress pcp_ipv4_mapped(std::uint32_t ipv4);
bool pcp_is_ipv4_mapped(const PcpAddress& a);
// The low 32 bits (the IPv4 address of a mapped address), in host order.
std::uint32_t pcp_ipv4(const PcpAddress& a);

inline constexpr std::size_t kPcpAddressStrLen = 46;  // INET6_ADDRSTRLEN, including the NUL
// Writes the address as text into out, NUL-terminated: IPv4-mapped as dotted IPv4 ("10.77.0.2"), anything
// else as RFC 5952 IPv6. Returns a view of the text, or an empty view if out is too small.
std::string_view format_pcp_address(const PcpAddress& a, std::span<char> out);

}  // namespace pktmap::codec
