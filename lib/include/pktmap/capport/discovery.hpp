#pragma once
// Discovery of the captive-portal API URI (RFC 8910) before the live probe asks it.
//
// Sources, each reported with where it came from:
// - the network, on one interface, during a bounded window: a packet capture (libpcap) hears DHCPv4 replies
//   with option 114 (legacy 160, flagged), DHCPv6 replies with option 103 and Router Advertisements with
//   option 37, whether they answer what the probe sent (active: Router Solicitation, DHCPINFORM whose
//   Parameter Request List asks for 114, DHCPv6 Information-Request whose ORO asks for 103) or were sent to
//   the link anyway (passive). Needs CAP_NET_RAW (and port 68/546 for the active requests): without it these
//   sources are skipped with the reason;
// - OS state: systemd-networkd link state files (`CAPTIVE_PORTAL=`, /run/systemd/netif/links/IFINDEX) and
//   ISC dhclient leases (114 is `default-url`, 160 `v4-captive-portal`, DHCPv6 103
//   `dhcp6.v6-captive-portal`; the newest unexpired lease of the interface counts).
//
// `urn:ietf:params:capport:unrestricted` means the network says it is not captive (RFC 8910 §2). URIs that
// are not https are ignored with the reason (RFC 8908 §4). Different URIs from different sources are a
// network configuration error (RFC 8910 §3): reported, and one is chosen by a fixed precedence (RA 37,
// DHCPv6 103, DHCPv4 114 from the network, then networkd, then leases; legacy 160 last).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pktmap::capport {

enum class DiscoveryMode : unsigned char {
  full,     // send requests, listen, read OS state
  passive,  // listen and read OS state; send nothing
  files,    // OS state only
  off,
};
// "full", "passive", "files", "off"; parse returns false on anything else.
std::string_view discovery_mode_name(DiscoveryMode m);
bool parse_discovery_mode(std::string_view text, DiscoveryMode& out);

inline constexpr std::string_view kNetworkdLinksDir = "/run/systemd/netif/links";
inline constexpr std::string_view kDhclientLeaseDir = "/var/lib/dhcp";

struct DiscoveryOptions {
  DiscoveryMode mode = DiscoveryMode::full;
  std::string interface;  // empty: OS state of every link; no network sources
  std::chrono::milliseconds window{1500};
  std::string networkd_dir{kNetworkdLinksDir};
  std::vector<std::string> lease_files;  // empty: kDhclientLeaseDir/dhclient*.leases
};

struct DiscoveredUri {
  std::string source;  // "ra-37", "dhcpv6-103", "dhcpv4-114", "dhcpv4-160", "networkd", "dhclient"
  std::string origin;  // sender address, or file (and lease option name)
  std::string how;     // "reply to our DHCPINFORM", "passive", "link state file", "lease"
  std::string uri;
  bool legacy = false;
  bool unrestricted = false;
  bool usable = false;                // https (or the unrestricted URN) and well formed
  std::vector<std::string> problems;  // why not usable, or conformance remarks
};

struct DiscoveryReport {
  DiscoveryMode mode = DiscoveryMode::full;
  std::string interface;
  std::vector<DiscoveredUri> found;
  std::vector<std::string> sent;     // "Router Solicitation", "DHCPINFORM (PRL 114, 160)", ...
  std::vector<std::string> skipped;  // sources not used, with the reason
  std::vector<std::string> config_errors;
  std::optional<std::string> api_uri;  // the chosen https URI
  std::string api_source;              // its source(s)
  bool unrestricted = false;           // the chosen value is the unrestricted URN
  double seconds = 0;
};

// Runs discovery under options.window (network part) and returns what was found. Never throws for
// missing privileges or files (those are `skipped`); throws SetupError for an unknown interface.
DiscoveryReport run_discovery(const DiscoveryOptions& options);

// The pieces, separate so they can be tested without a network.

// Checks a URI and fills usable/legacy/unrestricted/problems.
void assess_discovered_uri(DiscoveredUri& u);
// Chooses the API URI and records RFC 8910 §3 mismatches (fills api_uri, api_source, unrestricted,
// config_errors).
void reconcile_discovery(DiscoveryReport& r);

// systemd-networkd link state file text: the CAPTIVE_PORTAL= value, if any.
std::optional<std::string> networkd_captive_portal(std::string_view state_file_text);

struct LeaseUri {
  std::string option;  // "default-url", "v4-captive-portal", "dhcp6.v6-captive-portal"
  std::string uri;
};
struct LeaseScan {
  std::vector<LeaseUri> uris;  // from the newest lease of the interface
  bool lease_found = false;
  bool expired = false;
  std::string expiry;  // the lease's expire value as written
};
// ISC dhclient lease file text (lease and lease6 blocks). `interface` empty: any interface. `now` is
// seconds since the epoch (UTC), to skip expired leases.
LeaseScan scan_dhclient_leases(std::string_view text, std::string_view interface, long long now);

std::string format_discovery(const DiscoveryReport& r);

}  // namespace pktmap::capport
