#include "pktmap/codec/gre.hpp"

#include <catch2/catch.hpp>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/nsh.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// Crafted and checked with tshark (IPv4 192.0.2.1 -> 192.0.2.2, proto 47 stripped). Inner packet: IPv4
// 10.0.0.1 -> 10.0.0.2 ICMP echo.
const char* kInner = "4500001e00070000400166d60a0000010a000002 08008f94000100016869";
// C, K, S: flags 0xb000, proto 0x0800, checksum 0x43cf (Good), key 0x01020304, seq 42.
const char* kCks = "b000 0800 43cf 0000 01020304 0000002a";
// K only, transparent Ethernet (NVGRE VSID 0x123456, FlowID 0x78).
const char* kEth = "2000 6558 12345678 020000000002 020000000001 0800";
// No options, NSH (tcpdump nsh.pcap MD1 header, SPI 777 SI 7).
const char* kNsh = "0000 894f 0006 0101 00030907 00000001 00000002 00000003 00000004";

std::vector<std::uint8_t> with_inner(const char* gre) {
  return test::hex(std::string(gre) + kInner);
}
}  // namespace

TEST_CASE("GRE with checksum, key and sequence number", "[codec][gre]") {
  auto b = with_inner(kCks);
  auto r = parse_gre(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->checksum_present);
  CHECK(r->key_present);
  CHECK(r->seq_present);
  CHECK(r->version == 0);
  CHECK(r->protocol_type == ethertype::ipv4);
  CHECK(r->checksum == 0x43cf);
  CHECK(r->reserved1 == 0);
  CHECK(r->key == 0x01020304u);
  CHECK(r->seq == 42u);
  CHECK(r->header.size() == 16);
  CHECK(gre_checksum_ok(test::view(b)));
  auto inner = parse_ipv4(r->payload);
  REQUIRE(inner.ok());
  CHECK(inner->protocol == 1);
  b.back() ^= 1;
  CHECK_FALSE(gre_checksum_ok(test::view(b)));
}

TEST_CASE("GRE carrying Ethernet (NVGRE key) and NSH", "[codec][gre]") {
  auto e = with_inner(kEth);
  auto r = parse_gre(test::view(e));
  REQUIRE(r.ok());
  CHECK_FALSE(r->checksum_present);
  CHECK(r->key_present);
  CHECK_FALSE(r->seq_present);
  CHECK(r->protocol_type == ethertype::transparent_ethernet);
  CHECK(r->nvgre_vsid() == 0x123456u);
  CHECK(r->nvgre_flow_id() == 0x78);
  CHECK(r->header.size() == 8);
  CHECK(gre_checksum_ok(test::view(e)));  // no checksum sent
  auto eth = parse_ethernet(r->payload);
  REQUIRE(eth.ok());
  CHECK(eth->ethertype == ethertype::ipv4);

  auto n = with_inner(kNsh);
  auto g = parse_gre(test::view(n));
  REQUIRE(g.ok());
  CHECK(g->protocol_type == ethertype::nsh);
  CHECK(g->header.size() == 4);
  auto nsh = parse_nsh(g->payload);
  REQUIRE(nsh.ok());
  CHECK(nsh->spi == 777);
  CHECK(nsh->si == 7);
}

TEST_CASE("GRE builder reproduces the fixtures", "[codec][gre]") {
  auto inner = test::hex(kInner);
  std::uint8_t buf[128];
  for (auto [fx, fields] :
       {std::pair{kCks, GreFields{.protocol_type = 0x0800, .checksum = true, .key = 0x01020304u, .seq = 42u}},
        std::pair{kNsh, GreFields{.protocol_type = 0x894f}}}) {
    auto want = with_inner(fx);
    auto r = parse_gre(test::view(want));
    REQUIRE(r.ok());
    ByteWriter w(buf);
    write_gre(w, fields, r->payload);
    REQUIRE(w.ok());
    CHECK(to_hex(w.written()) == to_hex(test::view(want)));
  }
  ByteWriter w(buf);
  write_gre(w, {.protocol_type = 0x86dd, .seq = 7u}, test::view(inner));
  auto rt = parse_gre(w.written());
  REQUIRE(rt.ok());
  CHECK(rt->seq_present);
  CHECK_FALSE(rt->key_present);
  CHECK(rt->seq == 7u);
  CHECK(rt->payload.size() == inner.size());
}

TEST_CASE("GRE invalid and unsupported headers", "[codec][gre]") {
  auto b = with_inner(kCks);
  SECTION("version 1 (PPTP)") {
    b[1] = 0x01;
    CHECK(parse_gre(test::view(b)).name() == "gre_version_unsupported");
  }
  SECTION("routing bit") {
    b[0] |= 0x40;
    CHECK(parse_gre(test::view(b)).name() == "gre_reserved_flags_set");
  }
  SECTION("strict source route bit") {
    b[0] |= 0x08;
    CHECK(parse_gre(test::view(b)).name() == "gre_reserved_flags_set");
  }
  SECTION("bits 6-12 are ignored") {
    b[0] |= 0x03;
    b[1] |= 0xf8;
    CHECK(parse_gre(test::view(b)).ok());
  }
}

TEST_CASE("GRE truncation at every offset", "[codec][gre]") {
  for (const char* fx : {kCks, kEth, kNsh}) {
    auto b = test::hex(fx);
    auto full = parse_gre(test::view(b));
    REQUIRE(full.ok());
    const std::size_t hlen = full->header.size();
    test::for_each_truncation(b, [&](ByteView cut) {
      auto r = parse_gre(cut);
      if (cut.size() < hlen) CHECK(r.name() == "gre_truncated");
      if (cut.size() >= hlen) CHECK(r.ok());  // no length field: a shorter payload is all we can see
    });
  }
}
