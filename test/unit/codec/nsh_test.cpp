#include "pktmap/codec/nsh.hpp"

#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// tcpdump tests/nsh.pcap, frame 1 after the Ethernet header: MD1, SPI 777, SI 7, ctx 1..4, inner IPv4.
const char* kMd1 =
    "0006 0101 000309 07 00000001 00000002 00000003 00000004"
    "45000022 28444000 4011e96a 0a000803 0a0d0d0d cc051f40 000e0000 626567696e0a";
// tcpdump tests/nsh-over-vxlan-gpe.pcap after VXLAN-GPE: O=1, old C bit=1, MD2 two TLVs with non-zero
// padding.
const char* kMd2 = "3006 0201 ffffff ff 00010201 12345678 00020301 12345678 45000020";
}  // namespace

TEST_CASE("NSH MD1 fixture decodes to the fields tshark shows", "[codec][nsh]") {
  auto b = test::hex(kMd1);
  auto r = parse_nsh(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->version == 0);
  CHECK_FALSE(r->oam);
  CHECK_FALSE(r->u_bit);
  CHECK(r->ttl == 0);
  CHECK(r->length == 6);
  CHECK(r->md_type == 1);
  CHECK(r->next_proto == nsh_np::ipv4);
  CHECK(r->spi == 777);
  CHECK(r->si == 7);
  CHECK(r->md1_word(0) == 1);
  CHECK(r->md1_word(3) == 4);
  CHECK(r->header.size() == 24);
  CHECK(r->payload.size() == b.size() - 24);
  CHECK(r->payload[0] == 0x45);
  CHECK(check_nsh_policy(r.value(), {}).ok());
}

TEST_CASE("NSH MD2 fixture: TLVs, O bit and U bit", "[codec][nsh]") {
  auto b = test::hex(kMd2);
  auto r = parse_nsh(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->oam);
  CHECK(r->u_bit);
  CHECK(r->md_type == 2);
  CHECK(r->spi == 0xffffff);
  CHECK(r->si == 255);
  CHECK(r->tlv_count == 2);
  NshTlvIterator it(r->context);
  NshTlv t;
  REQUIRE(it.next(t));
  CHECK(t.md_class == 1);
  CHECK(t.type == 2);
  CHECK(t.length == 1);
  CHECK(t.value.size() == 1);
  CHECK(t.value[0] == 0x12);
  REQUIRE(it.next(t));
  CHECK(t.md_class == 2);
  CHECK(t.type == 3);
  CHECK_FALSE(it.next(t));
  // Policy: O=1 is dropped unless OAM forwarding is on.
  CHECK(check_nsh_policy(r.value(), {}).name == "nsh_oam");
  CHECK(check_nsh_policy(r.value(), {.forward_oam = true}).ok());
}

TEST_CASE("NSH build matches the RFC 8300 test vector and round-trips", "[codec][nsh]") {
  // specs/sfc.md §1.1: Ver 0, O 0, TTL 63, Len 6, MD1, NP IPv4, SPI 0x123456, SI 254.
  std::uint8_t ctx[16] = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4};
  std::uint8_t buf[64];
  ByteWriter w(buf);
  write_nsh(w, {.ttl = 63, .md_type = 1, .next_proto = 1, .spi = 0x123456, .si = 254, .context = ctx});
  REQUIRE(w.ok());
  CHECK(to_hex(w.written()).substr(0, 16) == "0fc60101123456fe");
  auto r = parse_nsh(w.written());
  REQUIRE(r.ok());
  CHECK(r->ttl == 63);
  CHECK(r->spi == 0x123456);
  CHECK(r->si == 254);
  CHECK(r->md1_word(2) == 3);
}

