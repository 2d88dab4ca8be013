#pragma once
// The live probe (`capport-probe` without -r): asks the RFC 8908 API when one is known and fetches HTTP and
// HTTPS canaries, all in parallel under one total time budget (libcurl multi), then weighs the answers into
// a Verdict.
//
// API (RFC 8908 §4-§5): https only, certificate verified (default CA store or --ca-file; --insecure only when
// asked, and reported), `Accept: application/captive+json`, the response's Content-Type checked, at most
// kApiBodyLimit bytes read, https-only redirects. Canaries: Android's rules (204 expected unless the URL is a
// known vendor canary with its own expected body), plus transport failures told apart (DNS, connect,
// timeout, certificate).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pktmap/capport/api_status.hpp"
#include "pktmap/capport/canary.hpp"
#include "pktmap/capport/discovery.hpp"
#include "pktmap/capport/icmp_signal.hpp"
#include "pktmap/capport/verdict.hpp"

namespace pktmap::capport {

// --resolve: "HOST:ADDR" (every port) or curl's "HOST:PORT:ADDR"; ADDR may be "[v6]" or bare IPv6.
struct ResolvePin {
  std::string host;
  int port = 0;  // 0: any
  std::string addr;
};
// Throws SetupError on malformed text.
ResolvePin parse_resolve_pin(std::string_view text);

// libcurl's version line (its TLS and resolver libraries included), for --version.
std::string https_library_version();

inline constexpr std::string_view kDefaultHttpCanary = "http://connectivitycheck.gstatic.com/generate_204";
inline constexpr std::string_view kDefaultHttpsCanary = "https://www.google.com/generate_204";

struct ProbeOptions {
  std::optional<std::string> api_uri;  // given: discovery is skipped (--api overrides)
  // Without api_uri: discover it first (discovery.hpp); its window is cut to 40 % of `timeout` at most and
  // the HTTP part gets what is left.
  std::optional<DiscoveryOptions> discovery;
  std::vector<std::string> canaries;  // empty: the two defaults above
  std::vector<ResolvePin> resolve;
  std::string ca_file;
  bool insecure = false;
  std::string interface;                    // bind requests to an interface (CURLOPT_INTERFACE), optional
  std::chrono::milliseconds timeout{5000};  // whole probe
  // Enforcement signals (icmp_signal.hpp): raw ICMP/ICMPv6 is read from the start of the requests until
  // they are all done and at least this long has passed, never past `timeout`. 0: do not listen.
  std::chrono::milliseconds signal_time{1000};
  // An accepted signal re-asks the API (when one is known and no request to it is running), at most once
  // per this interval.
  std::chrono::milliseconds requery_interval{2000};
};

enum class FetchOutcome : unsigned char {
  answered,        // an HTTP response was read
  dns_failed,      // the name did not resolve
  connect_failed,  // refused or unreachable
  timeout,         // nothing within the budget
  tls_untrusted,   // the certificate did not verify (interception, or a portal answering for the name)
  tls_failed,      // other TLS handshake failure
  too_large,       // body over the limit (API)
  other_error,
};
std::string_view fetch_outcome_name(FetchOutcome o);

struct ApiResult {
  std::string uri;
  FetchOutcome fetch = FetchOutcome::other_error;
  std::string error;  // transport error text
  int http_status = 0;
  std::string content_type;
  std::string cache_control;
  std::string peer_certificate;     // subject of the certificate offered, when it did not verify
  std::optional<ApiStatus> status;  // body validated (200 with the right type)
  std::vector<std::string> problems;
  bool verified = true;  // false with --insecure
};

struct CanaryProbe {
  std::string url;
  bool https = false;
  bool pinned = false;  // the host was pinned with --resolve (no DNS check)
  FetchOutcome fetch = FetchOutcome::other_error;
  std::string error;
  int status = 0;
  std::string location;
  std::string primary_ip;
  std::string peer_certificate;
  std::optional<CanaryResult> result;  // classification of an answer
  std::string detail;
  bool dns_hijacked = false;  // the name resolved to a private/unexpected address
  double seconds = 0;
};

struct ProbeReport {
  Verdict verdict = Verdict::unknown;
  std::optional<DiscoveryReport> discovery;
  std::vector<std::string> reasons;
  std::vector<std::string> warnings;  // --insecure and similar choices the user made
  std::optional<ApiResult> api;
  std::vector<CanaryProbe> canaries;
  bool signals_listened = false;
  std::string signals_skipped;      // why no listening took place
  std::vector<IcmpSignal> signals;  // accepted and ignored, in arrival order
  std::vector<ProbeFlow> flows;     // the connections the probe made (what signals must quote)
  int api_requeries = 0;
  double seconds = 0;
};

// Runs the probe. Throws SetupError for unusable options (an API URI that is not https, a malformed URL).
ProbeReport run_live_probe(const ProbeOptions& options);
// The verdict rules, separate from the network part so they can be tested on their own.
void decide_live_verdict(ProbeReport& report);

std::string format_probe_report(const ProbeReport& r);
std::string format_probe_report_json(const ProbeReport& r);

}  // namespace pktmap::capport
