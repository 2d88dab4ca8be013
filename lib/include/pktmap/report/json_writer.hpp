#pragma once
// A small streaming JSON writer into a reusable std::string. After the first packets have grown the buffer,
// clear()+write cycles do not allocate, which keeps `-T json` on the zero-allocation per-packet path.
// (nlohmann::json builds a DOM per value; it is used for state files and configs, not per packet.)
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap::report {

class JsonWriter {
 public:
  JsonWriter() {
    buf_.reserve(4096);
    first_[0] = true;
  }
  void clear() {
    buf_.clear();
    depth_ = 0;
    first_[0] = true;
  }
  [[nodiscard]] const std::string& str() const { return buf_; }

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::uint32_t v) { return value(static_cast<std::uint64_t>(v)); }
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  // Lowercase hex string of the bytes.
  JsonWriter& hex(ByteView bytes);
  // Pre-formatted JSON (a number or literal) inserted verbatim.
  JsonWriter& raw(std::string_view json);

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  void separator();
  void escaped(std::string_view s);

  std::string buf_;
  std::array<bool, 64> first_{};
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

}  // namespace pktmap::report
