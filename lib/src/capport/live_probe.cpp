// The live probe's network part: one libcurl multi handle running the API request and the canaries in
// parallel under a single deadline (see live_probe.hpp). One transfer's set-up and callbacks are in
// curl_transfer.cpp; the verdict rules are in live_verdict.cpp.
#include "pktmap/capport/live_probe.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "curl_transfer.hpp"
#include "pktmap/capport/capture_analysis.hpp"
#include "pktmap/capport/http_head.hpp"
#include "pktmap/capport/signal_listener.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/error.hpp"
#include "pktmap/report/interrupt.hpp"

namespace pktmap::capport {

std::string https_library_version() {
  return curl_version();
}

namespace {

using detail::Clock;
using detail::common_setup;
using detail::error_text;
using detail::outcome_of;
using detail::Transfer;
using detail::Url;

std::string ip_reason(const std::string& ip) {
  std::uint8_t a[16];
  if (inet_pton(AF_INET, ip.c_str(), a) == 1) return std::string(unexpected_address_reason(4, a));
  if (inet_pton(AF_INET6, ip.c_str(), a) == 1) return std::string(unexpected_address_reason(6, a));
  return {};
}

void finish_api(Transfer& t, ApiResult& api) {
  api.fetch = outcome_of(t);
  api.error = error_text(t);
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  api.http_status = static_cast<int>(status);
  char* ctype = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &ctype);
  if (ctype) api.content_type = ctype;
  api.cache_control = t.cache_control;
  if (api.fetch != FetchOutcome::answered) return;
  if (api.http_status != 200) {
    api.problems.push_back("HTTP status " + std::to_string(api.http_status) +
                           ", not 200: the answer is ignored");
    return;
  }
  auto mt = media_type(api.content_type);
  if (!iequals(mt, kApiMediaType)) {
    api.problems.push_back("Content-Type \"" + api.content_type +
                           "\" is not application/captive+json (RFC 8908 §5 MUST)");
    if (!iequals(mt, "application/json")) return;  // an HTML page (portal redirect) is not an API answer
  }
  if (!icontains(t.cache_control, "private") && !icontains(t.cache_control, "no-store"))
    api.problems.emplace_back("no Cache-Control: private or no-store (RFC 8908 §5 SHOULD)");
  api.status = parse_api_status(t.body);
}

void finish_canary(Transfer& t, CanaryProbe& c, const Url& u) {
  c.fetch = outcome_of(t);
  c.error = error_text(t);
  c.seconds = t.seconds;
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  c.status = static_cast<int>(status);
  char* ip = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_PRIMARY_IP, &ip);
  if (ip) c.primary_ip = ip;
  if (!c.pinned && !c.primary_ip.empty()) {
    auto why = ip_reason(c.primary_ip);
    if (!why.empty()) {
      c.dns_hijacked = true;
      c.detail = u.host + " resolved to " + c.primary_ip + " (" + why + ")";
    }
  }
  if (c.fetch != FetchOutcome::answered) return;
  c.location = t.location;
  const CanarySpec* spec = nullptr;
  char* path = nullptr;
  CURLU* h = curl_url();
  if (curl_url_set(h, CURLUPART_URL, c.url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(h, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
    spec = find_canary(u.host, path);
  }
  curl_free(path);
  curl_url_cleanup(h);
  static constexpr CanarySpec kPlain{"", "", CanaryExpect::status_204, "", ""};
  CanaryAnswer a{c.status, c.location, t.nm_status, t.body};
  c.result = classify_canary(spec ? *spec : kPlain, a);
  if (*c.result == CanaryResult::unexpected_content && c.detail.empty())
    c.detail = spec && spec->expect != CanaryExpect::status_204
                   ? "expected \"" + std::string(spec->text) + "\""
                   : "expected 204";
}

}  // namespace

ResolvePin parse_resolve_pin(std::string_view text) {
  ResolvePin p;
  auto bad = [&] {
    return SetupError("--resolve " + std::string(text) + ": expected HOST:ADDR or HOST:PORT:ADDR");
  };
  // (A NUL would end the "HOST:PORT:ADDR" string curl gets early.)
  if (text.find('\0') != std::string_view::npos) throw bad();
  auto c1 = text.find(':');
  if (c1 == std::string_view::npos || c1 == 0) throw bad();
  p.host = text.substr(0, c1);
  auto rest = text.substr(c1 + 1);
  auto c2 = rest.find(':');
  if (c2 != std::string_view::npos && c2 > 0 &&
      rest.substr(0, c2).find_first_not_of("0123456789") == std::string_view::npos) {
    p.port = std::atoi(std::string(rest.substr(0, c2)).c_str());
    if (p.port <= 0 || p.port > 65535) throw bad();
    rest = rest.substr(c2 + 1);
  }
  const std::string_view bare =
      rest.size() > 2 && rest.front() == '[' && rest.back() == ']' ? rest.substr(1, rest.size() - 2) : rest;
  codec::Ipv4Addr v4;
  codec::Ipv6Addr v6;
  if (codec::parse_ipv4_addr(bare, v4))
    p.addr = bare;
  else if (codec::parse_ipv6_addr(bare, v6))
    p.addr = "[" + std::string(bare) + "]";
  else
    throw bad();
  return p;
}

std::string_view fetch_outcome_name(FetchOutcome o) {
  switch (o) {
    case FetchOutcome::answered:
      return "answered";
    case FetchOutcome::dns_failed:
      return "dns-failed";
    case FetchOutcome::connect_failed:
      return "connect-failed";
    case FetchOutcome::timeout:
      return "timeout";
    case FetchOutcome::tls_untrusted:
      return "tls-untrusted";
    case FetchOutcome::tls_failed:
      return "tls-failed";
    case FetchOutcome::too_large:
      return "too-large";
    case FetchOutcome::other_error:
      return "error";
  }
  return "error";
}

ProbeReport run_live_probe(const ProbeOptions& options) {
  detail::init_curl();
  const auto probe_start = Clock::now();
  ProbeReport report;
  ProbeOptions o = options;
  if (!o.api_uri && o.discovery && o.discovery->mode != DiscoveryMode::off) {
    DiscoveryOptions d = *o.discovery;
    d.window = std::min(d.window, o.timeout * 2 / 5);
    report.discovery = run_discovery(d);
    o.api_uri = report.discovery->api_uri;
    auto used = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - probe_start);
    o.timeout = std::max(std::chrono::milliseconds(100), o.timeout - used);
  }
  if (o.insecure)
    report.warnings.emplace_back(
        "--insecure: certificates are not verified; RFC 8908 §4 says a client MUST NOT use an API it cannot "
        "authenticate");
  std::vector<std::string> canaries = o.canaries;
  if (canaries.empty()) canaries = {std::string(kDefaultHttpCanary), std::string(kDefaultHttpsCanary)};

