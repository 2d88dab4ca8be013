// DHCPv6 fixture: test/data/capport-synth-provisioning.pcap frame 5 (Reply with option 103). Values
// cross-checked with tshark -T fields -e dhcpv6.msgtype -e dhcpv6.option.type -e dhcpv6.captive_portal.
#include "pktmap/codec/dhcpv6.hpp"

#include <catch2/catch.hpp>

#include "test_util.hpp"
#include "udp_fixture.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {

const char* kUri = "https://capport.example.net/api";

ByteView text(std::string_view s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

std::vector<std::uint8_t> reply_frame() {
  auto frames = test::read_pcap_frames(test::data_path("capport-synth-provisioning.pcap"));
  auto u = test::udp_fixture(frames.at(4));
  REQUIRE(u.ok);
  CHECK(u.src_port == kDhcpv6ServerPort);
  CHECK(u.dst_port == kDhcpv6ClientPort);
  return {u.payload.begin(), u.payload.end()};
}

// SOLICIT xid 0xabcdef with ORO {23, 103} and an elapsed-time option.
std::vector<std::uint8_t> solicit() {
  std::uint8_t opts[64];
  ByteWriter ow(opts);
  write_dhcpv6_option(ow, dhcpv6_opt::oro, test::view(test::hex("0017 0067")));
  write_dhcpv6_option(ow, dhcpv6_opt::elapsed_time, test::view(test::hex("0000")));
  std::vector<std::uint8_t> buf(128);
  ByteWriter w(buf);
  write_dhcpv6(w, {.msg_type = dhcpv6_msg::solicit, .transaction_id = 0xabcdef, .options = ow.written()});
  REQUIRE(w.ok());
  buf.resize(w.size());
  return buf;
}

// RELAY-FORW (hop count `hops`) around `inner`.
std::vector<std::uint8_t> relay(const std::vector<std::uint8_t>& inner, std::uint8_t hops) {
  std::vector<std::uint8_t> opts(inner.size() + 16);
  ByteWriter ow(opts);
  write_dhcpv6_option(ow, dhcpv6_opt::interface_id, test::view(test::hex("65746830")));
  write_dhcpv6_option(ow, dhcpv6_opt::relay_msg, test::view(inner));
  REQUIRE(ow.ok());
  std::vector<std::uint8_t> buf(opts.size() + 64);
  ByteWriter w(buf);
  Dhcpv6Fields f{.msg_type = dhcpv6_msg::relay_forw, .hop_count = hops};
  f.link_address = {0x20, 0x01, 0x0d, 0xb8};
  f.peer_address = {0xfe, 0x80};
  f.peer_address[15] = hops;
  f.options = ow.written();
  write_dhcpv6(w, f);
  REQUIRE(w.ok());
  buf.resize(w.size());
  return buf;
}

}  // namespace

TEST_CASE("DHCPv6 Reply with option 103 decodes to the fields tshark shows", "[codec][dhcpv6]") {
  auto b = reply_frame();
  auto r = parse_dhcpv6(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->msg_type == dhcpv6_msg::reply);
  CHECK(std::string_view(dhcpv6_msg_type_name(r->msg_type)) == "REPLY");
  CHECK_FALSE(r->relay);
  CHECK(r->transaction_id == 1);
  CHECK(r->option_count == 1);
  auto cp = dhcpv6_captive_portal(r.value());
  REQUIRE(cp.ok());
  CHECK(cp->present);
  CHECK(cp->uri == kUri);
  auto oro = dhcpv6_oro(r.value());
  CHECK(oro.ok());
  CHECK_FALSE(oro->present);
}

TEST_CASE("DHCPv6 builder reproduces the Reply and round-trips", "[codec][dhcpv6]") {
  std::uint8_t opts[64];
  ByteWriter ow(opts);
  write_dhcpv6_option(ow, dhcpv6_opt::captive_portal, text(kUri));
  std::uint8_t buf[128];
  ByteWriter w(buf);
  write_dhcpv6(w, {.msg_type = dhcpv6_msg::reply, .transaction_id = 1, .options = ow.written()});
  REQUIRE(w.ok());
  CHECK(to_hex(w.written()) == to_hex(test::view(reply_frame())));

  auto s = solicit();
  auto r = parse_dhcpv6(test::view(s));
  REQUIRE(r.ok());
  CHECK(r->transaction_id == 0xabcdef);
  CHECK(r->option_count == 2);
  auto oro = dhcpv6_oro(r.value());
  REQUIRE(oro.ok());
  CHECK(oro->present);
  CHECK(oro->size() == 2);
  CHECK(oro->at(0) == dhcpv6_opt::dns_servers);
  CHECK(oro->at(2) == 0);
  CHECK(oro->contains(dhcpv6_opt::captive_portal));
  CHECK_FALSE(oro->contains(dhcpv6_opt::ia_pd));
  CHECK_FALSE(dhcpv6_captive_portal(r.value())->present);
}

