// Capture analysis: per-packet evidence collection (see capture_analysis.hpp). finish() is in
// capture_verdict.cpp.
#include "pktmap/capport/capture_analysis.hpp"

#include <cstdio>

#include "pktmap/capport/dns_message.hpp"
#include "pktmap/capport/http_head.hpp"
#include "pktmap/capport/tls_client_hello.hpp"

namespace pktmap::capport {

namespace {

using dissect::Proto;

std::string_view as_text(ByteView v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

std::string ip_text(std::uint8_t version, const std::uint8_t* addr) {
  char buf[48];
  return dissect::format_ip_bytes(version, addr, buf);
}

std::string endpoint(std::uint8_t version, const std::uint8_t* addr, std::uint16_t port) {
  auto ip = ip_text(version, addr);
  if (version == 6) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(port);
}

std::string tuple_text(const flow::FiveTuple& t) {
  const char* proto = t.proto == 6 ? "tcp" : t.proto == 17 ? "udp" : "ip";
  if (t.proto != 6 && t.proto != 17)
    return std::string(proto) + " " + ip_text(t.ip_version, t.src.data()) + " > " +
           ip_text(t.ip_version, t.dst.data()) + " proto " + std::to_string(t.proto);
  return std::string(proto) + " " + endpoint(t.ip_version, t.src.data(), t.sport) + " > " +
         endpoint(t.ip_version, t.dst.data(), t.dport);
}

// The innermost IP layer and the transport layer right after it.
bool innermost(const dissect::Dissection& d, int& ip_slot, int& l4_slot, Proto& l4_proto) {
  for (std::size_t i = d.layer_count; i-- > 1;) {
    Proto p = d.layers[i].proto;
    if (p != Proto::tcp && p != Proto::udp && p != Proto::icmp && p != Proto::icmpv6) continue;
    Proto ip = d.layers[i - 1].proto;
    if (ip != Proto::ipv4 && ip != Proto::ipv6) return false;
    ip_slot = d.layers[i - 1].slot;
    l4_slot = d.layers[i].slot;
    l4_proto = p;
    return true;
  }
  return false;
}

// Splits an absolute-form target ("http://host/path") into host and origin-form path.
void split_target(std::string_view target, std::string_view& host, std::string_view& path) {
  path = target;
  if (istarts_with(target, "http://") || istarts_with(target, "https://")) {
    auto rest = target.substr(target.find("//") + 2);
    auto slash = rest.find('/');
    host = rest.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
}

std::string_view strip_query(std::string_view path) {
  return path.substr(0, path.find('?'));
}

std::vector<std::string> uri_problems(std::string_view uri) {
  std::vector<std::string> p;
  if (uri.empty()) {
    p.emplace_back("empty URI");
    return p;
  }
  if (uri == kUnrestrictedUrn) return p;
  if (!istarts_with(uri, "https://")) {
    p.emplace_back("not an https URI (RFC 8908 §4: the API MUST be reached over https)");
    return p;
  }
  auto host = uri_host(uri);
  bool literal =
      !host.empty() && (host.front() == '[' || host.find_first_not_of("0123456789.") == std::string::npos);
  if (host.empty()) p.emplace_back("no host in URI");
  if (literal) p.emplace_back("IP-address literal (RFC 8910 §2: SHOULD NOT)");
  for (char c : uri)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      p.emplace_back("characters not allowed in a URI (RFC 3986)");
      break;
    }
  return p;
}

}  // namespace

std::string uri_host(std::string_view uri) {
  auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) return {};
  auto rest = uri.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') return std::string(rest.substr(0, rest.find(']') + 1));
  return std::string(rest.substr(0, rest.find(':')));
}

std::string_view unexpected_address_reason(std::uint8_t version, const std::uint8_t* a) {
  if (version == 4) {
    if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168))
      return "private address (RFC 1918)";
    if (a[0] == 100 && (a[1] & 0xc0) == 64) return "shared address space (RFC 6598)";
    if (a[0] == 127) return "loopback address";
    if (a[0] == 169 && a[1] == 254) return "link-local address";
    if (a[0] == 0) return "unspecified address";
    return {};
  }
  if ((a[0] & 0xfe) == 0xfc) return "unique local address (RFC 4193)";
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return "link-local address";
  bool zero_prefix = true;
  for (int i = 0; i < 15; ++i)
    zero_prefix = zero_prefix && a[i] == 0;
  if (zero_prefix && (a[15] == 0 || a[15] == 1)) return "loopback or unspecified address";
  if (a[0] == 0 && a[10] == 0xff && a[11] == 0xff) return unexpected_address_reason(4, a + 12);
  return {};
}

CaptureAnalyzer::CaptureAnalyzer() {
  seen_flows_.reserve(4096);
  pending_.reserve(256);
}

