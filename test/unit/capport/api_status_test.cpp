// RFC 8908 §5 response validation, with the RFC's own examples.
#include "pktmap/capport/api_status.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace pktmap::capport;

TEST_CASE("api: the RFC 8908 §5.2 examples") {
  auto captive =
      parse_api_status(R"({"captive": true, "user-portal-url": "https://example.org/portal.html"})");
  REQUIRE(captive.valid);
  CHECK(captive.captive);
  CHECK(captive.user_portal_url == "https://example.org/portal.html");
  CHECK(captive.warnings.empty());
  auto open = parse_api_status(R"({"captive": false, "user-portal-url": "https://example.org/portal.html",
      "venue-info-url": "https://flight.example.com/entertainment", "seconds-remaining": 326,
      "can-extend-session": true})");
  REQUIRE(open.valid);
  CHECK_FALSE(open.captive);
  CHECK(open.seconds_remaining == 326u);
  CHECK(open.can_extend_session == true);
  CHECK(open.venue_info_url == "https://flight.example.com/entertainment");
  CHECK_FALSE(open.bytes_remaining);
}

TEST_CASE("api: captive is required and must be a boolean") {
  auto missing = parse_api_status(R"({"user-portal-url": "https://a.example/"})");
  CHECK_FALSE(missing.valid);
  CHECK(missing.error.find("captive") != std::string::npos);
  CHECK_FALSE(parse_api_status(R"({"captive": "true"})").valid);
  CHECK_FALSE(parse_api_status(R"([true])").valid);
  auto bad = parse_api_status(R"({"captive": tru)");
  CHECK_FALSE(bad.valid);
  CHECK(bad.error == "body is not valid JSON");
}

TEST_CASE("api: oversized bodies are refused before parsing") {
  std::string big = R"({"captive": false, "pad": ")" + std::string(kApiBodyLimit, 'x') + "\"}";
  auto s = parse_api_status(big);
  CHECK_FALSE(s.valid);
  CHECK(s.error.find("4096") != std::string::npos);
}

TEST_CASE("api: conformance warnings and unknown keys") {
  auto s = parse_api_status(
      R"({"captive": true, "seconds-remaining": -5, "bytes-remaining": 10, "x-vendor": 1, "can-extend-session": 3})");
  REQUIRE(s.valid);
  CHECK(s.unknown_keys == std::vector<std::string>{"x-vendor"});
  CHECK_FALSE(s.seconds_remaining);
  CHECK(s.bytes_remaining == 10u);
  CHECK_FALSE(s.can_extend_session);
  auto has = [&](const char* text) {
    for (const auto& w : s.warnings)
      if (w.find(text) != std::string::npos) return true;
    return false;
  };
  CHECK(has("without user-portal-url"));
  CHECK(has("seconds-remaining is not a non-negative number"));
  CHECK(has("while captive"));
  CHECK(has("can-extend-session is not a boolean"));
  auto http = parse_api_status(R"({"captive": true, "user-portal-url": "http://portal.example/"})");
  REQUIRE(http.valid);
  REQUIRE(http.warnings.size() == 1);
  CHECK(http.warnings[0].find("not https") != std::string::npos);
}
