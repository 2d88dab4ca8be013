// The `enforce:` section of portal.yaml (see enforce_config.hpp).
#include "pktmap/capport/enforce_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <ctime>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/error.hpp"
#include "pktmap/text_file.hpp"
#include "pktmap/yaml_error.hpp"

namespace pktmap::capport {

bool IpPrefix::contains(std::uint8_t v, const std::uint8_t* a) const {
  if (v != version) return false;
  std::size_t full = length / 8;
  for (std::size_t i = 0; i < full; ++i)
    if (a[i] != addr[i]) return false;
  std::uint8_t rest = length % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (addr[full] & mask);
}

bool parse_ip_prefix(std::string_view text, IpPrefix& out) {
  auto slash = text.find('/');
  auto host = text.substr(0, slash);
  IpPrefix p;
  std::string h(host);
  codec::Ipv4Addr v4{};
  codec::Ipv6Addr v6{};
  if (codec::parse_ipv4_addr(h, v4)) {
    p.version = 4;
    std::copy(v4.begin(), v4.end(), p.addr.begin());
    p.length = 32;
  } else if (codec::parse_ipv6_addr(h, v6)) {
    p.version = 6;
    p.addr = v6;
    p.length = 128;
  } else {
    return false;
  }
  if (slash != std::string_view::npos) {
    auto len = text.substr(slash + 1);
    if (len.empty() || len.size() > 3) return false;
    unsigned n = 0;
    for (char c : len) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n > p.length) return false;
    p.length = static_cast<std::uint8_t>(n);
  }
  out = p;
  return true;
}

namespace {

struct Ctx {
  const std::string& file;
};

[[noreturn]] void fail(const Ctx& c, const YAML::Node& n, const std::string& key, const std::string& why) {
  throw_yaml_error_at(c.file, n, key, why);
}

template <class T>
T get(const Ctx& c, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(c, n, key, "expected a single value");
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    fail(c, n, key, "wrong type");
  }
}

std::vector<YAML::Node> items(const Ctx& c, const YAML::Node& n, const std::string& key) {
  std::vector<YAML::Node> v;
  if (n.IsSequence()) {
    for (const auto& i : n)
      v.push_back(i);
  } else if (n.IsScalar() || n.IsMap()) {
    v.push_back(n);
  } else if (!n.IsNull()) {
    fail(c, n, key, "expected a list");
  }
  return v;
}

IpPrefix prefix(const Ctx& c, const YAML::Node& n, const std::string& key) {
  IpPrefix p;
  if (!parse_ip_prefix(get<std::string>(c, n, key), p)) fail(c, n, key, "not an IP address or prefix");
  return p;
}

// Unix seconds (fractions allowed) or RFC 3339 UTC: 2026-01-01T12:00:05Z, 2026-01-01T12:00:05.25Z.
std::int64_t time_ns(const Ctx& c, const YAML::Node& n, const std::string& key) {
  auto s = get<std::string>(c, n, key);
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) == 6) {
    double frac = 0;
    std::string rest = s.substr(static_cast<std::size_t>(consumed));
    if (!rest.empty() && rest[0] == '.') {
      std::size_t end = 1;
      while (end < rest.size() && rest[end] >= '0' && rest[end] <= '9')
        ++end;
      std::string digits(1, '0');  // appended, not "0" + ...: GCC 12 -O3 warns falsely (-Wrestrict)
      digits.append(rest, 0, end);
      frac = std::stod(digits);
      rest = rest.substr(end);
    }
    if (rest != "Z" || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
      fail(c, n, key, "not an RFC 3339 UTC time (2026-01-01T12:00:05Z)");
    // Nanoseconds since the epoch fit an int64 from 1970 to 2262.
    if (tm.tm_year < 1970 || tm.tm_year > 2261) fail(c, n, key, "year out of range (1970-2261)");
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    std::int64_t secs = timegm(&tm);
    return secs * 1'000'000'000 + static_cast<std::int64_t>(std::llround(frac * 1e9));
  }
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    fail(c, n, key, "expected Unix seconds or an RFC 3339 UTC time");
  }
  if (!std::isfinite(v) || v < 0 || v > 9.2e9) fail(c, n, key, "time out of range");
  return static_cast<std::int64_t>(std::llround(v * 1e9));
}

codec::MacAddr mac(const Ctx& c, const YAML::Node& n, const std::string& key) {
  codec::MacAddr m{};
  if (!codec::parse_mac(get<std::string>(c, n, key), m)) fail(c, n, key, "not a MAC address");
  return m;
}

