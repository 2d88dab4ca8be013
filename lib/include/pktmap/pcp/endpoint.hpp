#pragma once
// A UDP endpoint as PCP sees it: a 128-bit address (IPv4 in the IPv4-mapped form, RFC 6887 §5) and a port.
// Using the PCP form everywhere means a packet source compares directly with the Client IP field.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/socket.h>

#include "pktmap/codec/pcp.hpp"

namespace pktmap::pcp {

using codec::PcpAddress;

struct Endpoint {
  PcpAddress addr{};
  std::uint16_t port = 0;

  [[nodiscard]] bool is_v4() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// "10.0.0.1", "10.0.0.1:5351", "2001:db8::1", "[2001:db8::1]:5351". nullopt on bad text or port.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port);
// An address only ("10.0.0.1" -> ::ffff:10.0.0.1, "2001:db8::1").
std::optional<PcpAddress> parse_address(std::string_view text);
// "10.0.0.1" / "2001:db8::1".
std::string format_address(const PcpAddress& a);
// "10.0.0.1:5351" / "[2001:db8::1]:5351".
std::string format_endpoint(const Endpoint& e);

// sockaddr conversions: IPv4-mapped addresses become AF_INET unless force_v6 (for AF_INET6 sockets).
socklen_t to_sockaddr(const Endpoint& e, sockaddr_storage& ss, bool force_v6 = false);
Endpoint from_sockaddr(const sockaddr_storage& ss);

// The IPv4 default gateway from /proc/net/route (RFC 6887 §8.1: the client's default router is the server
// unless configured otherwise), or nullopt.
std::optional<PcpAddress> default_gateway_v4(const char* route_file = "/proc/net/route");

// True when `a` lies inside prefix/len (both in PCP form; IPv4 prefixes use len 96 + IPv4 length).
bool in_prefix(const PcpAddress& a, const PcpAddress& prefix, unsigned len);

}  // namespace pktmap::pcp