void CaptureAnalyzer::add(const dissect::Dissection& d, std::uint64_t number) {
  ++r_.packets;
  if (d.app.uri_count > 0 || d.app.dhcp_requests_114 || d.app.dhcp_requests_160 || d.app.dhcpv6_requests_103)
    on_provisioning(d, number);
  int ip_slot = 0;
  int l4_slot = 0;
  Proto l4p = Proto::none;
  if (!innermost(d, ip_slot, l4_slot, l4p)) return;
  const auto& ip = d.ip[ip_slot];
  const auto& l4 = d.l4[l4_slot];
  if (l4p == Proto::icmp || l4p == Proto::icmpv6) return on_signal(d, l4, ip_slot, number);
  if (ip.later_fragment) return;

  flow::FiveTuple t;
  t.ip_version = ip.version;
  t.proto = l4.proto;
  t.sport = l4.sport;
  t.dport = l4.dport;
  t.src = ip.src;
  t.dst = ip.dst;
  seen_flows_.insert(t);  // allocates for a new flow only

  if (l4p == Proto::udp && (l4.sport == 53 || l4.sport == 5353) && !l4.payload.empty())
    return on_dns(l4.payload, number);
  if (l4p == Proto::tcp && !l4.payload.empty()) on_tcp_payload(t, l4.payload, number);
}

void CaptureAnalyzer::on_provisioning(const dissect::Dissection& d, std::uint64_t number) {
  std::string sender;
  int ip_slot = 0;
  int l4_slot = 0;
  Proto l4p = Proto::none;
  if (innermost(d, ip_slot, l4_slot, l4p)) sender = ip_text(d.ip[ip_slot].version, d.ip[ip_slot].src.data());
  const auto& app = d.app;
  for (std::size_t i = 0; i < app.uri_count; ++i) {
    if (!room(r_.provisioning)) break;
    ProvisionedUri u;
    u.packet = number;
    u.source = dissect::uri_source_name(app.uris[i].source);
    u.uri = app.uris[i].uri;
    u.sender = sender;
    u.legacy = app.uris[i].source == dissect::UriSource::dhcpv4_160;
    u.unrestricted = u.uri == kUnrestrictedUrn;
    u.problems = uri_problems(u.uri);
    r_.provisioning.push_back(std::move(u));
  }
  auto request = [&](bool asked, const char* what) {
    if (!asked || !room(r_.requests)) return;
    for (const auto& q : r_.requests)
      if (q.what == what) return;  // the first packet asking is enough
    r_.requests.push_back({number, what});
  };
  request(app.dhcp_requests_114, "dhcpv4 parameter request list asks for 114");
  request(app.dhcp_requests_160, "dhcpv4 parameter request list asks for 160 (legacy)");
  request(app.dhcpv6_requests_103, "dhcpv6 option request option asks for 103");
}

void CaptureAnalyzer::on_dns(ByteView payload, std::uint64_t number) {
  auto m = parse_dns_message(payload);
  if (!m.ok()) {
    r_.outcomes.add(m.name());
    if (m.status() != Status::invalid || m->qname_len == 0) return;
  }
  if (!m->response || m->address_count == 0) return;
  auto name = m->qname();
  bool ncsi = name == "dns.msftncsi.com";
  if (!ncsi && !is_canary_host(name)) return;
  if (!room(r_.dns)) return;
  DnsFinding f;
  f.packet = number;
  f.name = name;
  for (std::size_t i = 0; i < m->address_count; ++i) {
    const auto& a = m->addresses[i];
    auto text = ip_text(a.version, a.addr.data());
    auto why = unexpected_address_reason(a.version, a.addr.data());
    // Windows NCSI's DNS canary has a fixed answer (specs/capport.md §2.4).
    if (why.empty() && ncsi && a.version == 4 && text != "131.107.255.255")
      why = "not 131.107.255.255 (NCSI)";
    if (!why.empty() && !f.hijacked) {
      f.hijacked = true;
      f.why = text + ": " + std::string(why);
    }
    f.addresses.push_back(std::move(text));
  }
  r_.dns.push_back(std::move(f));
}

void CaptureAnalyzer::on_tcp_payload(const flow::FiveTuple& t, ByteView payload, std::uint64_t number) {
  if (payload[0] == 22) return on_tls(t, payload, number);
  auto h = parse_http_head(as_text(payload));
  if (h.name() == "http_not_http") return;
  if (!h.ok()) {
    r_.outcomes.add(h.name());
    return;
  }
  if (h->is_request) {
    if (pending_.size() >= 4096) return;  // bounded: a capture of many unanswered requests
    std::string_view host = h->field("Host");
    std::string_view path;
    split_target(h->target, host, path);
    pending_[t] =
        PendingRequest{number, std::string(host), std::string(path), std::string(h->field("Accept"))};
    return;
  }
  auto it = pending_.find(t.reversed());
  if (it == pending_.end()) return;
  on_http_response(it->second, *h, number);
  pending_.erase(it);
}

