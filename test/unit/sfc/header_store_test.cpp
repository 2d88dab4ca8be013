#include <catch2/catch.hpp>
#include <vector>

#include "pktmap/sfc/header_store.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

TEST_CASE("header store interns byte-identical headers once and frees with the last reference") {
  HeaderStore s(4, 32);
  const auto a = test::hex("0fc60101 00006501 00100000 50000065 00000000 00000000");
  auto b = a;
  b[23] = 1;
  const HeaderId ia = s.intern(test::view(a));
  const HeaderId ia2 = s.intern(test::view(a));
  const HeaderId ib = s.intern(test::view(b));
  CHECK(ia == ia2);
  CHECK(ia != ib);
  CHECK(s.refs(ia) == 2);
  CHECK(s.live() == 2);
  CHECK(std::vector<std::uint8_t>(s.get(ia).begin(), s.get(ia).end()) == a);
  s.release(ia);
  CHECK(s.live() == 2);
  s.release(ia);
  CHECK(s.live() == 1);
  CHECK(s.peak() == 2);
  // b is still found after a's slot left the index (backward-shift deletion keeps the cluster intact).
  CHECK(s.intern(test::view(b)) == ib);
}

TEST_CASE("header store refuses when full or too long, and counts it") {
  HeaderStore s(2, 8);
  std::vector<std::uint8_t> h(8, 0);
  for (std::uint8_t i = 0; i < 2; ++i) {
    h[0] = i;
    CHECK(s.intern(test::view(h)) != kNoHeader);
  }
  h[0] = 9;
  CHECK(s.intern(test::view(h)) == kNoHeader);
  std::vector<std::uint8_t> big(9, 0);
  CHECK(s.intern(test::view(big)) == kNoHeader);
  CHECK(s.refused() == 2);
}

TEST_CASE("header store survives many intern/release cycles with colliding clusters") {
  HeaderStore s(64, 4);
  std::vector<HeaderId> ids;
  for (std::uint32_t round = 0; round < 50; ++round) {
    ids.clear();
    for (std::uint32_t i = 0; i < 64; ++i) {
      const std::uint32_t v = round * 1000 + i;
      const std::vector<std::uint8_t> b{std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8),
                                        std::uint8_t(v)};
      ids.push_back(s.intern(test::view(b)));
      REQUIRE(ids.back() != kNoHeader);
    }
    for (std::uint32_t i = 0; i < 64; i += 2)
      s.release(ids[i]);
    for (std::uint32_t i = 1; i < 64; i += 2) {
      const std::uint32_t v = round * 1000 + i;
      const std::vector<std::uint8_t> b{std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8),
                                        std::uint8_t(v)};
      REQUIRE(s.intern(test::view(b)) == ids[i]);
      s.release(ids[i]);
      s.release(ids[i]);
    }
    REQUIRE(s.live() == 0);
  }
}
