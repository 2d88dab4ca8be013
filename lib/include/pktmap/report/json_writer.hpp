#pragma once
// A small streaming JSON writer into a reusable std::string. After the first packets have grown the buffer,
// clear()+write cycles do not allocate, which keeps `-T json` on the zero-allocation per-packet path.
// (nlohmann::json builds a DOM per value; it is used for state files and configs, not per packet.)
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap::report {

class JsonWriter {
 public:
  JsonWriter() {
    buf_.resize(4096);
    first_[0] = true;
  }
  void clear() {
    len_ = 0;
    depth_ = 0;
    first_[0] = true;
    after_key_ = false;
  }
  // The text so far, without touching the buffer: what per-packet writers should use.
  [[nodiscard]] std::string_view view() const { return {buf_.data(), len_}; }
  // The text so far as a string. (The buffer runs ahead of the text while writing; this trims it, keeping
  // the capacity, so the next write zero-fills the space again: prefer view() per packet.)
  [[nodiscard]] const std::string& str() const {
    buf_.resize(len_);
    return buf_;
  }

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
  bool take_comma();
  bool quoted_plain(std::string_view s,
                    char tail);  // updates the separator state; true when a ',' must come first
  void separator();
  JsonWriter& open(char bracket);   // '{' or '[': a new nesting level
  JsonWriter& close(char bracket);  // '}' or ']'

  void escaped(std::string_view s);

  // Appends go through put(): a length check and a memcpy, no std::string bookkeeping per call (which
  // dominated -T json). buf_.size() is the writable space, len_ the text; str() reconciles the two.
  void put(const char* p, std::size_t n) {
    if (n > buf_.size() - len_) grow(n);
    std::memcpy(buf_.data() + len_, p, n);
    len_ += n;
  }
  void put(char c) {
    if (len_ == buf_.size()) grow(1);
    buf_[len_++] = c;
  }
  void put(std::string_view s) { put(s.data(), s.size()); }
  // Space for n more bytes, to be filled by the caller.
  char* space(std::size_t n) {
    if (n > buf_.size() - len_) grow(n);
    char* p = buf_.data() + len_;
    len_ += n;
    return p;
  }
  void grow(std::size_t n);

  mutable std::string buf_;
  std::size_t len_ = 0;
  std::array<bool, 64> first_{};
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

}  // namespace pktmap::report
