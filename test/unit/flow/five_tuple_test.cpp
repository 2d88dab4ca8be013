#include "pktmap/flow/five_tuple.hpp"

#include <catch2/catch.hpp>
#include <unordered_set>

#include "pktmap/codec/icmp.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::flow;
using codec::Ipv4Addr;

namespace {
// capport-synth-enforcement.pcap frames 5 and 6 after Ethernet: SYN 192.0.2.10:43003 -> 203.0.113.6:993
// and the RST/ACK back.
const char* kSyn =
    "45000028 00010000 40067cbe c000020a cb007106 a7fb03e1 00002328 00000000 5002ffff e2cc0000";
const char* kRst =
    "45000028 00010000 40067cbe cb007106 c000020a 03e1a7fb 00000000 00002329 5014ffff e2b90000";
// Frame 3: IPv6 SYN 2001:db8::10:43002 -> 2001:db8:ffff::5:443.
const char* kSyn6 =
    "6000 0000 0014 0640 20010db8000000000000000000000010 20010db8ffff00000000000000000005"
    "a7fa01bb00001f4000000000 5002ffff8b660000";
// Frame 2: ICMP 3/13 quoting frame 1's SYN (IP header + 8 bytes).
const char* kIcmp =
    "45000038 00010000 4001f6b8 c0000201 c000020a 030d37e6 00000000 45000028 00010000 40067cbf c000020a"
    "cb007105 a7f901bb 00001b58";
// Crafted IPv6 with Hop-by-Hop, Destination Options and a first Fragment header before UDP 546 -> 547.
const char* kExt6 =
    "6000000a 0024 00 40 20010db8000000000000000000000001 20010db8000000000000000000000002"
    "3c00050200000100 2c00010400000000 1100000100 00cafe 02220223000cdb55 61626364";
// Crafted second fragment of a UDP datagram.
const char* kFrag2 = "4500001c 42420002 40114c51 c0000201 c6336407 08090a0b0c0d0e0f";
}  // namespace

TEST_CASE("Five-tuple of an IPv4 TCP SYN and its reply", "[flow]") {
  auto syn = test::hex(kSyn);
  auto r = extract_five_tuple(test::view(syn));
  REQUIRE(r.ok());
  const FiveTuple& t = r->tuple;
  CHECK(t.ip_version == 4);
  CHECK(t.proto == codec::ip_proto::tcp);
  CHECK(t.sport == 43003);
  CHECK(t.dport == 993);
  CHECK(t.src_v4() == Ipv4Addr{192, 0, 2, 10});
  CHECK(t.dst_v4() == Ipv4Addr{203, 0, 113, 6});
  CHECK(t.src[4] == 0);  // IPv4 in the first 4 bytes, the rest zero
  CHECK(r->has_ports);
  CHECK_FALSE(r->is_fragment);
  CHECK(r->l4.size() == 20);

  auto rst = test::hex(kRst);
  auto back = extract_five_tuple(test::view(rst));
  REQUIRE(back.ok());
  CHECK(back->tuple == t.reversed());
  CHECK_FALSE(back->tuple == t);
  CHECK(back->tuple.reversed().reversed() == back->tuple);
}

TEST_CASE("Five-tuple of IPv6: plain and behind extension headers", "[flow]") {
  auto b = test::hex(kSyn6);
  auto r = extract_five_tuple(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->tuple.ip_version == 6);
  CHECK(r->tuple.proto == codec::ip_proto::tcp);
  CHECK(r->tuple.sport == 43002);
  CHECK(r->tuple.dport == 443);
  char s[46];
  CHECK(std::string(codec::format_ipv6_addr(r->tuple.dst, s)) == "2001:db8:ffff::5");

  auto e = test::hex(kExt6);
  auto x = extract_five_tuple(test::view(e));
  REQUIRE(x.ok());
  CHECK(x->tuple.proto == codec::ip_proto::udp);
  CHECK(x->tuple.sport == 546);
  CHECK(x->tuple.dport == 547);
  CHECK(x->is_fragment);  // first fragment: ports are there
  CHECK(x->has_ports);
}

TEST_CASE("Five-tuple: non-first fragments and non-TCP/UDP have no ports", "[flow]") {
  auto f = test::hex(kFrag2);
  auto r = extract_five_tuple(test::view(f));
  REQUIRE(r.ok());
  CHECK(r->is_fragment);
  CHECK_FALSE(r->has_ports);
  CHECK(r->tuple.proto == codec::ip_proto::udp);
  CHECK(r->tuple.sport == 0);
  CHECK(r->tuple.dport == 0);
  CHECK(r->l4.empty());

  auto i = test::hex(kIcmp);
  auto ir = extract_five_tuple(test::view(i));
  REQUIRE(ir.ok());
  CHECK(ir->tuple.proto == codec::ip_proto::icmp);
  CHECK_FALSE(ir->has_ports);
  CHECK(ir->tuple.sport == 0);
}

TEST_CASE("Five-tuple of the flow an ICMP error quotes", "[flow]") {
  auto b = test::hex(kIcmp);
  auto ip = codec::parse_ipv4(test::view(b));
  REQUIRE(ip.ok());
  auto icmp = codec::parse_icmp(ip->payload);
  REQUIRE(icmp.ok());
  auto q = extract_five_tuple(icmp->quoted);  // 20-byte header + 8 bytes of TCP: enough for ports
  REQUIRE(q.ok());
  CHECK(q->tuple.sport == 43001);
  CHECK(q->tuple.dport == 443);
  CHECK(q->tuple.dst_v4() == Ipv4Addr{203, 0, 113, 5});
}

