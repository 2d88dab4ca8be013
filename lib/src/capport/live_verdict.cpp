// Live probe verdict rules and report rendering (see live_probe.hpp).
//
// Order of trust (RFC 8952 §3, Android NetworkMonitor): a valid, authenticated API answer "captive" wins;
// a canary redirected or rewritten, or a canary name resolved to a private address, means a portal whatever
// the API said (the API can force "captive", not "open"); with the HTTP canary fine, a failed HTTPS canary
// makes the network partial; with nothing answering the verdict is unknown.
#include <nlohmann/json.hpp>

#include "pktmap/capport/http_head.hpp"
#include "pktmap/capport/live_probe.hpp"

namespace pktmap::capport {

namespace {

using ojson = nlohmann::ordered_json;

std::string canary_failure(const CanaryProbe& c) {
  std::string t = std::string(c.https ? "HTTPS" : "HTTP") + " canary " + c.url + " failed (";
  if (c.fetch == FetchOutcome::tls_untrusted) {
    // Someone answered TLS for the name with a certificate we cannot verify: a portal or an interception
    // proxy.
    t += "TLS intercepted: the certificate does not verify";
    if (!c.peer_certificate.empty()) t += "; it is for " + c.peer_certificate;
    return t + ")";
  }
  t += std::string(fetch_outcome_name(c.fetch));
  if (!c.error.empty()) t += ": " + c.error;
  return t + ")";
}

std::string cache_text(const std::string& cc) {
  if (cc.empty()) return "no Cache-Control";
  if (icontains(cc, "no-store")) return "not to be cached (" + cc + ")";
  auto at = cc.find("max-age=");
  if (at != std::string::npos)
    return "reusable for " + std::to_string(std::atol(cc.c_str() + at + 8)) + " s (" + cc + ")";
  return cc;
}

ojson discovery_json(const DiscoveryReport& r) {
  ojson j = {{"mode", std::string(discovery_mode_name(r.mode))}, {"interface", r.interface}};
  j["api_uri"] = r.api_uri ? ojson(*r.api_uri) : ojson(nullptr);
  j["api_source"] = r.api_source;
  j["unrestricted"] = r.unrestricted;
  ojson found = ojson::array();
  for (const auto& u : r.found)
    found.push_back({{"source", u.source},
                     {"uri", u.uri},
                     {"origin", u.origin},
                     {"how", u.how},
                     {"usable", u.usable},
                     {"legacy", u.legacy},
                     {"unrestricted", u.unrestricted},
                     {"problems", u.problems}});
  j["found"] = found;
  j["sent"] = r.sent;
  j["not_used"] = r.skipped;
  j["config_errors"] = r.config_errors;
  j["seconds"] = r.seconds;
  return j;
}

}  // namespace

void decide_live_verdict(ProbeReport& r) {
  r.reasons.clear();
  std::vector<std::string> captive;
  std::vector<std::string> open;
  std::vector<std::string> failed;
  std::string api_problem;
  bool api_open = false;
  bool http_ok = false;
  bool https_ok = false;
  bool https_failed = false;
  bool any_answer = false;

  if (r.api) {
    const auto& a = *r.api;
    if (a.status && a.status->valid) {
      std::string via = "RFC 8908 API " + a.uri + (a.verified ? "" : ", certificate NOT verified");
      if (a.status->captive) {
        std::string t = "the network says so (" + via + ")";
        if (a.status->user_portal_url) t += "; log in at " + *a.status->user_portal_url;
        captive.push_back(std::move(t));
      } else {
        std::string t = "the API says not captive (" + via + ")";
        if (a.status->seconds_remaining)
          t += ", " + std::to_string(*a.status->seconds_remaining) + " s remaining";
        if (a.status->bytes_remaining)
          t += ", " + std::to_string(*a.status->bytes_remaining) + " bytes remaining";
        open.push_back(std::move(t));
        api_open = true;
      }
    } else if (a.fetch == FetchOutcome::tls_untrusted) {
      api_problem = "the API " + a.uri + " offered a certificate that does not verify" +
                    (a.peer_certificate.empty() ? "" : " (" + a.peer_certificate + ")") +
                    ": not used (RFC 8908 §4); --ca-file to trust its CA, --insecure to skip the check";
    } else if (a.fetch != FetchOutcome::answered) {
      api_problem = "the API " + a.uri + " could not be reached (" +
                    std::string(fetch_outcome_name(a.fetch)) + (a.error.empty() ? "" : ": " + a.error) + ")";
    } else {
      api_problem =
          "the API " + a.uri + " gave no usable answer (" +
          (a.status ? a.status->error
                    : (a.problems.empty() ? "HTTP " + std::to_string(a.http_status) : a.problems.front())) +
          ")";
    }
  }

  if (r.discovery && r.discovery->unrestricted) {
    // RFC 8910 §2: a statement, not an API; the canaries can still show a portal.
    open.push_back("the network says it is not captive (" + std::string(kUnrestrictedUrn) + " via " +
                   r.discovery->api_source + ")");
    api_open = true;
  }
  for (const auto& c : r.canaries) {
    if (c.dns_hijacked) captive.push_back("DNS for a canary is hijacked: " + c.detail);
    if (c.fetch == FetchOutcome::answered && c.result) {
      any_answer = true;
      switch (*c.result) {
        case CanaryResult::open:
          (c.https ? https_ok : http_ok) = true;
          open.push_back(std::string(c.https ? "HTTPS" : "HTTP") + " canary " + c.url +
                         " answered as expected (" + std::to_string(c.status) + ")");
          break;
        case CanaryResult::redirect:
          captive.push_back(std::string(c.https ? "HTTPS" : "HTTP") + " canary redirected (" +
                            std::to_string(c.status) + " to " + c.location + ")");
          break;
        case CanaryResult::unexpected_content:
          captive.push_back(std::string(c.https ? "HTTPS" : "HTTP") + " canary " + c.url + " answered " +
                            std::to_string(c.status) + " with unexpected content (" + c.detail + ")");
          break;
        case CanaryResult::auth_required:
          captive.push_back(std::string(c.https ? "HTTPS" : "HTTP") + " canary " + c.url +
                            " answered 511 Network Authentication Required (RFC 6585 §6)");
          break;
        case CanaryResult::error:
          if (c.https) https_failed = true;
          failed.push_back(std::string(c.https ? "HTTPS" : "HTTP") + " canary " + c.url + " answered " +
                           std::to_string(c.status));
          break;
      }
    } else {
      if (c.https) https_failed = true;
      if (c.fetch == FetchOutcome::tls_untrusted) any_answer = true;
      failed.push_back(canary_failure(c));
    }
  }

  // Enforcement signals quoting the probe's own flows. The experimental captive-portal type says "portal"
  // by itself; an administrative prohibition says "filtered": captive with other portal evidence (e.g. the
  // HTTPS canary prohibited while HTTP is redirected), partial otherwise.
  std::vector<std::string> signal_reasons;
  bool portal_icmp = false;
  for (const auto& s : r.signals) {
    if (!s.accepted) continue;
    if (s.family == 4 && s.type == kIcmpCaptivePortalType) portal_icmp = true;
    signal_reasons.push_back("ICMP " + s.kind + " from " + s.sender + " for the probe's " + s.flow + " (" +
                             s.quoted + ")");
  }
  if (portal_icmp) captive.insert(captive.end(), signal_reasons.begin(), signal_reasons.end());

  if (!captive.empty()) {
    r.verdict = Verdict::captive;
    r.reasons = captive;
    for (const auto& f : failed)
      r.reasons.push_back(f);
    if (!portal_icmp)
      for (const auto& s : signal_reasons)
        r.reasons.push_back(s);
    if (api_open) r.reasons.push_back("the API said not captive, but the canaries disagree");
  } else if (!signal_reasons.empty()) {
    r.verdict = Verdict::partial;
    r.reasons.emplace_back("the network administratively blocks some of the probe's traffic");
    for (const auto& s : signal_reasons)
      r.reasons.push_back(s);
    for (const auto& f : failed)
      r.reasons.push_back(f);
    for (const auto& o : open)
      r.reasons.push_back(o);
  } else if ((http_ok || api_open) && https_failed) {
    r.verdict = Verdict::partial;
    r.reasons.push_back("HTTP works but HTTPS does not");
    for (const auto& f : failed)
      r.reasons.push_back(f);
    for (const auto& o : open)
      r.reasons.push_back(o);
  } else if (!open.empty() && failed.empty()) {
    r.verdict = Verdict::open;
    r.reasons = open;
  } else if (!open.empty()) {
    r.verdict = http_ok || https_ok ? Verdict::partial : Verdict::open;
    r.reasons = open;
    for (const auto& f : failed)
      r.reasons.push_back(f);
  } else {
    r.verdict = Verdict::unknown;
    if (!any_answer && !r.canaries.empty()) r.reasons.emplace_back("no canary answered: blocked or offline");
    for (const auto& f : failed)
      r.reasons.push_back(f);
  }
  if (!api_problem.empty()) r.reasons.push_back(api_problem);
  if (r.discovery)
    for (const auto& e : r.discovery->config_errors)
      r.reasons.push_back(e);
  if (r.reasons.empty()) r.reasons.emplace_back("nothing was probed");
}

std::string format_probe_report(const ProbeReport& r) {
  std::string out;
  out += verdict_name(r.verdict);
  out += ": " + r.reasons.front() + "\n";
  for (std::size_t i = 1; i < r.reasons.size(); ++i)
    out += "  " + r.reasons[i] + "\n";
  for (const auto& w : r.warnings)
    out += "  warning: " + w + "\n";
  if (r.discovery) out += format_discovery(*r.discovery);
  if (r.api) {
    const auto& a = *r.api;
    out += "api " + a.uri + ": " + std::string(fetch_outcome_name(a.fetch));
    if (a.http_status) out += ", HTTP " + std::to_string(a.http_status);
    if (!a.content_type.empty()) out += ", " + a.content_type;
    out += "\n";
    if (a.status && a.status->valid) {
      const auto& s = *a.status;
      out += std::string("  captive: ") + (s.captive ? "true" : "false") + "\n";
      if (s.user_portal_url) out += "  user-portal-url: " + *s.user_portal_url + "\n";
      if (s.venue_info_url) out += "  venue-info-url: " + *s.venue_info_url + "\n";
      if (s.can_extend_session)
        out += std::string("  can-extend-session: ") + (*s.can_extend_session ? "true" : "false") + "\n";
      if (s.seconds_remaining) out += "  seconds-remaining: " + std::to_string(*s.seconds_remaining) + "\n";
      if (s.bytes_remaining) out += "  bytes-remaining: " + std::to_string(*s.bytes_remaining) + "\n";
      for (const auto& k : s.unknown_keys)
        out += "  unknown key: " + k + " (ignored, RFC 8908 §5)\n";
      out += "  cache: " + cache_text(a.cache_control) + "\n";
    }
    if (a.status && !a.status->valid) out += "  invalid: " + a.status->error + "\n";
    for (const auto& p : a.problems)
      out += "  non-conformant: " + p + "\n";
    if (a.status)
      for (const auto& w : a.status->warnings)
        out += "  non-conformant: " + w + "\n";
  }
  for (const auto& c : r.canaries) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.2f s", c.seconds);
    out += "canary " + c.url + ": ";
    if (c.fetch == FetchOutcome::answered) {
      out += std::to_string(c.status);
      if (!c.location.empty()) out += " Location " + c.location;
      if (c.result) out += " (" + std::string(canary_result_name(*c.result)) + ")";
    } else {
      out += std::string(fetch_outcome_name(c.fetch)) + (c.error.empty() ? "" : " (" + c.error + ")");
    }
    if (!c.primary_ip.empty()) out += " from " + c.primary_ip + (c.pinned ? " (pinned)" : "");
    out += ", " + std::string(secs) + "\n";
  }
  if (!r.signals_listened) {
    out += "signals: not listened for (" + r.signals_skipped + ")\n";
  } else {
    std::size_t accepted = 0;
    for (const auto& s : r.signals)
      accepted += s.accepted ? 1 : 0;
    out += "signals: " + std::to_string(accepted) + " accepted, " +
           std::to_string(r.signals.size() - accepted) + " ignored";
    if (r.api_requeries) out += ", API asked again " + std::to_string(r.api_requeries) + " time(s)";
    out += "\n";
    for (const auto& s : r.signals) {
      char at[32];
      std::snprintf(at, sizeof at, "%.2f s", s.at);
      out += std::string(s.accepted ? "  accepted: " : "  ignored: ") + s.kind + " from " + s.sender;
      if (!s.quoted.empty()) out += " quoting " + s.quoted;
      out += s.accepted ? " (" + s.flow + ")" : " (" + s.reason + ")";
      out += ", at " + std::string(at) + "\n";
    }
  }
  char total[48];
  std::snprintf(total, sizeof total, "probe took %.2f s\n", r.seconds);
  out += total;
  return out;
}

