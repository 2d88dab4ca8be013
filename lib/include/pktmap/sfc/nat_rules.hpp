#pragma once
// NAT translation rules (draft-song-sfc-legacy-sf-mapping-04 §4: a non-transparent SF's "5-tuple ->
// 5-tuple'" mapping rules, which the proxy learns from the control plane). One format serves both sides:
// the emulated SF (sfcproxy-replay --sf, key `nat:`) applies the rules to packets, and `--mode nat` keys
// each stored header by the tuple the rules predict will come back. So the translation must be a function
// of the packet alone:
//   - a field absent from `match` matches anything; absent from `rewrite` stays as it was;
//   - an address rewrite to a prefix keeps the host bits (iptables NETMAP): 10.1.2.3 -> 198.51.100.0/24
//     gives 198.51.100.3;
//   - a port rewrite to a range lo-hi gives lo + (port mod (hi-lo+1)); a single port replaces it.
// The first matching rule applies. Rules are checked when loaded (file, line:column, key).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pktmap/flow/five_tuple.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace YAML {
class Node;
}

namespace pktmap::sfc {

struct AddrField {
  bool set = false;
  std::uint8_t version = 0;  // 4 or 6
  std::uint8_t prefix = 0;   // bits; 32/128 for a single address
  std::array<std::uint8_t, 16> addr{};
};

struct PortField {
  bool set = false;
  std::uint16_t lo = 0;
  std::uint16_t hi = 0;
};

struct NatRule {
  int proto = -1;  // -1 any
  AddrField src, dst;
  PortField sport, dport;
  AddrField to_src, to_dst;
  PortField to_sport, to_dport;

  [[nodiscard]] bool matches(const flow::FiveTuple& t) const;
  // The translated tuple (rule assumed to match).
  [[nodiscard]] flow::FiveTuple apply(const flow::FiveTuple& t) const;
};

// Field text parsers shared by the YAML loader and the state file; each returns an error message or "".
std::string parse_addr_field(std::string_view text, AddrField& out);
std::string parse_port_field(std::string_view text, PortField& out);
// "N" or "LO-HI" in decimal with LO <= HI <= max: the form of port ranges here and of the configuration's
// VID and VNI ranges. False for anything else.
bool parse_number_range(std::string_view text, unsigned long max, unsigned long& lo, unsigned long& hi);
std::string parse_proto_field(std::string_view text, int& out);
std::string format_addr_field(const AddrField& a);
std::string format_port_field(const PortField& p);
std::string proto_text(int proto);
// Checks a whole rule (families agree, something is rewritten, ports only for TCP/UDP); "" when fine.
std::string check_nat_rule(const NatRule& r);

class NatRules {
 public:
  std::vector<NatRule> rules;

  [[nodiscard]] bool empty() const { return rules.empty(); }
  // The tuple after the first matching rule; false (out = in) when no rule matches.
  bool translate(const flow::FiveTuple& in, flow::FiveTuple& out) const;
};

// A `nat:` list of {match: {...}, rewrite: {...}} maps. Throws SetupError "file:line:col: key: what".
NatRules parse_nat_rules(const std::string& file, const YAML::Node& list);

// One IP packet (no link layer) through the rules: from = its tuple, to = the tuple the SF sends back
// (ports kept where the packet shows none, e.g. non-first fragments). False when the packet has no usable
// tuple or no rule matches (to = from).
bool translate_packet(const NatRules& rules, ByteView ip, flow::FiveTuple& from, flow::FiveTuple& to);

// Rewrites the IP packet (no link layer) from tuple `from` to tuple `to` in place: addresses, ports, the
// IPv4 header checksum and the TCP/UDP/ICMPv6 checksums (RFC 1624 incremental updates). False when the
// packet is too short for a field that changes.
bool rewrite_ip_packet(MutableByteView ip, const flow::FiveTuple& from, const flow::FiveTuple& to);

}  // namespace pktmap::sfc
