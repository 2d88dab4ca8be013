#include <catch2/catch.hpp>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/codec/vxlan.hpp"
#include "pktmap/codec/vxlan_gpe.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

TEST_CASE("Ethernet header fields and builder round trip", "[codec][ethernet]") {
  auto b = test::hex("525400 4b735f 02420a 000803 894f 0006");
  auto r = parse_ethernet(test::view(b));
  REQUIRE(r.ok());
  char m[18];
  CHECK(std::string(format_mac(r->dst, m)) == "52:54:00:4b:73:5f");
  CHECK(std::string(format_mac(r->src, m)) == "02:42:0a:00:08:03");
  CHECK(r->ethertype == ethertype::nsh);
  CHECK(r->payload.size() == 2);
  std::uint8_t buf[14];
  ByteWriter w(buf);
  write_ethernet(w, r->dst, r->src, r->ethertype);
  REQUIRE(w.ok());
  CHECK(to_hex(w.written()) == to_hex(test::view(b).first(14)));
  test::for_each_truncation(b, [](ByteView cut) {
    if (cut.size() < 14) CHECK(parse_ethernet(cut).name() == "ethernet_truncated");
  });
  MacAddr mac;
  CHECK(parse_mac("02:00:5E:00:00:FF", mac));
  CHECK(mac[3] == 0);
  CHECK(mac[5] == 0xff);
  CHECK_FALSE(parse_mac("02:00:5e:00:00", mac));
  CHECK_FALSE(parse_mac("02:00:5e:00:00:zz", mac));
}

TEST_CASE("QinQ: S-tag 200 then C-tag 2001 (tcpdump 802.1ad_QinQ.pcap)", "[codec][vlan]") {
  // After the MACs: 88a8 00c8 8100 07d1 0806 ...
  auto b = test::hex("00c8 8100 07d1 0806 0001");
  auto r = parse_vlan_stack(0x88a8, test::view(b));
  REQUIRE(r.ok());
  REQUIRE(r->count == 2);
  CHECK(r->tags[0].tpid == 0x88a8);
  CHECK(r->tags[0].vid == 200);
  CHECK(r->tags[1].tpid == 0x8100);
  CHECK(r->tags[1].vid == 2001);
  CHECK(r->inner_ethertype == 0x0806);
  CHECK(r->payload.size() == 2);
  test::for_each_truncation(b, [](ByteView cut) {
    auto t = parse_vlan_stack(0x88a8, cut);
    if (cut.size() < 8) CHECK(t.name() == "vlan_truncated");
  });
}

TEST_CASE("VLAN TCI packs PCP, DEI and VID", "[codec][vlan]") {
  VlanTag t{0x8100, 5, true, 45};
  CHECK(t.tci() == 0xb02d);
  auto back = VlanTag::from_tci(0x8100, 0xb02d);
  CHECK(back.pcp == 5);
  CHECK(back.dei);
  CHECK(back.vid == 45);
}

TEST_CASE("VLAN stack deeper than the limit is unsupported, not a crash", "[codec][vlan]") {
  std::vector<std::uint8_t> b;
  for (int i = 0; i < 10; ++i) {
    b.insert(b.end(), {0x00, 0x01, 0x81, 0x00});
  }
  auto r = parse_vlan_stack(0x8100, test::view(b));
  CHECK(r.name() == "vlan_too_many_tags");
  CHECK(r->count == kMaxVlanTags);
}

TEST_CASE("VLAN push and pop in place move only the MACs", "[codec][vlan]") {
  std::uint8_t buf[4 + 20];
  auto frame = test::hex("ffffffffffff 020000000001 0800 45000000 0000");
  std::copy(frame.begin(), frame.end(), buf + 4);
  std::uint8_t* start = push_vlan_tag(buf + 4, VlanTag{0x8100, 0, false, 100});
  CHECK(start == buf);
  CHECK(to_hex(ByteView(start, 24)) == "ffffffffffff020000000001810000640800450000000000");
  auto e = parse_ethernet(ByteView(start, 24));
  REQUIRE(e.ok());
  CHECK(e->ethertype == 0x8100);
  auto s = parse_vlan_stack(e->ethertype, e->payload);
  REQUIRE(s.ok());
  CHECK(s->tags[0].vid == 100);
  CHECK(s->inner_ethertype == 0x0800);
  std::uint8_t* popped = pop_vlan_tag(start);
  CHECK(to_hex(ByteView(popped, 20)) == to_hex(test::view(frame)));
}

TEST_CASE("VXLAN and VXLAN-GPE headers", "[codec][vxlan]") {
  auto b = test::hex("08000000 00006400 ffff");
  auto r = parse_vxlan(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->i_flag);
  CHECK(r->vni == 100);
  CHECK(r->payload.size() == 2);
  std::uint8_t buf[8];
  ByteWriter w(buf);
  write_vxlan(w, 100);
  CHECK(to_hex(w.written()) == "0800000000006400");

  // tcpdump nsh-over-vxlan-gpe.pcap: flags 0x0c (I,P), NP 4, VNI 0xffffff.
  auto g = test::hex("0c000004 ffffff00 3006");
  auto gr = parse_vxlan_gpe(test::view(g));
  REQUIRE(gr.ok());
  CHECK(gr->i_flag);
  CHECK(gr->p_flag);
  CHECK_FALSE(gr->o_flag);
  CHECK(gr->next_proto == gpe_np::nsh);
  CHECK(gr->effective_next_proto() == gpe_np::nsh);
  CHECK(gr->vni == 0xffffff);
  std::uint8_t gbuf[8];
  ByteWriter gw(gbuf);
  write_vxlan_gpe(gw, {.next_proto = 4, .vni = 0xffffff});
  CHECK(to_hex(gw.written()) == "0c000004ffffff00");
  auto bad = test::hex("1c000004 ffffff00");
  CHECK(parse_vxlan_gpe(test::view(bad)).name() == "vxlan_gpe_version_unsupported");
  auto noP = test::hex("08000000 00000100");
  CHECK(parse_vxlan_gpe(test::view(noP))->effective_next_proto() == gpe_np::ethernet);
  test::for_each_truncation(g, [](ByteView cut) {
    if (cut.size() < 8) CHECK(parse_vxlan_gpe(cut).name() == "vxlan_gpe_truncated");
  });
}

#include "pktmap/codec/mpls.hpp"

TEST_CASE("MPLS label stack to the bottom entry", "[codec][mpls]") {
  // Two labels: 16001 (TC 0, TTL 64), 16002 (bottom, TTL 63), then an IPv4 header's first byte.
  auto b = test::hex("03e81040 03e8213f 45");
  auto r = parse_mpls(test::view(b));
  REQUIRE(r.ok());
  REQUIRE(r->count == 2);
  CHECK(r->entries[0].label == 16001);
  CHECK(r->entries[0].ttl == 64);
  CHECK_FALSE(r->entries[0].bottom);
  CHECK(r->entries[1].label == 16002);
  CHECK(r->entries[1].bottom);
  CHECK(r->payload.size() == 1);
  std::uint8_t buf[8];
  ByteWriter w(buf);
  write_mpls_entry(w, r->entries[0]);
  write_mpls_entry(w, r->entries[1]);
  CHECK(to_hex(w.written()) == "03e8104003e8213f");
  test::for_each_truncation(b, [](ByteView cut) {
    if (cut.size() < 8) CHECK(parse_mpls(cut).name() == "mpls_truncated");
  });
}
