#include "pktmap/codec/ipv4.hpp"

#include <catch2/catch.hpp>

#include "pktmap/wire/checksum.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// capport-synth-enforcement.pcap frame 1 after Ethernet: TCP SYN 192.0.2.10:43001 -> 203.0.113.5:443.
const char* kSyn =
    "4500 0028 0001 0000 4006 7cbf c000020a cb007105 a7f901bb00001b5800000000 5002ffffecc50000";
// Crafted, checked with tshark: DSCP EF ECN 1, DF, TTL 1, options Router Alert + Record Route + NOP, UDP
// 5353 -> 53 "hi!" (header and UDP checksums "Good").
const char* kOpts =
    "48b9002b beef4000 01112bd1 c0000201 c6336407 94040000 07070400 00000001 14e90035000b7514 686921";
// Crafted fragments of one UDP datagram (id 0x4242): first (MF, offset 0) and last (offset 2 = 16 bytes).
const char* kFrag1 = "45000024 42422000 40112c4b c0000201 c6336407 9c40000900183ef8 0001020304050607";
const char* kFrag2 = "4500001c 42420002 40114c51 c0000201 c6336407 08090a0b0c0d0e0f";
}  // namespace

TEST_CASE("IPv4 fixture decodes every header field", "[codec][ipv4]") {
  auto b = test::hex(kSyn);
  auto r = parse_ipv4(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->version == 4);
  CHECK(r->ihl == 5);
  CHECK(r->dscp == 0);
  CHECK(r->ecn == 0);
  CHECK(r->total_length == 40);
  CHECK(r->id == 1);
  CHECK_FALSE(r->dont_fragment);
  CHECK_FALSE(r->is_fragment);
  CHECK_FALSE(r->is_first_fragment);
  CHECK(r->has_l4_header());
  CHECK(r->ttl == 64);
  CHECK(r->protocol == ip_proto::tcp);
  CHECK(r->checksum == 0x7cbf);
  char s[16];
  CHECK(std::string(format_ipv4_addr(r->src, s)) == "192.0.2.10");
  CHECK(std::string(format_ipv4_addr(r->dst, s)) == "203.0.113.5");
  CHECK(r->header.size() == 20);
  CHECK(r->options.empty());
  CHECK(r->payload.size() == 20);
  CHECK(r->payload[0] == 0xa7);
  CHECK(ipv4_header_checksum_ok(r->header));
  CHECK(ipv4_header_checksum(r->header) == 0x7cbf);
}

TEST_CASE("IPv4 options: exposed raw and walked by the iterator", "[codec][ipv4]") {
  auto b = test::hex(kOpts);
  auto r = parse_ipv4(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->ihl == 8);
  CHECK(r->dscp == 46);
  CHECK(r->ecn == 1);
  CHECK(r->tos() == 0xb9);
  CHECK(r->dont_fragment);
  CHECK(r->ttl == 1);
  CHECK(r->options.size() == 12);
  CHECK(r->payload.size() == 11);
  CHECK(ipv4_header_checksum_ok(r->header));
  Ipv4OptionIterator it(r->options);
  Ipv4Option o;
  REQUIRE(it.next(o));
  CHECK(o.type == ipv4_opt::router_alert);
  CHECK(o.copied());
  CHECK(o.option_class() == 0);
  CHECK(o.number() == 20);
  CHECK(o.length == 4);
  CHECK(o.data.size() == 2);
  REQUIRE(it.next(o));
  CHECK(o.type == ipv4_opt::rr);
  CHECK_FALSE(o.copied());
  CHECK(o.length == 7);
  CHECK(o.data[0] == 4);  // pointer
  REQUIRE(it.next(o));
  CHECK(o.type == ipv4_opt::nop);
  CHECK(o.length == 1);
  CHECK_FALSE(it.next(o));
  CHECK(it.outcome().ok());
}

TEST_CASE("IPv4 option iterator names malformed options", "[codec][ipv4]") {
  Ipv4Option o;
  auto eol = test::hex("01 00 94 04");  // EOL ends the list: what follows is padding
  Ipv4OptionIterator a(test::view(eol));
  REQUIRE(a.next(o));
  CHECK_FALSE(a.next(o));
  CHECK(a.outcome().ok());
  auto short_len = test::hex("07 01 00 00");
  Ipv4OptionIterator b(test::view(short_len));
  CHECK_FALSE(b.next(o));
  CHECK(b.outcome().name == "ipv4_option_length_invalid");
  auto overrun = test::hex("07 0b 04 00");
  Ipv4OptionIterator c(test::view(overrun));
  CHECK_FALSE(c.next(o));
  CHECK(c.outcome().name == "ipv4_option_truncated");
  auto no_len = test::hex("01 01 01 07");
  Ipv4OptionIterator d(test::view(no_len));
  int n = 0;
  while (d.next(o))
    ++n;
  CHECK(n == 3);
  CHECK(d.outcome().status == Status::truncated);
}

