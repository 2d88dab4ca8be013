// Discovery's active requests (see discovery_parts.hpp): UDP sockets bound to the interface
// (SO_BINDTODEVICE) for DHCPINFORM and the DHCPv6 Information-Request, a raw ICMPv6 socket for the Router
// Solicitation. Their answers are heard by discovery.cpp's capture, not read from these sockets.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netpacket/packet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "discovery_parts.hpp"
#include "pktmap/codec/dhcpv4.hpp"
#include "pktmap/codec/dhcpv6.hpp"
#include "pktmap/codec/icmpv6.hpp"
#include "pktmap/error.hpp"

namespace pktmap::capport::detail {

Interface interface_info(const std::string& name) {
  Interface i;
  i.name = name;
  i.index = if_nametoindex(name.c_str());
  if (i.index == 0) throw SetupError("interface " + name + ": no such interface");
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return i;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || name != a->ifa_name) continue;
    if (a->ifa_addr->sa_family == AF_PACKET) {
      const auto* ll = reinterpret_cast<const sockaddr_ll*>(a->ifa_addr);
      if (ll->sll_halen == 6) {
        std::memcpy(i.mac.data(), ll->sll_addr, 6);
        i.has_mac = true;
      }
    } else if (a->ifa_addr->sa_family == AF_INET && !i.v4) {
      i.v4 = reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr;
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      auto addr = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr;
      if (IN6_IS_ADDR_LINKLOCAL(&addr) && !i.link_local) i.link_local = addr;
    }
  }
  freeifaddrs(list);
  return i;
}

