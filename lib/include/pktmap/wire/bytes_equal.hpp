#pragma once
// Equality of short byte strings (headers, keys) without a call into libc's memcmp: for lengths of 8 bytes
// and up, 8-byte words XORed together, the last word overlapping the one before it. The per-packet header
// and key compares are 14 to 48 bytes, where the call and memcmp's ordering work cost more than the compare.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pktmap {

[[gnu::always_inline]] inline std::uint64_t load_word(const std::uint8_t* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Whether a[0, n) == b[0, n).
[[gnu::always_inline]] inline bool bytes_equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  if (n < 8) return n == 0 || std::memcmp(a, b, n) == 0;
  std::uint64_t diff = load_word(a + n - 8) ^ load_word(b + n - 8);
  for (std::size_t i = 0; i + 8 < n; i += 8)
    diff |= load_word(a + i) ^ load_word(b + i);
  return diff == 0;
}

}  // namespace pktmap
