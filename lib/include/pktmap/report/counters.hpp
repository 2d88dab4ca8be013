#pragma once
// Named counters. Names are string literals (outcome names, stage names), so counting never allocates:
// entries live in a fixed array and are found by pointer first, then by text.
#include <array>
#include <cstdint>
#include <string_view>

namespace pktmap::report {

struct Counter {
  std::string_view name;
  std::uint64_t value = 0;
};

class Counters {
 public:
  static constexpr std::size_t kCapacity = 256;

  // Adds n to the counter `name` (created at first use, in insertion order). Beyond kCapacity distinct
  // names, counts go to "counters_overflow" so nothing is lost silently.
  void add(std::string_view name, std::uint64_t n = 1);
  [[nodiscard]] std::uint64_t get(std::string_view name) const;
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] const Counter* begin() const { return entries_.data(); }
  [[nodiscard]] const Counter* end() const { return entries_.data() + size_; }
  [[nodiscard]] std::uint64_t total() const;
  void clear() { size_ = 0; }

 private:
  std::array<Counter, kCapacity> entries_{};
  std::size_t size_ = 0;
};

}  // namespace pktmap::report
