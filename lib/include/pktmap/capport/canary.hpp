#pragma once
// Connectivity canaries: the fixed URLs operating systems fetch to detect captive portals, what an open
// network answers, and how an answer is classified. Shared by the live probe and capture analysis.
// Sources: specs/capport.md §2 (Android NetworkMonitor, Apple CNA, NetworkManager, Windows NCSI, Firefox).
#include <span>
#include <string_view>

namespace pktmap::capport {

enum class CanaryExpect : unsigned char {
  status_204,      // Android/ChromeOS generate_204, Ubuntu: "204 No Content"
  body_contains,   // Apple hotspot-detect: 200 and the body holds `text`
  body_prefix,     // Windows NCSI, Firefox: 200 and the body starts with `text`
  network_manager  // 200 and X-NetworkManager-Status: online, or a body starting "NetworkManager is online"
};

struct CanarySpec {
  std::string_view host;  // lower case
  std::string_view path;  // origin-form, exact match
  CanaryExpect expect = CanaryExpect::status_204;
  std::string_view text;
  std::string_view vendor;
};

// The built-in table.
std::span<const CanarySpec> known_canaries();
// The canary for a host (case-insensitive, port and trailing dot ignored) and path, or nullptr.
const CanarySpec* find_canary(std::string_view host, std::string_view path);
// True when the name is the host of a known canary (for DNS answers).
bool is_canary_host(std::string_view host);

enum class CanaryResult : unsigned char {
  open,                // the expected answer
  redirect,            // 3xx with a Location: a portal
  unexpected_content,  // 2xx/3xx that is not the expected answer: a portal rewrote it
  auth_required,       // 511 Network Authentication Required (RFC 6585 §6): the portal says so
  error,               // other 4xx/5xx, or 3xx without Location: blocked or broken, not a portal signal
};
// "open", "redirect", "unexpected-content", "network-authentication-required", "error"
std::string_view canary_result_name(CanaryResult r);

struct CanaryAnswer {
  int status = 0;
  std::string_view location;
  std::string_view nm_status;  // X-NetworkManager-Status
  std::string_view body;       // as much as was seen
};

// Android's rule (isPortalCode: 200-399 except 204) refined by the vendor's expected body; 511 is the
// status RFC 6585 §6 reserves for intercepting proxies that want a login.
CanaryResult classify_canary(const CanarySpec& spec, const CanaryAnswer& answer);

}  // namespace pktmap::capport
