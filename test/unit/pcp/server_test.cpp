// The emulator core, rule by rule (RFC 6887, RFC 7753), without sockets.
#include "pktmap/pcp/server.hpp"

#include <catch2/catch.hpp>

#include "pcp_test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcp;
using test::addr;
using test::Emulator;
using test::map_request;
namespace res = codec::pcp_result;

namespace {

// A MAP request whose options are given as raw encoded bytes (for repeats and unknown codes).
std::vector<std::uint8_t> map_with_options(const Request& r, const std::vector<std::uint8_t>& opts) {
  codec::PcpRequestFields f;
  f.opcode = r.opcode;
  f.lifetime = r.lifetime;
  f.client_ip = r.client_ip;
  f.map.nonce = r.nonce;
  f.map.protocol = r.protocol;
  f.map.internal_port = r.internal_port;
  f.map.external_ip = r.external_ip;
  f.options = ByteView(opts.data(), opts.size());
  std::vector<std::uint8_t> b(2048);
  ByteWriter w(b);
  codec::write_pcp_request(w, f);
  // Over-long requests are built without the 1100-byte check by appending the options by hand.
  if (!w.ok()) {
    ByteWriter w2(b);
    f.options = {};
    codec::write_pcp_request(w2, f);
    std::size_t n = w2.size();
    std::copy(opts.begin(), opts.end(), b.begin() + static_cast<std::ptrdiff_t>(n));
    b.resize(n + opts.size());
    return b;
  }
  b.resize(w.size());
  return b;
}

std::vector<std::uint8_t> option_bytes(std::uint8_t code, std::size_t len, int times = 1) {
  std::vector<std::uint8_t> out(4096);
  ByteWriter w(out);
  std::vector<std::uint8_t> value(len, 0);
  for (int i = 0; i < times; ++i)
    codec::write_pcp_option(w, code, ByteView(value.data(), value.size()));
  out.resize(w.size());
  return out;
}

std::vector<std::uint8_t> port_set_bytes(std::uint16_t size, std::uint16_t first, int times = 1) {
  std::vector<std::uint8_t> out(64);
  ByteWriter w(out);
  for (int i = 0; i < times; ++i)
    codec::write_pcp_port_set(w, PcpPortSet{size, first, false, 0});
  out.resize(w.size());
  return out;
}

}  // namespace

TEST_CASE("emulator: ANNOUNCE answers SUCCESS with lifetime 0 and the epoch", "[pcp][server]") {
  Emulator e(test::policy_with(2000, 2999), 1000);
  e.now = 1042;
  Request a;
  a.opcode = codec::pcp_op::announce;
  a.client_ip = addr("10.0.0.2");
  auto rs = e.send(a);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].opcode == codec::pcp_op::announce);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].lifetime == 0);
  CHECK(rs[0].epoch == 42);
  auto unsolicited = codec::parse_pcp(e.server.announce(1050).view());
  CHECK(unsolicited->response);
  CHECK(unsolicited->epoch == 50);
  CHECK(unsolicited->opcode == codec::pcp_op::announce);
}

TEST_CASE("emulator: single-port MAP, lifetime clamps, no PORT_SET in the answer", "[pcp][server]") {
  auto p = test::policy_with(2000, 2999);
  p.min_lifetime = 120;
  p.max_lifetime = 86400;
  Emulator e(p);
  auto r = map_request(5060);
  r.lifetime = 30;
  auto rs = e.send(r);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].lifetime == 120);
  CHECK(rs[0].internal_port == 5060);
  CHECK(rs[0].external_port >= 2000);
  CHECK(rs[0].external_port <= 2999);
  CHECK(format_address(rs[0].external_ip) == "192.0.2.3");
  CHECK_FALSE(rs[0].port_set);
  CHECK(rs[0].nonce == r.nonce);
  r.lifetime = 1'000'000;  // refresh: same nonce
  rs = e.send(r);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].lifetime == 86400);
  CHECK(e.server.table().size() == 1);
}

