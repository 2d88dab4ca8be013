#pragma once
// Bounded big-endian writer over a caller-owned buffer. A write that does not fit sets a sticky failure
// flag instead of writing, so builders can emit a whole header and check ok() once at the end.
#include <cstdint>
#include <cstring>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap {

class ByteWriter {
 public:
  constexpr explicit ByteWriter(MutableByteView buf) : buf_(buf) {}

  [[nodiscard]] constexpr bool ok() const { return ok_; }
  [[nodiscard]] constexpr std::size_t size() const { return pos_; }
  [[nodiscard]] constexpr std::size_t capacity() const { return buf_.size(); }
  [[nodiscard]] constexpr std::size_t remaining() const { return buf_.size() - pos_; }
  // What has been written so far.
  [[nodiscard]] constexpr ByteView written() const { return ByteView(buf_.data(), pos_); }
  [[nodiscard]] constexpr MutableByteView written_mut() const { return MutableByteView(buf_.data(), pos_); }

  constexpr void u8(std::uint8_t v) {
    if (std::uint8_t* p = claim(1)) p[0] = v;
  }
  constexpr void be16(std::uint16_t v) {
    if (std::uint8_t* p = claim(2)) {
      p[0] = static_cast<std::uint8_t>(v >> 8);
      p[1] = static_cast<std::uint8_t>(v);
    }
  }
  constexpr void be24(std::uint32_t v) {
    if (std::uint8_t* p = claim(3)) {
      p[0] = static_cast<std::uint8_t>(v >> 16);
      p[1] = static_cast<std::uint8_t>(v >> 8);
      p[2] = static_cast<std::uint8_t>(v);
    }
  }
  constexpr void be32(std::uint32_t v) {
    if (std::uint8_t* p = claim(4)) {
      for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
    }
  }
  constexpr void be64(std::uint64_t v) {
    if (std::uint8_t* p = claim(8)) {
      for (int i = 0; i < 8; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
    }
  }
  void bytes(ByteView v) {
    if (v.empty()) return;
    if (std::uint8_t* p = claim(v.size())) std::memcpy(p, v.data(), v.size());
  }
  void zeros(std::size_t n) {
    if (std::uint8_t* p = claim(n)) std::memset(p, 0, n);
  }
  // Reserves n bytes to be filled later (lengths, checksums); returns their offset, or SIZE_MAX on overflow.
  constexpr std::size_t reserve(std::size_t n) {
    std::size_t at = pos_;
    if (std::uint8_t* p = claim(n)) {
      for (std::size_t i = 0; i < n; ++i)
        p[i] = 0;
      return at;
    }
    return SIZE_MAX;
  }
  // Patches a 16-bit value at an offset already written.
  constexpr void patch_be16(std::size_t at, std::uint16_t v) {
    if (!ok_ || at + 2 > pos_) {
      ok_ = false;
      return;
    }
    buf_[at] = static_cast<std::uint8_t>(v >> 8);
    buf_[at + 1] = static_cast<std::uint8_t>(v);
  }
  constexpr void patch_u8(std::size_t at, std::uint8_t v) {
    if (!ok_ || at + 1 > pos_) {
      ok_ = false;
      return;
    }
    buf_[at] = v;
  }

 private:
  constexpr std::uint8_t* claim(std::size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return nullptr;
    }
    std::uint8_t* p = buf_.data() + pos_;
    pos_ += n;
    return p;
  }

  MutableByteView buf_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace pktmap
