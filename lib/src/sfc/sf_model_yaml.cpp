// The SF model file (sfcproxy-replay --sf), parsed with yaml-cpp into SfModelConfig with bounded values.
#include <yaml-cpp/yaml.h>

#include "pktmap/error.hpp"
#include "pktmap/sfc/sf_model.hpp"
#include "pktmap/text_file.hpp"
#include "yaml_util.hpp"

namespace pktmap::sfc {

namespace {

using yaml::bounded;
using yaml::fail;
using yaml::only_keys;
using yaml::scalar;

FlowMatch flow_match(const std::string& file, const YAML::Node& n, const std::string& key) {
  FlowMatch m;
  if (!n.IsMap()) fail(file, n, key, "expected a map like {proto: tcp, dport: 23}");
  for (const auto& kv : n) {
    const auto k = yaml_key(file, kv.first, key);
    if (k == "proto") {
      const auto v = scalar<std::string>(file, kv.second, key + ".proto");
      m.proto = v == "tcp"   ? 6
                : v == "udp" ? 17
                             : static_cast<int>(bounded(file, kv.second, key + ".proto", 0, 255));
    } else if (k == "sport") {
      m.sport = static_cast<int>(bounded(file, kv.second, key + ".sport", 0, 65535));
    } else if (k == "dport") {
      m.dport = static_cast<int>(bounded(file, kv.second, key + ".dport", 0, 65535));
    } else {
      fail(file, kv.first, key + "." + k, "unknown key (proto, sport, dport)");
    }
  }
  return m;
}

codec::MacAddr mac(const std::string& file, const YAML::Node& n, const std::string& key) {
  codec::MacAddr m;
  if (!codec::parse_mac(scalar<std::string>(file, n, key), m)) fail(file, n, key, "not a MAC address");
  return m;
}

// Milliseconds of capture time (fractions allowed), up to an hour, as nanoseconds.
std::int64_t milliseconds(const std::string& file, const YAML::Node& n, const std::string& key) {
  const double ms = scalar<double>(file, n, key);
  if (!(ms >= 0 && ms <= 3.6e6)) fail(file, n, key, "must be in 0..3600000 (milliseconds)");
  return static_cast<std::int64_t>(ms * 1e6 + 0.5);
}

SfModelConfig from_root(const std::string& file, const YAML::Node& root) {
  SfModelConfig c;
  if (root.IsNull()) return c;
  if (!root.IsMap()) fail(file, root, "(top)", "expected a map of behaviours");
  for (const auto& kv : root) {
    const auto key = yaml_key(file, kv.first, "(top)");
    const YAML::Node& v = kv.second;
    if (key == "seed") {
      c.seed = scalar<std::uint64_t>(file, v, key);
    } else if (key == "drop") {
      if (!v.IsMap()) fail(file, v, key, "expected {probability: P, per: packet|flow, match: [...]}");
      for (const auto& d : v) {
        const auto k = yaml_key(file, d.first, key);
        if (k == "probability") {
          c.drop_probability = scalar<double>(file, d.second, "drop.probability");
          if (c.drop_probability < 0 || c.drop_probability > 1)
            fail(file, d.second, "drop.probability", "must be in 0..1");
        } else if (k == "per") {
          const auto per = scalar<std::string>(file, d.second, "drop.per");
          if (per != "packet" && per != "flow") fail(file, d.second, "drop.per", "packet or flow");
          c.drop_per_flow = per == "flow";
        } else if (k == "match") {
          if (!d.second.IsSequence()) fail(file, d.second, "drop.match", "expected a list");
          for (const auto& m : d.second)
            c.drop_match.push_back(flow_match(file, m, "drop.match"));
        } else {
          fail(file, d.first, "drop." + k, "unknown key (probability, per, match)");
        }
      }
    } else if (key == "reorder") {
      if (!v.IsMap() || !v["window"]) fail(file, v, key, "expected {window: N}");
      only_keys(file, v, key, {"window"});
      c.reorder_window = static_cast<std::size_t>(
          bounded(file, v["window"], "reorder.window", 0, static_cast<long>(SfModel::kMaxReorderWindow)));
    } else if (key == "delay") {
      if (!v.IsMap() || !v["ms"]) fail(file, v, key, "expected {ms: N, jitter_ms: J, limit: FRAMES}");
      only_keys(file, v, key, {"ms", "jitter_ms", "limit"});
      c.delay = true;
      c.delay_ns = milliseconds(file, v["ms"], "delay.ms");
      if (v["jitter_ms"]) c.jitter_ns = milliseconds(file, v["jitter_ms"], "delay.jitter_ms");
      if (v["limit"])
        c.delay_limit = static_cast<std::size_t>(
            bounded(file, v["limit"], "delay.limit", 1, static_cast<long>(SfModel::kMaxDelayLimit)));
    } else if (key == "inject") {
      if (!v.IsMap() || !v["every"]) fail(file, v, key, "expected {every: N, match: {proto, sport, dport}}");
      only_keys(file, v, key, {"every", "match"});
      c.inject_every = static_cast<std::uint64_t>(bounded(file, v["every"], "inject.every", 1, 1L << 32));
      if (v["match"]) c.inject_match = flow_match(file, v["match"], "inject.match");
    } else if (key == "inject_rst") {
      if (v.IsScalar()) {
        c.inject_rst = scalar<bool>(file, v, key);
      } else {
        c.inject_rst = true;
        c.rst_match = flow_match(file, v, key);
      }
    } else if (key == "rewrite_l2") {
      if (!v.IsMap()) fail(file, v, key, "expected {src: MAC, dst: MAC}");
      only_keys(file, v, key, {"src", "dst"});
      if (v["src"]) c.rewrite_src = mac(file, v["src"], "rewrite_l2.src");
      if (v["dst"]) c.rewrite_dst = mac(file, v["dst"], "rewrite_l2.dst");
    } else if (key == "strip_vlan") {
      c.strip_vlan = scalar<bool>(file, v, key);
    } else if (key == "dscp") {
      c.set_dscp = static_cast<int>(bounded(file, v, key, 0, 63));
    } else if (key == "ttl_decrement") {
      c.ttl_decrement = static_cast<int>(bounded(file, v, key, 0, 255));
    } else if (key == "nat") {
      c.nat = std::make_shared<const NatRules>(parse_nat_rules(file, v));
    } else {
      fail(file, kv.first, key,
           "unknown behaviour (seed, drop, reorder, delay, inject, inject_rst, rewrite_l2, strip_vlan, dscp, "
           "ttl_decrement, nat)");
    }
  }
  return c;
}

}  // namespace

SfModelConfig load_sf_model(const std::string& file) {
  const auto text = read_text_file(file);
  if (!text) throw SetupError(file + ": cannot read SF model");
  return parse_sf_model(*text, file);
}

SfModelConfig parse_sf_model(const std::string& text, const std::string& name) {
  return parse_yaml(text, name, [&](const YAML::Node& root) { return from_root(name, root); });
}

}  // namespace pktmap::sfc
