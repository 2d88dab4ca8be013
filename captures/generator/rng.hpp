#pragma once
// Deterministic pseudo-random numbers for the capture generator.
//
// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) is fully
// specified by a few lines of integer arithmetic, so a seed yields the same stream on every compiler and
// libstdc++ version. std::uniform_int_distribution is implementation-defined and would break the
// byte-identical regeneration the captures_reproducible test relies on.
#include <cstdint>

namespace pktmap::gencap {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for test traffic (multiply-shift; bias < n / 2^32). n must be > 0.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * std::uint64_t{n}) >> 32);
  }
  // Inclusive range [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1); }

 private:
  std::uint64_t state_;
};

// A stateless mix of a value (flow id, path index) for fields that must not depend on generation order,
// such as a VXLAN-GPE source port derived from the inner flow.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace pktmap::gencap