  Url api_url;
  if (o.api_uri) {
    if (*o.api_uri == kUnrestrictedUrn)
      throw SetupError("--api " + *o.api_uri + ": this URN says \"not captive\"; there is nothing to fetch");
    api_url = detail::parse_url(*o.api_uri, "--api");
    if (api_url.scheme != "https")
      throw SetupError("--api " + *o.api_uri +
                       ": not an https URI (RFC 8908 §4: the API MUST be reached over https)");
  }
  std::vector<Url> canary_urls;
  for (const auto& c : canaries) {
    auto u = detail::parse_url(c, "--canary");
    if (u.scheme != "http" && u.scheme != "https")
      throw SetupError("--canary " + c + ": only http and https URLs");
    canary_urls.push_back(u);
  }

  const auto start = Clock::now();
  const auto deadline = start + o.timeout;
  const long budget_ms = static_cast<long>(o.timeout.count());
  std::vector<std::unique_ptr<Transfer>> transfers;
  CURLM* multi = curl_multi_init();
  auto api_transfer = [&](bool requery) {
    auto t = std::make_unique<Transfer>();
    t->is_api = true;
    t->requery = requery;
    t->abort_when_full = true;
    t->flows.label = "API " + *o.api_uri;
    t->flows.out = &report.flows;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    common_setup(*t, *o.api_uri, api_url, o, std::max<long>(1, static_cast<long>(left)));
    t->headers = curl_slist_append(t->headers, "Accept: application/captive+json");
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(t->easy, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(t->easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    return t;
  };
  if (o.api_uri) {
    report.api = ApiResult{};
    report.api->uri = *o.api_uri;
    report.api->verified = !o.insecure;
    transfers.push_back(api_transfer(false));
  }
  for (std::size_t i = 0; i < canaries.size(); ++i) {
    CanaryProbe c;
    c.url = canaries[i];
    c.https = canary_urls[i].scheme == "https";
    c.pinned = detail::pinned(o, canary_urls[i]);
    report.canaries.push_back(std::move(c));
    auto t = std::make_unique<Transfer>();
    t->index = i;
    t->flows.label =
        std::string(canary_urls[i].scheme == "https" ? "HTTPS" : "HTTP") + " canary " + canaries[i];
    t->flows.out = &report.flows;
    common_setup(*t, canaries[i], canary_urls[i], o, budget_ms);
    transfers.push_back(std::move(t));
  }
  auto add = [&](Transfer& t) {
    t.start = Clock::now();
    curl_easy_setopt(t.easy, CURLOPT_PRIVATE, &t);
    curl_multi_add_handle(multi, t.easy);
  };
  for (auto& t : transfers)
    add(*t);

  // Signals: listened for alongside the requests (RFC 8952 §4 leaves the enforcement device free to signal).
  SignalListener listener;
  std::vector<curl_waitfd> extra;
  if (o.signal_time.count() <= 0) {
    report.signals_skipped = "--signal-time 0";
  } else if (listener.open(o.interface)) {
    report.signals_listened = true;
    for (int fd : listener.fds())
      extra.push_back({fd, CURL_WAIT_POLLIN, 0});
  } else {
    report.signals_skipped = listener.skip_reason();
  }
  const auto signal_end = start + std::min(o.signal_time, o.timeout);
  std::optional<Clock::time_point> last_requery;

  int running = 0;
  do {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
      t->done = true;
      t->code = m->data.result;
      t->seconds = std::chrono::duration<double>(Clock::now() - t->start).count();
    }
    for (auto& t : transfers)
      t->flows.sweep();
    if (report.signals_listened) {
      auto now = Clock::now();
      auto got = listener.drain(report.flows, std::chrono::duration<double>(now - probe_start).count());
      for (auto& sig : got) {
        bool api_busy = std::any_of(transfers.begin(), transfers.end(),
                                    [](const auto& t) { return t->is_api && !t->done; });
        if (sig.accepted && o.api_uri && !api_busy && deadline - now > std::chrono::milliseconds(200) &&
            (!last_requery || now - *last_requery >= o.requery_interval)) {
          last_requery = now;
          ++report.api_requeries;
          transfers.push_back(api_transfer(true));
          add(*transfers.back());
          running = 1;
        }
        report.signals.push_back(std::move(sig));
      }
    }
    bool listening = report.signals_listened && Clock::now() < signal_end;
    if ((running == 0 && !listening) || Clock::now() >= deadline || report::interrupted()) break;
    curl_multi_poll(multi, extra.data(), static_cast<unsigned>(extra.size()), 50, nullptr);
  } while (true);
  for (auto& t : transfers) {
    if (!t->done) {
      t->code = CURLE_OPERATION_TIMEDOUT;
      t->seconds = std::chrono::duration<double>(Clock::now() - t->start).count();
    }
    curl_multi_remove_handle(multi, t->easy);
  }
  curl_multi_cleanup(multi);

  for (auto& t : transfers) {
    if (t->is_api && !t->requery) {
      finish_api(*t, *report.api);
    } else if (t->is_api) {
      if (!t->done) continue;  // a re-query cut by the deadline: the first answer stands
      ApiResult again;
      again.uri = *o.api_uri;
      again.verified = !o.insecure;
      finish_api(*t, again);
      report.api = std::move(again);  // the latest answer is the one that counts (RFC 8908 §5)
    } else {
      finish_canary(*t, report.canaries[t->index], canary_urls[t->index]);
    }
  }
  // Who answered when a certificate did not verify: only while budget remains.
  auto remaining = [&] {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
  };
  if (report.api && report.api->fetch == FetchOutcome::tls_untrusted)
    report.api->peer_certificate = detail::peer_certificate(*o.api_uri, api_url, o, remaining());
  for (std::size_t i = 0; i < report.canaries.size(); ++i)
    if (report.canaries[i].fetch == FetchOutcome::tls_untrusted)
      report.canaries[i].peer_certificate =
          detail::peer_certificate(report.canaries[i].url, canary_urls[i], o, remaining());
  report.seconds = std::chrono::duration<double>(Clock::now() - probe_start).count();
  decide_live_verdict(report);
  return report;
}

}  // namespace pktmap::capport