TEST_CASE("emulator: PORT_SET quota, maximum size and partial grants", "[pcp][server]") {
  auto p = test::policy_with(37056, 40000);
  p.ports_per_client = 32;
  Emulator e(p);
  // RFC 7753 §5.1: 100 asked, 32 allowed by the per-user quota.
  auto rs = e.send(map_request(50000, 100));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::success);
  REQUIRE(rs[0].port_set);
  CHECK(rs[0].port_set->size == 32);
  CHECK(rs[0].port_set->first_internal_port == 50000);
  CHECK(rs[0].internal_port == 50000);
  CHECK(rs[0].external_port == 37056);
  CHECK(e.server.counters().get("port_set_partial") == 1);
  // The quota is used up: another mapping is refused with the short-lifetime USER_EX_QUOTA.
  auto again = map_request(6000);
  again.nonce = test::nonce(0x22);
  rs = e.send(again);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::user_ex_quota);
  CHECK(rs[0].lifetime == p.short_error_lifetime);

  auto p2 = test::policy_with(2000, 2999);
  p2.max_set_size = 10;
  Emulator e2(p2);
  rs = e2.send(map_request(50000, 100));
  REQUIRE(rs[0].port_set);
  CHECK(rs[0].port_set->size == 10);

  // Only 20 external ports exist: as many as possible are mapped (RFC 7753 §4.2).
  Emulator e3(test::policy_with(3000, 3019));
  rs = e3.send(map_request(50000, 50));
  REQUIRE(rs[0].port_set);
  CHECK(rs[0].port_set->size == 20);
  CHECK(rs[0].external_port == 3000);
}

TEST_CASE("emulator: a set that ends up one port is answered without PORT_SET", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3000));
  auto rs = e.send(map_request(50000, 10));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].external_port == 3000);
  CHECK_FALSE(rs[0].port_set);
  CHECK(rs[0].granted_ports() == 1);
}

TEST_CASE("emulator: parity preservation follows the first internal port", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto odd = map_request(50001, 4, true);
  auto rs = e.send(odd);
  REQUIRE(rs[0].port_set);
  CHECK(rs[0].port_set->parity);
  CHECK(rs[0].external_port % 2 == 1);
  auto even = map_request(50100, 4, true);
  even.nonce = test::nonce(0x33);
  rs = e.send(even);
  CHECK(rs[0].external_port % 2 == 0);
  // Without P the next free port (after the rotating cursor) is taken whatever its parity: the sets took
  // 3001-3004 and 3006-3009, and internal port 50201 is odd.
  auto any = map_request(50201, 1);
  rs = e.send(any);
  CHECK(rs[0].external_port == 3010);
}

TEST_CASE("emulator: PORT_SET size 0, a repeated PORT_SET and PREFER_FAILURE with PORT_SET",
          "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto r = map_request(50000);
  auto rs = e.send_raw(map_with_options(r, port_set_bytes(0, 50000)));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::malformed_option);
  CHECK(rs[0].lifetime == e.server.policy().long_error_lifetime);
  rs = e.send_raw(map_with_options(r, port_set_bytes(5, 50000, 2)));
  CHECK(rs[0].result == res::malformed_option);
  auto pf = map_request(50000, 5);
  pf.prefer_failure = true;
  rs = e.send(pf);
  CHECK(rs[0].result == res::malformed_option);
  // Deleting with size 0 is not a "non-zero Requested Lifetime" request: accepted.
  r.lifetime = 0;
  rs = e.send_raw(map_with_options(r, port_set_bytes(0, 50000)));
  CHECK(rs[0].result == res::success);
  CHECK_FALSE(rs[0].port_set);  // nothing was deleted: no set to describe (found by fuzz_pcp_server)
  CHECK(e.server.table().size() == 0);
}

TEST_CASE("emulator: PREFER_FAILURE gets the suggested port or CANNOT_PROVIDE_EXTERNAL", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto a = map_request(50000);
  a.external_port = 3500;
  a.prefer_failure = true;
  auto rs = e.send(a);
  REQUIRE(rs[0].result == res::success);
  CHECK(rs[0].external_port == 3500);
  CHECK(rs[0].prefer_failure);  // echoed
  auto b = map_request(50001);
  b.nonce = test::nonce(0x44);
  b.external_port = 3500;
  b.prefer_failure = true;
  rs = e.send(b);
  CHECK(rs[0].result == res::cannot_provide_external);
  CHECK(rs[0].lifetime == e.server.policy().short_error_lifetime);
  b.prefer_failure = false;  // without it another port is fine
  rs = e.send(b);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].external_port != 3500);
}

