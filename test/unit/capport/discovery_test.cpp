// API URI discovery without a network: OS state parsing, URI checks and the RFC 8910 §3 choice.
#include "pktmap/capport/discovery.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "pktmap/capport/live_probe.hpp"

using namespace pktmap::capport;

namespace {

DiscoveredUri uri(std::string source, std::string value, bool legacy = false) {
  DiscoveredUri u;
  u.source = std::move(source);
  u.uri = std::move(value);
  u.legacy = legacy;
  assess_discovered_uri(u);
  return u;
}

constexpr long long kNow = 1'795'000'000;  // 2026-11-19

}  // namespace

TEST_CASE("discovery: networkd link state CAPTIVE_PORTAL=") {
  CHECK(networkd_captive_portal(
            "ADMIN_STATE=configured\nCAPTIVE_PORTAL=https://cp.example/api\nDNS=1.1.1.1\n") ==
        "https://cp.example/api");
  CHECK(networkd_captive_portal("CAPTIVE_PORTAL=https://cp.example/api\r\n") == "https://cp.example/api");
  CHECK_FALSE(networkd_captive_portal("ADMIN_STATE=configured\nOPER_STATE=routable\n"));
  CHECK_FALSE(networkd_captive_portal("CAPTIVE_PORTAL=\n"));
  CHECK_FALSE(networkd_captive_portal("X_CAPTIVE_PORTAL=https://no.example/\n"));
}

TEST_CASE("discovery: dhclient leases, newest lease of the interface, 114 is default-url") {
  const std::string text = R"(# comment
lease {
  interface "wlan0";
  option default-url "https://old.example/api";
  expire 4 2026/11/26 10:00:00;
}
lease {
  interface "eth0";
  option default-url "https://eth.example/api";
  expire never;
}
lease {
  interface "wlan0";
  fixed-address 192.0.2.7;
  option v4-captive-portal "http://polycom.example/cfg";
  option default-url "https://new.example/api?a=\"b\"";
  renew 4 2026/11/26 09:00:00;
  expire 4 2026/11/26 11:00:00;
}
)";
  auto s = scan_dhclient_leases(text, "wlan0", kNow);
  REQUIRE(s.lease_found);
  CHECK_FALSE(s.expired);
  REQUIRE(s.uris.size() == 2);
  CHECK(s.uris[0].option == "v4-captive-portal");
  CHECK(s.uris[1].option == "default-url");
  CHECK(s.uris[1].uri == "https://new.example/api?a=\"b\"");
  CHECK(s.expiry == "4 2026/11/26 11:00:00");

  auto eth = scan_dhclient_leases(text, "eth0", kNow);
  REQUIRE(eth.uris.size() == 1);
  CHECK(eth.uris[0].uri == "https://eth.example/api");

  auto later = scan_dhclient_leases(text, "wlan0", kNow + 30LL * 24 * 3600);
  CHECK(later.expired);
  CHECK_FALSE(scan_dhclient_leases(text, "wlan9", kNow).lease_found);
  CHECK_FALSE(scan_dhclient_leases("lease { interface \"x\"", "x", kNow).uris.size());  // cut file: no crash
}

TEST_CASE("discovery: dhclient6 lease with nested IA blocks") {
  const std::string text = R"(lease6 {
  interface "eth0";
  ia-na 1a:2b:3c:4d {
    starts 1795000000;
    iaaddr 2001:db8::5 {
      starts 1795000000;
      preferred-life 300;
      option default-url "https://nested.example/ignored";
    }
  }
  option dhcp6.v6-captive-portal "https://v6.example/api";
}
)";
  auto s = scan_dhclient_leases(text, "", kNow);
  REQUIRE(s.uris.size() == 1);
  CHECK(s.uris[0].option == "dhcp6.v6-captive-portal");
  CHECK(s.uris[0].uri == "https://v6.example/api");
}