TEST_CASE("NSH MD2 builder pads TLVs and computes Length", "[codec][nsh]") {
  std::uint8_t tlvbuf[64];
  ByteWriter tw(tlvbuf);
  std::uint8_t v1[] = {0xde, 0xad, 0xbe, 0xef};
  std::uint8_t v2[] = {0x01, 0x02, 0x03, 0x04, 0x05};
  write_nsh_tlv(tw, 0x0101, 3, v1);
  write_nsh_tlv(tw, 0x0102, 4, v2);
  write_nsh_tlv(tw, 0x0103, 5, {});
  REQUIRE(tw.ok());
  CHECK(tw.size() == 8 + 12 + 4);
  std::uint8_t buf[64];
  ByteWriter w(buf);
  write_nsh(w, {.md_type = 2, .next_proto = 3, .spi = 600, .si = 240, .context = tw.written()});
  REQUIRE(w.ok());
  auto r = parse_nsh(w.written());
  REQUIRE(r.ok());
  CHECK(r->length == 2 + 6);
  CHECK(r->tlv_count == 3);
  NshTlvIterator it(r->context);
  NshTlv t;
  REQUIRE(it.next(t));
  REQUIRE(it.next(t));
  CHECK(t.length == 5);
  CHECK(t.value[4] == 5);
  REQUIRE(it.next(t));
  CHECK(t.length == 0);
  CHECK_FALSE(it.next(t));
}

TEST_CASE("NSH invalid and truncated inputs get named outcomes", "[codec][nsh]") {
  SECTION("length below 2 words") {
    auto b = test::hex("0001 0201 00000107");
    CHECK(parse_nsh(test::view(b)).name() == "nsh_length_too_short");
  }
  SECTION("MD1 with Length != 6") {
    auto b = test::hex("0005 0101 00000107 00000000 00000000 00000000");
    CHECK(parse_nsh(test::view(b)).name() == "nsh_md1_length_not_6");
  }
  SECTION("Length beyond the captured bytes") {
    auto b = test::hex("0006 0101 00000107 00000000");
    auto r = parse_nsh(test::view(b));
    CHECK(r.status() == Status::truncated);
    CHECK(r.name() == "nsh_length_exceeds_packet");
  }
  SECTION("TLV running past Length") {
    auto b = test::hex("0003 0201 00000107 00010210 aaaaaaaa");
    CHECK(parse_nsh(test::view(b)).name() == "nsh_tlv_overrun");
  }
  SECTION("version 1 is reserved") {
    auto b = test::hex("4006 0101 00000107 00000000 00000000 00000000 00000000");
    CHECK(parse_nsh(test::view(b)).name() == "nsh_version_unsupported");
  }
  SECTION("policy: MD type 0, 0xF, unknown NP, SI 0") {
    NshView v;
    v.md_type = 0;
    v.next_proto = 1;
    v.si = 1;
    CHECK(check_nsh_policy(v, {}).name == "nsh_md_type_reserved");
    v.md_type = 0xf;
    CHECK(check_nsh_policy(v, {}).name == "nsh_md_type_experimental");
    v.md_type = 1;
    v.next_proto = 0x9;
    CHECK(check_nsh_policy(v, {}).name == "nsh_next_proto_unsupported");
    v.next_proto = 2;
    v.si = 0;
    CHECK(check_nsh_policy(v, {}).name == "nsh_si_zero");
  }
}

TEST_CASE("NSH truncation at every offset never over-reads and never says ok", "[codec][nsh]") {
  auto b = test::hex(kMd2);
  test::for_each_truncation(b, [](ByteView cut) {
    auto r = parse_nsh(cut);
    if (cut.size() < 24) CHECK_FALSE(r.ok());
  });
}

TEST_CASE("NSH fixture read from tcpdump's nsh.pcap", "[codec][nsh]") {
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-nsh.pcap"));
  REQUIRE(frames.size() == 1);
  auto r = parse_nsh(test::view(frames[0]).subspan(14));
  REQUIRE(r.ok());
  CHECK(r->spi == 777);
  CHECK(r->si == 7);
}
