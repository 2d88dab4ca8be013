// The captive-portal emulator over cpp-httplib (see portal_server.hpp). httplib is included only here, with
// the library's own feature macros (CPPHTTPLIB_OPENSSL_SUPPORT ...) from its pkg-config file.
#include "pktmap/capport/portal_server.hpp"

#include <httplib.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "pktmap/capport/api_status.hpp"
#include "pktmap/capport/canary.hpp"
#include "pktmap/error.hpp"
#include "self_signed.hpp"

namespace pktmap::capport {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPortalPage =
    "<!DOCTYPE html><html><head><title>capport-probe portal</title></head><body>"
    "<h1>Welcome</h1><p>Accept the terms to use this network.</p>"
    "<form method=\"post\" action=\"/portal\"><button type=\"submit\">Accept</button></form></body></html>\n";

}  // namespace

struct PortalServer::Impl {
  PortalConfig cfg;
  detail::KeyAndCert tls;
  std::unique_ptr<httplib::SSLServer> https;
  std::unique_ptr<httplib::Server> http;
  std::thread https_thread;
  std::thread http_thread;
  int https_port = 0;
  int http_port = -1;

  std::mutex mu;
  std::condition_variable stopping_cv;
  bool stopping = false;
  std::map<std::string, Clock::time_point> sessions;  // client address -> end of its open session

  std::string base() const { return "https://" + cfg.hostname + ":" + std::to_string(https_port); }

  // Seconds left in the client's session, 0 when captive.
  std::uint64_t remaining(const std::string& client) {
    std::lock_guard lock(mu);
    auto it = sessions.find(client);
    if (it == sessions.end()) return 0;
    auto left = std::chrono::duration_cast<std::chrono::seconds>(it->second - Clock::now()).count();
    if (left <= 0) {
      sessions.erase(it);
      return 0;
    }
    return static_cast<std::uint64_t>(left);
  }

  void api(const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "private, no-store");
    res.set_header("Vary", "Accept");
    switch (cfg.api_behaviour) {
      case ApiBehaviour::silent: {
        std::unique_lock lock(mu);
        stopping_cv.wait_for(lock, std::chrono::seconds(60), [&] { return stopping; });
        res.status = 503;
        return;
      }
      case ApiBehaviour::invalid_json:
        res.set_content("{captive: true, \"user-portal-url\": ", std::string(kApiMediaType));
        return;
      case ApiBehaviour::wrong_type:
        res.set_content(kPortalPage, "text/html");
        return;
      default:
        break;
    }
    nlohmann::ordered_json j;
    auto left = remaining(req.remote_addr);
    if (cfg.api_behaviour != ApiBehaviour::no_captive) j["captive"] = left == 0;
    j["user-portal-url"] = base() + "/portal";
    if (!cfg.venue_info_url.empty()) j["venue-info-url"] = cfg.venue_info_url;
    if (left > 0) {
      j["seconds-remaining"] = left;
      j["can-extend-session"] = cfg.can_extend_session;
    }
    if (cfg.api_behaviour == ApiBehaviour::oversized) j["x-padding"] = std::string(2 * kApiBodyLimit, 'x');
    res.set_content(j.dump(), std::string(kApiMediaType));
  }

  void accept(const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mu);
      sessions[req.remote_addr] = Clock::now() + std::chrono::seconds(cfg.session_seconds);
    }
    res.set_header("Cache-Control", "no-store");
    res.set_content("<!DOCTYPE html><html><head><title>Connected</title></head><body><p>You are online for " +
                        std::to_string(cfg.session_seconds) + " s.</p></body></html>\n",
                    "text/html");
  }

  // Canaries: a redirect to the portal while captive; what each vendor expects once open.
  void canary(const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    if (remaining(req.remote_addr) == 0) {
      res.status = 302;
      res.set_header("Location", base() + "/portal");
      return;
    }
    const CanarySpec* spec = find_canary(req.get_header_value("Host"), req.path);
    if (!spec || spec->expect == CanaryExpect::status_204) {
      res.status = 204;
      return;
    }
    switch (spec->expect) {
      case CanaryExpect::body_contains:
        res.set_content("<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>\n",
                        "text/html");
        break;
      case CanaryExpect::network_manager:
        res.set_header("X-NetworkManager-Status", "online");
        res.set_content("NetworkManager is online\n", "text/plain");
        break;
      default:
        res.set_content(std::string(spec->text), "text/plain");
        break;
    }
  }

  void routes(httplib::Server& s, bool with_api) {
    if (with_api) {
      s.Get("/api", [this](const httplib::Request& q, httplib::Response& r) { api(q, r); });
      s.Get("/portal",
            [](const httplib::Request&, httplib::Response& r) { r.set_content(kPortalPage, "text/html"); });
      s.Post("/portal", [this](const httplib::Request& q, httplib::Response& r) { accept(q, r); });
    }
    s.Get(".*", [this](const httplib::Request& q, httplib::Response& r) { canary(q, r); });
    s.set_read_timeout(5, 0);
    s.set_write_timeout(5, 0);
  }
};

PortalServer::PortalServer(PortalConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->cfg = std::move(config);
}

PortalServer::~PortalServer() {
  stop();
}

void PortalServer::start() {
  auto& m = *impl_;
  if (m.cfg.cert_file.empty()) {
    detail::make_self_signed(m.cfg.hostname, m.cfg.listen, m.tls);
    if (!m.cfg.cert_out.empty()) detail::write_cert_pem(m.tls.cert, m.cfg.cert_out);
  } else {
    detail::load_pem(m.cfg.cert_file, m.cfg.key_file, m.tls);
  }
  m.https = std::make_unique<httplib::SSLServer>(m.tls.cert, m.tls.key);
  if (!m.https->is_valid()) throw SetupError("TLS server set-up failed (certificate/key)");
  m.routes(*m.https, true);
  m.https_port = m.cfg.https_port == 0
                     ? m.https->bind_to_any_port(m.cfg.listen)
                     : (m.https->bind_to_port(m.cfg.listen, m.cfg.https_port) ? m.cfg.https_port : -1);
  if (m.https_port <= 0)
    throw SetupError("cannot listen on " + m.cfg.listen + " port " + std::to_string(m.cfg.https_port) +
                     " (https)");
  if (m.cfg.http_port >= 0) {
    m.http = std::make_unique<httplib::Server>();
    m.routes(*m.http, false);
    m.http_port = m.cfg.http_port == 0
                      ? m.http->bind_to_any_port(m.cfg.listen)
                      : (m.http->bind_to_port(m.cfg.listen, m.cfg.http_port) ? m.cfg.http_port : -1);
    if (m.http_port <= 0)
      throw SetupError("cannot listen on " + m.cfg.listen + " port " + std::to_string(m.cfg.http_port) +
                       " (http)");
    m.http_thread = std::thread([&m] { m.http->listen_after_bind(); });
  }
  m.https_thread = std::thread([&m] { m.https->listen_after_bind(); });
}

void PortalServer::stop() {
  auto& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    m.stopping = true;
  }
  m.stopping_cv.notify_all();
  if (m.https) m.https->stop();
  if (m.http) m.http->stop();
  if (m.https_thread.joinable()) m.https_thread.join();
  if (m.http_thread.joinable()) m.http_thread.join();
}

int PortalServer::https_port() const {
  return impl_->https_port;
}
int PortalServer::http_port() const {
  return impl_->http_port;
}
std::string PortalServer::api_uri() const {
  return impl_->base() + "/api";
}
std::string PortalServer::portal_uri() const {
  return impl_->base() + "/portal";
}

}  // namespace pktmap::capport
