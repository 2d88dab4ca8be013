#pragma once
// Helpers shared by the unit tests.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/hex.hpp"

namespace pktmap::test {

inline std::vector<std::uint8_t> hex(std::string_view text) {
  auto v = parse_hex(text);
  if (!v) throw std::invalid_argument("bad hex fixture");
  return *v;
}

inline ByteView view(const std::vector<std::uint8_t>& v) {
  return ByteView(v.data(), v.size());
}

inline std::string data_path(std::string_view name) {
  return std::string(PKTMAP_TEST_DATA) + "/" + std::string(name);
}

// Calls fn(prefix) for every strict prefix of bytes (copied to its own heap block so ASan sees over-reads).
template <class Fn>
void for_each_truncation(const std::vector<std::uint8_t>& bytes, Fn&& fn) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    fn(ByteView(cut.data(), cut.size()));
  }
}

}  // namespace pktmap::test
