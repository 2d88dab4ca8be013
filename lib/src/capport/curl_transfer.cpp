#include "curl_transfer.hpp"

#include <cstdlib>
#include <mutex>
#include <string_view>

#include "pktmap/capport/http_head.hpp"
#include "pktmap/error.hpp"

namespace pktmap::capport::detail {

Url parse_url(const std::string& text, const char* what) {
  Url u;
  CURLU* h = curl_url();
  if (curl_url_set(h, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    curl_url_cleanup(h);
    throw SetupError(std::string(what) + " " + text + ": not a valid URL");
  }
  char* part = nullptr;
  if (curl_url_get(h, CURLUPART_SCHEME, &part, 0) == CURLUE_OK) u.scheme = part;
  curl_free(part);
  part = nullptr;
  if (curl_url_get(h, CURLUPART_HOST, &part, 0) == CURLUE_OK) u.host = part;
  curl_free(part);
  part = nullptr;
  if (curl_url_get(h, CURLUPART_PORT, &part, CURLU_DEFAULT_PORT) == CURLUE_OK) u.port = std::atoi(part);
  curl_free(part);
  curl_url_cleanup(h);
  return u;
}

namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t len = size * n;
  if (t->body.size() + len > t->limit) {
    t->too_large = true;
    t->body.append(data, t->limit - t->body.size());
    return t->abort_when_full ? 0 : len;
  }
  t->body.append(data, len);
  return len;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (istarts_with(line, "HTTP/")) {  // a new response (after a redirect): forget the previous one's fields
    t->cache_control.clear();
    t->nm_status.clear();
    t->location.clear();
    t->body.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  auto name = line.substr(0, colon);
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  if (iequals(name, "Cache-Control")) t->cache_control = value;
  if (iequals(name, "X-NetworkManager-Status")) t->nm_status = value;
  if (iequals(name, "Location")) t->location = value;
  return size * n;
}

}  // namespace

FetchOutcome outcome_of(const Transfer& t) {
  switch (t.code) {
    case CURLE_OK:
      return FetchOutcome::answered;
    case CURLE_COULDNT_RESOLVE_HOST:
      return FetchOutcome::dns_failed;
    case CURLE_COULDNT_CONNECT:
      return FetchOutcome::connect_failed;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchOutcome::timeout;
    case CURLE_PEER_FAILED_VERIFICATION:
      return FetchOutcome::tls_untrusted;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return FetchOutcome::tls_failed;
    case CURLE_WRITE_ERROR:
      return t.too_large ? FetchOutcome::too_large : FetchOutcome::other_error;
    default:
      return FetchOutcome::other_error;
  }
}

std::string error_text(const Transfer& t) {
  if (t.code == CURLE_OK) return {};
  if (t.too_large) return "body larger than " + std::to_string(t.limit) + " bytes";
  return t.errbuf[0] ? std::string(t.errbuf) : std::string(curl_easy_strerror(t.code));
}

void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void common_setup(Transfer& t, const std::string& url, const Url& u, const ProbeOptions& o, long timeout_ms) {
  t.easy = curl_easy_init();
  if (!t.easy) throw SetupError("libcurl: cannot create a handle");
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "capport-probe/0.1");
  if (!o.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_file.c_str());
  if (o.insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!o.interface.empty()) curl_easy_setopt(e, CURLOPT_INTERFACE, o.interface.c_str());
  for (const auto& pin : o.resolve) {
    if (!iequals(pin.host, u.host) || (pin.port != 0 && pin.port != u.port)) continue;
    std::string entry = u.host + ":" + std::to_string(u.port) + ":" + pin.addr;
    t.resolve = curl_slist_append(t.resolve, entry.c_str());
  }
  if (t.resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, t.resolve);
  t.flows.install(e);
}

bool pinned(const ProbeOptions& o, const Url& u) {
  for (const auto& pin : o.resolve)
    if (iequals(pin.host, u.host) && (pin.port == 0 || pin.port == u.port)) return true;
  return false;
}

std::string peer_certificate(const std::string& url, const Url& u, const ProbeOptions& o, long timeout_ms) {
  if (timeout_ms < 100) return {};
  Transfer t;
  t.limit = 0;
  ProbeOptions loose = o;
  loose.insecure = true;
  common_setup(t, url, u, loose, timeout_ms);
  curl_easy_setopt(t.easy, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(t.easy, CURLOPT_CERTINFO, 1L);
  curl_easy_perform(t.easy);
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(t.easy, CURLINFO_CERTINFO, &info) != CURLE_OK || !info || info->num_of_certs < 1)
    return {};
  std::string subject;
  std::string names;
  for (curl_slist* s = info->certinfo[0]; s; s = s->next) {
    std::string_view line(s->data);
    if (istarts_with(line, "Subject:")) subject = line.substr(8);
    if (istarts_with(line, "X509v3 Subject Alternative Name:")) names = line.substr(32);
  }
  std::string out = subject;
  if (!names.empty()) out += (out.empty() ? "" : "; ") + names;
  return out;
}

}  // namespace pktmap::capport::detail
