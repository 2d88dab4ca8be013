#include "pktmap/codec/udp.hpp"

#include <catch2/catch.hpp>

#include "pktmap/codec/transport_checksum.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// Crafted, tshark checksum "Good": 192.0.2.1:5353 -> 198.51.100.7:53 "hi!".
const char* kUdp = "14e9 0035 000b 7514 686921";
const Ipv4Addr kSrc{192, 0, 2, 1};
const Ipv4Addr kDst{198, 51, 100, 7};
// tcpdump nsh.pcap inner datagram: 52229 -> 8000 "begin\n", checksum 0 (none).
const char* kNoSum = "cc05 1f40 000e 0000 626567696e0a";
}  // namespace

TEST_CASE("UDP fixture fields and checksum", "[codec][udp]") {
  auto b = test::hex(kUdp);
  auto r = parse_udp(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->sport == 5353);
  CHECK(r->dport == 53);
  CHECK(r->length == 11);
  CHECK(r->checksum == 0x7514);
  CHECK(r->header.size() == 8);
  CHECK(std::string(r->payload.begin(), r->payload.end()) == "hi!");
  CHECK(transport_checksum_ok(kSrc, kDst, ip_proto::udp, test::view(b)));
  b[8] ^= 0x20;
  CHECK_FALSE(transport_checksum_ok(kSrc, kDst, ip_proto::udp, test::view(b)));

  auto n = test::hex(kNoSum);
  auto nr = parse_udp(test::view(n));
  REQUIRE(nr.ok());
  CHECK(nr->checksum == 0);
  CHECK(nr->payload.size() == 6);
  CHECK(transport_checksum_ok(Ipv4Addr{10, 0, 8, 3}, Ipv4Addr{10, 13, 13, 13}, ip_proto::udp, test::view(n)));
}

TEST_CASE("UDP builder and round trip", "[codec][udp]") {
  const std::uint8_t hi[] = {'h', 'i', '!'};
  std::uint8_t buf[32];
  ByteWriter w(buf);
  write_udp(w, {.sport = 5353, .dport = 53}, hi);
  REQUIRE(w.ok());
  CHECK(to_hex(w.written()) == "14e90035000b0000686921");
  REQUIRE(set_transport_checksum(w.written_mut(), kSrc, kDst, ip_proto::udp));
  CHECK(to_hex(w.written()) == to_hex(test::view(test::hex(kUdp))));
  auto r = parse_udp(w.written());
  REQUIRE(r.ok());
  CHECK(r->sport == 5353);
  CHECK(r->payload.size() == 3);
}

TEST_CASE("UDP Length versus captured and wire length", "[codec][udp]") {
  auto b = test::hex(kUdp);
  SECTION("Length < 8") {
    b[5] = 7;
    auto r = parse_udp(test::view(b));
    CHECK(r.status() == Status::invalid);
    CHECK(r.name() == "udp_length_too_short");
    CHECK(r->dport == 53);
  }
  SECTION("snapped: Length past the captured bytes") {
    std::vector<std::uint8_t> cut(b.begin(), b.begin() + 9);
    auto r = parse_udp(test::view(cut));
    CHECK(r.status() == Status::truncated);
    CHECK(r.name() == "udp_length_exceeds_packet");
    CHECK(r->payload_truncated);
    CHECK(r->payload.size() == 1);
    CHECK(r->length == 11);
    CHECK(parse_udp(test::view(cut), 11).name() == "udp_length_exceeds_packet");
    CHECK(parse_udp(test::view(cut), 9).name() == "udp_length_exceeds_wire");
  }
  SECTION("bytes past Length are not payload") {
    b.push_back(0xee);
    auto r = parse_udp(test::view(b));
    REQUIRE(r.ok());
    CHECK(r->payload.size() == 3);
  }
}

TEST_CASE("UDP truncation at every offset", "[codec][udp]") {
  auto b = test::hex(kUdp);
  test::for_each_truncation(b, [](ByteView cut) {
    auto r = parse_udp(cut);
    CHECK(r.status() == Status::truncated);
    if (cut.size() < 8) CHECK(r.name() == "udp_truncated");
    if (cut.size() >= 4) CHECK(r->dport == 53);  // ports survive a short quote
  });
}
