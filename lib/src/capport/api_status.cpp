// RFC 8908 §5 response validation (see api_status.hpp).
#include "pktmap/capport/api_status.hpp"

#include <nlohmann/json.hpp>

#include "pktmap/capport/http_head.hpp"

namespace pktmap::capport {

namespace {

using nlohmann::json;

std::optional<std::string> url_key(const json& j, const char* key, bool must_be_https, ApiStatus& s) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (!it->is_string()) {
    s.warnings.push_back(std::string(key) + " is not a string (ignored)");
    return std::nullopt;
  }
  auto v = it->get<std::string>();
  if (!istarts_with(v, "https://"))
    s.warnings.push_back(std::string(key) + (must_be_https
                                                 ? " is not https (RFC 8908 §5: MUST be accessed over TLS)"
                                                 : " is not https (RFC 8908 §5: SHOULD use TLS)"));
  return v;
}

std::optional<std::uint64_t> count_key(const json& j, const char* key, ApiStatus& s) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (d >= 0 && d < 1.8e19) {
      s.warnings.push_back(std::string(key) + " is not an integer (truncated)");
      return static_cast<std::uint64_t>(d);
    }
  }
  s.warnings.push_back(std::string(key) + " is not a non-negative number (ignored)");
  return std::nullopt;
}

}  // namespace

ApiStatus parse_api_status(std::string_view body) {
  ApiStatus s;
  if (body.size() > kApiBodyLimit) {
    s.error = "body larger than " + std::to_string(kApiBodyLimit) + " bytes";
    return s;
  }
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    s.error = "body is not valid JSON";
    return s;
  }
  if (!j.is_object()) {
    s.error = "body is not a JSON object";
    return s;
  }
  auto cap = j.find("captive");
  if (cap == j.end()) {
    s.error = "required key \"captive\" missing (RFC 8908 §5)";
    return s;
  }
  if (!cap->is_boolean()) {
    s.error = "\"captive\" is not a boolean";
    return s;
  }
  s.valid = true;
  s.captive = cap->get<bool>();
  s.user_portal_url = url_key(j, "user-portal-url", true, s);
  s.venue_info_url = url_key(j, "venue-info-url", false, s);
  if (auto it = j.find("can-extend-session"); it != j.end()) {
    if (it->is_boolean())
      s.can_extend_session = it->get<bool>();
    else
      s.warnings.push_back("can-extend-session is not a boolean (ignored)");
  }
  s.seconds_remaining = count_key(j, "seconds-remaining", s);
  s.bytes_remaining = count_key(j, "bytes-remaining", s);
  static constexpr std::string_view kKnown[] = {"captive",           "user-portal-url",
                                                "venue-info-url",    "can-extend-session",
                                                "seconds-remaining", "bytes-remaining"};
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (auto n : kKnown)
      known = known || k == n;
    if (!known) s.unknown_keys.push_back(k);
  }
  if (s.captive && !s.user_portal_url)
    s.warnings.push_back("captive=true without user-portal-url: the user is not told where to log in");
  if (s.captive && (s.seconds_remaining || s.bytes_remaining))
    s.warnings.push_back("seconds/bytes-remaining given while captive (RFC 8908 §5: only when not captive)");
  return s;
}

}  // namespace pktmap::capport