TEST_CASE("IPv4 fragments are flagged; only the first has an L4 header", "[codec][ipv4]") {
  auto b1 = test::hex(kFrag1);
  auto f1 = parse_ipv4(test::view(b1));
  REQUIRE(f1.ok());
  CHECK(f1->more_fragments);
  CHECK(f1->is_fragment);
  CHECK(f1->is_first_fragment);
  CHECK(f1->has_l4_header());
  CHECK(f1->payload.size() == 16);
  auto b2 = test::hex(kFrag2);
  auto f2 = parse_ipv4(test::view(b2));
  REQUIRE(f2.ok());
  CHECK_FALSE(f2->more_fragments);
  CHECK(f2->frag_offset == 2);
  CHECK(f2->frag_offset_bytes() == 16);
  CHECK(f2->is_fragment);
  CHECK_FALSE(f2->is_first_fragment);
  CHECK_FALSE(f2->has_l4_header());
  CHECK(f2->id == f1->id);
}

TEST_CASE("IPv4 builder reproduces the fixtures byte for byte", "[codec][ipv4]") {
  auto b = test::hex(kOpts);
  auto r = parse_ipv4(test::view(b));
  REQUIRE(r.ok());
  std::uint8_t buf[64];
  ByteWriter w(buf);
  Ipv4Fields f{.dscp = 46,
               .ecn = 1,
               .id = 0xbeef,
               .dont_fragment = true,
               .ttl = 1,
               .protocol = ip_proto::udp,
               .src = r->src,
               .dst = r->dst,
               .options = r->options.first(11),  // the builder pads to 12 with EOL
               .payload_len = 11};
  write_ipv4(w, f);
  REQUIRE(w.ok());
  // The fixture pads with NOP (0x01) where the builder writes EOL (0x00): compare all but that byte.
  auto built = w.written();
  REQUIRE(built.size() == 32);
  CHECK(to_hex(built.first(31).subspan(12)) == to_hex(r->header.first(31).subspan(12)));
  CHECK(ipv4_header_checksum_ok(built));

  auto s = test::hex(kFrag2);
  auto fr = parse_ipv4(test::view(s));
  ByteWriter w2(buf);
  write_ipv4(
      w2, {.id = 0x4242, .frag_offset = 2, .protocol = 17, .src = fr->src, .dst = fr->dst, .payload_len = 8});
  REQUIRE(w2.ok());
  CHECK(to_hex(w2.written()) == to_hex(fr->header));

  // Round trip: parse what was built.
  ByteWriter w3(buf);
  write_ipv4(w3, {.ttl = 9, .protocol = 6, .src = {10, 0, 0, 1}, .dst = {10, 0, 0, 2}, .payload_len = 0});
  auto rt = parse_ipv4(w3.written());
  REQUIRE(rt.ok());
  CHECK(rt->ttl == 9);
  CHECK(rt->total_length == 20);
  CHECK(ipv4_header_checksum_ok(rt->header));

  std::uint8_t big[41] = {};
  ByteWriter w4(buf);
  write_ipv4(w4, {.options = ByteView(big, 41)});
  CHECK_FALSE(w4.ok());
}

TEST_CASE("IPv4 invalid headers get named outcomes", "[codec][ipv4]") {
  SECTION("version") {
    auto b = test::hex("5500 0028 0001 0000 4006 7cbf c000020a cb007105");
    CHECK(parse_ipv4(test::view(b)).name() == "ipv4_version_not_4");
  }
  SECTION("IHL < 5") {
    auto b = test::hex("4400 0028 0001 0000 4006 7cbf c000020a cb007105");
    auto r = parse_ipv4(test::view(b));
    CHECK(r.status() == Status::invalid);
    CHECK(r.name() == "ipv4_header_length_too_short");
    CHECK(r->protocol == 6);  // fields still exposed
  }
  SECTION("total length below IHL") {
    auto b = test::hex("4600 0014 0001 0000 4006 7cbf c000020a cb007105 00000000");
    CHECK(parse_ipv4(test::view(b)).name() == "ipv4_total_length_too_short");
  }
  SECTION("fragment past 65535") {
    auto b = test::hex(
        "4500 0028 0001 1fff 4006 7cbf c000020a cb007105 0000000000000000 0000000000000000 00000000");
    CHECK(parse_ipv4(test::view(b)).name() == "ipv4_fragment_too_large");
  }
  SECTION("bad checksum is reported by the helper, not the parser") {
    auto b = test::hex(kSyn);
    b[10] ^= 1;
    auto r = parse_ipv4(test::view(b));
    CHECK(r.ok());
    CHECK_FALSE(ipv4_header_checksum_ok(r->header));
  }
}

