// Canary table and classification (see canary.hpp).
#include "pktmap/capport/canary.hpp"

#include <array>

#include "pktmap/capport/http_head.hpp"

namespace pktmap::capport {

namespace {

constexpr std::array<CanarySpec, 15> kCanaries = {{
    {"connectivitycheck.gstatic.com", "/generate_204", CanaryExpect::status_204, "", "Android"},
    {"www.gstatic.com", "/generate_204", CanaryExpect::status_204, "", "Android/ChromeOS"},
    {"clients3.google.com", "/generate_204", CanaryExpect::status_204, "", "Android/ChromeOS"},
    {"connectivitycheck.android.com", "/generate_204", CanaryExpect::status_204, "", "Android"},
    {"www.google.com", "/gen_204", CanaryExpect::status_204, "", "Android"},
    {"www.google.com", "/generate_204", CanaryExpect::status_204, "", "Android (HTTPS probe)"},
    {"captive.apple.com", "/hotspot-detect.html", CanaryExpect::body_contains, "Success", "Apple"},
    {"captive.apple.com", "/", CanaryExpect::body_contains, "Success", "Apple"},
    {"www.apple.com", "/library/test/success.html", CanaryExpect::body_contains, "Success", "Apple"},
    {"network-test.debian.org", "/nm", CanaryExpect::network_manager, "NetworkManager is online",
     "NetworkManager (Debian)"},
    {"nmcheck.gnome.org", "/check_network_status.txt", CanaryExpect::network_manager,
     "NetworkManager is online", "NetworkManager (GNOME)"},
    {"ping.archlinux.org", "/nm-check.txt", CanaryExpect::network_manager, "NetworkManager is online",
     "NetworkManager (Arch)"},
    {"www.msftconnecttest.com", "/connecttest.txt", CanaryExpect::body_prefix, "Microsoft Connect Test",
     "Windows NCSI"},
    {"www.msftncsi.com", "/ncsi.txt", CanaryExpect::body_prefix, "Microsoft NCSI", "Windows NCSI (old)"},
    {"detectportal.firefox.com", "/success.txt", CanaryExpect::body_prefix, "success", "Firefox"},
}};

// "Host: example.com:80" and "example.com." name the same host.
std::string_view bare_host(std::string_view host) {
  if (!host.empty() && host.front() != '[') {
    auto colon = host.rfind(':');
    if (colon != std::string_view::npos && host.find(':') == colon) host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

}  // namespace

std::span<const CanarySpec> known_canaries() {
  return kCanaries;
}

const CanarySpec* find_canary(std::string_view host, std::string_view path) {
  host = bare_host(host);
  for (const auto& c : kCanaries)
    if (iequals(c.host, host) && c.path == path) return &c;
  return nullptr;
}

bool is_canary_host(std::string_view host) {
  host = bare_host(host);
  for (const auto& c : kCanaries)
    if (iequals(c.host, host)) return true;
  return false;
}

std::string_view canary_result_name(CanaryResult r) {
  switch (r) {
    case CanaryResult::open:
      return "open";
    case CanaryResult::redirect:
      return "redirect";
    case CanaryResult::unexpected_content:
      return "unexpected-content";
    case CanaryResult::auth_required:
      return "network-authentication-required";
    case CanaryResult::error:
      return "error";
  }
  return "error";
}

CanaryResult classify_canary(const CanarySpec& spec, const CanaryAnswer& a) {
  if (a.status >= 300 && a.status < 400)
    return a.location.empty() ? CanaryResult::error : CanaryResult::redirect;
  if (a.status == 511) return CanaryResult::auth_required;
  if (a.status < 200 || a.status >= 400) return CanaryResult::error;
  switch (spec.expect) {
    case CanaryExpect::status_204:
      return a.status == 204 ? CanaryResult::open : CanaryResult::unexpected_content;
    case CanaryExpect::body_contains:
      return a.status == 200 && a.body.find(spec.text) != std::string_view::npos
                 ? CanaryResult::open
                 : CanaryResult::unexpected_content;
    case CanaryExpect::body_prefix:
      return a.status == 200 && a.body.substr(0, spec.text.size()) == spec.text
                 ? CanaryResult::open
                 : CanaryResult::unexpected_content;
    case CanaryExpect::network_manager:
      if (a.status == 200 &&
          (iequals(a.nm_status, "online") || a.body.substr(0, spec.text.size()) == spec.text))
        return CanaryResult::open;
      return CanaryResult::unexpected_content;
  }
  return CanaryResult::error;
}

}  // namespace pktmap::capport
