#include "pktmap/dissect/dissector.hpp"

#include <catch2/catch.hpp>

#include "pktmap/dump/packet_format.hpp"
#include "pktmap/pcapio/packet.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::dissect;

namespace {
std::vector<Proto> protos(const Dissection& d) {
  std::vector<Proto> v;
  for (std::size_t i = 0; i < d.layer_count; ++i)
    v.push_back(d.layers[i].proto);
  return v;
}

std::string text(const Dissection& d) {
  std::string s;
  pcapio::Packet p;
  dump::format_text(d, p, {0, true, false}, s);
  return s;
}
}  // namespace

TEST_CASE("NSH over Ethernet: tcpdump nsh.pcap", "[dissect]") {
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-nsh.pcap"));
  DispatchTable t;
  Dissector dis(t);
  Dissection d;
  dis.dissect(test::view(frames[0]), pcapio::linktype::ethernet, d);
  CHECK(d.outcome.ok());
  CHECK(protos(d) ==
        std::vector<Proto>{Proto::ethernet, Proto::nsh, Proto::ipv4, Proto::udp, Proto::payload});
  CHECK(d.nsh[0].spi == 777);
  CHECK(d.l4[0].dport == 8000);
  CHECK_THAT(text(d),
             Catch::Contains("nsh spi 777 si 7 md1 np ipv4 ttl 0 ctx 00000001 00000002 00000003 00000004"));
}

TEST_CASE("NSH MD2 over VXLAN-GPE keeps the outer and inner IPv4 apart", "[dissect]") {
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-nsh-over-vxlan-gpe.pcap"));
  DispatchTable t;
  Dissector dis(t);
  Dissection d;
  dis.dissect(test::view(frames[0]), pcapio::linktype::ethernet, d);
  CHECK(d.outcome.ok());
  CHECK(protos(d) == std::vector<Proto>{Proto::ethernet, Proto::ipv4, Proto::udp, Proto::vxlan_gpe,
                                        Proto::nsh, Proto::ipv4, Proto::udp, Proto::payload});
  CHECK(d.gpe[0].vni == 0xffffff);
  CHECK(d.nsh[0].oam);
  CHECK(d.nsh[0].tlv_count == 2);
  char a[48];
  CHECK(std::string(format_ip(d.ip[0], true, a)) == "127.0.0.1");
  CHECK(std::string(format_ip(d.ip[1], true, a)) == "192.168.0.1");
  CHECK_THAT(text(d), Catch::Contains("[class 0x0001 type 2 len 1 = 0x12]"));
}

TEST_CASE("QinQ and VXLAN from tcpdump captures", "[dissect]") {
  DispatchTable t;
  Dissector dis(t);
  Dissection d;
  auto q = test::read_pcap_frames(test::data_path("tcpdump-802.1ad_QinQ.pcap"));
  dis.dissect(test::view(q[0]), pcapio::linktype::ethernet, d);
  CHECK(protos(d) == std::vector<Proto>{Proto::ethernet, Proto::vlan, Proto::arp});
  CHECK(d.vlan[0].count == 2);
  CHECK(d.vlan[0].tags[0].vid == 200);
  CHECK(d.vlan[0].tags[1].vid == 2001);

  auto v = test::read_pcap_frames(test::data_path("tcpdump-vxlan.pcap"));
  dis.dissect(test::view(v[0]), pcapio::linktype::ethernet, d);
  CHECK(d.outcome.ok());
  REQUIRE(d.find(Proto::vxlan));
  CHECK(d.vxlan[0].vni == 100);
  CHECK(d.count(Proto::ethernet) == 2);
}

TEST_CASE("Dispatch rules add ports and ethertypes; bad rules are refused with a reason", "[dissect]") {
  DispatchTable t;
  std::string_view why;
  CHECK(t.by_udp_port(8472) == Proto::none);
  REQUIRE(t.add_udp_rule("8472=vxlan", why));
  CHECK(t.by_udp_port(8472) == Proto::vxlan);
  REQUIRE(t.add_ethertype_rule("0x88b5=nsh", why));
  CHECK(t.by_ethertype(0x88b5) == Proto::nsh);
  CHECK_FALSE(t.add_udp_rule("70000=vxlan", why));
  CHECK_FALSE(t.add_udp_rule("4789=nonsense", why));
  CHECK_THAT(std::string(why), Catch::Contains("unknown protocol"));
  CHECK_FALSE(t.add_udp_rule("4789", why));
}

TEST_CASE("Broken packets stop decoding with a named outcome and its offset", "[dissect]") {
  DispatchTable t;
  Dissector dis(t);
  Dissection d;
  // Ethernet + NSH claiming MD1 with Length 5.
  auto b = test::hex("ffffffffffff 020000000001 894f 0005 0101 00000107 00000000 00000000 00000000");
  dis.dissect(test::view(b), pcapio::linktype::ethernet, d);
  CHECK(d.outcome.name == "nsh_md1_length_not_6");
  CHECK(d.outcome_proto == Proto::nsh);
  CHECK(d.outcome_offset == 14);
  CHECK_THAT(text(d), Catch::Contains("[invalid nsh: nsh_md1_length_not_6 at byte 14]"));
  // An unknown link type is reported, not guessed.
  dis.dissect(test::view(b), 147, d);
  CHECK(d.outcome.name == "linktype_unsupported");
  CHECK(d.layer_count == 0);
}

TEST_CASE("Linux cooked captures (SLL and SLL2) and raw IP", "[dissect]") {
  DispatchTable t;
  Dissector dis(t);
  Dissection d;
  auto ip = test::hex("45000020 00004000 40110000 0a000001 0a000002 d431 1235 000c 0000 61626364");
  std::vector<std::uint8_t> sll = test::hex("0000 0001 0006 020000000001 0000 0800");
  sll.insert(sll.end(), ip.begin(), ip.end());
  dis.dissect(test::view(sll), pcapio::linktype::linux_sll, d);
  CHECK(protos(d) == std::vector<Proto>{Proto::ipv4, Proto::udp, Proto::payload});
  CHECK(d.l4[0].dport == 0x1235);
  std::vector<std::uint8_t> sll2 = test::hex("0800 0000 00000002 0001 00 06 020000000001 0000");
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  dis.dissect(test::view(sll2), pcapio::linktype::linux_sll2, d);
  CHECK(protos(d) == std::vector<Proto>{Proto::ipv4, Proto::udp, Proto::payload});
  dis.dissect(test::view(ip), pcapio::linktype::raw, d);
  CHECK(protos(d) == std::vector<Proto>{Proto::ipv4, Proto::udp, Proto::payload});
}