TEST_CASE("DHCPv6 relay messages expose their fields and the inner message", "[codec][dhcpv6]") {
  auto inner = solicit();
  auto twice = relay(relay(inner, 0), 1);
  auto outer = parse_dhcpv6(test::view(twice));
  REQUIRE(outer.ok());
  CHECK(outer->relay);
  CHECK(outer->msg_type == dhcpv6_msg::relay_forw);
  CHECK(outer->hop_count == 1);
  CHECK(outer->link_address[1] == 0x01);
  CHECK(outer->peer_address[15] == 1);
  CHECK(outer->option_count == 2);
  Dhcpv6Option ifid;
  REQUIRE(outer->find(dhcpv6_opt::interface_id, ifid));
  CHECK(std::string(ifid.value.begin(), ifid.value.end()) == "eth0");
  auto mid = parse_dhcpv6(outer->relay_message);
  REQUIRE(mid.ok());
  CHECK(mid->relay);
  CHECK(mid->hop_count == 0);
  auto leaf = parse_dhcpv6(mid->relay_message);
  REQUIRE(leaf.ok());
  CHECK(leaf->msg_type == dhcpv6_msg::solicit);
  CHECK(leaf->transaction_id == 0xabcdef);
  CHECK(dhcpv6_oro(leaf.value())->contains(dhcpv6_opt::captive_portal));
}

TEST_CASE("DHCPv6 invalid inputs get named outcomes", "[codec][dhcpv6]") {
  SECTION("short headers") {
    auto a = test::hex("0100");
    CHECK(parse_dhcpv6(test::view(a)).name() == "dhcpv6_truncated");
    auto b = test::hex("0c00 20010db8");
    auto r = parse_dhcpv6(test::view(b));
    CHECK(r.status() == Status::truncated);
    CHECK(r.name() == "dhcpv6_truncated");
    CHECK(r->relay);
  }
  SECTION("option running past the message") {
    auto b = test::hex("07000001 0067 0020 68747470");
    auto r = parse_dhcpv6(test::view(b));
    CHECK(r.status() == Status::invalid);
    CHECK(r.name() == "dhcpv6_option_overrun");
    CHECK(r->transaction_id == 1);
  }
  SECTION("relay without a Relay Message option") {
    auto s = solicit();
    auto rl = relay(s, 0);
    rl.resize(kDhcpv6RelayHeaderLen + 8);  // keep only the Interface-Id option
    CHECK(parse_dhcpv6(test::view(rl)).name() == "dhcpv6_relay_message_missing");
  }
  SECTION("ORO with an odd length") {
    auto b = test::hex("01000001 0006 0003 001700");
    auto r = parse_dhcpv6(test::view(b));
    REQUIRE(r.ok());
    auto oro = dhcpv6_oro(r.value());
    CHECK(oro.name() == "dhcpv6_oro_odd_length");
    CHECK(oro->size() == 1);
    CHECK(oro->at(0) == 23);
  }
  SECTION("captive portal NUL-terminated, and repeated") {
    auto b = test::hex("07000001 0067 0005 6874747000");
    auto cp = dhcpv6_captive_portal(parse_dhcpv6(test::view(b)).value());
    CHECK(cp.name() == "dhcpv6_captive_portal_nul_terminated");
    CHECK(cp->uri == "http");
    auto two = test::hex("07000001 0067 0001 61 0067 0001 62");
    auto cp2 = dhcpv6_captive_portal(parse_dhcpv6(test::view(two)).value());
    CHECK(cp2.name() == "dhcpv6_captive_portal_repeated");
    CHECK(cp2->uri == "a");
  }
  SECTION("names") {
    CHECK(std::string_view(dhcpv6_msg_type_name(12)) == "RELAY-FORW");
    CHECK(std::string_view(dhcpv6_msg_type_name(0)) == "unknown");
    CHECK(std::string_view(dhcpv6_msg_type_name(99)) == "unknown");
  }
}

TEST_CASE("DHCPv6 truncation at every offset never over-reads", "[codec][dhcpv6]") {
  auto b = reply_frame();
  test::for_each_truncation(b, [](ByteView cut) {
    auto r = parse_dhcpv6(cut);
    CHECK(r.ok() == (cut.size() == 4));  // 4: header only, no options
    if (cut.size() < 4) CHECK(r.name() == "dhcpv6_truncated");
  });
  auto rl = relay(solicit(), 0);
  test::for_each_truncation(rl, [](ByteView cut) {
    auto r = parse_dhcpv6(cut);
    if (cut.size() < kDhcpv6RelayHeaderLen) CHECK(r.name() == "dhcpv6_truncated");
    CHECK_FALSE(r.ok());  // a cut relay either overruns or lacks option 9
  });
}
