// Live verdict rules on hand-made probe results, --resolve parsing and the portal YAML config.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "pktmap/capport/live_probe.hpp"
#include "pktmap/capport/portal_server.hpp"
#include "pktmap/error.hpp"

using namespace pktmap;
using namespace pktmap::capport;

namespace {

CanaryProbe answered(bool https, int status, CanaryResult result, std::string location = "") {
  CanaryProbe c;
  c.url = https ? "https://www.google.com/generate_204" : "http://connectivitycheck.gstatic.com/generate_204";
  c.https = https;
  c.fetch = FetchOutcome::answered;
  c.status = status;
  c.result = result;
  c.location = std::move(location);
  return c;
}

CanaryProbe failed(bool https, FetchOutcome why) {
  CanaryProbe c = answered(https, 0, CanaryResult::error);
  c.fetch = why;
  c.result.reset();
  return c;
}

ApiResult api(bool captive) {
  ApiResult a;
  a.uri = "https://capport.example.net/api";
  a.fetch = FetchOutcome::answered;
  a.http_status = 200;
  a.status = ApiStatus{};
  a.status->valid = true;
  a.status->captive = captive;
  if (captive) a.status->user_portal_url = "https://portal.example.net/login";
  return a;
}

Verdict decide(std::optional<ApiResult> a, std::vector<CanaryProbe> c, ProbeReport* out = nullptr) {
  ProbeReport r;
  r.api = std::move(a);
  r.canaries = std::move(c);
  decide_live_verdict(r);
  REQUIRE_FALSE(r.reasons.empty());
  if (out) *out = r;
  return r.verdict;
}

}  // namespace

TEST_CASE("live verdict: the API's captive=true wins and names the portal") {
  ProbeReport r;
  CHECK(decide(api(true), {answered(false, 204, CanaryResult::open)}, &r) == Verdict::captive);
  CHECK(r.reasons[0].find("log in at https://portal.example.net/login") != std::string::npos);
}

TEST_CASE("live verdict: canaries") {
  CHECK(decide({}, {answered(false, 204, CanaryResult::open), answered(true, 204, CanaryResult::open)}) ==
        Verdict::open);
  CHECK(decide({}, {answered(false, 302, CanaryResult::redirect, "http://portal/")}) == Verdict::captive);
  CHECK(decide({}, {answered(false, 200, CanaryResult::unexpected_content)}) == Verdict::captive);
  ProbeReport r511;
  CHECK(decide({}, {answered(false, 511, CanaryResult::auth_required)}, &r511) == Verdict::captive);
  CHECK(r511.reasons[0].find("511 Network Authentication Required") != std::string::npos);
  // HTTP fine, HTTPS not: partial, whichever way HTTPS fails.
  CHECK(decide({}, {answered(false, 204, CanaryResult::open), failed(true, FetchOutcome::timeout)}) ==
        Verdict::partial);
  ProbeReport r;
  CHECK(decide({}, {answered(false, 204, CanaryResult::open), failed(true, FetchOutcome::tls_untrusted)},
               &r) == Verdict::partial);
  CHECK(r.reasons[1].find("TLS intercepted") != std::string::npos);
  CHECK(decide({}, {failed(false, FetchOutcome::timeout), failed(true, FetchOutcome::connect_failed)}) ==
        Verdict::unknown);
}

TEST_CASE("live verdict: the API cannot force open against the canaries") {
  CHECK(decide(api(false), {answered(false, 302, CanaryResult::redirect, "http://p/")}) == Verdict::captive);
  CHECK(decide(api(false), {answered(false, 204, CanaryResult::open)}) == Verdict::open);
  CHECK(decide(api(false), {failed(true, FetchOutcome::timeout)}) == Verdict::partial);
}

TEST_CASE("live verdict: DNS hijack of a canary name is captive; an untrusted API is only a reason") {
  auto c = answered(false, 204, CanaryResult::open);
  c.dns_hijacked = true;
  c.detail = "connectivitycheck.gstatic.com resolved to 10.0.0.1 (private address (RFC 1918))";
  CHECK(decide({}, {c}) == Verdict::captive);
  ApiResult bad;
  bad.uri = "https://capport.example.net/api";
  bad.fetch = FetchOutcome::tls_untrusted;
  ProbeReport r;
  CHECK(decide(bad, {failed(false, FetchOutcome::timeout)}, &r) == Verdict::unknown);
  CHECK(r.reasons.back().find("does not verify") != std::string::npos);
}