namespace {

std::string sys_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A socket bound to the interface, or an error text.
std::unique_ptr<Socket> bound_socket(int family, int type, int proto, const Interface& i,
                                     std::string& error) {
  auto s = std::make_unique<Socket>(socket(family, type | SOCK_CLOEXEC, proto));
  if (s->fd() < 0) {
    error = sys_error("socket");
    return nullptr;
  }
  int one = 1;
  setsockopt(s->fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (setsockopt(s->fd(), SOL_SOCKET, SO_BINDTODEVICE, i.name.c_str(),
                 static_cast<socklen_t>(i.name.size())) != 0) {
    error = sys_error("SO_BINDTODEVICE " + i.name);
    return nullptr;
  }
  return s;
}

}  // namespace

// DHCPINFORM (RFC 2131 §4.4.3): ciaddr set, PRL asking for 114 (and 160, to see legacy deployments).
std::string send_inform(const Interface& i, std::uint32_t xid, std::unique_ptr<Socket>& keep) {
  if (!i.v4) return "DHCPINFORM: no IPv4 address on " + i.name;
  std::string err;
  auto s = keep ? nullptr : bound_socket(AF_INET, SOCK_DGRAM, 0, i, err);
  if (!keep) {
    if (!s) return "DHCPINFORM: " + err;
    int one = 1;
    setsockopt(s->fd(), SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(codec::kDhcpClientPort);
    if (bind(s->fd(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      return "DHCPINFORM: " + sys_error("bind to UDP port 68");
    keep = std::move(s);
  }
  std::array<std::uint8_t, 64> opts{};
  ByteWriter ow(opts);
  const std::uint8_t type = codec::dhcp_msg::inform;
  codec::write_dhcp_option(ow, codec::dhcp_opt::message_type, ByteView(&type, 1));
  if (i.has_mac) {
    std::array<std::uint8_t, 7> id{1};  // RFC 2132 §9.14: hardware type 1 + MAC
    std::memcpy(id.data() + 1, i.mac.data(), 6);
    codec::write_dhcp_option(ow, codec::dhcp_opt::client_id, id);
  }
  const std::array<std::uint8_t, 6> prl{
      codec::dhcp_opt::subnet_mask, codec::dhcp_opt::router,         codec::dhcp_opt::dns_server,
      codec::dhcp_opt::domain_name, codec::dhcp_opt::captive_portal, codec::dhcp_opt::captive_portal_legacy};
  codec::write_dhcp_option(ow, codec::dhcp_opt::parameter_request_list, prl);
  codec::DhcpFields f;
  f.xid = xid;
  f.ciaddr = ntohl(i.v4->s_addr);
  if (i.has_mac) std::memcpy(f.chaddr.data(), i.mac.data(), 6);
  f.options = ow.written();
  std::array<std::uint8_t, 576> buf{};
  ByteWriter w(buf);
  codec::write_dhcp(w, f);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(codec::kDhcpServerPort);
  to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
  if (!w.ok() || sendto(keep->fd(), buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
    return "DHCPINFORM: " + sys_error("send");
  return {};
}

// Information-Request (RFC 8415 §18.2.6): Client ID (DUID-LL), ORO with 103, Elapsed Time.
std::string send_info_request(const Interface& i, std::uint32_t xid, std::unique_ptr<Socket>& keep) {
  if (!i.link_local) return "DHCPv6 Information-Request: no IPv6 link-local address on " + i.name;
  if (!keep) {
    std::string err;
    auto s = bound_socket(AF_INET6, SOCK_DGRAM, 0, i, err);
    if (!s) return "DHCPv6 Information-Request: " + err;
    int ifindex = static_cast<int>(i.index);
    setsockopt(s->fd(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    local.sin6_port = htons(codec::kDhcpv6ClientPort);
    if (bind(s->fd(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      return "DHCPv6 Information-Request: " + sys_error("bind to UDP port 546");
    keep = std::move(s);
  }
  std::array<std::uint8_t, 64> opts{};
  ByteWriter ow(opts);
  if (i.has_mac) {
    std::array<std::uint8_t, 10> duid{0, 3, 0, 1};  // RFC 8415 §11.4 DUID-LL, hardware type 1
    std::memcpy(duid.data() + 4, i.mac.data(), 6);
    codec::write_dhcpv6_option(ow, codec::dhcpv6_opt::client_id, duid);
  }
  // 103 captive portal, 32 Information Refresh Time, 82 INF_MAX_RT (§18.2.6 MUST ask for the last two).
  const std::array<std::uint8_t, 6> oro{0, codec::dhcpv6_opt::captive_portal, 0, 32, 0, 82};
  codec::write_dhcpv6_option(ow, codec::dhcpv6_opt::oro, oro);
  const std::array<std::uint8_t, 2> elapsed{0, 0};
  codec::write_dhcpv6_option(ow, codec::dhcpv6_opt::elapsed_time, elapsed);
  codec::Dhcpv6Fields f;
  f.msg_type = codec::dhcpv6_msg::information_request;
  f.transaction_id = xid & 0xffffff;
  f.options = ow.written();
  std::array<std::uint8_t, 128> buf{};
  ByteWriter w(buf);
  codec::write_dhcpv6(w, f);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(codec::kDhcpv6ServerPort);
  inet_pton(AF_INET6, "ff02::1:2", &to.sin6_addr);  // All_DHCP_Relay_Agents_and_Servers
  to.sin6_scope_id = i.index;
  if (!w.ok() || sendto(keep->fd(), buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
    return "DHCPv6 Information-Request: " + sys_error("send");
  return {};
}

// Router Solicitation (RFC 4861 §4.1, §6.3.7): hop limit 255, with the source link-layer address.
std::string send_rs(const Interface& i, std::unique_ptr<Socket>& keep) {
  if (!i.link_local) return "Router Solicitation: no IPv6 link-local address on " + i.name;
  if (!keep) {
    std::string err;
    auto s = bound_socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, i, err);
    if (!s) return "Router Solicitation: " + err;
    int hops = 255;
    int ifindex = static_cast<int>(i.index);
    setsockopt(s->fd(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    setsockopt(s->fd(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
    icmp6_filter filter;  // this socket only sends
    ICMP6_FILTER_SETBLOCKALL(&filter);
    setsockopt(s->fd(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
    keep = std::move(s);
  }
  codec::Ipv6Addr src{};
  std::memcpy(src.data(), i.link_local->s6_addr, 16);
  codec::Ipv6Addr dst{0xff, 0x02};
  dst[15] = 2;  // all-routers
  std::array<std::uint8_t, 16> body_buf{};
  ByteWriter bw(body_buf);
  bw.zeros(4);  // Reserved
  if (i.has_mac) codec::write_nd_option(bw, codec::nd_opt::source_lladdr, i.mac);
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  codec::write_icmpv6(w, {codec::icmpv6_type::router_solicit, 0, 0}, bw.written(), src, dst);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(to.sin6_addr.s6_addr, dst.data(), 16);
  to.sin6_scope_id = i.index;
  if (!w.ok() || sendto(keep->fd(), buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
    return "Router Solicitation: " + sys_error("send");
  return {};
}

}  // namespace pktmap::capport::detail
