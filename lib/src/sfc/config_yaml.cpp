// YAML for the proxy: the `nat:` rule list (shared by --config and the --sf model) and the proxy
// configuration file (sfcproxy-replay --config): the key MAC pool, VID and VNI ranges, the QinQ S-tag type,
// `vxlan:` VTEP settings, `nat:` rules and path pairs.
#include <yaml-cpp/yaml.h>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/sfc/proxy_config.hpp"
#include "pktmap/text_file.hpp"
#include "yaml_util.hpp"

namespace pktmap::sfc {

namespace {

using yaml::fail;
using yaml::only_keys;
using yaml::scalar;

void rule_fields(const std::string& file, const YAML::Node& m, const std::string& where, NatRule& r,
                 bool match) {
  if (!m.IsMap())
    fail(file, m, where, "expected a map of src, dst, sport, dport" + std::string(match ? ", proto" : ""));
  for (const auto& kv : m) {
    const auto k = yaml_key(file, kv.first, where);
    const std::string key = where + "." + k;
    const auto text = scalar<std::string>(file, kv.second, key);
    std::string why;
    if (k == "src")
      why = parse_addr_field(text, match ? r.src : r.to_src);
    else if (k == "dst")
      why = parse_addr_field(text, match ? r.dst : r.to_dst);
    else if (k == "sport")
      why = parse_port_field(text, match ? r.sport : r.to_sport);
    else if (k == "dport")
      why = parse_port_field(text, match ? r.dport : r.to_dport);
    else if (k == "proto" && match)
      why = parse_proto_field(text, r.proto);
    else
      fail(file, kv.first, key,
           match ? "unknown key (proto, src, dst, sport, dport)" : "unknown key (src, dst, sport, dport)");
    if (!why.empty()) fail(file, kv.second, key, why);
  }
}

}  // namespace

NatRules parse_nat_rules(const std::string& file, const YAML::Node& list) {
  NatRules rules;
  if (!list.IsSequence() || list.size() == 0)
    fail(file, list, "nat", "expected a list of {match: {...}, rewrite: {...}}");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node& n = list[i];
    const std::string where = "nat[" + std::to_string(i) + "]";
    if (!n.IsMap()) fail(file, n, where, "expected {match: {...}, rewrite: {...}}");
    NatRule r;
    bool has_rewrite = false;
    for (const auto& kv : n) {
      const auto k = yaml_key(file, kv.first, where);
      if (k == "match") {
        rule_fields(file, kv.second, where + ".match", r, true);
      } else if (k == "rewrite") {
        rule_fields(file, kv.second, where + ".rewrite", r, false);
        has_rewrite = true;
      } else {
        fail(file, kv.first, where + "." + k, "unknown key (match, rewrite)");
      }
    }
    if (!has_rewrite) fail(file, n, where + ".rewrite", "missing");
    if (std::string why = check_nat_rule(r); !why.empty()) fail(file, n, where, why);
    rules.rules.push_back(r);
  }
  return rules;
}

