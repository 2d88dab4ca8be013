#pragma once
// A fixed-size array that starts as all zero bytes, taken from calloc: a large one is fresh memory the kernel
// hands out zeroed, so only the pages a run actually uses are ever touched. A table sized for its limit then
// costs page faults and RSS in proportion to its use; a std::vector of the same size writes every byte at
// construction (1,400 of the 1,700 page faults of a proxy run on a small capture).
// T must be valid as all zero bytes and need no destructor: the tables define zero as "empty".
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>

namespace pktmap::sfc {

template <class T>
class ZeroedArray {
  static_assert(std::is_trivially_destructible_v<T> && std::is_trivially_copyable_v<T>);

 public:
  explicit ZeroedArray(std::size_t n) : p_(static_cast<T*>(std::calloc(n ? n : 1, sizeof(T)))), n_(n) {
    if (!p_) throw std::bad_alloc();
  }
  [[nodiscard]] T& operator[](std::size_t i) { return p_.get()[i]; }
  [[nodiscard]] const T& operator[](std::size_t i) const { return p_.get()[i]; }
  [[nodiscard]] std::size_t size() const { return n_; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> p_;
  std::size_t n_;
};

}  // namespace pktmap::sfc
