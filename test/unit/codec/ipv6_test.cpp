#include "pktmap/codec/ipv6.hpp"

#include <arpa/inet.h>

#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// capport-synth-enforcement.pcap frame 3 after Ethernet: TCP SYN 2001:db8::10:43002 -> 2001:db8:ffff::5:443.
const char* kSyn =
    "6000 0000 0014 0640 20010db8000000000000000000000010 20010db8ffff00000000000000000005"
    "a7fa01bb00001f4000000000 5002ffff8b660000";
// Crafted, checked with tshark: flow label 0xa, Hop-by-Hop (Router Alert + PadN), Destination Options
// (PadN 4), Fragment (offset 0, M=1, id 0xcafe), UDP 546 -> 547 "abcd".
const char* kExt =
    "6000000a 0024 00 40 20010db8000000000000000000000001 20010db8000000000000000000000002"
    "3c00050200000100 2c00010400000000 1100000100 00cafe 02220223000cdb55 61626364";

std::vector<std::uint8_t> with_ext(std::uint8_t first, const std::string& ext_hex, std::uint16_t plen) {
  auto b = test::hex("60000000 0000 00 40 00000000000000000000000000000001 00000000000000000000000000000002" +
                     ext_hex);
  b[4] = static_cast<std::uint8_t>(plen >> 8);
  b[5] = static_cast<std::uint8_t>(plen);
  b[6] = first;
  return b;
}
}  // namespace

TEST_CASE("IPv6 fixed header fields", "[codec][ipv6]") {
  auto b = test::hex(kSyn);
  auto r = parse_ipv6(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->version == 6);
  CHECK(r->traffic_class == 0);
  CHECK(r->flow_label == 0);
  CHECK(r->payload_length == 20);
  CHECK(r->next_header == ip_proto::tcp);
  CHECK(r->hop_limit == 64);
  char s[46];
  CHECK(std::string(format_ipv6_addr(r->src, s)) == "2001:db8::10");
  CHECK(std::string(format_ipv6_addr(r->dst, s)) == "2001:db8:ffff::5");
  CHECK(r->ext_count == 0);
  CHECK(r->upper_proto == ip_proto::tcp);
  CHECK(r->upper_offset == 40);
  CHECK(r->upper.size() == 20);
  CHECK(r->ext_headers.empty());
  CHECK_FALSE(r->is_fragment);
  CHECK(r->has_l4_header());
}

TEST_CASE("IPv6 extension headers are walked to the upper layer", "[codec][ipv6]") {
  auto b = test::hex(kExt);
  auto r = parse_ipv6(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->flow_label == 0xa);
  CHECK(r->next_header == ip_proto::hop_by_hop);
  CHECK(r->ext_count == 3);
  CHECK(r->upper_proto == ip_proto::udp);
  CHECK(r->upper_offset == 40 + 24);
  CHECK(r->ext_headers.size() == 24);
  REQUIRE(r->upper.size() == 12);
  CHECK(r->upper[1] == 0x22);  // UDP source port 546
  CHECK(r->has_fragment_header);
  CHECK(r->is_fragment);
  CHECK(r->is_first_fragment);
  CHECK(r->more_fragments);
  CHECK(r->frag_offset == 0);
  CHECK(r->frag_id == 0xcafe);
  CHECK(r->has_l4_header());
}

TEST_CASE("IPv6 fragments: non-first has no L4 header, atomic is not a fragment", "[codec][ipv6]") {
  // Fragment offset 2 (16 bytes), M=0: the walk stops at the fragment data.
  auto b = with_ext(ip_proto::fragment, "11000010 0000cafe 0809 0a0b 0c0d 0e0f", 16);
  auto r = parse_ipv6(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->is_fragment);
  CHECK_FALSE(r->is_first_fragment);
  CHECK(r->frag_offset == 2);
  CHECK_FALSE(r->has_l4_header());
  CHECK(r->upper_proto == ip_proto::udp);
  CHECK(r->upper.size() == 8);
  // Atomic fragment (RFC 6946): offset 0, M=0.
  auto a = with_ext(ip_proto::fragment, "3b000000 00000001", 8);
  auto ar = parse_ipv6(test::view(a));
  REQUIRE(ar.ok());
  CHECK(ar->has_fragment_header);
  CHECK_FALSE(ar->is_fragment);
  CHECK(ar->upper_proto == ip_proto::no_next_header);
}

