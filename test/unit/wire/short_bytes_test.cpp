// bytes_equal and copy_bytes agree with memcmp and memcpy at every length around their word boundaries,
// and for a difference in any single byte.
#include "pktmap/wire/short_bytes.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstring>

using namespace pktmap;

TEST_CASE("bytes_equal finds a difference in any byte, at every length up to 80", "[wire]") {
  std::array<std::uint8_t, 96> a{};
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = static_cast<std::uint8_t>(i * 7 + 1);
  for (std::size_t off : {std::size_t{0}, std::size_t{3}}) {  // unaligned starts too
    for (std::size_t n = 0; n <= 80; ++n) {
      std::array<std::uint8_t, 96> b = a;
      REQUIRE(bytes_equal(a.data() + off, b.data() + off, n));
      for (std::size_t k = 0; k < n; ++k) {
        b[off + k] ^= 0x10;
        CHECK_FALSE(bytes_equal(a.data() + off, b.data() + off, n));
        b[off + k] ^= 0x10;
      }
      b[off + n] ^= 0xff;  // a byte past the end does not count
      CHECK(bytes_equal(a.data() + off, b.data() + off, n));
    }
  }
}

TEST_CASE("copy_bytes copies exactly n bytes, at every length up to 80", "[wire]") {
  std::array<std::uint8_t, 96> src{};
  for (std::size_t i = 0; i < src.size(); ++i)
    src[i] = static_cast<std::uint8_t>(255 - i);
  for (std::size_t n = 0; n <= 80; ++n) {
    std::array<std::uint8_t, 96> dst{};
    dst.fill(0xAA);
    copy_bytes(dst.data() + 1, src.data() + 2, n);
    CHECK(dst[0] == 0xAA);
    CHECK(std::memcmp(dst.data() + 1, src.data() + 2, n) == 0);
    for (std::size_t k = n + 1; k < dst.size(); ++k)
      REQUIRE(dst[k] == 0xAA);
  }
  copy_bytes(nullptr, nullptr, 0);  // an empty view's null pointer is never handed to memcpy
}
