#pragma once
// The proxy configuration file (sfcproxy-replay --config FILE, YAML):
//   vxlan: {proxy_ip: 198.18.0.1, sf_ip: 198.18.0.2, proxy_mac: "02:..", sf_mac: "02:..", port: 4789}
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
