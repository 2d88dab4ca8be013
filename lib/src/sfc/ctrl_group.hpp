#pragma once
// Sixteen control bytes of the mapping table's index, matched at once (internal; see mapping_table.cpp).
// A control byte is 0 for an empty cell, 1 for a deleted one, and 0x80 | 7 hash bits for a used one, so a
// fresh index is zero pages and the used cells are the bytes with the high bit set. With SSE2 one compare
// gives the cells whose byte equals a hash's; without it, a loop builds the same masks.
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pktmap::sfc::detail {

inline constexpr std::uint8_t kCtrlEmpty = 0;
inline constexpr std::uint8_t kCtrlDeleted = 1;
inline constexpr std::size_t kGroupWidth = 16;

// The control byte of a used cell: the hash's top 7 bits (the low bits choose the group).
inline std::uint8_t ctrl_of(std::uint64_t hash) {
  return static_cast<std::uint8_t>(0x80 | hash >> 57);
}

class CtrlGroup {
 public:
  explicit CtrlGroup(const std::uint8_t* p) {
#if defined(__SSE2__)
    v_ = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
#else
    std::memcpy(b_, p, kGroupWidth);
#endif
  }
  // Bit k set: cell k holds the control byte c.
  [[nodiscard]] std::uint32_t match(std::uint8_t c) const {
#if defined(__SSE2__)
    return static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(v_, _mm_set1_epi8(static_cast<char>(c)))));
#else
    std::uint32_t m = 0;
    for (std::size_t k = 0; k < kGroupWidth; ++k)
      m |= std::uint32_t{b_[k] == c} << k;
    return m;
#endif
  }
  [[nodiscard]] std::uint32_t empty() const {
    return match(kCtrlEmpty);
  }
  // Cells an insert may take: empty or deleted (the bytes without the high bit).
  [[nodiscard]] std::uint32_t free() const {
#if defined(__SSE2__)
    return ~static_cast<std::uint32_t>(_mm_movemask_epi8(v_)) & 0xFFFFu;
#else
    std::uint32_t m = 0;
    for (std::size_t k = 0; k < kGroupWidth; ++k)
      m |= std::uint32_t{b_[k] < 0x80} << k;
    return m;
#endif
  }

 private:
#if defined(__SSE2__)
  __m128i v_;
#else
  std::uint8_t b_[kGroupWidth];
#endif
};

}  // namespace pktmap::sfc::detail
