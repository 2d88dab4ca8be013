#include "pktmap/codec/pcp.hpp"

#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// Payloads from test/data/pcp-miniupnpd231-netns-probe.pcap (values cross-checked with tshark 4.0.17).
// Frame 12: MAP request UDP 41000, client 10.77.0.2, lifetime 600, PORT_SET size 10 first 41000 P=1.
const char* kMapPortSet =
    "02010000 00000258 00000000000000000000ffff0a4d0002"
    "52b15facd73b73517f320fb1 11000000 a028a028 00000000000000000000ffff00000000"
    "82000005 000aa028 01000000";
// Frame 49: PEER response SUCCESS, epoch 16, TCP 48000 -> 100.128.0.1:48000, remote 100.128.0.2:443.
const char* kPeerResponse =
    "02820000 00000258 00000010 000000000000000000000000"
    "c70a8672b146509064c940dc 06000000 bb80bb80 00000000000000000000ffff64800001"
    "01bb0000 00000000000000000000ffff64800002";

PcpNonce nonce_of(const char* hex) {
  auto b = test::hex(hex);
  PcpNonce n{};
  std::copy(b.begin(), b.end(), n.begin());
  return n;
}

std::string addr_text(const PcpAddress& a) {
  char buf[kPcpAddressStrLen];
  return std::string(format_pcp_address(a, buf));
}
}  // namespace

TEST_CASE("PCP MAP request with PORT_SET decodes to the fields tshark shows", "[codec][pcp]") {
  auto b = test::hex(kMapPortSet);
  auto r = parse_pcp(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->version == 2);
  CHECK_FALSE(r->response);
  CHECK(r->opcode == pcp_op::map);
  CHECK(r->lifetime == 600);
  CHECK(addr_text(r->client_ip) == "10.77.0.2");
  CHECK(r->map.nonce == nonce_of("52b15facd73b73517f320fb1"));
  CHECK(r->map.protocol == 17);
  CHECK(r->map.internal_port == 41000);
  CHECK(r->map.external_port == 41000);
  CHECK(addr_text(r->map.external_ip) == "0.0.0.0");
  REQUIRE(r->option_count == 1);
  const PcpOption& o = r->options[0];
  CHECK(o.code == pcp_opt::port_set);
  CHECK_FALSE(o.mandatory());
  CHECK(o.known());
  CHECK(o.length == 5);
  CHECK(o.padding.size() == 3);
  CHECK(o.fully_padded());
  auto ps = parse_pcp_port_set(o);
  REQUIRE(ps.ok());
  CHECK(ps->size == 10);
  CHECK(ps->first_internal_port == 41000);
  CHECK(ps->parity);
  CHECK(ps->reserved == 0);
}

TEST_CASE("PCP PEER response decodes", "[codec][pcp]") {
  auto b = test::hex(kPeerResponse);
  auto r = parse_pcp(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->response);
  CHECK(r->opcode == pcp_op::peer);
  CHECK(r->result_code == pcp_result::success);
  CHECK(r->lifetime == 600);
  CHECK(r->epoch == 16);
  CHECK(r->rsp_reserved.size() == 12);
  CHECK(r->map.protocol == 6);
  CHECK(r->map.internal_port == 48000);
  CHECK(r->map.external_port == 48000);
  CHECK(addr_text(r->map.external_ip) == "100.128.0.1");
  CHECK(r->peer.remote_peer_port == 443);
  CHECK(addr_text(r->peer.remote_peer_ip) == "100.128.0.2");
  CHECK(r->option_count == 0);
}

