#pragma once
// Invariant checks for fuzz targets. A failed check aborts, which libFuzzer reports as a crash (and saves
// the input) and which fails the gcc corpus replay; assert() would vanish in release builds.
#include <cstdio>
#include <cstdlib>

#define PKTMAP_FUZZ_CHECK(cond)                                                              \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)