TEST_CASE("Five-tuple outcomes", "[flow]") {
  CHECK(extract_five_tuple({}).name() == "flow_truncated");
  auto v5 = test::hex("55000028");
  CHECK(extract_five_tuple(test::view(v5)).name() == "flow_ip_version_unknown");
  auto b = test::hex(kSyn);
  std::vector<std::uint8_t> cut(b.begin(), b.begin() + 22);
  auto r = extract_five_tuple(test::view(cut));
  CHECK(r.name() == "flow_ports_truncated");
  CHECK(r->tuple.proto == codec::ip_proto::tcp);
  CHECK(r->tuple.dst_v4() == Ipv4Addr{203, 0, 113, 6});
  auto bad = b;
  bad[0] = 0x44;
  CHECK(extract_five_tuple(test::view(bad)).name() == "ipv4_header_length_too_short");
  auto six = test::hex(kExt6);
  std::vector<std::uint8_t> mid(six.begin(), six.begin() + 50);
  CHECK(extract_five_tuple(test::view(mid)).name() == "ipv6_ext_header_truncated");
}

TEST_CASE("Five-tuple truncation at every offset never over-reads", "[flow]") {
  for (const char* fx : {kSyn, kSyn6, kExt6}) {
    auto b = test::hex(fx);
    auto full = extract_five_tuple(test::view(b));
    REQUIRE(full.ok());
    const std::size_t ports_end = b.size() - full->l4.size() + 4;
    test::for_each_truncation(b, [&](ByteView cut) {
      auto r = extract_five_tuple(cut);
      if (cut.size() < ports_end) CHECK_FALSE(r.ok());
      if (cut.size() >= ports_end) {
        CHECK(r.ok());
        CHECK(r->tuple == full->tuple);
      }
    });
  }
}

TEST_CASE("Five-tuple hash: equal tuples hash equal, fields all count", "[flow]") {
  auto syn = test::hex(kSyn);
  auto t = extract_five_tuple(test::view(syn))->tuple;
  FiveTuple copy = t;
  CHECK(copy.hash() == t.hash());
  CHECK(t.reversed().hash() != t.hash());
  FiveTuple other = t;
  other.dport = 994;
  CHECK(other.hash() != t.hash());
  FiveTuple v6 = t;
  v6.ip_version = 6;  // same bytes, other family
  CHECK_FALSE(v6 == t);
  CHECK(v6.hash() != t.hash());
  std::unordered_set<FiveTuple> set;
  set.insert(t);
  set.insert(copy);
  set.insert(t.reversed());
  CHECK(set.size() == 2);
  std::unordered_set<FiveTuple, FiveTupleHash> set2{t};
  CHECK(set2.count(copy) == 1);
  // Hashes of many near-identical tuples spread over the low bits (what a power-of-two table uses).
  std::unordered_set<std::uint64_t> low;
  for (std::uint16_t p = 0; p < 1024; ++p) {
    FiveTuple x = t;
    x.sport = p;
    low.insert(x.hash() & 0xfff);
  }
  CHECK(low.size() > 700);
}

// The fixed-offset IPv4 path must agree with the codecs on every header variant: each field mutation below
// is checked against parse_ipv4 + the port bytes, outcome names included.
TEST_CASE("IPv4 five-tuple agrees with parse_ipv4 on mutated headers", "[flow]") {
  // UDP 192.0.2.1:2000 -> 198.51.100.7:53 with 8 payload bytes, IHL 5; one option word appended for IHL 6.
  auto base = test::hex("4500001c 42420000 40114c51 c0000201 c6336407 07d00035 00080000 01020304");
  int checked = 0;
  for (std::uint8_t vihl : {0x45, 0x46, 0x44, 0x4f})
    for (std::uint16_t total : {20, 23, 24, 28, 32, 40, 0})
      for (std::uint16_t ff : {0x0000, 0x2000, 0x0001, 0x1fff, 0x4000})
        for (std::uint8_t proto : {17, 6, 1})
          for (std::size_t len : {19, 20, 24, 28, 32}) {
            std::vector<std::uint8_t> p = base;
            p.resize(32, 0xab);
            p[0] = vihl;
            store_be16(p.data() + 2, total);
            store_be16(p.data() + 6, ff);
            p[9] = proto;
            p.resize(len);
            auto got = extract_five_tuple(test::view(p));
            auto ip = codec::parse_ipv4(test::view(p));
            const bool accepted = ip.ok() || ip.name() == "ipv4_total_length_exceeds_packet";
            if (!accepted) {
              CHECK(got.name() == ip.name());
              continue;
            }
            ++checked;
            CHECK(got->tuple.ip_version == 4);
            CHECK(got->tuple.src_v4() == ip->src);
            CHECK(got->tuple.dst_v4() == ip->dst);
            CHECK(got->tuple.proto == proto);
            CHECK(got->is_fragment == ip->is_fragment);
            const bool here = ip->has_l4_header();
            CHECK(got->l4.data() == (here ? ip->payload.data() : nullptr));
            CHECK(got->l4.size() == (here ? ip->payload.size() : 0));
            const bool want_ports = here && proto != 1;
            if (want_ports && ip->payload.size() < 4) {
              CHECK(got.name() == "flow_ports_truncated");
              continue;
            }
            CHECK(got.ok());
            CHECK(got->has_ports == want_ports);
            CHECK(got->tuple.sport == (want_ports ? load_be16(ip->payload.data()) : 0));
            CHECK(got->tuple.dport == (want_ports ? load_be16(ip->payload.data() + 2) : 0));
          }
  CHECK(checked > 100);
}