TEST_CASE("PCP builders reproduce the captured bytes and round-trip", "[codec][pcp]") {
  SECTION("MAP request + PORT_SET equals frame 12") {
    std::uint8_t opts[16];
    ByteWriter ow(opts);
    write_pcp_port_set(ow, {.size = 10, .first_internal_port = 41000, .parity = true});
    REQUIRE(ow.ok());
    CHECK(ow.size() == 12);  // 4 header + 5 data + 3 pad
    std::uint8_t buf[kPcpMaxLen];
    ByteWriter w(buf);
    PcpRequestFields f;
    f.opcode = pcp_op::map;
    f.lifetime = 600;
    f.client_ip = pcp_ipv4_mapped(0x0A4D0002);
    f.map = {.nonce = nonce_of("52b15facd73b73517f320fb1"),
             .protocol = 17,
             .internal_port = 41000,
             .external_port = 41000,
             .external_ip = pcp_ipv4_mapped(0)};
    f.options = ow.written();
    write_pcp_request(w, f);
    REQUIRE(w.ok());
    CHECK(to_hex(w.written()) == to_hex(test::view(test::hex(kMapPortSet))));
  }
  SECTION("PEER response equals frame 49") {
    std::uint8_t buf[kPcpMaxLen];
    ByteWriter w(buf);
    PcpResponseFields f;
    f.opcode = pcp_op::peer;
    f.lifetime = 600;
    f.epoch = 16;
    f.map = {.nonce = nonce_of("c70a8672b146509064c940dc"),
             .protocol = 6,
             .internal_port = 48000,
             .external_port = 48000,
             .external_ip = pcp_ipv4_mapped(0x64800001)};
    f.peer = {.remote_peer_port = 443, .remote_peer_ip = pcp_ipv4_mapped(0x64800002)};
    write_pcp_response(w, f);
    REQUIRE(w.ok());
    CHECK(to_hex(w.written()) == to_hex(test::view(test::hex(kPeerResponse))));
  }
  SECTION("ANNOUNCE request and every option type round-trip") {
    std::uint8_t opts[128];
    ByteWriter ow(opts);
    PcpAddress third = pcp_ipv4_mapped(0x0A4D0009);
    write_pcp_third_party(ow, third);
    write_pcp_prefer_failure(ow);
    write_pcp_filter(ow, {.prefix_length = 128, .remote_peer_port = 80, .remote_peer_ip = third});
    write_pcp_description(ow, "h\xC3\xA9llo");  // 6 bytes: 2 pad
    write_pcp_option(ow, 200, test::view(test::hex("01020304")));
    write_pcp_option(ow, 99, {});
    write_pcp_port_set(ow, {.size = 0xFFFF, .first_internal_port = 5000, .parity = false, .reserved = 0x55});
    REQUIRE(ow.ok());
    std::uint8_t buf[kPcpMaxLen];
    ByteWriter w(buf);
    write_pcp_request(w, {.opcode = pcp_op::map, .lifetime = 7200, .options = ow.written()});
    REQUIRE(w.ok());
    CHECK(w.size() % 4 == 0);
    auto r = parse_pcp(w.written());
    REQUIRE(r.ok());
    REQUIRE(r->option_count == 7);
    CHECK(parse_pcp_third_party(r->options[0]).value() == third);
    CHECK(check_pcp_prefer_failure(r->options[1]).ok());
    auto flt = parse_pcp_filter(r->options[2]);
    REQUIRE(flt.ok());
    CHECK(flt->prefix_length == 128);
    CHECK(flt->remote_peer_port == 80);
    CHECK(flt->remote_peer_ip == third);
    auto desc = parse_pcp_description(r->options[3]);
    REQUIRE(desc.ok());
    CHECK(desc.value() == "h\xC3\xA9llo");
    CHECK(r->options[3].padding.size() == 2);
    CHECK(r->options[4].code == 200);
    CHECK_FALSE(r->options[4].mandatory());
    CHECK_FALSE(r->options[4].known());
    CHECK(r->options[5].code == 99);
    CHECK(r->options[5].mandatory());
    auto ps = parse_pcp_port_set(r->options[6]);
    REQUIRE(ps.ok());
    CHECK(ps->size == 0xFFFF);
    CHECK(ps->first_internal_port == 5000);
    CHECK_FALSE(ps->parity);
    CHECK(ps->reserved == 0x55);
    CHECK(r->find_option(pcp_opt::filter) == &r->options[2]);
    CHECK(r->find_option(pcp_opt::prefix64) == nullptr);
    CHECK(r->count_option(99) == 1);

    ByteWriter aw(buf);
    write_pcp_request(aw, {.opcode = pcp_op::announce, .client_ip = third});
    REQUIRE(aw.ok());
    CHECK(aw.size() == kPcpHeaderLen);
    auto a = parse_pcp(aw.written());
    REQUIRE(a.ok());
    CHECK(a->opcode == pcp_op::announce);
    CHECK(a->client_ip == third);
  }
  SECTION("version 1 MAP has no nonce") {
    std::uint8_t buf[64];
    ByteWriter w(buf);
    write_pcp_request(w,
                      {.version = 1, .opcode = pcp_op::map, .map = {.protocol = 6, .internal_port = 47002}});
    REQUIRE(w.ok());
    CHECK(w.size() == kPcpHeaderLen + kPcpV1MapLen);
    auto r = parse_pcp(w.written());
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_nonce());
    CHECK(r->map.internal_port == 47002);
  }
  SECTION("messages over 1100 bytes are refused") {
    std::uint8_t big[1100] = {};
    std::uint8_t buf[2048];
    ByteWriter w(buf);
    write_pcp_request(w, {.opcode = pcp_op::map, .options = ByteView(big, 1100 - 60 + 4)});
    CHECK_FALSE(w.ok());
    ByteWriter w2(buf);
    write_pcp_request(w2, {.opcode = pcp_op::map, .options = ByteView(big, 1100 - 60)});
    CHECK(w2.ok());
  }
}

