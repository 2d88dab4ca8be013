// Text and JSON rendering of a CaptureReport (see capture_analysis.hpp).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "pktmap/capport/capture_analysis.hpp"

namespace pktmap::capport {

namespace {

using ojson = nlohmann::ordered_json;

// Appended rather than "#" + std::to_string(n): GCC 12 at -O3 inlines that operator+ (an insert at 0 of the
// temporary) and reports a false -Werror=restrict overlap.
std::string pkt(std::uint64_t n) {
  if (n == 0) return "-";
  std::string s(1, '#');
  s += std::to_string(n);
  return s;
}

void line(std::string& out, const std::string& where, const char* kind, const std::string& text) {
  char head[48];
  std::snprintf(head, sizeof head, "  %-11s %-8s ", where.c_str(), kind);
  out += head;
  out += text;
  out += '\n';
}

ojson api_status_json(const ApiStatus& s) {
  ojson j;
  j["valid"] = s.valid;
  if (!s.valid) j["error"] = s.error;
  if (s.valid) j["captive"] = s.captive;
  if (s.user_portal_url) j["user-portal-url"] = *s.user_portal_url;
  if (s.venue_info_url) j["venue-info-url"] = *s.venue_info_url;
  if (s.can_extend_session) j["can-extend-session"] = *s.can_extend_session;
  if (s.seconds_remaining) j["seconds-remaining"] = *s.seconds_remaining;
  if (s.bytes_remaining) j["bytes-remaining"] = *s.bytes_remaining;
  j["unknown_keys"] = s.unknown_keys;
  j["warnings"] = s.warnings;
  return j;
}

std::string api_status_text(const ApiStatus& s) {
  if (!s.valid) return "invalid body: " + s.error;
  std::string t = std::string("captive=") + (s.captive ? "true" : "false");
  if (s.user_portal_url) t += " user-portal-url=" + *s.user_portal_url;
  if (s.venue_info_url) t += " venue-info-url=" + *s.venue_info_url;
  if (s.can_extend_session)
    t += std::string(" can-extend-session=") + (*s.can_extend_session ? "true" : "false");
  if (s.seconds_remaining) t += " seconds-remaining=" + std::to_string(*s.seconds_remaining);
  if (s.bytes_remaining) t += " bytes-remaining=" + std::to_string(*s.bytes_remaining);
  for (const auto& k : s.unknown_keys)
    t += " unknown-key=" + k;
  return t;
}

}  // namespace

std::string format_capture_report(const CaptureReport& r, const std::string& file) {
  std::string out;
  out += verdict_name(r.verdict);
  out += ": ";
  out += r.reasons.empty() ? std::string("no evidence") : r.reasons.front();
  out += '\n';
  for (std::size_t i = 1; i < r.reasons.size(); ++i)
    out += "  " + r.reasons[i] + "\n";
  for (const auto& e : r.config_errors)
    out += "  configuration: " + e + "\n";
  out += "evidence (" + file + ", " + std::to_string(r.packets) + " packets):\n";
  // One line per finding, in capture order; continuation lines (empty `where`) stay with their finding.
  std::vector<std::pair<std::uint64_t, std::string>> lines;
  auto add = [&](std::uint64_t at, const std::string& where, const char* kind, const std::string& text) {
    std::string l;
    line(l, where, kind, text);
    if (where.empty() && !lines.empty())
      lines.back().second += l;
    else
      lines.emplace_back(at, std::move(l));
  };
  for (const auto& q : r.requests)
    add(q.packet, pkt(q.packet), "request", q.what);
  for (const auto& p : r.provisioning) {
    std::string t = p.source + " " + p.uri + " from " + p.sender;
    if (p.unrestricted) t += " (unrestricted: not captive)";
    if (p.legacy) t += " (legacy RFC 7710 code)";
    add(p.packet, pkt(p.packet), "option", t);
  }
  for (const auto& d : r.dns) {
    std::string t = d.name + " ->";
    for (const auto& a : d.addresses)
      t += " " + a;
    t += d.hijacked ? " (hijacked: " + d.why + ")" : " (plausible)";
    add(d.packet, pkt(d.packet), "dns", t);
  }
  for (const auto& c : r.canaries) {
    std::string t = c.url + " -> ";
    t += c.response_packet ? std::to_string(c.status) : std::string("no response");
    if (!c.location.empty()) t += " Location " + c.location;
    t += " (" + std::string(canary_result_name(c.result));
    if (!c.detail.empty()) t += ": " + c.detail;
    t += ")";
    add(c.request_packet, pkt(c.request_packet) + "/" + pkt(c.response_packet), "canary", t);
  }
  for (const auto& a : r.api) {
    std::string t = a.url + " -> " + std::to_string(a.status) + " " + a.content_type;
    if (a.body) t += "; " + api_status_text(*a.body);
    add(a.request_packet, pkt(a.request_packet) + "/" + pkt(a.response_packet), "api", t);
    for (const auto& p : a.problems)
      add(0, "", "", "non-conformant: " + p);
    if (a.body)
      for (const auto& w : a.body->warnings)
        add(0, "", "", "non-conformant: " + w);
  }
  for (const auto& t : r.tls)
    add(t.packet, pkt(t.packet), "tls",
        "ClientHello SNI " + t.server_name + " to " + t.server + " (the API host)");
  for (const auto& s : r.signals)
    add(s.packet, pkt(s.packet), "signal",
        s.kind + " from " + s.sender + " quoting " + s.quoted +
            (s.quotes_seen_flow ? " (a flow of this capture)" : " (not a flow seen in this capture)"));
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& l : lines)
    out += l.second;
  if (lines.empty()) out += "  none\n";
  if (r.dropped_findings) out += "  (" + std::to_string(r.dropped_findings) + " further findings not kept)\n";
  return out;
}

