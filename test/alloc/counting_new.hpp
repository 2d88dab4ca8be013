#pragma once
// A counting global operator new shared by the allocation tests (defined once, in counting_new.cpp, which
// each alloc test executable links). Set g_counting around the measured pass and read g_allocs.
#include <cstddef>

extern bool g_counting;
extern std::size_t g_allocs;
