// DHCPv4 fixtures: test/data/capport-synth-provisioning.pcap (frames 1-3, 6) and
// test/data/tcpdump-dhcp-option-108.pcapng (IETF meeting DISCOVER/OFFER). Values cross-checked with
//   tshark -T fields -e dhcp.option.type -e dhcp.option.captive_portal -e dhcp.option.request_list_item
#include "pktmap/codec/dhcpv4.hpp"

#include <catch2/catch.hpp>

#include "test_util.hpp"
#include "udp_fixture.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {

std::vector<std::uint8_t> payload_of(const std::string& file, std::size_t frame) {
  auto frames = test::read_pcap_frames(test::data_path(file));
  auto u = test::udp_fixture(frames.at(frame - 1));
  REQUIRE(u.ok);
  return {u.payload.begin(), u.payload.end()};
}

std::vector<std::uint8_t> synth(std::size_t frame) {
  return payload_of("capport-synth-provisioning.pcap", frame);
}

std::vector<std::uint8_t> codes_of(const DhcpView& v) {
  std::vector<std::uint8_t> codes;
  DhcpOptionIterator it(v.options);
  DhcpOption o;
  while (it.next(o))
    codes.push_back(o.code);
  return codes;
}

const char* kUri = "https://capport.example.net/api";

ByteView text(std::string_view s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// A minimal DHCP message around the given encoded options (no End, no padding unless asked).
std::vector<std::uint8_t> message(ByteView options, bool end = true) {
  std::vector<std::uint8_t> buf(600);
  ByteWriter w(buf);
  write_dhcp(w, {.xid = 1, .options = options, .end = end, .pad_to_bootp_min = false});
  REQUIRE(w.ok());
  buf.resize(w.size());
  return buf;
}

}  // namespace

TEST_CASE("DHCPv4 OFFER with option 114 decodes to the fields tshark shows", "[codec][dhcpv4]") {
  auto b = synth(1);
  auto r = parse_dhcp(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->op == 2);
  CHECK(r->htype == 1);
  CHECK(r->hlen == 6);
  CHECK(r->hops == 0);
  CHECK(r->xid == 0x12345678);
  CHECK(r->ciaddr == 0);
  CHECK(r->yiaddr == 0xC000020A);  // 192.0.2.10
  CHECK(r->siaddr == 0xC0000201);  // 192.0.2.1
  CHECK(r->giaddr == 0);
  CHECK_FALSE(r->broadcast());
  CHECK(to_hex(r->hw_address()) == "020000000002");
  CHECK(r->message_type == dhcp_msg::offer);
  CHECK(std::string_view(dhcp_message_type_name(r->message_type)) == "DHCPOFFER");
  CHECK(r->end_seen);
  CHECK(r->trailing.empty());
  CHECK(r->option_count == 3);
  CHECK(codes_of(r.value()) == std::vector<std::uint8_t>{53, 54, 114});
  DhcpOption sid;
  REQUIRE(r->find(dhcp_opt::server_id, sid));
  CHECK(to_hex(sid.value) == "c0000201");
  auto cp = dhcp_captive_portal(r.value());
  REQUIRE(cp.ok());
  CHECK(cp->code == 114);
  CHECK(cp->uri == kUri);
}

TEST_CASE("DHCPv4 captive portal: legacy 160, unrestricted URN, none", "[codec][dhcpv4]") {
  auto legacy = synth(2);
  auto cp = dhcp_captive_portal(parse_dhcp(test::view(legacy)).value());
  REQUIRE(cp.ok());
  CHECK(cp->code == 160);
  CHECK(cp->uri == kUri);

  auto urn = synth(3);
  auto cp3 = dhcp_captive_portal(parse_dhcp(test::view(urn)).value());
  CHECK(cp3->code == 114);
  CHECK(cp3->uri == "urn:ietf:params:capport:unrestricted");

  auto disc = synth(6);
  auto r = parse_dhcp(test::view(disc));
  REQUIRE(r.ok());
  CHECK(r->message_type == dhcp_msg::discover);
  CHECK(r->broadcast());
  CHECK(r->xid == 0x0badf00d);
  CHECK(to_hex(dhcp_parameter_request_list(r.value())) == "0103060f72a0");
  auto none = dhcp_captive_portal(r.value());
  CHECK(none.ok());
  CHECK(none->code == 0);
  CHECK(none->uri.empty());
}

