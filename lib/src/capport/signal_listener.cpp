// Raw-socket reader for enforcement signals (see signal_listener.hpp).
#include "pktmap/capport/signal_listener.hpp"

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pktmap::capport {

namespace {

int open_raw(int family, int proto, const std::string& interface, std::string& why) {
  int fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) {
    why = std::string(family == AF_INET ? "raw ICMP" : "raw ICMPv6") + " socket: " + std::strerror(errno);
    return -1;
  }
  if (!interface.empty() && ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                                         static_cast<socklen_t>(interface.size())) != 0) {
    why = "bind to " + interface + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  if (family == AF_INET6) {
    // Only Destination Unreachable reaches us (RFC 3542 §3.2).
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
    ::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
  }
  return fd;
}

}  // namespace

SignalListener::~SignalListener() {
  if (v4_ >= 0) ::close(v4_);
  if (v6_ >= 0) ::close(v6_);
}

bool SignalListener::open(const std::string& interface) {
  std::string why4;
  std::string why6;
  v4_ = open_raw(AF_INET, IPPROTO_ICMP, interface, why4);
  v6_ = open_raw(AF_INET6, IPPROTO_ICMPV6, interface, why6);
  if (v4_ < 0 && v6_ < 0) skip_reason_ = why4 + "; " + why6 + " (needs root or CAP_NET_RAW)";
  return v4_ >= 0 || v6_ >= 0;
}

std::vector<int> SignalListener::fds() const {
  std::vector<int> out;
  if (v4_ >= 0) out.push_back(v4_);
  if (v6_ >= 0) out.push_back(v6_);
  return out;
}

std::vector<IcmpSignal> SignalListener::drain(std::span<const ProbeFlow> flows, double at) {
  std::vector<IcmpSignal> out;
  std::uint8_t buf[2048];
  for (int fd : fds()) {
    for (int n = 0; n < 64; ++n) {  // bounded: a flood cannot hold the probe here
      sockaddr_storage from{};
      socklen_t len = sizeof from;
      ssize_t got = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (got < 0) break;
      char addr[INET6_ADDRSTRLEN] = {};
      ByteView message(buf, static_cast<std::size_t>(got));
      int family = fd == v6_ ? 6 : 4;
      if (family == 4) {
        // IPv4 raw sockets deliver the IP header too (raw(7)); IHL from its first byte.
        std::size_t ihl = got > 0 ? static_cast<std::size_t>(buf[0] & 0x0f) * 4 : 0;
        if (ihl < 20 || ihl > message.size()) continue;
        message = message.subspan(ihl);
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&from)->sin_addr, addr, sizeof addr);
      } else {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&from)->sin6_addr, addr, sizeof addr);
      }
      // Our own outgoing echo requests and the like are not signals worth listing.
      if (family == 4 && !message.empty() && message[0] != 3 && message[0] != kIcmpCaptivePortalType)
        continue;
      auto s = match_icmp_signal(family, message, addr, flows);
      s.at = at;
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace pktmap::capport