TEST_CASE("emulator: an overlapping request refreshes each mapping with its own answer (RFC 7753 5.3)",
          "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto single = map_request(100);
  single.external_port = 3100;
  REQUIRE(e.send(single)[0].result == res::success);
  auto set = map_request(101, 99);
  set.external_port = 3201;
  auto rs = e.send(set);
  REQUIRE(rs[0].port_set);
  REQUIRE(rs[0].port_set->size == 99);
  e.now += 10;
  auto both = map_request(100, 100);
  both.lifetime = 7200;
  rs = e.send(both);
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].internal_port == 100);
  CHECK(rs[0].external_port == 3100);
  CHECK_FALSE(rs[0].port_set);
  CHECK(rs[1].internal_port == 101);
  CHECK(rs[1].external_port == 3201);
  REQUIRE(rs[1].port_set);
  CHECK(rs[1].port_set->size == 99);
  CHECK(rs[1].port_set->first_internal_port == 101);
  CHECK(rs[0].lifetime == 7200);
  CHECK(rs[1].lifetime == 7200);
  CHECK(e.server.table().size() == 2);  // nothing new was created
}

TEST_CASE("emulator: a request inside a set names the set's first port (RFC 7753 6.3)", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  REQUIRE(e.send(map_request(1, 10))[0].port_set->size == 10);
  auto rs = e.send(map_request(5, 10));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].internal_port == 5);
  REQUIRE(rs[0].port_set);
  CHECK(rs[0].port_set->first_internal_port == 1);
  CHECK(rs[0].port_set->size == 10);
}

TEST_CASE("emulator: nonces are checked on refresh and delete", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto r = map_request(5060);
  REQUIRE(e.send(r)[0].result == res::success);
  auto other = r;
  other.nonce = test::nonce(0x99);
  CHECK(e.send(other)[0].result == res::not_authorized);
  other.lifetime = 0;
  CHECK(e.send(other)[0].result == res::not_authorized);
  CHECK(e.server.table().size() == 1);
  r.lifetime = 0;
  auto rs = e.send(r);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].lifetime == 0);
  CHECK(e.server.table().size() == 0);
  // Deleting what does not exist succeeds.
  CHECK(e.send(r)[0].result == res::success);
}

TEST_CASE("emulator: stateless mapping discovery (RFC 7753 5.2)", "[pcp][server]") {
  auto p = test::policy_with(3000, 3999);
  StatelessRule rule;
  rule.prefix = addr("10.9.0.0");
  rule.prefix_len = 96 + 24;
  rule.external_ip = addr("192.0.2.5");
  rule.first_port = 16384;
  rule.ports_per_client = 2048;
  p.stateless.push_back(rule);
  Emulator e(p);
  Request r = map_request(1, 65535);
  r.client_ip = addr("10.9.0.5");
  r.protocol = 0;
  auto rs = e.send(r, {addr("10.9.0.5"), 5000});
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].internal_port == 1);
  CHECK(rs[0].external_port == 26624);
  CHECK(format_address(rs[0].external_ip) == "192.0.2.5");
  REQUIRE(rs[0].port_set);
  CHECK(rs[0].port_set->size == 2048);
  CHECK(rs[0].port_set->first_internal_port == 26624);
  CHECK(e.server.table().size() == 0);  // stateless: nothing stored
  // Ports outside the client's set are not its to map.
  Request outside = map_request(80);
  outside.client_ip = addr("10.9.0.5");
  CHECK(e.send(outside, {addr("10.9.0.5"), 5000})[0].result == res::not_authorized);
}

