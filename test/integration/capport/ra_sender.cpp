// Test helper for the namespace test: sends Router Advertisements carrying the RFC 8910 Captive-Portal
// option (37) on one interface, because dnsmasq 2.90 and radvd 2.19 cannot. Built with the project's
// builders (write_router_advert, write_nd_captive_portal). Router lifetime 0: not a default router.
//
// Usage: capport_ra_sender IFACE URI SECONDS — one RA to ff02::1 every 100 ms until SECONDS or SIGTERM.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "pktmap/codec/icmpv6.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

bool link_local_of(const char* iface, pktmap::codec::Ipv6Addr& out) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* a = list; a && !found; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET6 || std::strcmp(a->ifa_name, iface) != 0) continue;
    const auto& sin6 = *reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
    if (!IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr)) continue;
    std::memcpy(out.data(), sin6.sin6_addr.s6_addr, 16);
    found = true;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: capport_ra_sender IFACE URI SECONDS\n");
    return 1;
  }
  const char* iface = argv[1];
  const std::string uri = argv[2];
  const double seconds = std::atof(argv[3]);
  unsigned index = if_nametoindex(iface);
  pktmap::codec::Ipv6Addr src{};
  if (index == 0 || !link_local_of(iface, src)) {
    std::fprintf(stderr, "capport_ra_sender: %s: no such interface or no link-local address\n", iface);
    return 1;
  }
  int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  if (fd < 0) {
    std::perror("capport_ra_sender: socket");
    return 1;
  }
  int hops = 255;
  int ifindex = static_cast<int>(index);
  setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
  setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);

  pktmap::codec::Ipv6Addr dst{0xff, 0x02};
  dst[15] = 1;  // all-nodes
  std::array<std::uint8_t, 512> opts{};
  pktmap::ByteWriter ow(opts);
  pktmap::codec::write_nd_captive_portal(ow, uri);
  std::array<std::uint8_t, 600> buf{};
  pktmap::ByteWriter w(buf);
  pktmap::codec::RouterAdvertFields f;
  f.router_lifetime = 0;
  pktmap::codec::write_router_advert(w, f, ow.written(), src, dst);
  if (!ow.ok() || !w.ok()) {
    std::fprintf(stderr, "capport_ra_sender: URI too long for option 37\n");
    return 1;
  }
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(to.sin6_addr.s6_addr, dst.data(), 16);
  to.sin6_scope_id = index;

  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::printf("sending\n");
  std::fflush(stdout);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop && std::chrono::steady_clock::now() < end) {
    if (sendto(fd, buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
      std::perror("capport_ra_sender: sendto");
      close(fd);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  close(fd);
  return 0;
}
