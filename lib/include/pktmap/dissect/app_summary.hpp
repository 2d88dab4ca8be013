#pragma once
// Application-layer findings of the decode chain: PCP messages, DHCP/RA provisioning and the captive-portal
// URIs they carry (RFC 8910). URIs are views into the packet, valid while the packet is.
#include <array>
#include <cstdint>
#include <string_view>

#include "pktmap/codec/pcp.hpp"

namespace pktmap::dissect {

enum class UriSource : std::uint8_t { dhcpv4_114, dhcpv4_160, dhcpv6_103, ra_37 };
std::string_view uri_source_name(UriSource s);  // "dhcpv4-114", "dhcpv4-160 (legacy RFC 7710)", ...

struct CaptiveUri {
  UriSource source{};
  std::string_view uri;
};

struct AppSummary {
  bool has_pcp = false;
  codec::PcpView pcp;

  bool has_dhcp = false;
  std::uint8_t dhcp_msg_type = 0;  // option 53
  std::uint32_t dhcp_xid = 0;
  std::array<std::uint8_t, 4> dhcp_yiaddr{};
  bool dhcp_requests_114 = false;  // in the parameter request list
  bool dhcp_requests_160 = false;

  bool has_dhcpv6 = false;
  std::uint8_t dhcpv6_msg_type = 0;
  std::uint32_t dhcpv6_xid = 0;
  bool dhcpv6_requests_103 = false;  // in the ORO

  bool has_ra = false;
  std::uint16_t ra_lifetime = 0;

  std::array<CaptiveUri, 4> uris{};
  std::uint8_t uri_count = 0;

  // Everything but the PCP view (read only when has_pcp), so no value outlives its packet.
  void reset() {
    has_pcp = has_dhcp = has_dhcpv6 = has_ra = false;
    dhcp_msg_type = dhcpv6_msg_type = 0;
    dhcp_xid = dhcpv6_xid = 0;
    dhcp_yiaddr = {};
    dhcp_requests_114 = dhcp_requests_160 = dhcpv6_requests_103 = false;
    ra_lifetime = 0;
    uri_count = 0;
  }
  void add_uri(UriSource s, std::string_view uri) {
    if (uri_count < uris.size()) uris[uri_count++] = CaptiveUri{s, uri};
  }
};

}  // namespace pktmap::dissect
