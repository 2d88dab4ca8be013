#pragma once
// One libcurl easy transfer of the live probe (live_probe.cpp): its URL parts, the body and the response
// headers the verdict reads, kept within a size limit, and the connections it made (curl_flows.hpp).
#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "curl_flows.hpp"
#include "pktmap/capport/live_probe.hpp"

namespace pktmap::capport::detail {

using Clock = std::chrono::steady_clock;

struct Url {
  std::string scheme;
  std::string host;
  int port = 0;
};

// Throws SetupError naming `what` when text is not a URL.
Url parse_url(const std::string& text, const char* what);

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* resolve = nullptr;
  bool is_api = false;
  std::size_t index = 0;  // into report.canaries
  std::string body;
  std::size_t limit = kApiBodyLimit;
  bool abort_when_full = false;
  bool too_large = false;
  std::string cache_control;
  std::string nm_status;
  std::string location;
  char errbuf[CURL_ERROR_SIZE] = {};
  bool done = false;
  CURLcode code = CURLE_OK;
  Clock::time_point start;
  double seconds = 0;
  CurlFlowRecorder flows;  // the connections it made
  bool requery = false;    // a later API request, after a signal

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
  }
};

FetchOutcome outcome_of(const Transfer& t);
std::string error_text(const Transfer& t);
void init_curl();  // curl_global_init, once per process
// The easy handle with the probe's options: timeouts, CA file or --insecure, interface, --resolve pins for
// this URL's host and port, and the body and header callbacks into t.
void common_setup(Transfer& t, const std::string& url, const Url& u, const ProbeOptions& o, long timeout_ms);
// Whether --resolve pins this URL's host (so its address says nothing about DNS hijacking).
bool pinned(const ProbeOptions& o, const Url& u);
// The subject and names of the certificate a server offers, fetched again without verification only to say
// who answered (nothing it returns is trusted).
std::string peer_certificate(const std::string& url, const Url& u, const ProbeOptions& o, long timeout_ms);

}  // namespace pktmap::capport::detail
