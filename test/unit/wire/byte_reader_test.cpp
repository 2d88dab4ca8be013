#include "pktmap/wire/byte_reader.hpp"

#include <catch2/catch.hpp>

#include "pktmap/wire/byte_writer.hpp"
#include "pktmap/wire/checksum.hpp"
#include "test_util.hpp"

using namespace pktmap;

TEST_CASE("ByteReader reads big-endian fields and stops at the end", "[wire]") {
  auto b = test::hex("01 0203 040506 0708090a 0b");
  ByteReader r(test::view(b));
  CHECK(r.u8() == 0x01);
  CHECK(r.be16() == 0x0203);
  CHECK(r.be24() == 0x040506u);
  CHECK(r.be32() == 0x0708090au);
  CHECK(r.remaining() == 1);
  CHECK_FALSE(r.be16().has_value());
  CHECK(r.offset() == 10);  // a failed read does not move the cursor
  CHECK(r.u8() == 0x0b);
  CHECK(r.empty());
  CHECK_FALSE(r.u8().has_value());
  CHECK_FALSE(r.skip(1));
  CHECK(r.skip(0));
}

TEST_CASE("ByteReader bytes() and peek() are bounded", "[wire]") {
  auto b = test::hex("aabbccdd");
  ByteReader r(test::view(b));
  CHECK(r.peek_be16(2) == 0xccdd);
  CHECK_FALSE(r.peek_be16(3).has_value());
  auto v = r.bytes(3);
  REQUIRE(v);
  CHECK(v->size() == 3);
  CHECK_FALSE(r.bytes(2).has_value());
  CHECK(r.rest().size() == 1);
}

TEST_CASE("ByteWriter fails sticky on overflow", "[wire]") {
  std::uint8_t buf[5];
  ByteWriter w(buf);
  w.be32(0x01020304);
  CHECK(w.ok());
  w.be16(0x0506);
  CHECK_FALSE(w.ok());
  w.u8(7);
  CHECK_FALSE(w.ok());
  CHECK(w.size() == 4);
}

TEST_CASE("ByteWriter patches reserved fields", "[wire]") {
  std::uint8_t buf[8];
  ByteWriter w(buf);
  auto at = w.reserve(2);
  w.be16(0xbeef);
  w.patch_be16(at, 0x1234);
  CHECK(w.ok());
  CHECK(to_hex(w.written()) == "1234beef");
  w.patch_be16(3, 1);  // past what was written
  CHECK_FALSE(w.ok());
}

TEST_CASE("Internet checksum matches RFC 1071 example and verifies to zero", "[wire]") {
  // RFC 1071 §3 example bytes: 00 01 f2 03 f4 f5 f6 f7 -> sum ddf2, checksum 220d.
  auto b = test::hex("0001f203f4f5f6f7");
  CHECK(checksum_finish(checksum_add(test::view(b))) == 0x220d);
  // An IPv4 header with a valid checksum verifies to 0.
  auto ip = test::hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
  CHECK(internet_checksum(test::view(ip)) == 0);
  // Odd length pads with zero.
  auto odd = test::hex("01");
  CHECK(internet_checksum(test::view(odd)) == static_cast<std::uint16_t>(~0x0100));
}

TEST_CASE("Incremental checksum update equals recomputation (RFC 1624)", "[wire]") {
  auto ip = test::hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
  std::uint16_t old_ck = load_be16(&ip[10]);
  // Change TTL/protocol word 0x4011 -> 0x3f11.
  std::uint16_t adj = checksum_adjust16(old_ck, 0x4011, 0x3f11);
  ip[8] = 0x3f;
  ip[10] = ip[11] = 0;
  CHECK(adj == internet_checksum(test::view(ip)));
  // Change the source address.
  store_be16(&ip[10], adj);
  std::uint16_t adj2 = checksum_adjust32(adj, 0xc0a80001, 0x0a000001);
  store_be32(&ip[12], 0x0a000001);
  ip[10] = ip[11] = 0;
  CHECK(adj2 == internet_checksum(test::view(ip)));
}

TEST_CASE("hex parse and format round trip", "[wire]") {
  auto v = parse_hex("de:ad be\nef # comment 00\n01");
  REQUIRE(v);
  CHECK(to_hex(ByteView(v->data(), v->size())) == "deadbeef01");
  CHECK_FALSE(parse_hex("abc").has_value());
  CHECK_FALSE(parse_hex("zz").has_value());
}
