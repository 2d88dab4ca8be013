#include "pktmap/pcp/udp_socket.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "pktmap/error.hpp"

namespace pktmap::pcp {

namespace {
[[noreturn]] void fail(const std::string& what) {
  throw SetupError(what + ": " + std::strerror(errno));
}
}  // namespace

UdpSocket UdpSocket::open(bool v6) {
  UdpSocket s;
  s.fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s.fd_ < 0) fail("socket");
  s.v6_ = v6;
  if (v6) {
    int on = 1;
    ::setsockopt(s.fd_, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  return s;
}

UdpSocket UdpSocket::bound(const Endpoint& local, bool reuse) {
  UdpSocket s = open(!local.is_v4());
  if (reuse) {
    int on = 1;
    ::setsockopt(s.fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  }
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(local, ss, s.v6_);
  if (::bind(s.fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) fail("bind " + format_endpoint(local));
  return s;
}

UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    v6_ = o.v6_;
    o.fd_ = -1;
  }
  return *this;
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void UdpSocket::connect_to(const Endpoint& peer) {
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(peer, ss, v6_);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) fail("connect " + format_endpoint(peer));
}

void UdpSocket::disconnect() {
  sockaddr_storage ss{};
  ss.ss_family = AF_UNSPEC;
  ::connect(fd_, reinterpret_cast<sockaddr*>(&ss), sizeof(sockaddr));
}

Endpoint UdpSocket::local() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) fail("getsockname");
  return from_sockaddr(ss);
}

void UdpSocket::join_group(const PcpAddress& group, unsigned ifindex) {
  if (!v6_) {
    ip_mreqn m{};
    std::memcpy(&m.imr_multiaddr, group.data() + 12, 4);
    m.imr_ifindex = static_cast<int>(ifindex);
    if (::setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0) fail("join 224.0.0.1");
    return;
  }
  ipv6_mreq m{};
  std::memcpy(&m.ipv6mr_multiaddr, group.data(), 16);
  m.ipv6mr_interface = ifindex;
  if (::setsockopt(fd_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m) != 0) fail("join ff02::1");
}

bool UdpSocket::send_to(ByteView data, const Endpoint& to) const {
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(to, ss, v6_);
  return ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) ==
         static_cast<ssize_t>(data.size());
}

std::optional<std::size_t> UdpSocket::recv_from(MutableByteView buf, Endpoint& from,
                                                std::chrono::milliseconds timeout) const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  // Try first without waiting: under load a datagram is usually queued, and this saves the poll() call.
  ssize_t got = ::recvfrom(fd_, buf.data(), buf.size(), MSG_TRUNC | MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&ss), &len);
  if (got < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) return std::nullopt;  // e.g. a queued ICMP error
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout.count() < 0 ? -1 : static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    len = sizeof ss;
    got = ::recvfrom(fd_, buf.data(), buf.size(), MSG_TRUNC | MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss),
                     &len);
    if (got < 0) return std::nullopt;
  }
  from = from_sockaddr(ss);
  return static_cast<std::size_t>(got);
}

}  // namespace pktmap::pcp