TEST_CASE("DHCPv4 IETF meeting capture: DISCOVER asking for 108 and 114, relayed OFFER", "[codec][dhcpv4]") {
  auto d = payload_of("tcpdump-dhcp-option-108.pcapng", 1);
  CHECK(d.size() == 300);
  auto r = parse_dhcp(test::view(d));
  REQUIRE(r.ok());
  CHECK(r->message_type == dhcp_msg::discover);
  CHECK(r->xid == 0x9edf45b0);
  CHECK(to_hex(r->hw_address()) == "42b444b4f0ee");
  CHECK(codes_of(r.value()) == std::vector<std::uint8_t>{53, 55, 57, 61, 51, 12});
  CHECK(to_hex(dhcp_parameter_request_list(r.value())) ==
        "01790306"
        "0f6c7277"
        "fc5f2c2e");
  CHECK(r->end_seen);
  CHECK(r->trailing.size() > 0);  // zero padding up to the 300-byte BOOTP minimum
  DhcpOption host;
  REQUIRE(r->find(dhcp_opt::host_name, host));
  CHECK(std::string(host.value.begin(), host.value.end()) == "MacBookPro");

  auto o = payload_of("tcpdump-dhcp-option-108.pcapng", 2);
  auto offer = parse_dhcp(test::view(o));
  REQUIRE(offer.ok());
  CHECK(offer->message_type == dhcp_msg::offer);
  CHECK(offer->hops == 1);
  CHECK(offer->yiaddr == 0x0A382AE8);  // 10.56.42.232
  CHECK(offer->giaddr == 0x0A380002);  // 10.56.0.2
  CHECK(codes_of(offer.value()) == std::vector<std::uint8_t>{53, 1, 3, 6, 12, 15, 51, 54, 61, 108});
  DhcpOption v6only;
  REQUIRE(offer->find(dhcp_opt::ipv6_only_preferred, v6only));
  CHECK(to_hex(v6only.value) == "00000384");  // 900 s
  CHECK(dhcp_captive_portal(offer.value())->code == 0);
}

TEST_CASE("DHCPv4 builder reproduces the synthetic OFFER and round-trips", "[codec][dhcpv4]") {
  std::uint8_t opts[64];
  ByteWriter ow(opts);
  write_dhcp_option(ow, dhcp_opt::message_type, test::view(test::hex("02")));
  write_dhcp_option(ow, dhcp_opt::server_id, test::view(test::hex("c0000201")));
  write_dhcp_option(ow, dhcp_opt::captive_portal, text(kUri));
  REQUIRE(ow.ok());
  std::uint8_t buf[600];
  ByteWriter w(buf);
  DhcpFields f{.op = 2, .xid = 0x12345678, .yiaddr = 0xC000020A, .siaddr = 0xC0000201};
  f.chaddr[0] = 0x02;
  f.chaddr[5] = 0x02;
  f.options = ow.written();
  f.pad_to_bootp_min = false;
  write_dhcp(w, f);
  REQUIRE(w.ok());
  CHECK(to_hex(w.written()) == to_hex(test::view(synth(1))));

  ByteWriter w2(buf);
  f.pad_to_bootp_min = true;
  f.sname = "server";
  f.file = "boot.img";
  write_dhcp(w2, f);
  REQUIRE(w2.ok());
  CHECK(w2.size() == kBootpMinLen);
  auto r = parse_dhcp(w2.written());
  REQUIRE(r.ok());
  CHECK(r->sname[0] == 's');
  CHECK(r->file[4] == '.');
  CHECK(dhcp_captive_portal(r.value())->uri == kUri);
  CHECK(r->trailing.size() == kBootpMinLen - kDhcpMinLen - ow.size() - 1);

  ByteWriter bad(buf);
  std::uint8_t big[256] = {};
  write_dhcp_option(bad, 1, ByteView(big, 256));
  CHECK_FALSE(bad.ok());
  ByteWriter bad2(buf);
  write_dhcp(bad2,
             {.sname = std::string_view("0123456789012345678901234567890123456789012345678901234567890123")});
  CHECK_FALSE(bad2.ok());
}

