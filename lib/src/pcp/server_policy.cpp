#include "pktmap/pcp/server_policy.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <sstream>

#include "pktmap/error.hpp"
#include "pktmap/pcp/message.hpp"
#include "pktmap/text_file.hpp"
#include "pktmap/yaml_error.hpp"

namespace pktmap::pcp {

namespace {

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& key, const std::string& what) const {
    std::ostringstream s;
    s << name_;
    if (n.IsDefined()) s << ":" << n.Mark().line + 1 << ":" << n.Mark().column + 1;
    s << ": " << key << ": " << what;
    throw SetupError(s.str());
  }

  void only_keys(const YAML::Node& map, const std::string& where,
                 std::initializer_list<const char*> keys) const {
    if (!map.IsMap()) fail(map, where.empty() ? "(top level)" : where, "expected a mapping of keys");
    for (const auto& kv : map) {
      const std::string k = yaml_key(name_, kv.first, where.empty() ? "(top level)" : where);
      bool found = false;
      for (const char* allowed : keys)
        found = found || k == allowed;
      if (!found) fail(kv.first, join(where, k), "unknown key");
    }
  }

  std::uint64_t uint(const YAML::Node& n, const std::string& key, std::uint64_t lo, std::uint64_t hi) const {
    std::string text = scalar(n, key);
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi)
      fail(n, key,
           "expected an integer " + std::to_string(lo) + "-" + std::to_string(hi) + ", got '" + text + "'");
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    std::string t = scalar(n, key);
    if (t == "true" || t == "yes" || t == "on") return true;
    if (t == "false" || t == "no" || t == "off") return false;
    fail(n, key, "expected true or false, got '" + t + "'");
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, "expected a single value");
    return n.Scalar();
  }

  PcpAddress address(const YAML::Node& n, const std::string& key) const {
    auto a = parse_address(scalar(n, key));
    if (!a) fail(n, key, "not an IPv4 or IPv6 address: '" + n.Scalar() + "'");
    return *a;
  }

  static std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

 private:
  std::string name_;
};

void read_external(const Reader& rd, const YAML::Node& n, ServerPolicy& p) {
  rd.only_keys(n, "external", {"addresses", "ports"});
  if (auto a = n["addresses"]) {
    if (!a.IsSequence() || a.size() == 0) rd.fail(a, "external.addresses", "expected a non-empty list");
    p.external_ips.clear();
    for (const auto& e : a)
      p.external_ips.push_back(rd.address(e, "external.addresses"));
  }
  if (auto r = n["ports"]) {
    std::string t = rd.scalar(r, "external.ports");
    auto dash = t.find('-');
    unsigned lo = 0, hi = 0;
    bool ok = dash != std::string::npos;
    if (ok) {
      auto r1 = std::from_chars(t.data(), t.data() + dash, lo);
      auto r2 = std::from_chars(t.data() + dash + 1, t.data() + t.size(), hi);
      ok = r1.ec == std::errc() && r2.ec == std::errc() && r1.ptr == t.data() + dash &&
           r2.ptr == t.data() + t.size() && lo >= 1 && lo <= hi && hi <= 65535;
    }
    if (!ok) rd.fail(r, "external.ports", "expected a range LOW-HIGH within 1-65535, got '" + t + "'");
    p.port_min = static_cast<std::uint16_t>(lo);
    p.port_max = static_cast<std::uint16_t>(hi);
  }
}

StatelessRule read_stateless(const Reader& rd, const YAML::Node& n) {
  const std::string k = "stateless[]";
  rd.only_keys(n, k, {"clients", "external_address", "first_port", "ports_per_client"});
  StatelessRule r;
  for (const char* required : {"clients", "external_address"})
    if (!n[required]) rd.fail(n, k + "." + required, "missing");
  std::string pfx = rd.scalar(n["clients"], k + ".clients");
  auto slash = pfx.find('/');
  auto addr = parse_address(pfx.substr(0, slash));
  if (!addr) rd.fail(n["clients"], k + ".clients", "expected ADDRESS/LENGTH, got '" + pfx + "'");
  r.prefix = *addr;
  bool v4 = codec::pcp_is_ipv4_mapped(*addr);
  unsigned len = v4 ? 32 : 128;
  if (slash != std::string::npos) {
    auto [p, ec] = std::from_chars(pfx.data() + slash + 1, pfx.data() + pfx.size(), len);
    if (ec != std::errc() || p != pfx.data() + pfx.size() || len > (v4 ? 32u : 128u))
      rd.fail(n["clients"], k + ".clients", "bad prefix length in '" + pfx + "'");
  }
  r.prefix_len = v4 ? 96 + len : len;
  r.external_ip = rd.address(n["external_address"], k + ".external_address");
  if (n["first_port"])
    r.first_port = static_cast<std::uint16_t>(rd.uint(n["first_port"], k + ".first_port", 1, 65535));
  if (n["ports_per_client"])
    r.ports_per_client =
        static_cast<std::uint16_t>(rd.uint(n["ports_per_client"], k + ".ports_per_client", 1, 65535));
  return r;
}

