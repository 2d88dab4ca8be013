#include "pktmap/report/counters.hpp"

namespace pktmap::report {

void Counters::add(std::string_view name, std::uint64_t n) {
  for (std::size_t i = 0; i < size_; ++i) {
    if (entries_[i].name.data() == name.data() || entries_[i].name == name) {
      entries_[i].value += n;
      return;
    }
  }
  if (size_ == kCapacity - 1) {
    // The last slot is reserved for the overflow counter.
    entries_[size_++] = Counter{"counters_overflow", n};
    return;
  }
  if (size_ == kCapacity) {
    entries_[kCapacity - 1].value += n;
    return;
  }
  entries_[size_++] = Counter{name, n};
}

std::uint64_t Counters::get(std::string_view name) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (entries_[i].name == name) return entries_[i].value;
  }
  return 0;
}

std::uint64_t Counters::total() const {
  std::uint64_t t = 0;
  for (std::size_t i = 0; i < size_; ++i)
    t += entries_[i].value;
  return t;
}

}  // namespace pktmap::report
