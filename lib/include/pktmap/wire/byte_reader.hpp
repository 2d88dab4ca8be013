#pragma once
// Bounded big-endian reader: the only way codecs touch packet bytes. Every read either succeeds inside the
// span or returns nullopt/false and leaves the cursor where it was, so a short packet can never be over-read.
#include <cstdint>
#include <optional>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap {

class ByteReader {
 public:
  constexpr ByteReader() = default;
  constexpr explicit ByteReader(ByteView data) : data_(data) {}

  [[nodiscard]] constexpr std::size_t offset() const { return pos_; }
  [[nodiscard]] constexpr std::size_t size() const { return data_.size(); }
  [[nodiscard]] constexpr std::size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] constexpr bool empty() const { return pos_ == data_.size(); }
  [[nodiscard]] constexpr bool has(std::size_t n) const { return n <= remaining(); }
  // The bytes not consumed yet.
  [[nodiscard]] constexpr ByteView rest() const { return data_.subspan(pos_); }
  [[nodiscard]] constexpr ByteView all() const { return data_; }

  [[nodiscard]] constexpr std::optional<std::uint8_t> u8() {
    if (!has(1)) return std::nullopt;
    return data_[pos_++];
  }
  [[nodiscard]] constexpr std::optional<std::uint16_t> be16() {
    if (!has(2)) return std::nullopt;
    std::uint16_t v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  [[nodiscard]] constexpr std::optional<std::uint32_t> be24() {
    if (!has(3)) return std::nullopt;
    std::uint32_t v =
        (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
    pos_ += 3;
    return v;
  }
  [[nodiscard]] constexpr std::optional<std::uint32_t> be32() {
    if (!has(4)) return std::nullopt;
    std::uint32_t v = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
                      (std::uint32_t{data_[pos_ + 2]} << 8) | data_[pos_ + 3];
    pos_ += 4;
    return v;
  }
  [[nodiscard]] constexpr std::optional<std::uint64_t> be64() {
    if (!has(8)) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v = (v << 8) | data_[pos_ + i];
    pos_ += 8;
    return v;
  }
  // A view of the next n bytes (no copy).
  [[nodiscard]] constexpr std::optional<ByteView> bytes(std::size_t n) {
    if (!has(n)) return std::nullopt;
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  [[nodiscard]] constexpr bool skip(std::size_t n) {
    if (!has(n)) return false;
    pos_ += n;
    return true;
  }
  // Peek without consuming.
  [[nodiscard]] constexpr std::optional<std::uint8_t> peek_u8(std::size_t at = 0) const {
    if (!has(at + 1)) return std::nullopt;
    return data_[pos_ + at];
  }
  [[nodiscard]] constexpr std::optional<std::uint16_t> peek_be16(std::size_t at = 0) const {
    if (!has(at + 2)) return std::nullopt;
    return static_cast<std::uint16_t>((data_[pos_ + at] << 8) | data_[pos_ + at + 1]);
  }

 private:
  ByteView data_{};
  std::size_t pos_ = 0;
};

// Unchecked loads for code that has already bounds-checked a fixed-size header through ByteReader.
constexpr std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
constexpr std::uint32_t load_be24(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
constexpr std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
constexpr void store_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
constexpr void store_be24(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 16);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v);
}
constexpr void store_be32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

}  // namespace pktmap