TEST_CASE("IPv6 walk: routing, AH, ESP and No Next Header", "[codec][ipv6]") {
  // Routing header (type 4 SRH-like, 24 bytes: Hdr Ext Len 2) then AH (Payload Len 4: 24 bytes) then ESP.
  auto b = with_ext(ip_proto::routing,
                    "33020400 00000000 00000000 00000000 00000000 00000000"
                    "32040000 00000100 00000001 00000000 00000000 00000000"
                    "00000100 00000001 aaaa",
                    58);
  auto r = parse_ipv6(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->ext_count == 2);
  CHECK(r->upper_proto == ip_proto::esp);
  CHECK(r->upper_offset == 40 + 48);
  CHECK(r->upper.size() == 10);
  auto n = with_ext(ip_proto::dst_opts, "3b00010400000000 ffff", 10);
  auto nr = parse_ipv6(test::view(n));
  REQUIRE(nr.ok());
  CHECK(nr->upper_proto == ip_proto::no_next_header);
  CHECK(nr->upper.size() == 2);
}

TEST_CASE("IPv6 invalid and unsupported walks get named outcomes", "[codec][ipv6]") {
  SECTION("version") {
    auto b = test::hex(kSyn);
    b[0] = 0x40;
    CHECK(parse_ipv6(test::view(b)).name() == "ipv6_version_not_6");
  }
  SECTION("Hop-by-Hop after another header") {
    auto b = with_ext(ip_proto::dst_opts, "0000010400000000 3b00010400000000", 16);
    auto r = parse_ipv6(test::view(b));
    CHECK(r.name() == "ipv6_hop_by_hop_not_first");
    CHECK(r->ext_count == 1);
  }
  SECTION("extension header longer than Payload Length") {
    auto b = with_ext(ip_proto::dst_opts, "3b01010400000000 0000000000000000", 8);
    CHECK(parse_ipv6(test::view(b)).name() == "ipv6_ext_header_overrun");
  }
  SECTION("too many extension headers") {
    std::string ext;
    for (int i = 0; i < 9; ++i)
      ext += "3c00010400000000";
    auto b = with_ext(ip_proto::dst_opts, ext, 72);
    auto r = parse_ipv6(test::view(b));
    CHECK(r.status() == Status::unsupported);
    CHECK(r.name() == "ipv6_too_many_ext_headers");
    CHECK(r->ext_count == kIpv6MaxExtHeaders);
  }
  SECTION("jumbogram") {
    auto b = with_ext(ip_proto::hop_by_hop, "3b00c2040001ffff", 0);
    CHECK(parse_ipv6(test::view(b)).name() == "ipv6_jumbogram_unsupported");
  }
  SECTION("Payload Length beyond the wire length") {
    auto b = test::hex(kSyn);
    CHECK(parse_ipv6(test::view(b), 50).name() == "ipv6_payload_length_exceeds_wire");
    CHECK(parse_ipv6(test::view(b), 60).ok());
  }
}

TEST_CASE("IPv6 snapped capture: truncated with the fields and walk so far", "[codec][ipv6]") {
  auto b = test::hex(kExt);
  std::vector<std::uint8_t> cut(b.begin(), b.begin() + 40 + 24 + 4);
  auto r = parse_ipv6(test::view(cut));
  CHECK(r.name() == "ipv6_payload_length_exceeds_packet");
  CHECK(r->payload_truncated);
  CHECK(r->upper_proto == ip_proto::udp);
  CHECK(r->upper.size() == 4);  // the UDP ports are still there
  std::vector<std::uint8_t> mid(b.begin(), b.begin() + 40 + 12);
  auto m = parse_ipv6(test::view(mid));
  CHECK(m.name() == "ipv6_ext_header_truncated");
  CHECK(m->ext_count == 1);
}