TEST_CASE("DHCPv4 invalid inputs get named outcomes", "[codec][dhcpv4]") {
  SECTION("bad magic cookie") {
    auto b = synth(1);
    b[236] = 0x00;
    auto r = parse_dhcp(test::view(b));
    CHECK(r.status() == Status::invalid);
    CHECK(r.name() == "dhcp_bad_magic");
    CHECK(r->xid == 0x12345678);  // BOOTP fields still filled
  }
  SECTION("option running past the message") {
    auto b = synth(1);
    b.resize(b.size() - 6);  // drop End and the last 5 URI bytes: option 114 claims 31, has 26
    auto r = parse_dhcp(test::view(b));
    CHECK(r.name() == "dhcp_option_overrun");
    CHECK(r->option_count == 2);
    CHECK(r->message_type == dhcp_msg::offer);
  }
  SECTION("code without a length byte") {
    auto m = message(test::view(test::hex("350101 03")), false);
    CHECK(parse_dhcp(test::view(m)).name() == "dhcp_option_overrun");
  }
  SECTION("hlen above 16") {
    auto b = synth(1);
    b[2] = 17;
    auto r = parse_dhcp(test::view(b));
    CHECK(r.name() == "dhcp_bad_hlen");
    CHECK(r->hw_address().size() == 16);
  }
  SECTION("pad bytes, missing End, data after End") {
    auto m = message(test::view(test::hex("00 00 350105 00 ff 00 00 ab")), false);
    auto r = parse_dhcp(test::view(m));
    REQUIRE(r.ok());
    CHECK(r->message_type == dhcp_msg::ack);
    CHECK(r->option_count == 1);
    CHECK(r->end_seen);
    CHECK(to_hex(r->trailing) == "0000ab");
    auto noend = message(test::view(test::hex("350105")), false);
    auto r2 = parse_dhcp(test::view(noend));
    REQUIRE(r2.ok());
    CHECK_FALSE(r2->end_seen);
  }
  SECTION("captive portal split in two (RFC 3396) and NUL-terminated") {
    std::uint8_t opts[64];
    ByteWriter ow(opts);
    write_dhcp_option(ow, 114, text("https://a.example/"));
    write_dhcp_option(ow, 114, text("api"));
    auto m = message(ow.written());
    auto cp = dhcp_captive_portal(parse_dhcp(test::view(m)).value());
    CHECK(cp.status() == Status::unsupported);
    CHECK(cp.name() == "dhcp_captive_portal_split");
    CHECK(cp->uri == "https://a.example/");
    auto nul = message(test::view(test::hex("7205 68747470 00")));
    auto cp2 = dhcp_captive_portal(parse_dhcp(test::view(nul)).value());
    CHECK(cp2.name() == "dhcp_captive_portal_nul_terminated");
    CHECK(cp2->uri == "http");
  }
  SECTION("names") {
    CHECK(std::string_view(dhcp_message_type_name(5)) == "DHCPACK");
    CHECK(std::string_view(dhcp_message_type_name(0)) == "unknown");
    CHECK(std::string_view(dhcp_message_type_name(200)) == "unknown");
  }
}

TEST_CASE("DHCPv4 truncation at every offset never over-reads", "[codec][dhcpv4]") {
  auto b = synth(1);
  // Option boundaries (offsets of 53, 54, 114, End, and the full message).
  const std::size_t ok_at[] = {240, 243, 249, 282};
  test::for_each_truncation(b, [&](ByteView cut) {
    auto r = parse_dhcp(cut);
    if (cut.size() < kDhcpMinLen) {
      CHECK(r.name() == "dhcp_truncated");
    } else {
      bool boundary = std::find(std::begin(ok_at), std::end(ok_at), cut.size()) != std::end(ok_at);
      CHECK(r.ok() == boundary);
      if (!boundary) CHECK(r.name() == "dhcp_option_overrun");
    }
  });
}
