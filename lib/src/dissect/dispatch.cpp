#include "pktmap/dissect/dispatch.hpp"

#include <charconv>

namespace pktmap::dissect {

namespace {
constexpr std::array<std::string_view, static_cast<std::size_t>(Proto::kCount)> kNames = {
    "none",  "eth",       "vlan", "arp",  "ipv4", "ipv6", "udp",    "tcp", "icmp", "icmpv6", "gre",
    "vxlan", "vxlan-gpe", "nsh",  "mpls", "pcp",  "dhcp", "dhcpv6", "sll", "sll2", "payload"};

bool parse_number(std::string_view text, std::uint32_t& out) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  auto r = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

bool split_rule(std::string_view rule, std::uint32_t& number, Proto& proto, std::string_view& why) {
  auto eq = rule.find('=');
  if (eq == std::string_view::npos) {
    why = "expected NUMBER=PROTOCOL";
    return false;
  }
  if (!parse_number(rule.substr(0, eq), number) || number > 0xffff) {
    why = "number must be 0..65535 (decimal or 0x hex)";
    return false;
  }
  auto p = proto_from_name(rule.substr(eq + 1));
  if (!p) {
    why = "unknown protocol (use one of: eth, ipv4, ipv6, vxlan, vxlan-gpe, nsh, pcp, dhcp, dhcpv6, none)";
    return false;
  }
  proto = *p;
  return true;
}
}  // namespace

std::string_view proto_name(Proto p) {
  auto i = static_cast<std::size_t>(p);
  return i < kNames.size() ? kNames[i] : "?";
}

std::optional<Proto> proto_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Proto>(i);
  }
  if (name == "ethernet") return Proto::ethernet;
  if (name == "vxlan_gpe" || name == "gpe") return Proto::vxlan_gpe;
  if (name == "dhcpv4") return Proto::dhcpv4;
  return std::nullopt;
}

DispatchTable::DispatchTable() {
  ether_[0x0800] = Proto::ipv4;
  ether_[0x86DD] = Proto::ipv6;
  ether_[0x0806] = Proto::arp;
  ether_[0x8100] = Proto::vlan;
  ether_[0x88A8] = Proto::vlan;
  ether_[0x9100] = Proto::vlan;
  ether_[0x894F] = Proto::nsh;       // RFC 8300 §11.1
  ether_[0x6558] = Proto::ethernet;  // transparent Ethernet bridging (GRE)
  ether_[0x8847] = Proto::mpls;
  udp_[4789] = Proto::vxlan;      // RFC 7348
  udp_[4790] = Proto::vxlan_gpe;  // draft-ietf-nvo3-vxlan-gpe
  udp_[5351] = Proto::pcp;        // RFC 6887 server port
  udp_[5350] = Proto::pcp;        // RFC 6887 client port (ANNOUNCE)
  udp_[67] = Proto::dhcpv4;
  udp_[68] = Proto::dhcpv4;
  udp_[546] = Proto::dhcpv6;
  udp_[547] = Proto::dhcpv6;
}

bool DispatchTable::add_udp_rule(std::string_view rule, std::string_view& why) {
  std::uint32_t n = 0;
  Proto p{};
  if (!split_rule(rule, n, p, why)) return false;
  udp_[n] = p;
  return true;
}

bool DispatchTable::add_ethertype_rule(std::string_view rule, std::string_view& why) {
  std::uint32_t n = 0;
  Proto p{};
  if (!split_rule(rule, n, p, why)) return false;
  ether_[n] = p;
  return true;
}

}  // namespace pktmap::dissect
