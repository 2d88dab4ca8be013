// Discovery without a network (see discovery.hpp): OS state files, URI checks, the choice among sources
// and the text rendering.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "pktmap/capport/api_status.hpp"
#include "pktmap/capport/capture_analysis.hpp"
#include "pktmap/capport/discovery.hpp"
#include "pktmap/capport/http_head.hpp"

namespace pktmap::capport {

namespace {

// ISC dhclient's lease syntax: words, "quoted strings" (with \" \\ and \ooo escapes), { } and ;.
struct Token {
  std::string text;
  bool quoted = false;
  char punct = 0;  // '{', '}', ';' or 0
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '#') {
      while (i < s.size() && s[i] != '\n')
        ++i;
    } else if (c == '{' || c == '}' || c == ';') {
      out.push_back({std::string(1, c), false, c});
      ++i;
    } else if (c == '"') {
      Token t;
      t.quoted = true;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          ++i;
          if (i + 2 < s.size() && s[i] >= '0' && s[i] <= '7') {
            t.text += static_cast<char>((s[i] - '0') * 64 + (s[i + 1] - '0') * 8 + (s[i + 2] - '0'));
            i += 2;
            continue;
          }
        }
        t.text += s[i];
      }
      ++i;  // the closing quote
      out.push_back(std::move(t));
    } else {
      std::size_t j = i;
      while (j < s.size() && std::string_view(" \t\r\n{};\"#").find(s[j]) == std::string_view::npos)
        ++j;
      out.push_back({std::string(s.substr(i, j - i)), false, 0});
      i = j;
    }
  }
  return out;
}

// "expire 4 2026/11/22 01:00:00" (UTC), "expire epoch N", "expire never": seconds since the epoch, -1 never.
long long expiry_seconds(const std::vector<Token>& st) {
  if (st.size() >= 2 && st[1].text == "never") return -1;
  if (st.size() >= 3 && st[1].text == "epoch") return std::atoll(st[2].text.c_str());
  if (st.size() < 4) return -1;
  std::tm tm{};
  if (std::sscanf(st[2].text.c_str(), "%d/%d/%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3 ||
      std::sscanf(st[3].text.c_str(), "%d:%d:%d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 3)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm));
}

int precedence(const DiscoveredUri& u) {
  static constexpr std::string_view kOrder[] = {"ra-37", "dhcpv6-103", "dhcpv4-114", "networkd", "dhclient"};
  if (u.legacy) return 100;
  for (int i = 0; i < 5; ++i)
    if (u.source == kOrder[i]) return i;
  return 50;
}

}  // namespace

std::string_view discovery_mode_name(DiscoveryMode m) {
  switch (m) {
    case DiscoveryMode::full:
      return "full";
    case DiscoveryMode::passive:
      return "passive";
    case DiscoveryMode::files:
      return "files";
    case DiscoveryMode::off:
      return "off";
  }
  return "off";
}

bool parse_discovery_mode(std::string_view text, DiscoveryMode& out) {
  for (auto m : {DiscoveryMode::full, DiscoveryMode::passive, DiscoveryMode::files, DiscoveryMode::off})
    if (text == discovery_mode_name(m)) {
      out = m;
      return true;
    }
  return false;
}

std::optional<std::string> networkd_captive_portal(std::string_view text) {
  constexpr std::string_view kKey = "CAPTIVE_PORTAL=";
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.starts_with(kKey)) {
      auto v = line.substr(kKey.size());
      while (!v.empty() && (v.back() == '\r' || v.back() == ' '))
        v.remove_suffix(1);
      if (!v.empty()) return std::string(v);
    }
  }
  return std::nullopt;
}

LeaseScan scan_dhclient_leases(std::string_view text, std::string_view interface, long long now) {
  LeaseScan best;
  auto tokens = tokenize(text);
  std::size_t i = 0;
  while (i < tokens.size()) {
    bool is_lease = !tokens[i].quoted && (tokens[i].text == "lease" || tokens[i].text == "lease6") &&
                    i + 1 < tokens.size() && tokens[i + 1].punct == '{';
    if (!is_lease) {
      ++i;
      continue;
    }
    i += 2;
    LeaseScan cur;
    cur.lease_found = true;
    std::string iface;
    long long expire = -1;
    int depth = 1;
    std::vector<Token> st;
    while (i < tokens.size() && depth > 0) {
      const Token& t = tokens[i++];
      if (t.punct == '{') {
        ++depth;
        st.clear();
      } else if (t.punct == '}') {
        --depth;
        st.clear();
      } else if (t.punct == ';') {
        if (depth == 1 && !st.empty()) {
          if (st[0].text == "interface" && st.size() >= 2) iface = st[1].text;
          if (st[0].text == "expire") {
            expire = expiry_seconds(st);
            for (std::size_t k = 1; k < st.size(); ++k)
              cur.expiry += (k > 1 ? " " : "") + st[k].text;
          }
          if (st[0].text == "option" && st.size() >= 3 &&
              (st[1].text == "default-url" || st[1].text == "v4-captive-portal" ||
               st[1].text == "dhcp6.v6-captive-portal"))
            cur.uris.push_back({st[1].text, st[2].text});
        }
        st.clear();
      } else {
        st.push_back(t);
      }
    }
    if (!interface.empty() && iface != interface) continue;
    cur.expired = expire >= 0 && expire < now;
    best = std::move(cur);  // later leases in the file are newer
  }
  return best;
}