TEST_CASE("--resolve pins") {
  auto a = parse_resolve_pin("capport.test:127.0.0.1");
  CHECK(a.host == "capport.test");
  CHECK(a.port == 0);
  CHECK(a.addr == "127.0.0.1");
  auto b = parse_resolve_pin("capport.test:8443:::1");
  CHECK(b.port == 8443);
  CHECK(b.addr == "[::1]");
  CHECK(parse_resolve_pin("x:[2001:db8::1]").addr == "[2001:db8::1]");
  CHECK_THROWS_AS(parse_resolve_pin("capport.test"), SetupError);
  CHECK_THROWS_AS(parse_resolve_pin("capport.test:not-an-ip"), SetupError);
  CHECK_THROWS_AS(parse_resolve_pin("capport.test:70000:127.0.0.1"), SetupError);
  // inet_pton and curl stop at a NUL; the pin would have carried the bytes after it (fuzz_cli_text).
  CHECK_THROWS_AS(parse_resolve_pin(std::string_view("capport.test:127.0.0.1\0x", 24)), SetupError);
}

TEST_CASE("portal config: values, relative paths and located errors") {
  auto dir = std::filesystem::temp_directory_path() / ("capport-cfg-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& text) {
    std::ofstream(dir / "portal.yaml") << text;
    return (dir / "portal.yaml").string();
  };
  auto c = load_portal_config(
      write("hostname: capport.test\nhttps_port: 0\nhttp_port: -1\ncert: c.pem\nkey: k.pem\n"
            "session_seconds: 5\napi_behaviour: silent\n"));
  CHECK(c.hostname == "capport.test");
  CHECK(c.https_port == 0);
  CHECK(c.http_port == -1);
  CHECK(c.cert_file == (dir / "c.pem").string());
  CHECK(c.session_seconds == 5u);
  CHECK(c.api_behaviour == ApiBehaviour::silent);
  try {
    load_portal_config(write("hostname: a\nsession_seconds: 0\n"));
    FAIL("accepted session_seconds 0");
  } catch (const SetupError& e) {
    CHECK(std::string(e.what()).find("portal.yaml:2:18: session_seconds") != std::string::npos);
  }
  CHECK_THROWS_WITH(load_portal_config(write("colour: blue\n")), Catch::Contains("colour: unknown key"));
  CHECK_THROWS_WITH(load_portal_config(write("api_behaviour: rude\n")), Catch::Contains("one of normal"));
  CHECK_THROWS_WITH(load_portal_config(write("cert: c.pem\n")), Catch::Contains("both cert and key"));
  // A key that is a list was yaml-cpp's "bad conversion" without the file's name (fuzz_portal_config).
  CHECK_THROWS_WITH(parse_portal_config("[a]: 1\n", "portal.yaml", "/etc"),
                    "portal.yaml:1:1: (top): a key must be a plain name");
  CHECK(parse_portal_config("cert: c.pem\nkey: k.pem\n", "portal.yaml", "/etc/p").cert_file ==
        "/etc/p/c.pem");
  std::filesystem::remove_all(dir);
}

TEST_CASE("live verdict: enforcement signals quoting the probe's flows") {
  IcmpSignal prohibited;
  prohibited.type = 3;
  prohibited.code = 13;
  prohibited.kind = "communication administratively prohibited (3/13)";
  prohibited.sender = "10.0.0.1";
  prohibited.quoted = "tcp 10.0.0.2:40000 -> 198.51.100.7:443";
  prohibited.flow = "HTTPS canary https://www.google.com/generate_204";
  prohibited.accepted = true;
  ProbeReport r;
  r.canaries = {answered(false, 302, CanaryResult::redirect, "http://portal/"),
                failed(true, FetchOutcome::connect_failed)};
  r.signals = {prohibited};
  decide_live_verdict(r);
  CHECK(r.verdict == Verdict::captive);
  bool listed = false;
  for (const auto& reason : r.reasons)
    listed = listed || reason.find("3/13") != std::string::npos;
  CHECK(listed);
  // Prohibited alone (HTTP fine): some traffic is blocked, not a portal.
  r.canaries = {answered(false, 204, CanaryResult::open)};
  decide_live_verdict(r);
  CHECK(r.verdict == Verdict::partial);
  // An ignored signal is no evidence.
  r.signals[0].accepted = false;
  decide_live_verdict(r);
  CHECK(r.verdict == Verdict::open);
  // The experimental captive-portal type is a portal by itself.
  IcmpSignal portal = prohibited;
  portal.type = kIcmpCaptivePortalType;
  portal.code = 1;
  r.signals = {portal};
  decide_live_verdict(r);
  CHECK(r.verdict == Verdict::captive);
  auto text = format_probe_report(r);
  CHECK(text.find("signals: not listened for") != std::string::npos);
}
