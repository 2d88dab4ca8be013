#pragma once
// `capport-probe serve`: a captive-portal emulator. Over HTTPS it serves the RFC 8908 API and a user portal
// page; over plain HTTP it answers connectivity canaries. State is per client IP address: captive until the
// client accepts the portal (POST to the portal path), then open for session_seconds, counted down in
// seconds-remaining, then captive again (RFC 8908 §5, RFC 8952 §3.5 "conditions about to expire").
//
// `api_behaviour` makes the API misbehave on purpose, so clients can be tested against broken portals.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace pktmap::capport {

enum class ApiBehaviour : unsigned char {
  normal,
  oversized,     // a valid answer padded past 4096 bytes
  invalid_json,  // a body that is not JSON
  no_captive,    // valid JSON without the required "captive" key
  wrong_type,    // Content-Type: text/html
  silent,        // accept the request, never answer (until the server stops)
};

struct PortalConfig {
  std::string hostname = "capport.example.net";  // in URLs and in the generated certificate
  std::string listen = "127.0.0.1";
  int https_port = 8443;  // 0: any free port
  int http_port = 8080;   // canaries; 0: any free port, -1: off
  std::string cert_file;  // PEM; empty: a self-signed certificate is generated at start
  std::string key_file;
  std::string cert_out;  // where to write the generated certificate (so clients can trust it)
  std::uint32_t session_seconds = 3600;
  std::string venue_info_url;
  bool can_extend_session = true;
  ApiBehaviour api_behaviour = ApiBehaviour::normal;
};

// Reads a YAML config (keys as in PortalConfig; cert/key paths relative to the file). Throws SetupError
// naming the file, line:column and key.
PortalConfig load_portal_config(const std::string& path);
// The same for YAML text already read: `name` stands for the file in messages, and relative certificate
// paths are taken from `dir`.
PortalConfig parse_portal_config(const std::string& yaml_text, const std::string& name,
                                 const std::string& dir);

class PortalServer {
 public:
  explicit PortalServer(PortalConfig config);
  ~PortalServer();
  PortalServer(const PortalServer&) = delete;
  PortalServer& operator=(const PortalServer&) = delete;

  // Binds both listeners and starts serving on background threads. Throws SetupError.
  void start();
  void stop();
  [[nodiscard]] int https_port() const;
  [[nodiscard]] int http_port() const;
  [[nodiscard]] std::string api_uri() const;
  [[nodiscard]] std::string portal_uri() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pktmap::capport