std::string format_capture_report_json(const CaptureReport& r, const std::string& file) {
  ojson j;
  j["file"] = file;
  j["packets"] = r.packets;
  j["verdict"] = std::string(verdict_name(r.verdict));
  j["exit_status"] = verdict_exit_code(r.verdict);
  j["reasons"] = r.reasons;
  j["configuration_errors"] = r.config_errors;
  ojson prov = ojson::array();
  for (const auto& p : r.provisioning)
    prov.push_back({{"packet", p.packet},
                    {"source", p.source},
                    {"uri", p.uri},
                    {"sender", p.sender},
                    {"legacy", p.legacy},
                    {"unrestricted", p.unrestricted},
                    {"problems", p.problems}});
  j["provisioning"] = prov;
  ojson req = ojson::array();
  for (const auto& q : r.requests)
    req.push_back({{"packet", q.packet}, {"what", q.what}});
  j["option_requests"] = req;
  ojson dns = ojson::array();
  for (const auto& d : r.dns) {
    ojson e = {{"packet", d.packet}, {"name", d.name}, {"addresses", d.addresses}, {"hijacked", d.hijacked}};
    if (d.hijacked) e["why"] = d.why;
    dns.push_back(e);
  }
  j["dns"] = dns;
  ojson can = ojson::array();
  for (const auto& c : r.canaries) {
    ojson e = {{"request_packet", c.request_packet}, {"response_packet", c.response_packet}, {"url", c.url}};
    if (!c.vendor.empty()) e["vendor"] = c.vendor;
    if (c.response_packet) e["status"] = c.status;
    if (!c.location.empty()) e["location"] = c.location;
    e["result"] = std::string(canary_result_name(c.result));
    if (!c.detail.empty()) e["detail"] = c.detail;
    can.push_back(e);
  }
  j["canaries"] = can;
  ojson api = ojson::array();
  for (const auto& a : r.api) {
    ojson e = {{"request_packet", a.request_packet},
               {"response_packet", a.response_packet},
               {"url", a.url},
               {"status", a.status},
               {"content_type", a.content_type},
               {"problems", a.problems}};
    if (a.body) e["body"] = api_status_json(*a.body);
    api.push_back(e);
  }
  j["api"] = api;
  ojson tls = ojson::array();
  for (const auto& t : r.tls)
    tls.push_back({{"packet", t.packet}, {"server_name", t.server_name}, {"server", t.server}});
  j["tls_to_api"] = tls;
  ojson sig = ojson::array();
  for (const auto& s : r.signals)
    sig.push_back({{"packet", s.packet},
                   {"kind", s.kind},
                   {"sender", s.sender},
                   {"quoted", s.quoted},
                   {"quotes_seen_flow", s.quotes_seen_flow}});
  j["signals"] = sig;
  ojson oc = ojson::object();
  for (const auto& c : r.outcomes)
    oc[std::string(c.name)] = c.value;
  j["parse_outcomes"] = oc;
  j["dropped_findings"] = r.dropped_findings;
  return j.dump() + "\n";
}

}  // namespace pktmap::capport
