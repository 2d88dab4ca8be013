#pragma once
// The emulated PCP server's policy (pcp-cli server --config FILE, YAML; keys in man/pcp-cli.1, POLICY FILE).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pktmap/pcp/endpoint.hpp"

namespace pktmap::pcp {

// RFC 7753 §5.2 stateless mapping discovery: clients in `clients` get an algorithmic port set on
// `external_ip`: client number i (its offset inside the prefix) owns ports
// first_port + i*ports_per_client .. + ports_per_client-1, unchanged between inside and outside.
struct StatelessRule {
  PcpAddress prefix{};
  unsigned prefix_len = 128;  // PCP form: IPv4 prefixes are 96 + length
  PcpAddress external_ip{};
  std::uint16_t first_port = 1024;
  std::uint16_t ports_per_client = 2048;
};

// Protocols served by default: TCP and UDP.
inline constexpr std::array<std::uint8_t, 2> kDefaultProtocols{6, 17};

struct ServerPolicy {
  // The pool; a client keeps one address (RFC 7753 §6.1). Default 192.0.2.3, as in RFC 7753 §5.1.
  std::vector<PcpAddress> external_ips{codec::pcp_ipv4_mapped(0xC0000203)};
  std::uint16_t port_min = 1024;
  std::uint16_t port_max = 65535;
  std::uint32_t min_lifetime = 120;
  std::uint32_t max_lifetime = 86400;
  // Copied from an array, not an initializer list: GCC 12 at -O3 reports the list's backing array as maybe
  // uninitialized wherever this constructor is inlined (a false -Werror=maybe-uninitialized).
  std::vector<std::uint8_t> protocols{kDefaultProtocols.begin(), kDefaultProtocols.end()};
  std::uint32_t max_set_size = 65535;      // largest PORT_SET granted at once
  std::uint32_t ports_per_client = 65535;  // quota over all of a client's MAP mappings
  bool preserve_parity = true;             // honour the PORT_SET P bit (RFC 7753 §4)
  bool allow_third_party = false;
  unsigned max_filters = 8;                  // FILTER options per MAP (beyond: EXCESSIVE_REMOTE_PEERS)
  std::uint32_t rate_per_second = 0;         // per client address; 0 = unlimited
  std::uint32_t rate_burst = 0;              // bucket size (default: rate_per_second)
  std::uint32_t short_error_lifetime = 30;   // RFC 6887 §7.4 short-lifetime errors
  std::uint32_t long_error_lifetime = 1800;  // and long-lifetime errors
  bool announce_on_start = true;             // unsolicited ANNOUNCE (§14.1.3)
  std::vector<Endpoint> announce_targets{
      // the all-hosts groups on the client port (§14.1.3)
      Endpoint{codec::pcp_ipv4_mapped(0xE0000001), 5350},
      Endpoint{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5350}};
  std::vector<StatelessRule> stateless;
  std::size_t max_mappings = 1'000'000;  // table capacity; beyond it NO_RESOURCES
};

// Parses YAML text; `name` is used in error messages ("cgn.yaml:4:9: port_set.quota: ..."). Throws
// SetupError.
ServerPolicy parse_server_policy(const std::string& yaml_text, const std::string& name);
// Reads and parses a file. Throws SetupError.
ServerPolicy load_server_policy(const std::string& path);

}  // namespace pktmap::pcp