std::string format_probe_report_json(const ProbeReport& r) {
  ojson j;
  j["verdict"] = std::string(verdict_name(r.verdict));
  j["exit_status"] = verdict_exit_code(r.verdict);
  j["reasons"] = r.reasons;
  j["warnings"] = r.warnings;
  if (r.discovery) j["discovery"] = discovery_json(*r.discovery);
  if (r.api) {
    const auto& a = *r.api;
    ojson api = {
        {"uri", a.uri}, {"fetch", std::string(fetch_outcome_name(a.fetch))}, {"verified", a.verified}};
    if (!a.error.empty()) api["error"] = a.error;
    if (a.http_status) api["http_status"] = a.http_status;
    if (!a.content_type.empty()) api["content_type"] = a.content_type;
    if (!a.cache_control.empty()) api["cache_control"] = a.cache_control;
    if (!a.peer_certificate.empty()) api["peer_certificate"] = a.peer_certificate;
    if (a.status) {
      const auto& s = *a.status;
      ojson b = {{"valid", s.valid}};
      if (!s.valid) b["error"] = s.error;
      if (s.valid) b["captive"] = s.captive;
      if (s.user_portal_url) b["user-portal-url"] = *s.user_portal_url;
      if (s.venue_info_url) b["venue-info-url"] = *s.venue_info_url;
      if (s.can_extend_session) b["can-extend-session"] = *s.can_extend_session;
      if (s.seconds_remaining) b["seconds-remaining"] = *s.seconds_remaining;
      if (s.bytes_remaining) b["bytes-remaining"] = *s.bytes_remaining;
      b["unknown_keys"] = s.unknown_keys;
      b["warnings"] = s.warnings;
      api["body"] = b;
    }
    api["problems"] = a.problems;
    j["api"] = api;
  }
  ojson cs = ojson::array();
  for (const auto& c : r.canaries) {
    ojson e = {{"url", c.url}, {"https", c.https}, {"fetch", std::string(fetch_outcome_name(c.fetch))}};
    if (c.status) e["status"] = c.status;
    if (!c.location.empty()) e["location"] = c.location;
    if (c.result) e["result"] = std::string(canary_result_name(*c.result));
    if (!c.error.empty()) e["error"] = c.error;
    if (!c.detail.empty()) e["detail"] = c.detail;
    if (!c.primary_ip.empty()) e["address"] = c.primary_ip;
    e["pinned"] = c.pinned;
    e["dns_hijacked"] = c.dns_hijacked;
    if (!c.peer_certificate.empty()) e["peer_certificate"] = c.peer_certificate;
    e["seconds"] = c.seconds;
    cs.push_back(e);
  }
  j["canaries"] = cs;
  ojson sig = {{"listened", r.signals_listened}};
  if (!r.signals_listened) sig["skipped"] = r.signals_skipped;
  ojson list = ojson::array();
  for (const auto& s : r.signals) {
    ojson e = {{"family", s.family == 6 ? "icmpv6" : "icmp"},
               {"type", s.type},
               {"code", s.code},
               {"kind", s.kind},
               {"sender", s.sender},
               {"accepted", s.accepted},
               {"seconds", s.at}};
    if (!s.quoted.empty()) e["quoted_flow"] = s.quoted;
    if (s.accepted) e["probe_flow"] = s.flow;
    if (!s.accepted) e["ignored_reason"] = s.reason;
    list.push_back(e);
  }
  sig["messages"] = list;
  sig["api_requeries"] = r.api_requeries;
  ojson flows = ojson::array();
  for (const auto& f : r.flows)
    flows.push_back({{"flow", describe_flow(f.tuple)}, {"for", f.label}});
  sig["probe_flows"] = flows;
  j["signals"] = sig;
  j["seconds"] = r.seconds;
  return j.dump() + "\n";
}

}  // namespace pktmap::capport
