#pragma once
// PCP requests and responses as plain values, over the codec (codec/pcp.hpp builds and parses the bytes).
// A Request is what the client wants; a Response owns the fields of one answer so it outlives the datagram.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pktmap/codec/pcp.hpp"
#include "pktmap/pcp/endpoint.hpp"

namespace pktmap::pcp {

using codec::PcpFilter;
using codec::PcpNonce;
using codec::PcpPortSet;

struct Request {
  std::uint8_t opcode = codec::pcp_op::map;
  std::uint32_t lifetime = 0;
  PcpAddress client_ip{};
  PcpNonce nonce{};
  std::uint8_t protocol = 17;
  std::uint16_t internal_port = 0;
  std::uint16_t external_port = 0;  // suggested
  PcpAddress external_ip{};         // suggested; ::ffff:0.0.0.0 or :: for "no preference"
  Endpoint remote_peer{};           // PEER only
  std::optional<PcpAddress> third_party;
  bool prefer_failure = false;
  std::vector<PcpFilter> filters;
  std::optional<std::string> description;  // RFC 7220 DESCRIPTION (option 128)
  std::optional<PcpPortSet> port_set;      // RFC 7753 PORT_SET (option 130)
};

// Encodes into out (at most 1100 bytes). Returns the length, or 0 if the request does not fit.
std::size_t build_request(const Request& r, std::span<std::uint8_t> out);

struct Response {
  std::uint8_t version = 0;
  std::uint8_t opcode = 0;
  std::uint8_t result = 0;
  std::uint32_t lifetime = 0;
  std::uint32_t epoch = 0;
  PcpNonce nonce{};
  std::uint8_t protocol = 0;
  std::uint16_t internal_port = 0;
  std::uint16_t external_port = 0;  // assigned
  PcpAddress external_ip{};         // assigned
  Endpoint remote_peer{};           // PEER
  std::optional<PcpPortSet> port_set;
  std::optional<PcpAddress> third_party;
  std::optional<std::string> description;
  std::vector<PcpFilter> filters;
  bool prefer_failure = false;
  std::vector<std::uint8_t> unknown_options;  // codes of options this client does not interpret
  bool port_set_echoed = false;               // PORT_SET byte-identical to the request's (set by the client)

  // Ports granted on success: the PORT_SET size, or 1 without PORT_SET (RFC 7753 §4: a single port).
  [[nodiscard]] std::uint32_t granted_ports() const;
};

// Decodes a response datagram. nullopt (with `why` set to the codec outcome or a reason) when it is not a
// well-formed PCP version-2 response.
std::optional<Response> decode_response(ByteView data, std::string_view& why);

PcpNonce random_nonce();
// 24 hex digits (spaces and colons allowed). nullopt otherwise.
std::optional<PcpNonce> parse_nonce(std::string_view hex);
std::string format_nonce(const PcpNonce& n);

// "udp" -> 17, "tcp" -> 6, "all" -> 0, or a number 0-255.
std::optional<std::uint8_t> parse_protocol(std::string_view text);
std::string protocol_name(std::uint8_t p);
// The "no preference" suggested external address in the family of `client`.
PcpAddress any_address_like(const PcpAddress& client);

}  // namespace pktmap::pcp
