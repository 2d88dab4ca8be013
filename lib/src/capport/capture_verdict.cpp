// Weighing capture evidence into a verdict (CaptureAnalyzer::finish, see capture_analysis.hpp).
//
// Decisive evidence is put on a timeline by packet number: "captive" (API captive=true, a canary redirected
// or rewritten, a canary name resolved to a private address) and "open" (API captive=false, a canary
// answered as expected, the unrestricted URN). The last decisive event gives the state at the end of the
// capture, so a capture of a login (captive, then open) ends open. Enforcement signals that quote flows of
// the capture after the last "open" event (or with no decisive evidence at all) make it partial.
#include <algorithm>
#include <map>

#include "pktmap/capport/capture_analysis.hpp"

namespace pktmap::capport {

namespace {

enum class Lean : unsigned char { captive, open };

struct Event {
  std::uint64_t packet;
  Lean lean;
  std::string text;
};

std::string num(std::uint64_t n) {
  return "#" + std::to_string(n);
}

}  // namespace

CaptureReport CaptureAnalyzer::finish() {
  // Canary requests that never got an answer.
  for (const auto& [tuple, req] : pending_) {
    if (!find_canary(req.host, req.target.substr(0, req.target.find('?'))) || !room(r_.canaries)) continue;
    CanaryFinding f;
    f.request_packet = req.packet;
    f.url = "http://" + req.host + req.target;
    f.result = CanaryResult::error;
    f.detail = "no response in the capture";
    r_.canaries.push_back(std::move(f));
  }
  pending_.clear();
  std::sort(r_.canaries.begin(), r_.canaries.end(),
            [](const auto& a, const auto& b) { return a.request_packet < b.request_packet; });

  // Keep only ClientHellos toward a provisioned API host.
  std::vector<std::string> api_hosts;
  for (const auto& p : r_.provisioning)
    if (!p.unrestricted) api_hosts.push_back(uri_host(p.uri));
  std::erase_if(r_.tls, [&](const TlsFinding& t) {
    return std::none_of(api_hosts.begin(), api_hosts.end(),
                        [&](const auto& h) { return iequals(h, t.server_name); });
  });

  // RFC 8910 §3: different URIs from different sources are a network configuration error.
  std::map<std::string, std::vector<const ProvisionedUri*>> by_uri;
  for (const auto& p : r_.provisioning)
    by_uri[p.uri].push_back(&p);
  if (by_uri.size() > 1) {
    std::string msg =
        "different captive-portal URIs provisioned (RFC 8910 §3: a network configuration error, unless the "
        "capture "
        "spans several networks):";
    for (const auto& [uri, list] : by_uri) {
      msg += " " + uri + " via";
      std::map<std::string, std::string> sources;
      for (const auto* p : list)
        if (sources.find(p->source) == sources.end()) sources[p->source] = num(p->packet);
      for (const auto& [s, first] : sources)
        msg += " " + s + " (" + first + ")";
      msg += ";";
    }
    msg.pop_back();
    r_.config_errors.push_back(std::move(msg));
  }
  std::string legacy_at;
  std::map<std::string, std::string> problems;  // problem text -> packets
  for (const auto& p : r_.provisioning) {
    if (p.legacy) legacy_at += (legacy_at.empty() ? "" : ", ") + num(p.packet);
    for (const auto& problem : p.problems) {
      auto& at = problems[p.source + " URI " + p.uri + ": " + problem];
      at += (at.empty() ? "" : ", ") + num(p.packet);
    }
  }
  if (!legacy_at.empty())
    r_.config_errors.push_back("DHCPv4 option 160 (" + legacy_at +
                               ") is RFC 7710's retired code, also used by Polycom phones: not trusted");
  for (const auto& [problem, at] : problems)
    r_.config_errors.push_back(problem + " (" + at + ")");

  std::vector<Event> events;
  // The unrestricted URN, however often it is repeated, is one statement: dated by its last sighting.
  std::uint64_t urn_last = 0;
  std::map<std::string, std::string> urn_sources;  // source -> first packet
  for (const auto& p : r_.provisioning) {
    if (!p.unrestricted || p.legacy) continue;
    urn_last = p.packet;
    urn_sources.emplace(p.source, num(p.packet));
  }
  if (urn_last) {
    std::string t = "the network advertises " + std::string(kUnrestrictedUrn) + " (";
    for (const auto& [s, first] : urn_sources)
      t += s + " " + first + ", ";
    t.resize(t.size() - 2);
    t += "): no captive portal";
    if (by_uri.size() > 1) t += ", but other URIs were provisioned too (see configuration)";
    events.push_back({urn_last, Lean::open, std::move(t)});
  }
  for (const auto& d : r_.dns)
    if (d.hijacked)
      events.push_back({d.packet, Lean::captive,
                        "DNS for " + d.name + " answered " + d.why + " (hijacked, " + num(d.packet) + ")"});
  for (const auto& c : r_.canaries) {
    std::string where = num(c.request_packet) + "/" + num(c.response_packet);
    if (c.result == CanaryResult::open)
      events.push_back({c.response_packet, Lean::open,
                        "HTTP canary " + c.url + " answered as expected (" + std::to_string(c.status) + ", " +
                            where + ")"});
    if (c.result == CanaryResult::redirect)
      events.push_back({c.response_packet, Lean::captive,
                        "HTTP canary " + c.url + " redirected (" + std::to_string(c.status) + " to " +
                            c.location + ", " + where + ")"});
    if (c.result == CanaryResult::unexpected_content)
      events.push_back({c.response_packet, Lean::captive,
                        "HTTP canary " + c.url + " answered " + std::to_string(c.status) +
                            " with unexpected content (" + c.detail + ", " + where + ")"});
    if (c.result == CanaryResult::auth_required)
      events.push_back({c.response_packet, Lean::captive,
                        "HTTP canary " + c.url +
                            " answered 511 Network Authentication Required (RFC 6585 §6, " + where + ")"});
  }
  for (const auto& a : r_.api) {
    if (!a.body || !a.body->valid) continue;
    std::string where = num(a.request_packet) + "/" + num(a.response_packet);
    if (a.body->captive) {
      std::string t = "the network says so (RFC 8908 API " + a.url + " over cleartext HTTP, " + where + ")";
      if (a.body->user_portal_url) t += "; log in at " + *a.body->user_portal_url;
      events.push_back({a.response_packet, Lean::captive, std::move(t)});
    } else {
      std::string t = "the API says captive=false (" + a.url + ", " + where + ")";
      if (a.body->seconds_remaining) t += ", " + std::to_string(*a.body->seconds_remaining) + " s remaining";
      if (a.body->bytes_remaining) t += ", " + std::to_string(*a.body->bytes_remaining) + " bytes remaining";
      events.push_back({a.response_packet, Lean::open, std::move(t)});
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.packet < b.packet; });

  std::uint64_t last_open = 0;
  for (const auto& e : events)
    if (e.lean == Lean::open) last_open = e.packet;
  std::size_t blocking = 0;
  std::string first_signal;
  for (const auto& s : r_.signals) {
    if (!s.quotes_seen_flow || s.packet < last_open) continue;
    if (blocking++ == 0) first_signal = s.kind + " at " + num(s.packet) + " quoting " + s.quoted;
  }
  std::string signal_reason;
  if (blocking > 0)
    signal_reason = std::to_string(blocking) +
                    " flow(s) administratively prohibited by the network (first: " + first_signal + ")";

  if (events.empty()) {
    if (blocking > 0) {
      r_.verdict = Verdict::partial;
      r_.reasons.push_back(signal_reason);
      r_.reasons.push_back("no canary or API exchange in the capture to tell a portal from a filter");
    } else {
      r_.verdict = Verdict::unknown;
      bool any_api = false;
      for (const auto& p : r_.provisioning) {
        if (p.unrestricted || p.legacy) continue;
        if (!any_api)
          r_.reasons.push_back("the network provisions a captive-portal API (" + p.uri + " via " + p.source +
                               ", " + num(p.packet) +
                               ") but the capture holds no exchange showing the state; ask it: "
                               "capport-probe --api " +
                               p.uri);
        any_api = true;
      }
      for (const auto& t : r_.tls)
        r_.reasons.push_back("the client opened TLS to the API host " + t.server_name + " (" + num(t.packet) +
                             "): the answer is encrypted");
      if (!any_api)
        r_.reasons.push_back("no provisioning, canary, DNS, API or enforcement evidence in the capture");
    }
    return std::move(r_);
  }

  Lean final_lean = events.back().lean;
  if (final_lean == Lean::captive) {
    r_.verdict = Verdict::captive;
    for (const auto& e : events)
      if (e.lean == Lean::captive) r_.reasons.push_back(e.text);
    for (const auto& e : events)
      if (e.lean == Lean::open && e.packet < events.back().packet) r_.reasons.push_back("earlier: " + e.text);
  } else {
    r_.verdict = blocking > 0 ? Verdict::partial : Verdict::open;
    if (blocking > 0) r_.reasons.push_back(signal_reason);
    for (const auto& e : events)
      if (e.lean == Lean::open) r_.reasons.push_back(e.text);
    for (const auto& e : events)
      if (e.lean == Lean::captive) r_.reasons.push_back("earlier: " + e.text);
  }
  for (const auto& t : r_.tls)
    r_.reasons.push_back("the client opened TLS to the API host " + t.server_name + " (" + num(t.packet) +
                         ")");
  return std::move(r_);
}

}  // namespace pktmap::capport