TEST_CASE("IPv4 snapped capture: truncated, header fields intact; wire length makes it invalid",
          "[codec][ipv4]") {
  auto b = test::hex(kSyn);
  std::vector<std::uint8_t> cut(b.begin(), b.begin() + 28);
  auto r = parse_ipv4(test::view(cut));
  CHECK(r.status() == Status::truncated);
  CHECK(r.name() == "ipv4_total_length_exceeds_packet");
  CHECK(r->payload_truncated);
  CHECK(r->payload.size() == 8);
  CHECK(r->header.size() == 20);
  CHECK(r->dst[0] == 203);
  // Told that the packet really was 28 bytes long, Total Length 40 is a lie.
  auto w = parse_ipv4(test::view(cut), 28);
  CHECK(w.name() == "ipv4_total_length_exceeds_wire");
  // Told 40, it is a snapped capture.
  CHECK(parse_ipv4(test::view(cut), 40).name() == "ipv4_total_length_exceeds_packet");
  // Ethernet padding after Total Length is not payload.
  b.insert(b.end(), 6, 0);
  auto padded = parse_ipv4(test::view(b));
  REQUIRE(padded.ok());
  CHECK(padded->payload.size() == 20);
}

TEST_CASE("IPv4 truncation at every offset never over-reads and never says ok", "[codec][ipv4]") {
  for (const char* fx : {kSyn, kOpts, kFrag1}) {
    auto b = test::hex(fx);
    const std::size_t hlen = std::size_t{b[0] & 0x0fu} * 4;
    test::for_each_truncation(b, [&](ByteView cut) {
      auto r = parse_ipv4(cut);
      CHECK_FALSE(r.ok());
      CHECK(r.status() == Status::truncated);
      if (cut.size() < 20) CHECK(r.name() == "ipv4_truncated");
      if (cut.size() >= 20 && cut.size() < hlen) CHECK(r.name() == "ipv4_header_truncated");
      if (cut.size() >= hlen) CHECK(r->payload_truncated);
    });
  }
}

TEST_CASE("IPv4 address text", "[codec][ipv4]") {
  char s[16];
  CHECK(std::string(format_ipv4_addr({255, 255, 255, 255}, s)) == "255.255.255.255");
  CHECK(std::string(format_ipv4_addr({0, 0, 0, 0}, s)) == "0.0.0.0");
  CHECK(std::string(format_ipv4_addr({10, 100, 9, 199}, s)) == "10.100.9.199");
  Ipv4Addr a;
  REQUIRE(parse_ipv4_addr("203.0.113.5", a));
  CHECK(a == Ipv4Addr{203, 0, 113, 5});
  CHECK_FALSE(parse_ipv4_addr("256.0.0.1", a));
  CHECK_FALSE(parse_ipv4_addr("1.2.3", a));
  CHECK_FALSE(parse_ipv4_addr("1.2.3.4.5", a));
  CHECK_FALSE(parse_ipv4_addr("1..3.4", a));
  CHECK_FALSE(parse_ipv4_addr("1.2.3.0004", a));
  // Leading zeros: inet_aton reads 010 as octal 8, inet_pton refuses it; so does this parser.
  CHECK_FALSE(parse_ipv4_addr("010.0.0.1", a));
  CHECK_FALSE(parse_ipv4_addr("1.2.3.04", a));
  REQUIRE(parse_ipv4_addr("0.0.0.0", a));
  CHECK(a == Ipv4Addr{0, 0, 0, 0});
  // The message says why a leading zero is refused; other refusals stay plain.
  CHECK(ipv4_addr_refusal("192.168.010.1") ==
        "not an IPv4 address: \"010\" has a leading zero (octal to inet_aton and ping)");
  CHECK(ipv4_addr_refusal("1.2.3") == "not an IPv4 address");
  CHECK(ipv4_addr_refusal("256.0.0.1") == "not an IPv4 address");
}
