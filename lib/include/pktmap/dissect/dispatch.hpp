#pragma once
// Dispatch as data: which decoder follows an ethertype, a UDP port or an IP protocol. The defaults follow
// the IANA/IEEE assignments; tools extend them from options or config (VXLAN on 8472, NSH behind another
// ethertype) without touching the decoders.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pktmap::dissect {

enum class Proto : std::uint8_t {
  none,
  ethernet,
  vlan,
  arp,
  ipv4,
  ipv6,
  udp,
  tcp,
  icmp,
  icmpv6,
  gre,
  vxlan,
  vxlan_gpe,
  nsh,
  mpls,
  pcp,
  dhcpv4,
  dhcpv6,
  linux_sll,
  linux_sll2,
  payload,  // bytes no decoder claims
  kCount
};

// Stable lower-case name used in text output, JSON keys and --stats ("vxlan-gpe" style for text).
std::string_view proto_name(Proto p);
std::optional<Proto> proto_from_name(std::string_view name);

class DispatchTable {
 public:
  DispatchTable();  // IANA/IEEE defaults
  void set_ethertype(std::uint16_t type, Proto p) { ether_[type] = p; }
  void set_udp_port(std::uint16_t port, Proto p) { udp_[port] = p; }
  [[nodiscard]] Proto by_ethertype(std::uint16_t type) const { return ether_[type]; }
  // A UDP datagram is matched on its destination port first, then its source port (replies).
  [[nodiscard]] Proto by_udp_ports(std::uint16_t sport, std::uint16_t dport) const {
    Proto p = udp_[dport];
    return p != Proto::none ? p : udp_[sport];
  }
  [[nodiscard]] Proto by_udp_port(std::uint16_t port) const { return udp_[port]; }

  // Parses "8472=vxlan" or "0x894f=nsh" style rules; returns false with a reason on bad text.
  bool add_udp_rule(std::string_view rule, std::string_view& why);
  bool add_ethertype_rule(std::string_view rule, std::string_view& why);

 private:
  std::array<Proto, 65536> ether_{};
  std::array<Proto, 65536> udp_{};
};

}  // namespace pktmap::dissect
