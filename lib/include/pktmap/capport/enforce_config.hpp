#pragma once
// Configuration of `capport-probe enforce`: the `enforce:` section of portal.yaml (the file `serve` reads),
// parsed into typed, bounded values. See man/capport-probe.1, ENFORCEMENT CONFIGURATION.
//
//   hostname: portal.example.net        # shared with `serve`: the default portal URL is built from it
//   https_port: 8443
//   session_seconds: 3600               # shared: how long a client stays allowed after accepting
//   enforce:
//     client_networks: [192.0.2.0/24, 2001:db8::/64]   # required: the client side; the rest is Internet
//     internet_macs: [02:00:00:00:00:01]  # optional: frames from/to these MACs cross the Internet side
//     gateway: {ipv4: 192.0.2.1, ipv6: 2001:db8::1}     # source of notifications
//     portal_url: https://portal.example.net/portal      # where HTTP redirects point
//     accept_url: http://portal.example.net/accept       # a request here in the capture allows the client
//     walled_garden: [198.51.100.7, {net: 203.0.113.0/28, proto: tcp, ports: [443]}]
//     dns: true                          # port 53 to anywhere is in the walled garden
//     allowed:                           # clients allowed by MAC and/or IP, optionally from/until a time
//       - {mac: 02:00:00:00:00:20}
//       - {ip: 192.0.2.40, from: 2026-01-01T12:00:05Z}
//     notify: {rate: 1, burst: 1, quote: max}   # ICMP notifications per client: token bucket
//     redirect: {status: 302}            # or 511 (RFC 6585 §6)
//     max_clients: 65536
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/ip_common.hpp"

namespace pktmap::capport {

// An IPv4 or IPv6 prefix; addresses are kept in 16 bytes, IPv4 in the first 4.
struct IpPrefix {
  std::uint8_t version = 0;  // 4 or 6
  std::array<std::uint8_t, 16> addr{};
  std::uint8_t length = 0;  // prefix length in bits

  [[nodiscard]] bool contains(std::uint8_t v, const std::uint8_t* a) const;
};
// "192.0.2.0/24", "2001:db8::/64", or an address (a host prefix). False when malformed.
bool parse_ip_prefix(std::string_view text, IpPrefix& out);

struct GardenEntry {
  IpPrefix net;
  std::uint8_t proto = 0;            // 0: any, else 6 (tcp) or 17 (udp)
  std::vector<std::uint16_t> ports;  // empty: any destination port
};

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();

struct AllowedClient {
  bool has_mac = false;
  codec::MacAddr mac{};
  bool has_ip = false;
  IpPrefix ip;                       // a host or a prefix
  std::int64_t from_ns = kNoTime;    // allowed from this capture time on (ns since the Unix epoch)
  std::int64_t until_ns = kForever;  // and before this one
};

enum class QuoteSize : unsigned char {
  minimal,  // RFC 792: the IP header and the first 64 bits of the datagram
  max,      // RFC 1812 §4.3.2.3 / RFC 4443 §2.4(c): as much as fits 576 (IPv4) / 1280 (IPv6) bytes
};

struct EnforceConfig {
  std::vector<IpPrefix> client_networks;
  std::vector<codec::MacAddr> internet_macs;
  bool has_gateway_v4 = false;
  codec::Ipv4Addr gateway_v4{};
  bool has_gateway_v6 = false;
  codec::Ipv6Addr gateway_v6{};
  std::string portal_url;  // default https://<hostname>:<https_port>/portal
  std::string accept_url;  // empty: clients are allowed only by the `allowed` list
  std::vector<GardenEntry> walled_garden;
  bool garden_dns = true;
  std::vector<AllowedClient> allowed;
  double notify_rate = 1.0;   // tokens per second per client
  double notify_burst = 1.0;  // bucket size
  QuoteSize quote = QuoteSize::max;
  int redirect_status = 302;
  std::uint32_t session_seconds = 3600;
  std::size_t max_clients = 65536;
};

// Reads the `enforce:` section of a portal.yaml (plus hostname, https_port and session_seconds). Throws
// SetupError naming the file, line:column and key for a bad value, an unknown key or a missing
// client_networks.
EnforceConfig load_enforce_config(const std::string& path);
// The same from YAML text (`name` stands for the file in messages): for tests and the fuzz target.
EnforceConfig parse_enforce_config(const std::string& yaml_text, const std::string& name);

}  // namespace pktmap::capport
