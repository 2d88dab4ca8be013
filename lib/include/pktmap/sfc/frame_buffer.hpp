#pragma once
// A preallocated packet buffer with headroom, so that Ethernet headers and VLAN tags can be pushed in front
// of a payload without moving it. Allocated once; reused for every packet. The bytes are not zeroed: only
// the pages a frame touches become resident, so an emulated SF's pool of a thousand 64 KiB buffers costs a
// page or two each, not 64 MiB.
#include <cstdint>
#include <cstring>
#include <memory>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap::sfc {

class FrameBuffer {
 public:
  static constexpr std::size_t kHeadroom = 512;        // outer encapsulation + NSH (252) + tags
  static constexpr std::size_t kMaxFrame = 64 * 1024;  // larger captured frames are refused by name

  FrameBuffer() : buf_(new std::uint8_t[kHeadroom + kMaxFrame]) {}  // default-initialized: not zeroed

  // Copies bytes at the headroom mark. False if they do not fit.
  bool assign(ByteView bytes) {
    if (bytes.size() > kMaxFrame) return false;
    start_ = kHeadroom;
    len_ = bytes.size();
    if (len_) std::memcpy(buf_.get() + start_, bytes.data(), len_);
    return true;
  }
  // Room for n more bytes in front; returns the new start or nullptr when the headroom is used up.
  std::uint8_t* push_front(std::size_t n) {
    if (n > start_) return nullptr;
    start_ -= n;
    len_ += n;
    return buf_.get() + start_;
  }
  bool pop_front(std::size_t n) {
    if (n > len_) return false;
    start_ += n;
    len_ -= n;
    return true;
  }
  void set_start(std::uint8_t* p) {  // after an in-place push/pop that returned a new start
    const std::size_t s = static_cast<std::size_t>(p - buf_.get());
    len_ = len_ + start_ - s;
    start_ = s;
  }
  [[nodiscard]] std::uint8_t* data() { return buf_.get() + start_; }
  [[nodiscard]] const std::uint8_t* data() const { return buf_.get() + start_; }
  [[nodiscard]] std::size_t size() const { return len_; }
  [[nodiscard]] std::size_t headroom() const { return start_; }
  [[nodiscard]] ByteView view() const { return ByteView(data(), len_); }
  [[nodiscard]] MutableByteView mut() { return MutableByteView(data(), len_); }
  void truncate(std::size_t n) {
    if (n < len_) len_ = n;
  }

 private:
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t start_ = kHeadroom;
  std::size_t len_ = 0;
};

}  // namespace pktmap::sfc