ServerPolicy policy_from(const Reader& rd, const YAML::Node& root) {
  ServerPolicy p;
  if (root.IsNull()) return p;
  rd.only_keys(root, "",
               {"external", "lifetime", "protocols", "port_set", "allow_third_party", "max_filters",
                "rate_limit", "error_lifetime", "announce", "stateless", "max_mappings"});
  if (auto n = root["external"]) read_external(rd, n, p);
  if (auto n = root["lifetime"]) {
    rd.only_keys(n, "lifetime", {"min", "max"});
    if (n["min"])
      p.min_lifetime = static_cast<std::uint32_t>(rd.uint(n["min"], "lifetime.min", 1, 0xFFFFFFFF));
    if (n["max"])
      p.max_lifetime = static_cast<std::uint32_t>(rd.uint(n["max"], "lifetime.max", 1, 0xFFFFFFFF));
    if (p.min_lifetime > p.max_lifetime) rd.fail(n, "lifetime", "min is larger than max");
  }
  if (auto n = root["protocols"]) {
    if (!n.IsSequence() || n.size() == 0)
      rd.fail(n, "protocols", "expected a non-empty list such as [udp, tcp]");
    p.protocols.clear();
    for (const auto& e : n) {
      auto proto = parse_protocol(rd.scalar(e, "protocols"));
      if (!proto || *proto == 0) rd.fail(e, "protocols", "expected udp, tcp or a protocol number 1-255");
      p.protocols.push_back(*proto);
    }
  }
  if (auto n = root["port_set"]) {
    rd.only_keys(n, "port_set", {"max_size", "quota", "preserve_parity"});
    if (n["max_size"])
      p.max_set_size = static_cast<std::uint32_t>(rd.uint(n["max_size"], "port_set.max_size", 1, 65535));
    if (n["quota"])
      p.ports_per_client = static_cast<std::uint32_t>(rd.uint(n["quota"], "port_set.quota", 1, 65535));
    if (n["preserve_parity"])
      p.preserve_parity = rd.boolean(n["preserve_parity"], "port_set.preserve_parity");
  }
  if (auto n = root["allow_third_party"]) p.allow_third_party = rd.boolean(n, "allow_third_party");
  if (auto n = root["max_filters"]) p.max_filters = static_cast<unsigned>(rd.uint(n, "max_filters", 0, 16));
  if (auto n = root["max_mappings"]) p.max_mappings = rd.uint(n, "max_mappings", 1, 100'000'000);
  if (auto n = root["rate_limit"]) {
    rd.only_keys(n, "rate_limit", {"per_second", "burst"});
    if (n["per_second"])
      p.rate_per_second =
          static_cast<std::uint32_t>(rd.uint(n["per_second"], "rate_limit.per_second", 0, 10'000'000));
    if (n["burst"])
      p.rate_burst = static_cast<std::uint32_t>(rd.uint(n["burst"], "rate_limit.burst", 1, 10'000'000));
  }
  if (p.rate_burst == 0) p.rate_burst = p.rate_per_second;
  if (auto n = root["error_lifetime"]) {
    rd.only_keys(n, "error_lifetime", {"short", "long"});
    if (n["short"])
      p.short_error_lifetime =
          static_cast<std::uint32_t>(rd.uint(n["short"], "error_lifetime.short", 0, 0xFFFFFFFF));
    if (n["long"])
      p.long_error_lifetime =
          static_cast<std::uint32_t>(rd.uint(n["long"], "error_lifetime.long", 0, 0xFFFFFFFF));
  }
  if (auto n = root["announce"]) {
    rd.only_keys(n, "announce", {"on_start", "targets"});
    if (n["on_start"]) p.announce_on_start = rd.boolean(n["on_start"], "announce.on_start");
    if (auto t = n["targets"]) {
      if (!t.IsSequence()) rd.fail(t, "announce.targets", "expected a list of ADDR:PORT");
      p.announce_targets.clear();
      for (const auto& e : t) {
        auto ep = parse_endpoint(rd.scalar(e, "announce.targets"), 5350);
        if (!ep) rd.fail(e, "announce.targets", "expected ADDR[:PORT], got '" + e.Scalar() + "'");
        p.announce_targets.push_back(*ep);
      }
    }
  }
  if (auto n = root["stateless"]) {
    if (!n.IsSequence()) rd.fail(n, "stateless", "expected a list of rules");
    for (const auto& e : n)
      p.stateless.push_back(read_stateless(rd, e));
  }
  return p;
}

}  // namespace

ServerPolicy parse_server_policy(const std::string& yaml_text, const std::string& name) {
  const Reader rd(name);
  return parse_yaml(yaml_text, name, [&](const YAML::Node& root) { return policy_from(rd, root); });
}

ServerPolicy load_server_policy(const std::string& path) {
  const auto text = read_text_file(path);
  if (!text) throw SetupError(path + ": cannot open policy file");
  return parse_server_policy(*text, path);
}

}  // namespace pktmap::pcp