GardenEntry garden_entry(const Ctx& c, const YAML::Node& n) {
  GardenEntry g;
  if (n.IsScalar()) {
    g.net = prefix(c, n, "walled_garden");
    return g;
  }
  if (!n.IsMap()) fail(c, n, "walled_garden", "expected an address, a prefix or {net, proto, ports}");
  bool has_net = false;
  for (const auto& kv : n) {
    auto key = "walled_garden." + yaml_key(c.file, kv.first, "walled_garden");
    const auto& v = kv.second;
    if (key == "walled_garden.net") {
      g.net = prefix(c, v, key);
      has_net = true;
    } else if (key == "walled_garden.proto") {
      auto p = get<std::string>(c, v, key);
      if (p == "tcp")
        g.proto = 6;
      else if (p == "udp")
        g.proto = 17;
      else if (p != "any")
        fail(c, v, key, "one of tcp, udp, any");
    } else if (key == "walled_garden.ports") {
      for (const auto& i : items(c, v, key)) {
        int port = get<int>(c, i, key);
        if (port < 1 || port > 65535) fail(c, i, key, "port out of range");
        g.ports.push_back(static_cast<std::uint16_t>(port));
      }
    } else {
      fail(c, kv.first, key, "unknown key (net, proto, ports)");
    }
  }
  if (!has_net) fail(c, n, "walled_garden", "net is required");
  return g;
}

AllowedClient allowed_client(const Ctx& c, const YAML::Node& n) {
  if (!n.IsMap()) fail(c, n, "allowed", "expected {mac, ip, from, until}");
  AllowedClient a;
  for (const auto& kv : n) {
    auto key = "allowed." + yaml_key(c.file, kv.first, "allowed");
    const auto& v = kv.second;
    if (key == "allowed.mac") {
      a.mac = mac(c, v, key);
      a.has_mac = true;
    } else if (key == "allowed.ip") {
      a.ip = prefix(c, v, key);
      a.has_ip = true;
    } else if (key == "allowed.from") {
      a.from_ns = time_ns(c, v, key);
    } else if (key == "allowed.until") {
      a.until_ns = time_ns(c, v, key);
    } else {
      fail(c, kv.first, key, "unknown key (mac, ip, from, until)");
    }
  }
  if (!a.has_mac && !a.has_ip) fail(c, n, "allowed", "give mac, ip or both");
  if (a.until_ns <= a.from_ns && a.from_ns != kNoTime) fail(c, n, "allowed", "until must be after from");
  return a;
}

std::string url(const Ctx& c, const YAML::Node& n, const std::string& key) {
  auto u = get<std::string>(c, n, key);
  if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) fail(c, n, key, "not an http(s) URL");
  for (char ch : u)
    if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f)
      fail(c, n, key, "characters not allowed in a URL (RFC 3986)");
  if (u.size() > 1024) fail(c, n, key, "longer than 1024 bytes");
  return u;
}

void notify(const Ctx& c, const YAML::Node& n, EnforceConfig& e) {
  if (!n.IsMap()) fail(c, n, "notify", "expected {rate, burst, quote}");
  for (const auto& kv : n) {
    auto key = "notify." + yaml_key(c.file, kv.first, "notify");
    const auto& v = kv.second;
    if (key == "notify.rate") {
      e.notify_rate = get<double>(c, v, key);
      if (!(e.notify_rate >= 0 && e.notify_rate <= 1e6)) fail(c, v, key, "between 0 and 1000000 per second");
    } else if (key == "notify.burst") {
      e.notify_burst = get<double>(c, v, key);
      if (!(e.notify_burst >= 0 && e.notify_burst <= 1e6)) fail(c, v, key, "between 0 and 1000000");
    } else if (key == "notify.quote") {
      auto q = get<std::string>(c, v, key);
      if (q == "rfc792")
        e.quote = QuoteSize::minimal;
      else if (q == "max")
        e.quote = QuoteSize::max;
      else
        fail(c, v, key, "one of rfc792, max");
    } else {
      fail(c, kv.first, key, "unknown key (rate, burst, quote)");
    }
  }
}

