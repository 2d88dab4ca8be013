#include "pktmap/pcp/endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::pcp {

bool Endpoint::is_v4() const {
  return codec::pcp_is_ipv4_mapped(addr);
}

std::optional<PcpAddress> parse_address(std::string_view text) {
  codec::Ipv4Addr v4;
  if (codec::parse_ipv4_addr(text, v4)) return codec::pcp_ipv4_mapped(load_be32(v4.data()));
  codec::Ipv6Addr v6;
  if (codec::parse_ipv6_addr(text, v6)) return v6;
  return std::nullopt;
}

std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port) {
  if (text.empty()) return std::nullopt;
  std::string_view host = text;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {  // [v6]:port
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_text = rest.substr(1);
    }
  } else if (text.find(':') == text.rfind(':') && text.find(':') != std::string_view::npos) {  // v4:port
    host = text.substr(0, text.find(':'));
    port_text = text.substr(text.find(':') + 1);
  }
  auto addr = parse_address(host);
  if (!addr) return std::nullopt;
  Endpoint e{*addr, default_port};
  if (!port_text.empty() || (text.front() == '[' && text.back() == ':')) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || v == 0 || v > 65535)
      return std::nullopt;
    e.port = static_cast<std::uint16_t>(v);
  }
  return e;
}

std::string format_address(const PcpAddress& a) {
  char buf[codec::kPcpAddressStrLen];
  return std::string(codec::format_pcp_address(a, buf));
}

std::string format_endpoint(const Endpoint& e) {
  std::string a = format_address(e.addr);
  if (!e.is_v4()) a = "[" + a + "]";
  return a + ":" + std::to_string(e.port);
}

socklen_t to_sockaddr(const Endpoint& e, sockaddr_storage& ss, bool force_v6) {
  std::memset(&ss, 0, sizeof ss);
  if (e.is_v4() && !force_v6) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    s->sin_family = AF_INET;
    s->sin_port = htons(e.port);
    std::memcpy(&s->sin_addr, e.addr.data() + 12, 4);
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(e.port);
  std::memcpy(&s->sin6_addr, e.addr.data(), 16);
  return sizeof(sockaddr_in6);
}

Endpoint from_sockaddr(const sockaddr_storage& ss) {
  Endpoint e;
  if (ss.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&ss);
    e.addr = codec::pcp_ipv4_mapped(ntohl(s->sin_addr.s_addr));
    e.port = ntohs(s->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&ss);
    std::memcpy(e.addr.data(), &s->sin6_addr, 16);
    e.port = ntohs(s->sin6_port);
  }
  return e;
}

// /proc/net/route: "Iface Destination Gateway Flags ..." with little-endian hex addresses.
std::optional<PcpAddress> default_gateway_v4(const char* route_file) {
  std::ifstream in(route_file);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string iface, dest, gw;
    unsigned flags = 0;
    if (!(ls >> iface >> dest >> gw >> std::hex >> flags)) continue;
    constexpr unsigned kRtfUp = 1, kRtfGateway = 2;
    if (dest != "00000000" || (flags & (kRtfUp | kRtfGateway)) != (kRtfUp | kRtfGateway)) continue;
    std::uint32_t le = static_cast<std::uint32_t>(std::stoul(gw, nullptr, 16));
    return codec::pcp_ipv4_mapped(ntohl(le));  // the kernel prints the in_addr bytes as a host-order int
  }
  return std::nullopt;
}

bool in_prefix(const PcpAddress& a, const PcpAddress& prefix, unsigned len) {
  if (len > 128) return false;
  unsigned full = len / 8;
  if (std::memcmp(a.data(), prefix.data(), full) != 0) return false;
  unsigned bits = len % 8;
  if (bits == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - bits));
  return (a[full] & mask) == (prefix[full] & mask);
}

}  // namespace pktmap::pcp
