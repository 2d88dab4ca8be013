// The enforcement decision and the per-packet loop (see enforce.hpp). Answers are built in
// enforce_answers.cpp.
#include <algorithm>
#include <array>

#include "pktmap/capport/enforce.hpp"
#include "pktmap/capport/http_head.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/error.hpp"

namespace pktmap::capport {

std::string_view action_name(Action a) {
  switch (a) {
    case Action::pass:
      return "pass";
    case Action::block:
      return "block";
    case Action::drop:
      return "drop";
    case Action::intercept:
      return "intercept";
    case Action::reject:
      return "reject";
  }
  return "reject";
}

namespace {

constexpr std::array<std::string_view, 9> kMethods = {"GET ",     "HEAD ",  "POST ",    "PUT ",  "DELETE ",
                                                      "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};

bool starts_http_request(ByteView payload) {
  std::string_view s(reinterpret_cast<const char*>(payload.data()), payload.size());
  return std::any_of(kMethods.begin(), kMethods.end(), [&](auto m) { return s.substr(0, m.size()) == m; });
}

// Traffic that never crosses the device: multicast and broadcast, link-local, unspecified sources.
bool link_scope(const EnforceFrame& f) {
  const auto& s = f.src;
  const auto& d = f.dst;
  if (f.ip_version == 4) {
    if ((d[0] & 0xf0) == 224 || (d[0] == 255 && d[1] == 255 && d[2] == 255 && d[3] == 255)) return true;
    if (s[0] == 0 || (s[0] == 169 && s[1] == 254) || (d[0] == 169 && d[1] == 254)) return true;
    return false;
  }
  if (d[0] == 0xff) return true;
  if ((s[0] == 0xfe && (s[1] & 0xc0) == 0x80) || (d[0] == 0xfe && (d[1] & 0xc0) == 0x80)) return true;
  return std::all_of(s.begin(), s.end(), [](std::uint8_t b) { return b == 0; });
}

std::uint64_t addr_hash(std::uint8_t version, const std::array<std::uint8_t, 16>& a) {
  std::uint64_t h = 1469598103934665603ull ^ version;
  for (auto b : a)
    h = (h ^ b) * 1099511628211ull;
  return h;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// "http://host:port/path?q" -> host (lower case, no port), path (origin form, "/" when empty).
void split_url(const std::string& url, std::string& host, std::string& path, std::uint16_t& port) {
  auto rest = url.substr(url.find("://") + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  path = slash == std::string::npos ? "/" : rest.substr(slash);
  port = url.rfind("https://", 0) == 0 ? 443 : 80;
  auto close = authority.find(']');
  auto colon = authority.rfind(':');
  if (colon != std::string::npos &&
      (close == std::string::npos ? authority.find(':') == colon : colon > close)) {
    auto p = authority.substr(colon + 1);
    if (!p.empty() && p.size() <= 5 &&
        std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
      port = static_cast<std::uint16_t>(std::stoul(p));
    authority = authority.substr(0, colon);
  }
  if (authority.size() > 2 && authority.front() == '[') authority = authority.substr(1, authority.size() - 2);
  host = lower(authority);
}

// The portal and accept URLs' hosts are in the walled garden when they are address literals.
void garden_url(EnforceConfig& cfg, const std::string& url) {
  if (url.empty()) return;
  std::string host;
  std::string path;
  std::uint16_t port = 0;
  split_url(url, host, path, port);
  GardenEntry g;
  if (!parse_ip_prefix(host, g.net) || host.find('/') != std::string::npos) return;
  g.proto = codec::ip_proto::tcp;
  g.ports.push_back(port);
  cfg.walled_garden.push_back(std::move(g));
}

}  // namespace

Enforcer::Enforcer(const EnforceConfig& config, int linktype) : cfg_(config), linktype_(linktype) {
  if (!enforce_linktype_supported(linktype))
    throw SetupError("link type " + std::to_string(linktype) +
                     " is not supported by enforce (Ethernet, raw IPv4/IPv6)");
  garden_url(cfg_, cfg_.portal_url);
  garden_url(cfg_, cfg_.accept_url);
  if (!cfg_.accept_url.empty()) {
    std::uint16_t port = 0;
    split_url(cfg_.accept_url, accept_host_, accept_path_, port);
  }
  http_ = make_redirect_response(cfg_);
  clients_.reserve(cfg_.max_clients);
  std::size_t n = 16;
  while (n < cfg_.max_clients * 2)
    n *= 2;
  slots_.assign(n, -1);
  buf_.resize(16384);
}

int Enforcer::find_client(const EnforceFrame& f, bool outbound) {
  const auto& addr = outbound ? f.src : f.dst;
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = addr_hash(f.ip_version, addr) & mask;; i = (i + 1) & mask) {
    std::int32_t at = slots_[i];
    if (at < 0) {
      if (clients_.size() >= cfg_.max_clients) return -1;
      ClientEntry c;
      c.version = f.ip_version;
      c.addr = addr;
      c.tokens = cfg_.notify_burst;
      clients_.push_back(c);
      slots_[i] = static_cast<std::int32_t>(clients_.size() - 1);
      at = slots_[i];
    }
    auto& c = clients_[static_cast<std::size_t>(at)];
    if (c.version == f.ip_version && c.addr == addr) {
      if (f.ethernet && outbound && !c.has_mac) {
        c.has_mac = true;
        c.mac = f.src_mac;
      }
      return at;
    }
  }
}

bool Enforcer::allowed(const ClientEntry* c, const EnforceFrame& f, bool outbound, std::int64_t ts) const {
  if (c && c->accepted_until_ns != kNoTime && ts < c->accepted_until_ns) return true;
  const auto& addr = outbound ? f.src : f.dst;
  const auto& mac = outbound ? f.src_mac : f.dst_mac;
  for (const auto& a : cfg_.allowed) {
    if (ts < a.from_ns || ts >= a.until_ns) continue;
    if (a.has_mac && (!f.ethernet || a.mac != mac)) continue;
    if (a.has_ip && !a.ip.contains(f.ip_version, addr.data())) continue;
    return true;
  }
  return false;
}

bool Enforcer::in_garden(std::uint8_t version, const std::uint8_t* addr, std::uint8_t proto,
                         std::uint16_t port, bool has_port) const {
  for (const auto& g : cfg_.walled_garden) {
    if (!g.net.contains(version, addr)) continue;
    if (g.proto != 0 && g.proto != proto) continue;
    if (!g.ports.empty() && (!has_port || std::find(g.ports.begin(), g.ports.end(), port) == g.ports.end()))
      continue;
    return true;
  }
  return false;
}

bool Enforcer::is_accept_request(const EnforceFrame& f) const {
  if (accept_host_.empty() || !f.has_tcp || f.payload.empty() || !starts_http_request(f.payload))
    return false;
  auto h =
      parse_http_head(std::string_view(reinterpret_cast<const char*>(f.payload.data()), f.payload.size()));
  if (h.name() == "http_not_http" || !h->is_request) return false;
  std::string_view target = h->target;
  std::string_view host = h->field("Host");
  if (istarts_with(target, "http://")) {
    auto rest = target.substr(7);
    auto slash = rest.find('/');
    host = rest.substr(0, slash);
    target = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  if (auto colon = host.rfind(':');
      colon != std::string_view::npos && host.find(']') == std::string_view::npos)
    host = host.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.find(']') - 1);
  return iequals(host, accept_host_) && target.substr(0, accept_path_.size()) == accept_path_;
}

Decision Enforcer::decide(const EnforceFrame& f, std::int64_t ts, std::uint64_t number) {
  Decision d;
  if (!f.is_ip) {
    d.action = Action::pass;
    d.reason = "non_ip";
    return d;
  }
  bool src_client = false;
  bool dst_client = false;
  for (const auto& p : cfg_.client_networks) {
    src_client = src_client || p.contains(f.ip_version, f.src.data());
    dst_client = dst_client || p.contains(f.ip_version, f.dst.data());
  }
  if (link_scope(f)) {
    d.action = Action::pass;
    d.reason = "local";
    return d;
  }
  if (!cfg_.internet_macs.empty() && f.ethernet) {
    auto internet = [&](const codec::MacAddr& m) {
      return std::find(cfg_.internet_macs.begin(), cfg_.internet_macs.end(), m) != cfg_.internet_macs.end();
    };
    bool from = internet(f.src_mac);
    bool to = internet(f.dst_mac);
    if (from && to) {
      d.reason = "enforce_no_client_side";
      return d;
    }
    d.dir = to ? Direction::to_internet : from ? Direction::from_internet : Direction::local;
  } else if (src_client && dst_client) {
    d.dir = Direction::local;
  } else if (src_client) {
    d.dir = Direction::to_internet;
  } else if (dst_client) {
    d.dir = Direction::from_internet;
  } else {
    d.reason = "enforce_no_client_side";
    return d;
  }
  if (d.dir == Direction::local) {
    d.action = Action::pass;
    d.reason = "local";
    return d;
  }
  const bool out = d.dir == Direction::to_internet;
  d.client = find_client(f, out);
  ClientEntry* c = d.client >= 0 ? &clients_[static_cast<std::size_t>(d.client)] : nullptr;
  if (out && c && is_accept_request(f)) {
    // The portal recorded the client's acceptance: open for session_seconds from this request on.
    c->accepted_until_ns = ts + std::int64_t{cfg_.session_seconds} * 1'000'000'000;
    c->accepted_packet = number;
    d.accepted = true;
  }
  const auto& peer = out ? f.dst : f.src;
  const std::uint16_t peer_port = out ? f.dport : f.sport;
  const bool web = f.proto == codec::ip_proto::tcp && f.has_ports && peer_port == 80;
  d.action = Action::pass;
  if (allowed(c, f, out, ts)) {
    d.reason = "allowed_client";
  } else if (cfg_.garden_dns && f.has_ports && peer_port == 53 &&
             (f.proto == codec::ip_proto::udp || f.proto == codec::ip_proto::tcp)) {
    d.reason = "dns";
  } else if (in_garden(f.ip_version, peer.data(), f.proto, peer_port, f.has_ports)) {
    d.reason = "walled_garden";
  } else if (web && out) {
    d.action = Action::intercept;
    d.reason = "intercepted_http";
    d.redirect = f.has_tcp && starts_http_request(f.payload);
  } else if (web && f.has_tcp && (f.tcp_flags & codec::tcp_flag::syn) && f.payload.empty()) {
    // The server's SYN-ACK stands for the one the interceptor would send: the client's later segments
    // (and the redirect) are numbered from it.
    d.action = Action::intercept;
    d.reason = "intercepted_http";
  } else if (out) {
    d.action = Action::block;
    d.reason = "blocked";
    if (f.is_icmp_error())
      d.no_notify = "icmp_error";
    else if (f.later_fragment)
      d.no_notify = "later_fragment";
    else if (!c)
      d.no_notify = "client_table_full";
    else
      d.notify = true;
  } else {
    d.action = Action::drop;
    d.reason = "blocked_inbound";
  }
  return d;
}

bool Enforcer::take_token(ClientEntry& c, std::int64_t ts) {
  if (c.bucket_ns == kNoTime) {
    c.bucket_ns = ts;
  } else if (ts > c.bucket_ns) {
    c.tokens = std::min(cfg_.notify_burst,
                        c.tokens + static_cast<double>(ts - c.bucket_ns) * 1e-9 * cfg_.notify_rate);
    c.bucket_ns = ts;
  }
  if (c.tokens < 1.0) return false;
  c.tokens -= 1.0;
  return true;
}

void Enforcer::process(const pcapio::Packet& p, EnforceSink& sink) {
  ++totals_.packets;
  auto parsed = parse_enforce_frame(p.data, linktype_);
  if (!parsed.ok()) {
    ++totals_.rejected;
    totals_.reject_reasons.add(parsed.name());
    sink.rejected(p.data, p.wire_len, p.ts_ns);
    return;
  }
  const EnforceFrame& f = *parsed;
  Decision d = decide(f, p.ts_ns, p.number);
  ClientStats dummy;
  ClientStats& s = d.client >= 0 ? clients_[static_cast<std::size_t>(d.client)].stats : dummy;
  if (d.client < 0 && d.dir != Direction::local && d.action != Action::reject) ++totals_.untracked;
  const bool out = d.dir == Direction::to_internet;
  auto to_client_side = [&](ByteView frame, std::int64_t ts) {
    ++totals_.client_side;
    sink.client_side(frame, static_cast<std::uint32_t>(frame.size()), ts);
  };
  switch (d.action) {
    case Action::reject:
      ++totals_.rejected;
      totals_.reject_reasons.add(d.reason);
      sink.rejected(p.data, p.wire_len, p.ts_ns);
      return;
    case Action::pass:
      ++totals_.client_side;
      sink.client_side(p.data, p.wire_len, p.ts_ns);
      if (d.dir == Direction::local) {
        ++totals_.local;
        return;
      }
      if (d.reason == "allowed_client")
        ++(out ? s.allowed_out : s.allowed_in);
      else
        ++(out ? s.garden_out : s.garden_in);
      if (out) {
        ++totals_.to_internet;
        sink.internet_side(p.data, p.wire_len, p.ts_ns);
      }
      return;
    case Action::drop:
      ++totals_.dropped;
      ++s.dropped_in;
      return;
    case Action::intercept:
      ++totals_.intercepted;
      ++s.intercepted;
      ++totals_.client_side;
      sink.client_side(p.data, p.wire_len, p.ts_ns);
      if (d.redirect) {
        auto r = build_redirect(f);
        if (!r.empty()) {
          ++totals_.redirects;
          ++s.redirects;
          to_client_side(r, p.ts_ns + kAnswerDelayNs);
        }
      }
      return;
    case Action::block:
      ++totals_.blocked;
      ++s.blocked_out;
      ++totals_.client_side;
      sink.client_side(p.data, p.wire_len, p.ts_ns);  // the client did send it
      if (!d.notify) {
        ++s.unanswered;
        totals_.unanswered_reasons.add(d.no_notify);
        return;
      }
      if (!take_token(clients_[static_cast<std::size_t>(d.client)], p.ts_ns)) {
        ++totals_.suppressed;
        ++s.suppressed;
        return;
      }
      if (auto n = build_notification(f); !n.empty()) {
        ++totals_.notifications;
        ++s.notifications;
        to_client_side(n, p.ts_ns + kAnswerDelayNs);
      }
      return;
  }
}

}  // namespace pktmap::capport