TEST_CASE("PCP invalid and unsupported inputs get named outcomes", "[codec][pcp]") {
  auto base = test::hex(kMapPortSet);
  SECTION("version 0 is NAT-PMP") {
    auto b = test::hex("0000");
    auto r = parse_pcp(test::view(b));
    CHECK(r.status() == Status::unsupported);
    CHECK(r.name() == "pcp_version_natpmp");
    CHECK(r->version == 0);
  }
  SECTION("version 3 exposes the header") {
    auto b = base;
    b[0] = 3;
    auto r = parse_pcp(test::view(b));
    CHECK(r.name() == "pcp_version_unsupported");
    CHECK(r->version == 3);
    CHECK(r->opcode == pcp_op::map);
    CHECK(r->lifetime == 600);
  }
  SECTION("unknown opcode: header kept, options not parsed") {
    auto b = base;
    b[1] = 0x05;
    auto r = parse_pcp(test::view(b));
    CHECK(r.status() == Status::unsupported);
    CHECK(r.name() == "pcp_opcode_unknown");
    CHECK(r->opcode == 5);
    CHECK(r->lifetime == 600);
    CHECK(r->opcode_data.size() == b.size() - kPcpHeaderLen);
    CHECK(r->option_count == 0);
  }
  SECTION("length not a multiple of 4") {
    auto b = base;
    b.push_back(0);
    CHECK(parse_pcp(test::view(b)).name() == "pcp_length_not_multiple_of_4");
  }
  SECTION("option data running past the message") {
    auto b = base;
    b[b.size() - 9] = 0x09;  // PORT_SET length 5 -> 9
    auto r = parse_pcp(test::view(b));
    CHECK(r.status() == Status::invalid);
    CHECK(r.name() == "pcp_option_overrun");
    CHECK(r->option_count == 0);
    CHECK(r->map.internal_port == 41000);
  }
  SECTION("more than 16 options") {
    std::uint8_t opts[17 * 4];
    ByteWriter ow(opts);
    for (int i = 0; i < 17; ++i)
      write_pcp_option(ow, 200, {});
    std::uint8_t buf[256];
    ByteWriter w(buf);
    write_pcp_request(w, {.opcode = pcp_op::map, .options = ow.written()});
    REQUIRE(w.ok());
    auto r = parse_pcp(w.written());
    CHECK(r.status() == Status::unsupported);
    CHECK(r.name() == "pcp_options_too_many");
    CHECK(r->option_count == kPcpMaxOptions);
    PcpOptionIterator it(r->options_data);  // the iterator still sees them all
    PcpOption o;
    int n = 0;
    while (it.next(o))
      ++n;
    CHECK(n == 17);
    CHECK(it.outcome().ok());
  }
  SECTION("typed accessors check code and length") {
    PcpOption o;
    o.code = pcp_opt::filter;
    CHECK(parse_pcp_port_set(o).name() == "pcp_option_wrong_code");
    CHECK(parse_pcp_filter(o).name() == "pcp_filter_bad_length");
    o.code = pcp_opt::third_party;
    CHECK(parse_pcp_third_party(o).name() == "pcp_third_party_bad_length");
    o.code = pcp_opt::prefer_failure;
    auto one = test::hex("00");
    o.value = test::view(one);
    o.length = 1;
    CHECK(check_pcp_prefer_failure(o).name == "pcp_prefer_failure_bad_length");
    o.code = pcp_opt::description;
    auto bad = test::hex("68c3");  // truncated 2-byte sequence
    o.value = test::view(bad);
    auto d = parse_pcp_description(o);
    CHECK(d.name() == "pcp_description_bad_utf8");
    CHECK(d.value().size() == 2);
    auto surrogate = test::hex("eda080");
    o.value = test::view(surrogate);
    CHECK(parse_pcp_description(o).name() == "pcp_description_bad_utf8");
    o.code = pcp_opt::port_set;
    auto four = test::hex("000a a028");
    o.value = test::view(four);
    CHECK(parse_pcp_port_set(o).name() == "pcp_port_set_bad_length");
  }
}