TEST_CASE("IPv6 truncation at every offset never over-reads and never says ok", "[codec][ipv6]") {
  for (const char* fx : {kSyn, kExt}) {
    auto b = test::hex(fx);
    test::for_each_truncation(b, [](ByteView cut) {
      auto r = parse_ipv6(cut);
      CHECK(r.status() == Status::truncated);
      if (cut.size() < 40) CHECK(r.name() == "ipv6_truncated");
    });
  }
}

TEST_CASE("IPv6 builder: fixed header, options and fragment headers round-trip", "[codec][ipv6]") {
  auto b = test::hex(kExt);
  auto r = parse_ipv6(test::view(b));
  REQUIRE(r.ok());
  std::uint8_t buf[128];
  ByteWriter w(buf);
  write_ipv6(w, {.flow_label = 0xa, .payload_length = 36, .next_header = 0, .src = r->src, .dst = r->dst});
  const std::uint8_t ra[] = {0x05, 0x02, 0x00, 0x00};
  write_ipv6_options_header(w, ip_proto::dst_opts, ra);  // 2 + 4 + PadN(2) = 8
  write_ipv6_options_header(w, ip_proto::fragment, {});  // 2 + PadN(6) = 8
  write_ipv6_fragment_header(w, ip_proto::udp, 0, true, 0xcafe);
  w.bytes(r->upper);
  REQUIRE(w.ok());
  // The fixture's Destination Options is PadN with 4 zero bytes: the same bytes the builder writes.
  CHECK(to_hex(w.written()) == to_hex(test::view(b)));

  ByteWriter w1(buf);
  const std::uint8_t five[] = {0x05, 0x02, 0x00, 0x00, 0x00};
  write_ipv6_options_header(w1, 6, five);  // 2 + 5 + Pad1
  CHECK(to_hex(w1.written()) == "0600050200000000");
  ByteWriter w2(buf);
  write_ipv6(w2, {.traffic_class = 0xb8, .flow_label = 0xfffff, .next_header = 59, .hop_limit = 255});
  auto rt = parse_ipv6(w2.written());
  REQUIRE(rt.ok());
  CHECK(rt->traffic_class == 0xb8);
  CHECK(rt->dscp() == 46);
  CHECK(rt->flow_label == 0xfffff);
  CHECK(rt->hop_limit == 255);
}

TEST_CASE("IPv6 address text follows RFC 5952", "[codec][ipv6]") {
  struct Case {
    const char* in;
    const char* want;
  };
  const Case cases[] = {
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // §4.2.2: a lone 0 is not "::"
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     // §4.2.3: first of equal runs
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           // §4.2.3: the longest run
      {"2001:DB8:ABCD::EF", "2001:db8:abcd::ef"},        // §4.3: lowercase
      {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},          // §5: IPv4-mapped
      {"fe80::e015:81ff:feb4:b945", "fe80::e015:81ff:feb4:b945"},
      {"0:0:1::", "0:0:1::"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
  };
  for (const auto& c : cases) {
    Ipv6Addr a;
    REQUIRE(parse_ipv6_addr(c.in, a));
    char s[46];
    CHECK(std::string(format_ipv6_addr(a, s)) == c.want);
  }
  // Matches inet_ntop for every address without embedded IPv4 forms.
  for (const auto& c : cases) {
    Ipv6Addr a;
    REQUIRE(parse_ipv6_addr(c.in, a));
    char mine[46], libc[INET6_ADDRSTRLEN];
    REQUIRE(inet_ntop(AF_INET6, a.data(), libc, sizeof libc));
    CHECK(std::string(format_ipv6_addr(a, mine)) == libc);
  }
  Ipv6Addr a;
  CHECK_FALSE(parse_ipv6_addr("2001:db8::1::2", a));
  CHECK_FALSE(parse_ipv6_addr("not an address", a));
  CHECK_FALSE(parse_ipv6_addr(std::string_view("::1\0junk", 8), a));  // inet_pton would stop at the NUL
}
