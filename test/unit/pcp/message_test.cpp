#include "pktmap/pcp/message.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>
#include "pcp_test_util.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcp/server_policy.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcp;
using test::addr;

TEST_CASE("endpoints and addresses", "[pcp][message]") {
  auto e = parse_endpoint("10.0.0.1", 5351);
  REQUIRE(e);
  CHECK(e->is_v4());
  CHECK(e->port == 5351);
  CHECK(format_endpoint(*parse_endpoint("10.0.0.1:15351", 5351)) == "10.0.0.1:15351");
  CHECK(format_endpoint(*parse_endpoint("[2001:db8::1]:99", 5351)) == "[2001:db8::1]:99");
  CHECK(format_endpoint(*parse_endpoint("2001:db8::1", 5351)) == "[2001:db8::1]:5351");
  CHECK_FALSE(parse_endpoint("10.0.0.1:0", 5351));
  CHECK_FALSE(parse_endpoint("10.0.0.1:70000", 5351));
  CHECK_FALSE(parse_endpoint("[2001:db8::1", 5351));
  CHECK_FALSE(parse_endpoint("", 5351));
  CHECK_FALSE(parse_endpoint("host.example", 5351));
  CHECK_FALSE(parse_address(std::string_view("10.0.0.1\0junk", 13)));  // inet_pton would stop at the NUL
  CHECK_FALSE(parse_address("010.0.0.1"));                             // octal to inet_aton: refused
  CHECK(in_prefix(addr("10.9.0.5"), addr("10.9.0.0"), 96 + 24));
  CHECK_FALSE(in_prefix(addr("10.9.1.5"), addr("10.9.0.0"), 96 + 24));
  CHECK(in_prefix(addr("2001:db8::1"), addr("2001:db8::"), 32));
}

TEST_CASE("default gateway from a /proc/net/route file", "[pcp][message]") {
  std::string path = "/tmp/pktmap-route-test-" + std::to_string(::getpid());
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n", f);
    std::fputs("eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n", f);
    std::fputs("eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", f);
    std::fclose(f);
  }
  auto gw = default_gateway_v4(path.c_str());
  std::remove(path.c_str());
  REQUIRE(gw);
  CHECK(format_address(*gw) == "192.168.1.1");
  CHECK_FALSE(default_gateway_v4("/nonexistent/route"));
}

TEST_CASE("requests built over the codec parse back to the same fields", "[pcp][message]") {
  Request r = test::map_request(50000, 100, true);
  r.third_party = addr("10.0.0.7");
  r.filters.push_back(PcpFilter{0, 120, 443, addr("203.0.113.0")});
  r.description = "sip trunk";
  auto b = test::encode(r);
  REQUIRE(b.size() % 4 == 0);
  auto v = codec::parse_pcp(test::view(b));
  REQUIRE(v.ok());
  CHECK(v->map.internal_port == 50000);
  CHECK(v->map.nonce == r.nonce);
  CHECK(v->count_option(codec::pcp_opt::third_party) == 1);
  CHECK(v->count_option(codec::pcp_opt::filter) == 1);
  auto ps = codec::parse_pcp_port_set(*v->find_option(codec::pcp_opt::port_set));
  REQUIRE(ps.ok());
  CHECK(ps->size == 100);
  CHECK(ps->first_internal_port == 50000);
  CHECK(ps->parity);
  CHECK(*codec::parse_pcp_description(*v->find_option(codec::pcp_opt::description)) == "sip trunk");
  r.description = std::string(1100, 'x');
  std::vector<std::uint8_t> out(2048);
  CHECK(build_request(r, out) == 0);  // over 1100 bytes
}

TEST_CASE("nonce and protocol text", "[pcp][message]") {
  auto n = parse_nonce("0123456789abcdef01234567");
  REQUIRE(n);
  CHECK(format_nonce(*n) == "0123456789abcdef01234567");
  CHECK_FALSE(parse_nonce("0123"));
  CHECK_FALSE(parse_nonce("zz23456789abcdef01234567"));
  CHECK(random_nonce() != random_nonce());
  CHECK(*parse_protocol("udp") == 17);
  CHECK(*parse_protocol("tcp") == 6);
  CHECK(*parse_protocol("132") == 132);
  CHECK_FALSE(parse_protocol("256"));
  CHECK_FALSE(parse_protocol("sctp"));
}

TEST_CASE("policy YAML: values and errors with line:column and key", "[pcp][policy]") {
  auto p = parse_server_policy(R"(
external:
  addresses: [192.0.2.3, 2001:db8::3]
  ports: 37056-40000
lifetime: {min: 60, max: 3600}
port_set: {max_size: 64, quota: 32, preserve_parity: false}
rate_limit: {per_second: 10}
announce: {on_start: false, targets: ["127.0.0.1:15350"]}
stateless:
  - clients: 10.9.0.0/24
    external_address: 192.0.2.5
    first_port: 16384
)",
                               "cgn.yaml");
  CHECK(p.external_ips.size() == 2);
  CHECK(p.port_min == 37056);
  CHECK(p.port_max == 40000);
  CHECK(p.min_lifetime == 60);
  CHECK(p.max_set_size == 64);
  CHECK(p.ports_per_client == 32);
  CHECK_FALSE(p.preserve_parity);
  CHECK(p.rate_burst == 10);
  CHECK_FALSE(p.announce_on_start);
  CHECK(format_endpoint(p.announce_targets.at(0)) == "127.0.0.1:15350");
  REQUIRE(p.stateless.size() == 1);
  CHECK(p.stateless[0].prefix_len == 120);
  CHECK(p.stateless[0].ports_per_client == 2048);

  auto err = [](const char* yaml) {
    try {
      parse_server_policy(yaml, "cgn.yaml");
    } catch (const SetupError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err("port_set:\n  quota: lots\n") ==
        "cgn.yaml:2:10: port_set.quota: expected an integer 1-65535, got 'lots'");
  CHECK(err("external:\n  ports: 5000-100\n").rfind("cgn.yaml:2:10: external.ports:", 0) == 0);
  CHECK(err("externel: {}\n") == "cgn.yaml:1:1: externel: unknown key");
  CHECK(err("lifetime: {min: 10, max: 5}\n").find("min is larger than max") != std::string::npos);
  CHECK(err("external:\n  addresses: [300.1.1.1]\n").rfind("cgn.yaml:2:15: external.addresses: not an", 0) ==
        0);
  CHECK(err("stateless:\n  - external_address: 192.0.2.5\n").find("stateless[].clients: missing") !=
        std::string::npos);
  CHECK(err("a: [\n").rfind("cgn.yaml:", 0) == 0);
  // Found by fuzz_server_policy: a key that is a list left as yaml-cpp's "bad conversion", without the file.
  CHECK(err("[a]: 1\n") == "cgn.yaml:1:1: (top level): a key must be a plain name");
  CHECK(err("port_set: {{a: 1}: 2}\n") == "cgn.yaml:1:12: port_set: a key must be a plain name");
  CHECK(err("protocols: []\n") == "cgn.yaml:1:12: protocols: expected a non-empty list such as [udp, tcp]");
}
