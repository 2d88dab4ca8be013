#pragma once
// The proxy configuration file (sfcproxy-replay --config FILE, YAML):
//   mac: {pool: "02:5f:00:00:00:00"}         # key MACs (mode.hpp mac_base); refused if it overlaps own MACs
//   vlan: {vids: 100-1099}                   # the VIDs keys take
//   qinq: {s_tpid: 0x88a8}                   # outer tag type: 0x88a8, 0x8100 or 0x9100
//   vxlan: {proxy_ip: 198.18.0.1, sf_ip: 198.18.0.2, proxy_mac: "02:..", sf_mac: "02:..", port: 4789,
//           vnis: 5000-5999}
//   pairs: ["101:201"]                       # path pairs, as --pair
//   nat:                                     # the SF's translations (nat_rules.hpp), for --mode nat
//     - match: {proto: tcp, src: 10.0.0.0/8}
//       rewrite: {src: 198.51.100.0/24, sport: 20000-29999}
#include <string>

#include "pktmap/sfc/proxy.hpp"

namespace pktmap::sfc {

// Fills what the file sets into pc; throws SetupError "file:line:col: key: what".
void load_proxy_config(const std::string& file, ProxyConfig& pc);
// The same for YAML text already read; `name` stands for the file in messages.
void parse_proxy_config(const std::string& text, const std::string& name, ProxyConfig& pc);

}  // namespace pktmap::sfc
