#pragma once
// Interned SFC headers: byte-identical header bytes are kept once and shared by reference count, so that a
// million per-flow or per-packet mapping entries carrying the same NSH cost one copy (DESIGN.md "The proxy
// pipeline"). Capacity and the longest header are fixed at construction; after that nothing allocates.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "pktmap/sfc/zeroed_array.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/short_bytes.hpp"

namespace pktmap::sfc {

using HeaderId = std::uint32_t;
inline constexpr HeaderId kNoHeader = 0xFFFFFFFFu;

class HeaderStore {
 public:
  // capacity distinct headers of at most max_len bytes each.
  HeaderStore(std::size_t capacity, std::size_t max_len);

  // The id of a byte-identical copy (its count goes up) or of a new copy. kNoHeader when bytes is longer
  // than max_len or every slot holds a live header (counted in refused()).
  [[nodiscard]] HeaderId intern(ByteView bytes);
  // retain/release/get/holds run several times per packet: inline, with only the last release out of line.
  void retain(HeaderId id) {
    if (id != kNoHeader) ++slots_[id].refs;
  }
  // Drops one reference; the slot is freed with the last one.
  void release(HeaderId id) {
    if (id == kNoHeader || slots_[id].refs == 0) return;
    if (--slots_[id].refs == 0) free_slot(id);
  }
  [[nodiscard]] ByteView get(HeaderId id) const {
    if (id == kNoHeader) return {};
    return ByteView(bytes_.get() + std::size_t{id} * max_len_, slots_[id].len);
  }
  // Whether id is live and holds exactly these bytes: a compare instead of a hash when the caller already
  // has a likely id (the same path's last header).
  [[nodiscard]] bool holds(HeaderId id, ByteView bytes) const {
    if (id >= slots_.size()) return false;
    const Slot& s = slots_[id];
    return s.refs != 0 && s.len == bytes.size() &&
           bytes_equal(bytes_.get() + std::size_t{id} * max_len_, bytes.data(), bytes.size());
  }
  [[nodiscard]] std::uint32_t refs(HeaderId id) const { return slots_[id].refs; }

  [[nodiscard]] std::size_t live() const { return live_; }
  [[nodiscard]] std::size_t peak() const { return peak_; }
  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }
  [[nodiscard]] std::size_t max_len() const { return max_len_; }
  [[nodiscard]] std::uint64_t refused() const { return refused_; }

 private:
  struct Slot {  // all zero: free
    std::uint64_t hash;
    std::uint32_t refs;
    std::uint16_t len;
  };
  [[nodiscard]] std::size_t home(std::uint64_t hash) const { return hash & (index_.size() - 1); }
  void erase_from_index(HeaderId id);
  void free_slot(HeaderId id);

  std::size_t max_len_;
  // capacity * max_len_, left uninitialized: only slots in use are touched, so unused capacity costs no RSS.
  std::unique_ptr<std::uint8_t[]> bytes_;
  ZeroedArray<Slot> slots_;
  std::vector<HeaderId> free_;  // freed slot ids, reused first (capacity reserved: never reallocates)
  std::size_t unused_ = 0;      // slots [unused_, capacity) were never handed out
  // Open addressing (linear probing) over id + 1, 0 = empty (so a fresh index is zero pages); 2x capacity,
  // power of 2.
  ZeroedArray<HeaderId> index_;
  std::size_t live_ = 0;
  std::size_t peak_ = 0;
  std::uint64_t refused_ = 0;
};

// 64-bit hash of a byte string (FNV-1a mixed with a final avalanche); deterministic across runs.
std::uint64_t hash_bytes(ByteView bytes, std::uint64_t seed = 0);

}  // namespace pktmap::sfc
