#pragma once
// The parts of capport discovery (discovery.cpp) that talk to the kernel and to OS state files: the
// interface's addresses, the three requests sent from sockets bound to it (discovery_requests.cpp), and
// the systemd-networkd and dhclient state readers (discovery_files.cpp).
#include <netinet/in.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "pktmap/capport/discovery.hpp"

namespace pktmap::capport::detail {

struct Interface {
  std::string name;
  unsigned index = 0;
  std::array<std::uint8_t, 6> mac{};
  bool has_mac = false;
  std::optional<in_addr> v4;
  std::optional<in6_addr> link_local;
};

// Throws SetupError for an unknown interface; addresses it cannot read stay unset.
Interface interface_info(const std::string& name);

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
};

// Each sends one request (the first call opens the socket into `keep`; a retransmission reuses it) and
// returns "" or why it was not sent.
// DHCPINFORM (RFC 2131 §4.4.3): ciaddr set, PRL asking for 114 (and 160, to see legacy deployments).
std::string send_inform(const Interface& i, std::uint32_t xid, std::unique_ptr<Socket>& keep);
// Information-Request (RFC 8415 §18.2.6): Client ID (DUID-LL), ORO with 103, Elapsed Time.
std::string send_info_request(const Interface& i, std::uint32_t xid, std::unique_ptr<Socket>& keep);
// Router Solicitation (RFC 4861 §4.1, §6.3.7): hop limit 255, with the source link-layer address.
std::string send_rs(const Interface& i, std::unique_ptr<Socket>& keep);

// CAPTIVE_PORTAL= in systemd-networkd's link state files (iface null: every link).
void read_networkd(const DiscoveryOptions& o, const Interface* iface, DiscoveryReport& r);
// Captive-portal options in dhclient lease files (the configured ones, or those in kDhclientLeaseDir).
void read_leases(const DiscoveryOptions& o, const std::string& iface, DiscoveryReport& r);

}  // namespace pktmap::capport::detail