TEST_CASE("emulator: unknown options, mandatory and optional", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto r = map_request(5060);
  auto rs = e.send_raw(map_with_options(r, option_bytes(99, 4)));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::unsupp_option);
  rs = e.send_raw(map_with_options(r, option_bytes(200, 6)));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].unknown_options.empty());  // ignored, not echoed
  CHECK(e.server.counters().get("option_ignored") == 1);
}

TEST_CASE("emulator: length, version and opcode errors", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto r = map_request(5060);
  // 1104 bytes: over the 1100-byte limit.
  auto big = map_with_options(r, option_bytes(200, 1104 - 60 - 4));
  REQUIRE(big.size() == 1104);
  auto rs = e.send_raw(big);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::malformed_request);
  auto odd = test::encode(r);
  odd.push_back(0);
  CHECK(e.send_raw(odd)[0].result == res::malformed_request);
  CHECK(e.send_raw(odd)[0].internal_port == 5060);  // the MAP data is echoed
  auto shorter = test::encode(r);
  shorter.resize(20);
  e.send_raw(shorter);
  REQUIRE(e.out.count == 1);
  auto hdr = codec::parse_pcp(e.out.out[0].view());  // header only: too short to echo MAP data
  CHECK(hdr->result_code == res::malformed_request);
  CHECK(e.out.out[0].len == codec::kPcpHeaderLen);

  auto v3 = test::encode(r);
  v3[0] = 3;
  // The layout of another version is unknown: the answer is the version-2 common header alone (§9).
  for (std::uint8_t version : {3, 1}) {
    v3[0] = version;
    e.send_raw(v3);
    REQUIRE(e.out.count == 1);
    auto h = codec::parse_pcp(e.out.out[0].view()).value();
    CHECK(h.version == 2);
    CHECK(h.response);
    CHECK(h.opcode == codec::pcp_op::map);
    CHECK(h.result_code == res::unsupp_version);
    CHECK(e.out.out[0].len == codec::kPcpHeaderLen);
  }
  v3[0] = 0;  // NAT-PMP: answered in NAT-PMP form
  e.send_raw(v3);
  REQUIRE(e.out.count == 1);
  CHECK(e.out.out[0].len == 8);
  CHECK(e.out.out[0].bytes[0] == 0);
  CHECK(e.out.out[0].bytes[3] == 1);

  auto op = test::encode(r);
  op[1] = 5;
  e.send_raw(op);
  REQUIRE(e.out.count == 1);
  auto unknown = codec::parse_pcp(e.out.out[0].view());
  CHECK(unknown.name() == "pcp_opcode_unknown");
  CHECK(unknown->result_code == res::unsupp_opcode);
  CHECK(unknown->opcode == 5);
  CHECK(e.out.out[0].len == op.size());  // everything after the header is echoed

  // Dropped silently: a response (R=1) and a 1-byte datagram.
  auto rbit = test::encode(r);
  rbit[1] |= 0x80;
  CHECK(e.send_raw(rbit).empty());
  CHECK(e.out.count == 0);
  CHECK(e.send_raw({2}).empty());
  CHECK(e.out.count == 0);
  CHECK(e.server.counters().get("dropped_response") == 1);
  CHECK(e.server.counters().get("dropped_short") == 1);
}

TEST_CASE("emulator: ADDRESS_MISMATCH, unsupported protocol, error answers echo the request",
          "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  auto r = map_request(5060, 4);
  r.client_ip = addr("10.0.0.9");
  r.description = "sip";
  auto rs = e.send(r);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::address_mismatch);
  CHECK(rs[0].nonce == r.nonce);
  CHECK(rs[0].internal_port == 5060);
  REQUIRE(rs[0].port_set);
  CHECK(rs[0].port_set->size == 4);
  REQUIRE(rs[0].description);
  CHECK(*rs[0].description == "sip");
  auto sctp = map_request(5060);
  sctp.protocol = 132;
  CHECK(e.send(sctp)[0].result == res::unsupp_protocol);
}