void assess_discovered_uri(DiscoveredUri& u) {
  u.unrestricted = u.uri == kUnrestrictedUrn;
  u.usable = false;
  if (u.legacy)
    u.problems.emplace_back(
        "DHCPv4 option 160 is RFC 7710's obsolete code, also used by Polycom phones: not to be trusted");
  if (u.unrestricted) {
    u.usable = true;
    return;
  }
  if (u.uri.empty()) {
    u.problems.emplace_back("empty URI");
    return;
  }
  for (char c : u.uri)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      u.problems.emplace_back("characters not allowed in a URI (RFC 3986): ignored");
      return;
    }
  if (!istarts_with(u.uri, "https://")) {
    u.problems.emplace_back("not an https URI (RFC 8908 §4: the API MUST be reached over https): ignored");
    return;
  }
  auto host = uri_host(u.uri);
  if (host.empty()) {
    u.problems.emplace_back("no host in the URI: ignored");
    return;
  }
  if (host.front() == '[' || host.find_first_not_of("0123456789.") == std::string::npos)
    u.problems.emplace_back("IP-address literal (RFC 8910 §2: SHOULD NOT)");
  u.usable = true;
}

void reconcile_discovery(DiscoveryReport& r) {
  r.api_uri.reset();
  r.api_source.clear();
  r.unrestricted = false;
  r.config_errors.clear();
  // RFC 8910 §3: operators SHOULD provision the same URI by every method; different ones are an error.
  std::map<std::string, std::vector<std::string>> by_uri;
  for (const auto& u : r.found) {
    if (u.legacy) continue;
    auto& srcs = by_uri[u.uri];
    if (std::find(srcs.begin(), srcs.end(), u.source) == srcs.end()) srcs.push_back(u.source);
  }
  if (by_uri.size() > 1) {
    std::string msg =
        "different captive-portal URIs from different sources (RFC 8910 §3: a network "
        "configuration error):";
    for (const auto& [uri, srcs] : by_uri) {
      msg += " " + uri + " via";
      for (const auto& s : srcs)
        msg += " " + s;
      msg += ";";
    }
    msg.pop_back();
    r.config_errors.push_back(std::move(msg));
  }
  const DiscoveredUri* best = nullptr;
  for (const auto& u : r.found)
    if (u.usable && (!best || precedence(u) < precedence(*best))) best = &u;
  if (!best) return;
  std::vector<std::string> srcs;
  for (const auto& u : r.found)
    if (u.uri == best->uri && u.usable && std::find(srcs.begin(), srcs.end(), u.source) == srcs.end())
      srcs.push_back(u.source);
  for (const auto& s : srcs)
    r.api_source += (r.api_source.empty() ? "" : ", ") + s;
  if (best->unrestricted)
    r.unrestricted = true;
  else
    r.api_uri = best->uri;
}

std::string format_discovery(const DiscoveryReport& r) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", r.seconds);
  std::string out = "discovery (" + std::string(discovery_mode_name(r.mode)) +
                    (r.interface.empty() ? "" : " on " + r.interface) + ", " + secs + ")";
  if (r.api_uri)
    out += ": api " + *r.api_uri + " via " + r.api_source + "\n";
  else if (r.unrestricted)
    out +=
        ": " + std::string(kUnrestrictedUrn) + " via " + r.api_source + " (the network says: not captive)\n";
  else
    out += ": no API URI\n";
  if (!r.sent.empty()) {
    out += "  sent:";
    for (const auto& s : r.sent)
      out += " " + s + ";";
    out.back() = '\n';
  }
  for (const auto& u : r.found) {
    out += "  " + u.source + " " + u.uri + " from " + u.origin + " (" + u.how + ")";
    out += u.usable ? "\n" : " IGNORED\n";
    for (const auto& p : u.problems)
      out += "    " + p + "\n";
  }
  for (const auto& e : r.config_errors)
    out += "  configuration error: " + e + "\n";
  for (const auto& s : r.skipped)
    out += "  not used: " + s + "\n";
  return out;
}

}  // namespace pktmap::capport
