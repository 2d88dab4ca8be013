#pragma once
// Compares and copies of short byte strings (headers, keys) without a call into libc: for lengths of 8 bytes
// and up, 8-byte words taken from both ends, so that they may overlap instead of leaving a byte tail. The
// per-packet headers and keys are 14 to 48 bytes, where the call and libc's size dispatch cost more than the
// work itself.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pktmap {

[[gnu::always_inline]] inline std::uint64_t load_word(const std::uint8_t* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Whether a[0, n) == b[0, n). Up to 32 bytes, two or four words that may overlap, without a loop.
[[gnu::always_inline]] inline bool bytes_equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  if (n < 8) return n == 0 || std::memcmp(a, b, n) == 0;
  std::uint64_t diff = (load_word(a) ^ load_word(b)) | (load_word(a + n - 8) ^ load_word(b + n - 8));
  if (n <= 16) return diff == 0;
  diff |= (load_word(a + 8) ^ load_word(b + 8)) | (load_word(a + n - 16) ^ load_word(b + n - 16));
  for (std::size_t i = 16; i + 16 < n; i += 8)
    diff |= load_word(a + i) ^ load_word(b + i);
  return diff == 0;
}

// memcpy(dst, src, n) for buffers that do not overlap. Up to 32 bytes, two or four words that may overlap.
[[gnu::always_inline]] inline void copy_bytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) {
  if (n < 8 || n > 32) {
    if (n != 0) std::memcpy(dst, src, n);  // an empty view may hold a null pointer, which memcpy may not get
    return;
  }
  const std::uint64_t first = load_word(src);
  const std::uint64_t last = load_word(src + n - 8);
  if (n > 16) {
    const std::uint64_t second = load_word(src + 8);
    const std::uint64_t third = load_word(src + n - 16);
    std::memcpy(dst + 8, &second, 8);
    std::memcpy(dst + n - 16, &third, 8);
  }
  std::memcpy(dst, &first, 8);
  std::memcpy(dst + n - 8, &last, 8);
}

}  // namespace pktmap
