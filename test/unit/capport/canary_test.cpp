// Canary table lookups and answer classification.
#include "pktmap/capport/canary.hpp"

#include <catch2/catch.hpp>

using namespace pktmap::capport;

TEST_CASE("canary: lookup by host and path") {
  const auto* g = find_canary("ConnectivityCheck.gstatic.com:80", "/generate_204");
  REQUIRE(g);
  CHECK(g->expect == CanaryExpect::status_204);
  CHECK(find_canary("connectivitycheck.gstatic.com.", "/generate_204") == g);
  CHECK_FALSE(find_canary("connectivitycheck.gstatic.com", "/other"));
  CHECK(is_canary_host("captive.apple.com"));
  CHECK_FALSE(is_canary_host("example.com"));
}

TEST_CASE("canary: classification per vendor expectation") {
  const auto* g = find_canary("connectivitycheck.gstatic.com", "/generate_204");
  const auto* apple = find_canary("captive.apple.com", "/hotspot-detect.html");
  const auto* nm = find_canary("network-test.debian.org", "/nm");
  const auto* ms = find_canary("www.msftconnecttest.com", "/connecttest.txt");
  REQUIRE((g && apple && nm && ms));
  CHECK(classify_canary(*g, {204, "", "", ""}) == CanaryResult::open);
  CHECK(classify_canary(*g, {302, "http://portal/", "", ""}) == CanaryResult::redirect);
  CHECK(classify_canary(*g, {302, "", "", ""}) == CanaryResult::error);
  CHECK(classify_canary(*g, {200, "", "", "<html>login</html>"}) == CanaryResult::unexpected_content);
  CHECK(classify_canary(*g, {503, "", "", ""}) == CanaryResult::error);
  // RFC 6585 §6: 511 is how an intercepting proxy asks for a login, a portal signal, not a failure.
  CHECK(classify_canary(*g, {511, "", "", "<html>log in</html>"}) == CanaryResult::auth_required);
  CHECK(classify_canary(*apple, {511, "", "", ""}) == CanaryResult::auth_required);
  CHECK(classify_canary(*g, {510, "", "", ""}) == CanaryResult::error);
  CHECK(canary_result_name(CanaryResult::auth_required) == "network-authentication-required");
  CHECK(classify_canary(*apple, {200, "", "", "<HTML><TITLE>Success</TITLE>"}) == CanaryResult::open);
  CHECK(classify_canary(*apple, {200, "", "", "<title>Guest WiFi</title>"}) ==
        CanaryResult::unexpected_content);
  CHECK(classify_canary(*nm, {200, "", "online", ""}) == CanaryResult::open);
  CHECK(classify_canary(*nm, {200, "", "", "NetworkManager is online\n"}) == CanaryResult::open);
  CHECK(classify_canary(*nm, {200, "", "", "login"}) == CanaryResult::unexpected_content);
  CHECK(classify_canary(*ms, {200, "", "", "Microsoft Connect Test"}) == CanaryResult::open);
  CHECK(classify_canary(*ms, {200, "", "", "Microsoft"}) == CanaryResult::unexpected_content);
}
