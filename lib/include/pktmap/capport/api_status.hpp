#pragma once
// RFC 8908 §5 API response bodies: validation of the JSON the Captive Portal API returns. Used on bodies
// fetched over HTTPS (api_client.hpp) and on cleartext exchanges found in captures. Allocates (nlohmann
// DOM); it runs once per API response, never per packet.
//
// Keys (IANA "Captive Portal API Keys"): captive (boolean, REQUIRED), user-portal-url (string, https),
// venue-info-url (string), can-extend-session (boolean), seconds-remaining (number), bytes-remaining
// (number). Unknown keys MUST be ignored (§5): they are listed, not rejected.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pktmap::capport {

inline constexpr std::size_t kApiBodyLimit = 4096;  // what a client reads at most (Android does the same)
inline constexpr std::string_view kApiMediaType = "application/captive+json";
inline constexpr std::string_view kUnrestrictedUrn = "urn:ietf:params:capport:unrestricted";  // RFC 8910 §2

struct ApiStatus {
  bool valid = false;  // parsed and `captive` present as a boolean
  std::string error;   // why not valid
  bool captive = false;
  std::optional<std::string> user_portal_url;
  std::optional<std::string> venue_info_url;
  std::optional<bool> can_extend_session;
  std::optional<std::uint64_t> seconds_remaining;
  std::optional<std::uint64_t> bytes_remaining;
  std::vector<std::string> unknown_keys;
  std::vector<std::string> warnings;  // conformance problems that do not invalidate the response
};

// Validates a response body. Never throws.
ApiStatus parse_api_status(std::string_view body);

}  // namespace pktmap::capport
