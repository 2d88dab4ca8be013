#pragma once
// A small RAII UDP socket for the PCP client, listener and server loop. IPv4 sockets are AF_INET; IPv6
// sockets are AF_INET6 with IPV6_V6ONLY so that one port can be bound in both families side by side.
#include <chrono>
#include <cstdint>
#include <optional>

#include "pktmap/pcp/endpoint.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::pcp {

class UdpSocket {
 public:
  UdpSocket() = default;
  // Throws SetupError (with the errno text) on failure.
  static UdpSocket open(bool v6);
  // open() + bind(); reuse sets SO_REUSEADDR (several listeners on 5350).
  static UdpSocket bound(const Endpoint& local, bool reuse = false);
  UdpSocket(UdpSocket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  ~UdpSocket();

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] bool v6() const { return v6_; }
  // connect() so that getsockname() reveals the source address the kernel picks for `peer`. Throws
  // SetupError.
  void connect_to(const Endpoint& peer);
  void disconnect();
  [[nodiscard]] Endpoint local() const;
  // Joins an IPv4 (224.0.0.1) or IPv6 (ff02::1, on every interface index given) group. Throws SetupError.
  void join_group(const PcpAddress& group, unsigned ifindex = 0);

  // Returns false (errno kept) when the kernel refuses the datagram.
  bool send_to(ByteView data, const Endpoint& to) const;
  // Waits up to `timeout` (negative: forever) for a datagram. nullopt on timeout or EINTR.
  std::optional<std::size_t> recv_from(MutableByteView buf, Endpoint& from,
                                       std::chrono::milliseconds timeout) const;

 private:
  int fd_ = -1;
  bool v6_ = false;
};

}  // namespace pktmap::pcp