namespace {

// "FIRST-LAST" (or one number) within lo..hi.
void id_range(const std::string& file, const YAML::Node& n, const std::string& key, std::uint32_t lo,
              std::uint32_t hi, std::uint32_t& first, std::uint32_t& last) {
  unsigned long a = 0, b = 0;
  if (!parse_number_range(scalar<std::string>(file, n, key), hi, a, b) || a < lo)
    fail(file, n, key, "expected FIRST-LAST within " + std::to_string(lo) + ".." + std::to_string(hi));
  first = static_cast<std::uint32_t>(a);
  last = static_cast<std::uint32_t>(b);
}

void config_from_root(const std::string& file, const YAML::Node& root, ProxyConfig& pc) {
  if (root.IsNull()) return;
  if (!root.IsMap()) fail(file, root, "(top)", "expected a map (mac, vlan, qinq, vxlan, nat, pairs)");
  for (const auto& kv : root) {
    const auto key = yaml_key(file, kv.first, "(top)");
    const YAML::Node& v = kv.second;
    if (key == "nat") {
      pc.mode.nat = std::make_shared<const NatRules>(parse_nat_rules(file, v));
    } else if (key == "vxlan") {
      if (!v.IsMap()) fail(file, v, key, "expected {proxy_ip, sf_ip, sf_mac, proxy_mac, port}");
      VxlanConfig& x = pc.mode.vxlan;
      for (const auto& f : v) {
        const auto k = yaml_key(file, f.first, key);
        const std::string name = "vxlan." + k;
        const auto text = scalar<std::string>(file, f.second, name);
        if (k == "proxy_ip" || k == "sf_ip") {
          if (!codec::parse_ipv4_addr(text, k == "sf_ip" ? x.sf_ip : x.proxy_ip))
            fail(file, f.second, name, codec::ipv4_addr_refusal(text));
        } else if (k == "proxy_mac" || k == "sf_mac") {
          if (!codec::parse_mac(text, k == "sf_mac" ? x.sf_mac : x.proxy_mac))
            fail(file, f.second, name, "not a MAC address");
        } else if (k == "port") {
          x.port = static_cast<std::uint16_t>(yaml::bounded(file, f.second, name, 1, 65535));
        } else if (k == "vnis") {
          id_range(file, f.second, name, 1, kMaxVni, pc.mode.vni_first, pc.mode.vni_last);
        } else {
          fail(file, f.first, name, "unknown key (proxy_ip, sf_ip, proxy_mac, sf_mac, port, vnis)");
        }
      }
      if (x.proxy_ip == x.sf_ip) fail(file, v, key, "proxy_ip and sf_ip must differ");
    } else if (key == "mac") {
      if (!v.IsMap()) fail(file, v, key, "expected {pool: MAC}");
      only_keys(file, v, key, {"pool"});
      if (const YAML::Node pool = v["pool"]) {
        if (!codec::parse_mac(scalar<std::string>(file, pool, "mac.pool"), pc.mode.mac_base))
          fail(file, pool, "mac.pool", "not a MAC address");
        if (std::string why = check_mac_pool(pc.mode, pc.proxy_mac, pc.sf_mac); !why.empty())
          fail(file, pool, "mac.pool", why);
      }
    } else if (key == "vlan") {
      if (!v.IsMap()) fail(file, v, key, "expected {vids: FIRST-LAST}");
      only_keys(file, v, key, {"vids"});
      if (const YAML::Node vids = v["vids"]) {
        std::uint32_t a = 0, b = 0;
        id_range(file, vids, "vlan.vids", 1, 4094, a, b);
        pc.mode.vid_first = static_cast<std::uint16_t>(a);
        pc.mode.vid_last = static_cast<std::uint16_t>(b);
      }
    } else if (key == "qinq") {
      if (!v.IsMap()) fail(file, v, key, "expected {s_tpid: 0x88a8}");
      only_keys(file, v, key, {"s_tpid"});
      if (const YAML::Node tpid = v["s_tpid"]) {
        const long t = yaml::bounded(file, tpid, "qinq.s_tpid", 0, 0xffff);
        if (!codec::is_vlan_tpid(static_cast<std::uint16_t>(t)))
          fail(file, tpid, "qinq.s_tpid", "a tag type: 0x88a8 (802.1ad), 0x8100 or 0x9100");
        pc.mode.s_tpid = static_cast<std::uint16_t>(t);
      }
    } else if (key == "pairs") {
      if (!v.IsSequence()) fail(file, v, key, "expected a list of \"FWD:REV\" SPI pairs");
      for (const auto& p : v) {
        const auto text = scalar<std::string>(file, p, "pairs");
        std::uint32_t f = 0, r = 0;
        if (!parse_path_pair(text, f, r)) fail(file, p, "pairs", "expected FWD:REV, two SPIs in 0..16777215");
        pc.path_pairs.emplace_back(f, r);
        if (std::string why = check_path_pairs(pc.path_pairs); !why.empty()) fail(file, p, "pairs", why);
      }
    } else {
      fail(file, kv.first, key, "unknown key (mac, vlan, qinq, vxlan, nat, pairs)");
    }
  }
}

}  // namespace

void load_proxy_config(const std::string& file, ProxyConfig& pc) {
  const auto text = read_text_file(file);
  if (!text) throw SetupError(file + ": cannot read proxy configuration");
  parse_proxy_config(*text, file, pc);
}

void parse_proxy_config(const std::string& text, const std::string& name, ProxyConfig& pc) {
  parse_yaml(text, name, [&](const YAML::Node& root) { config_from_root(name, root, pc); });
}

}  // namespace pktmap::sfc