TEST_CASE("emulator: per-client rate limit drops the excess", "[pcp][server]") {
  auto p = test::policy_with(3000, 3999);
  p.rate_per_second = 2;
  p.rate_burst = 2;
  Emulator e(p);
  auto r = map_request(5060);
  CHECK(e.send(r).size() == 1);
  CHECK(e.send(r).size() == 1);
  CHECK(e.send(r).empty());
  CHECK(e.server.counters().get("dropped_rate_limited") == 1);
  CHECK(e.send(r, {addr("10.0.0.3"), 1}).size() == 1);  // another client has its own bucket
  e.now += 1;
  CHECK(e.send(r).size() == 1);
}

TEST_CASE("emulator: THIRD_PARTY, FILTER and DESCRIPTION", "[pcp][server]") {
  auto p = test::policy_with(3000, 3999);
  p.max_filters = 2;
  Emulator e(p);
  auto r = map_request(5060);
  r.third_party = addr("10.0.0.77");
  CHECK(e.send(r)[0].result == res::unsupp_option);
  p.allow_third_party = true;
  Emulator e2(p);
  auto rs = e2.send(r);
  REQUIRE(rs[0].result == res::success);
  REQUIRE(rs[0].third_party);
  CHECK(format_address(*rs[0].third_party) == "10.0.0.77");
  bool found = false;
  e2.server.table().for_each([&](const Mapping& m) { found = format_address(m.internal_ip) == "10.0.0.77"; });
  CHECK(found);

  auto f = map_request(6000);
  f.description = "rtp";
  for (int i = 0; i < 3; ++i)
    f.filters.push_back(PcpFilter{0, 96 + 24, 443, addr("203.0.113.0")});
  CHECK(e.send(f)[0].result == res::excessive_remote_peers);
  f.filters.resize(2);
  rs = e.send(f);
  REQUIRE(rs[0].result == res::success);
  CHECK(rs[0].filters.size() == 2);
  REQUIRE(rs[0].description);
  CHECK(*rs[0].description == "rtp");
  f.filters = {PcpFilter{0, 24, 443, addr("203.0.113.0")}};  // IPv4 peer needs 96 + length
  f.nonce = test::nonce(0x55);
  f.internal_port = 6001;
  CHECK(e.send(f)[0].result == res::malformed_option);
}

TEST_CASE("emulator: PEER creates, rides on a MAP's port, checks nonces", "[pcp][server]") {
  Emulator e(test::policy_with(3000, 3999));
  Request peer = map_request(40000);
  peer.opcode = codec::pcp_op::peer;
  peer.protocol = 6;
  peer.remote_peer = {addr("203.0.113.9"), 443};
  auto rs = e.send(peer);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].result == res::success);
  CHECK(rs[0].remote_peer.port == 443);
  CHECK(rs[0].external_port == 3000);
  // A PEER under a MAP set uses the MAP's external port for that internal port.
  auto map = map_request(41000, 10);
  map.protocol = 6;
  map.external_port = 3500;
  REQUIRE(e.send(map)[0].external_port == 3500);
  peer.internal_port = 41003;
  CHECK(e.send(peer)[0].external_port == 3503);
  peer.nonce = test::nonce(0x77);
  CHECK(e.send(peer)[0].result == res::not_authorized);
  peer.filters.push_back(PcpFilter{0, 128, 0, addr("203.0.113.9")});
  CHECK(e.send(peer)[0].result == res::malformed_option);  // FILTER is MAP-only
  peer.filters.clear();
  peer.remote_peer.port = 0;
  CHECK(e.send(peer)[0].result == res::malformed_request);
}

TEST_CASE("emulator: mappings expire and free their ports; restart loses state", "[pcp][server]") {
  auto p = test::policy_with(3000, 3000);
  p.min_lifetime = 10;
  Emulator e(p);
  auto r = map_request(5060);
  r.lifetime = 10;
  REQUIRE(e.send(r)[0].external_port == 3000);
  auto other = map_request(5061);
  other.nonce = test::nonce(0x12);
  CHECK(e.send(other)[0].result == res::no_resources);
  e.now += 10;
  CHECK(e.server.expire(e.now) == 1);
  CHECK(e.send(other)[0].external_port == 3000);
  e.server.restart(e.now);
  CHECK(e.server.table().size() == 0);
  CHECK(e.server.epoch(e.now + 3) == 3);
}
