#pragma once
// Invariant checks for fuzz targets. A failed check aborts, which libFuzzer reports as a crash (and saves
// the input) and which fails the gcc corpus replay; assert() would vanish in release builds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#define PKTMAP_FUZZ_CHECK(cond)                                                              \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace pktmap::fuzz {

// True when `inner` lies inside `outer` (an empty view is anywhere): views must never leave the input.
inline bool within(std::span<const std::uint8_t> inner, std::span<const std::uint8_t> outer) {
  return inner.empty() ||
         (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

}  // namespace pktmap::fuzz