void enforce_section(const Ctx& c, const YAML::Node& sec, EnforceConfig& e) {
  if (!sec.IsMap()) fail(c, sec, "enforce", "expected a mapping of settings");
  bool has_clients = false;
  for (const auto& kv : sec) {
    auto key = yaml_key(c.file, kv.first, "enforce");
    const auto& v = kv.second;
    if (key == "client_networks") {
      for (const auto& i : items(c, v, key))
        e.client_networks.push_back(prefix(c, i, key));
      has_clients = !e.client_networks.empty();
    } else if (key == "internet_macs") {
      for (const auto& i : items(c, v, key))
        e.internet_macs.push_back(mac(c, i, key));
    } else if (key == "gateway") {
      if (!v.IsMap()) fail(c, v, key, "expected {ipv4, ipv6}");
      for (const auto& g : v) {
        auto gk = "gateway." + yaml_key(c.file, g.first, "gateway");
        auto text = get<std::string>(c, g.second, gk);
        if (gk == "gateway.ipv4") {
          if (!codec::parse_ipv4_addr(text, e.gateway_v4))
            fail(c, g.second, gk, codec::ipv4_addr_refusal(text));
          e.has_gateway_v4 = true;
        } else if (gk == "gateway.ipv6") {
          if (!codec::parse_ipv6_addr(text, e.gateway_v6)) fail(c, g.second, gk, "not an IPv6 address");
          e.has_gateway_v6 = true;
        } else {
          fail(c, g.first, gk, "unknown key (ipv4, ipv6)");
        }
      }
    } else if (key == "portal_url") {
      e.portal_url = url(c, v, key);
    } else if (key == "accept_url") {
      e.accept_url = url(c, v, key);
      if (e.accept_url.rfind("http://", 0) != 0)
        fail(c, v, key, "must be http://: an https request cannot be seen in a capture");
    } else if (key == "walled_garden") {
      for (const auto& i : items(c, v, key))
        e.walled_garden.push_back(garden_entry(c, i));
    } else if (key == "dns") {
      e.garden_dns = get<bool>(c, v, key);
    } else if (key == "allowed") {
      for (const auto& i : items(c, v, key))
        e.allowed.push_back(allowed_client(c, i));
    } else if (key == "notify") {
      notify(c, v, e);
    } else if (key == "redirect") {
      if (!v.IsMap()) fail(c, v, key, "expected {status}");
      for (const auto& r : v) {
        auto rk = "redirect." + yaml_key(c.file, r.first, "redirect");
        if (rk != "redirect.status") fail(c, r.first, rk, "unknown key (status)");
        e.redirect_status = get<int>(c, r.second, rk);
        if (e.redirect_status != 302 && e.redirect_status != 303 && e.redirect_status != 307 &&
            e.redirect_status != 511)
          fail(c, r.second, rk, "one of 302, 303, 307, 511");
      }
    } else if (key == "max_clients") {
      auto m = get<long long>(c, v, key);
      if (m < 1 || m > 1'000'000) fail(c, v, key, "between 1 and 1000000");
      e.max_clients = static_cast<std::size_t>(m);
    } else {
      fail(c, kv.first, key, "unknown key");
    }
  }
  if (!has_clients) fail(c, sec, "enforce.client_networks", "required: the addresses on the client side");
}

EnforceConfig from_root(const Ctx& c, const YAML::Node& root) {
  if (!root || root.IsNull() || !root.IsMap())
    throw SetupError(c.file + ": expected a mapping with an enforce: section");
  EnforceConfig e;
  std::string hostname = "capport.example.net";
  int https_port = 8443;
  const YAML::Node* section = nullptr;
  YAML::Node sec;
  for (const auto& kv : root) {
    auto key = yaml_key(c.file, kv.first, "(top)");
    if (key == "hostname") hostname = get<std::string>(c, kv.second, key);
    if (key == "https_port") https_port = get<int>(c, kv.second, key);
    if (key == "session_seconds") {
      auto s = get<long long>(c, kv.second, key);
      if (s < 1 || s > 7 * 24 * 3600) fail(c, kv.second, key, "between 1 and 604800");
      e.session_seconds = static_cast<std::uint32_t>(s);
    }
    if (key == "enforce") {
      sec = kv.second;
      section = &sec;
    }
  }
  if (!section) throw SetupError(c.file + ": no enforce: section (see capport-probe(1), ENFORCEMENT)");
  e.portal_url = "https://" + hostname;
  if (https_port != 443) {
    e.portal_url += ':';  // appended, not ":" + ...: GCC 12 -O3 warns falsely (-Wrestrict)
    e.portal_url += std::to_string(https_port);
  }
  e.portal_url += "/portal";
  enforce_section(c, *section, e);
  return e;
}

}  // namespace

EnforceConfig parse_enforce_config(const std::string& yaml_text, const std::string& name) {
  Ctx c{name};
  return parse_yaml(yaml_text, name, [&](const YAML::Node& root) { return from_root(c, root); });
}

EnforceConfig load_enforce_config(const std::string& path) {
  const auto text = read_text_file(path);
  if (!text) throw SetupError(path + ": cannot read");
  return parse_enforce_config(*text, path);
}

}  // namespace pktmap::capport