TEST_CASE("PCP truncation at every offset never over-reads; only option boundaries parse", "[codec][pcp]") {
  auto b = test::hex(kMapPortSet);
  test::for_each_truncation(b, [](ByteView cut) {
    auto r = parse_pcp(cut);
    // 60 = header + MAP data with no options: a valid shorter message.
    CHECK(r.ok() == (cut.size() == 60));
    if (cut.size() < kPcpHeaderLen) CHECK(r.name() == "pcp_truncated");
    if (cut.size() >= kPcpHeaderLen && cut.size() < 60) CHECK(r.name() == "pcp_opcode_data_truncated");
  });
  auto p = test::hex(kPeerResponse);
  test::for_each_truncation(p, [](ByteView cut) { CHECK_FALSE(parse_pcp(cut).ok()); });
}

TEST_CASE("PCP names and address formatting", "[codec][pcp]") {
  CHECK(std::string_view(pcp_result_name(0)) == "SUCCESS");
  CHECK(std::string_view(pcp_result_name(6)) == "MALFORMED_OPTION");
  CHECK(std::string_view(pcp_result_name(11)) == "CANNOT_PROVIDE_EXTERNAL");
  CHECK(std::string_view(pcp_result_name(13)) == "EXCESSIVE_REMOTE_PEERS");
  CHECK(std::string_view(pcp_result_name(14)) == "unknown");
  CHECK(std::string_view(pcp_opcode_name(2)) == "PEER");
  CHECK(std::string_view(pcp_opcode_name(5)) == "unknown");
  CHECK(std::string_view(pcp_option_name(130)) == "PORT_SET");
  CHECK(std::string_view(pcp_option_name(99)) == "unknown");

  PcpAddress v6{0x20, 0x01, 0x0d, 0xb8};
  v6[15] = 1;
  CHECK(addr_text(v6) == "2001:db8::1");
  CHECK(addr_text(PcpAddress{}) == "::");
  CHECK(addr_text(pcp_ipv4_mapped(0x64800001)) == "100.128.0.1");
  CHECK(pcp_is_ipv4_mapped(pcp_ipv4_mapped(0)));
  CHECK_FALSE(pcp_is_ipv4_mapped(v6));
  CHECK(pcp_ipv4(pcp_ipv4_mapped(0x0A4D0002)) == 0x0A4D0002);
  char small[8];
  CHECK(format_pcp_address(v6, small).empty());
}
