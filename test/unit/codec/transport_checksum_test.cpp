#include "pktmap/codec/transport_checksum.hpp"

#include <catch2/catch.hpp>

#include "pktmap/codec/ipv6.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/wire/checksum.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

TEST_CASE("Pseudo-header checksums over IPv6: UDP, TCP", "[codec][checksum]") {
  // capport-synth-enforcement.pcap frame 3: IPv6 TCP SYN, tshark checksum "Good".
  auto b = test::hex(
      "6000 0000 0014 0640 20010db8000000000000000000000010 20010db8ffff00000000000000000005"
      "a7fa01bb00001f4000000000 5002ffff8b660000");
  auto ip = parse_ipv6(test::view(b));
  REQUIRE(ip.ok());
  CHECK(transport_checksum_ok(ip->src, ip->dst, ip_proto::tcp, ip->upper));
  std::vector<std::uint8_t> seg(ip->upper.begin(), ip->upper.end());
  REQUIRE(set_transport_checksum(MutableByteView(seg), ip->src, ip->dst, ip_proto::tcp));
  CHECK(to_hex(test::view(seg)) == to_hex(ip->upper));
  CHECK_FALSE(transport_checksum_ok(ip->dst, ip->src, ip_proto::udp, ip->upper));

  // UDP over IPv6 with checksum 0 is not valid (RFC 8200 §8.1); over IPv4 it means "none".
  auto u = test::hex("02220223000c0000 61626364");
  Ipv6Addr s6{}, d6{};
  CHECK_FALSE(transport_checksum_ok(s6, d6, ip_proto::udp, test::view(u)));
  CHECK(transport_checksum_ok(Ipv4Addr{}, Ipv4Addr{}, ip_proto::udp, test::view(u)));
  REQUIRE(parse_ipv6_addr("2001:db8::1", s6));
  REQUIRE(parse_ipv6_addr("2001:db8::2", d6));
  REQUIRE(set_transport_checksum(MutableByteView(u), s6, d6, ip_proto::udp));
  CHECK(to_hex(test::view(u)) == "02220223000cdb5561626364");  // the crafted fixture in ipv6_test.cpp
  CHECK(transport_checksum_ok(s6, d6, ip_proto::udp, test::view(u)));
}

TEST_CASE("UDP checksum that computes to 0 is sent as 0xffff", "[codec][checksum]") {
  // Choose a payload word that makes the sum 0xffff: the checksum would be 0.
  std::vector<std::uint8_t> u = test::hex("0001 0002 000a 0000 0000");
  const Ipv4Addr z{0, 0, 0, 0};
  std::uint16_t partial = checksum_finish(transport_checksum_sum(z, z, ip_proto::udp, test::view(u)));
  u[8] = static_cast<std::uint8_t>(partial >> 8);
  u[9] = static_cast<std::uint8_t>(partial);
  REQUIRE(set_transport_checksum(MutableByteView(u), z, z, ip_proto::udp));
  CHECK(u[6] == 0xff);
  CHECK(u[7] == 0xff);
  CHECK(transport_checksum_ok(z, z, ip_proto::udp, test::view(u)));
}

TEST_CASE("Transport checksum helpers refuse unknown protocols and short segments", "[codec][checksum]") {
  std::vector<std::uint8_t> s(4);
  const Ipv4Addr z{};
  CHECK(transport_checksum_offset(ip_proto::gre) == 0);
  CHECK_FALSE(set_transport_checksum(MutableByteView(s), z, z, ip_proto::gre));
  CHECK_FALSE(set_transport_checksum(MutableByteView(s), z, z, ip_proto::udp));
  CHECK_FALSE(transport_checksum_ok(z, z, ip_proto::tcp, test::view(s)));
}