TEST_CASE("discovery: URI checks") {
  CHECK(uri("dhcpv4-114", "https://cp.example/api").usable);
  auto plain = uri("dhcpv4-114", "http://cp.example/api");
  CHECK_FALSE(plain.usable);
  CHECK(plain.problems.front().find("not an https URI") != std::string::npos);
  CHECK_FALSE(uri("ra-37", "https://cp.example/a b").usable);
  CHECK_FALSE(uri("ra-37", "").usable);
  CHECK_FALSE(uri("ra-37", "https:///api").usable);
  auto literal = uri("dhcpv6-103", "https://192.0.2.1/api");
  CHECK(literal.usable);
  CHECK(literal.problems.front().find("IP-address literal") != std::string::npos);
  auto urn = uri("dhcpv4-114", std::string(kUnrestrictedUrn));
  CHECK(urn.usable);
  CHECK(urn.unrestricted);
  auto legacy = uri("dhcpv4-160", "https://cp.example/api", true);
  CHECK(legacy.usable);
  CHECK(legacy.problems.front().find("160") != std::string::npos);
}

TEST_CASE("discovery: one URI from several sources is chosen with all its sources") {
  DiscoveryReport r;
  r.found = {uri("dhcpv4-114", "https://cp.example/api"), uri("ra-37", "https://cp.example/api"),
             uri("networkd", "https://cp.example/api")};
  reconcile_discovery(r);
  CHECK(r.api_uri == "https://cp.example/api");
  CHECK(r.api_source == "dhcpv4-114, ra-37, networkd");
  CHECK(r.config_errors.empty());
  CHECK_FALSE(r.unrestricted);
}

TEST_CASE("discovery: different URIs are a network configuration error (RFC 8910 §3)") {
  DiscoveryReport r;
  r.found = {uri("dhcpv4-114", "https://a.example/api"), uri("ra-37", "https://b.example/api"),
             uri("dhcpv4-160", "http://polycom.example/", true)};
  reconcile_discovery(r);
  REQUIRE(r.config_errors.size() == 1);
  CHECK(r.config_errors[0].find("https://a.example/api via dhcpv4-114") != std::string::npos);
  CHECK(r.config_errors[0].find("https://b.example/api via ra-37") != std::string::npos);
  CHECK(r.config_errors[0].find("polycom") == std::string::npos);  // legacy 160 is not part of RFC 8910
  CHECK(r.api_uri == "https://b.example/api");                     // RA 37 first
}

TEST_CASE("discovery: non-https is ignored, legacy 160 only as a last resort, unrestricted URN") {
  DiscoveryReport r;
  r.found = {uri("dhcpv4-114", "http://cp.example/api"),
             uri("dhcpv4-160", "https://legacy.example/api", true)};
  reconcile_discovery(r);
  CHECK(r.api_uri == "https://legacy.example/api");
  CHECK(r.api_source == "dhcpv4-160");

  DiscoveryReport u;
  u.found = {uri("dhcpv4-114", std::string(kUnrestrictedUrn))};
  reconcile_discovery(u);
  CHECK(u.unrestricted);
  CHECK_FALSE(u.api_uri);
  CHECK(format_discovery(u).find("not captive") != std::string::npos);
}

TEST_CASE("discovery: modes") {
  DiscoveryMode m{};
  CHECK(parse_discovery_mode("passive", m));
  CHECK(m == DiscoveryMode::passive);
  CHECK(parse_discovery_mode("off", m));
  CHECK(m == DiscoveryMode::off);
  CHECK_FALSE(parse_discovery_mode("loud", m));
}

TEST_CASE("discovery: the unrestricted URN counts as evidence of an open network") {
  ProbeReport r;
  r.discovery = DiscoveryReport{};
  r.discovery->unrestricted = true;
  r.discovery->api_source = "dhcpv4-114";
  CanaryProbe c;
  c.url = "http://canary.test/generate_204";
  c.fetch = FetchOutcome::answered;
  c.status = 204;
  c.result = CanaryResult::open;
  r.canaries.push_back(c);
  decide_live_verdict(r);
  CHECK(r.verdict == Verdict::open);
  CHECK(r.reasons.front().find("not captive") != std::string::npos);

  r.canaries[0].status = 302;
  r.canaries[0].location = "https://portal.test/";
  r.canaries[0].result = CanaryResult::redirect;
  decide_live_verdict(r);
  CHECK(r.verdict == Verdict::captive);  // the network's statement does not hide a portal
}