void CaptureAnalyzer::on_http_response(const PendingRequest& req, const HttpHead& head,
                                       std::uint64_t number) {
  std::string url = "http://" + req.host + req.target;
  if (const CanarySpec* spec = find_canary(req.host, strip_query(req.target))) {
    if (!room(r_.canaries)) return;
    CanaryAnswer a{head.status, head.field("Location"), head.field("X-NetworkManager-Status"), head.body};
    CanaryFinding f;
    f.request_packet = req.packet;
    f.response_packet = number;
    f.url = url;
    f.vendor = spec->vendor;
    f.status = head.status;
    f.location = a.location;
    f.result = classify_canary(*spec, a);
    if (f.result == CanaryResult::unexpected_content) {
      f.detail = spec->expect == CanaryExpect::status_204 ? "expected 204"
                                                          : "expected \"" + std::string(spec->text) + "\"";
      auto title_at = head.body.find("<title>");
      if (title_at != std::string_view::npos) {
        auto t = head.body.substr(title_at + 7);
        f.detail += ", got a page titled \"" +
                    std::string(t.substr(0, std::min<std::size_t>(t.find('<'), 80))) + "\"";
      }
    }
    r_.canaries.push_back(std::move(f));
    return;
  }
  auto ctype = media_type(head.field("Content-Type"));
  bool asked_api = icontains(req.accept, kApiMediaType);
  bool provisioned_path = false;
  for (const auto& p : r_.provisioning)
    if (!p.unrestricted && iequals(uri_host(p.uri), req.host) &&
        p.uri.find(req.target) != std::string::npos && req.target.size() > 1)
      provisioned_path = true;
  if (!asked_api && !provisioned_path && !iequals(ctype, kApiMediaType)) return;
  if (!room(r_.api)) return;
  ApiFinding f;
  f.request_packet = req.packet;
  f.response_packet = number;
  f.url = url;
  f.status = head.status;
  f.content_type = head.field("Content-Type");
  f.problems.emplace_back("cleartext HTTP: RFC 8908 §4 requires an https URI and a verified certificate");
  if (!asked_api) f.problems.emplace_back("request without Accept: application/captive+json");
  if (head.status == 200 && !iequals(ctype, kApiMediaType))
    f.problems.emplace_back("Content-Type is not application/captive+json (RFC 8908 §5 MUST)");
  auto cache = head.field("Cache-Control");
  if (head.status == 200 && !icontains(cache, "private") && !icontains(cache, "no-store"))
    f.problems.emplace_back("no Cache-Control: private or no-store (RFC 8908 §5 SHOULD)");
  auto len = head.content_length();
  if (head.status == 200) {
    if (len >= 0 && static_cast<std::size_t>(len) > head.body.size())
      f.problems.emplace_back("body continues past this segment: not validated");
    else
      f.body = parse_api_status(len >= 0 ? head.body.substr(0, static_cast<std::size_t>(len)) : head.body);
  }
  r_.api.push_back(std::move(f));
}

void CaptureAnalyzer::on_tls(const flow::FiveTuple& t, ByteView payload, std::uint64_t number) {
  auto h = parse_tls_client_hello(payload);
  if (!h.ok()) {
    if (h.name() != "tls_not_handshake" && h.name() != "tls_not_client_hello") r_.outcomes.add(h.name());
    return;
  }
  if (h->server_name.empty() || seen_sni_.size() >= kMaxFindings) return;
  std::string name(h->server_name);
  if (!seen_sni_.insert(name).second) return;
  r_.tls.push_back({number, std::move(name), endpoint(t.ip_version, t.dst.data(), t.dport)});
}

void CaptureAnalyzer::on_signal(const dissect::Dissection& d, const dissect::L4Summary& l4, int ip_slot,
                                std::uint64_t number) {
  const char* kind = nullptr;
  if (l4.proto == 1 && l4.icmp_type == 3 && l4.icmp_code == 9)
    kind = "icmp 3/9 network administratively prohibited";
  if (l4.proto == 1 && l4.icmp_type == 3 && l4.icmp_code == 10)
    kind = "icmp 3/10 host administratively prohibited";
  if (l4.proto == 1 && l4.icmp_type == 3 && l4.icmp_code == 13)
    kind = "icmp 3/13 communication administratively prohibited";
  if (l4.proto == 1 && l4.icmp_type == 253)
    kind = "icmp 253 experimental (draft-wkumari-capport-icmp-unreach)";
  if (l4.proto == 58 && l4.icmp_type == 1 && l4.icmp_code == 1)
    kind = "icmpv6 1/1 administratively prohibited";
  if (!kind || !room(r_.signals)) return;
  SignalFinding f;
  f.packet = number;
  f.kind = kind;
  f.sender = ip_text(d.ip[ip_slot].version, d.ip[ip_slot].src.data());
  auto q = flow::extract_five_tuple(l4.payload);
  if (q->tuple.ip_version == 0) {
    f.quoted = "no usable quoted datagram (" + std::string(q.name()) + ")";
  } else {
    f.quoted = tuple_text(q->tuple);
    f.quotes_seen_flow = seen_flows_.count(q->tuple) > 0;
  }
  r_.signals.push_back(std::move(f));
}

}  // namespace pktmap::capport
