#include "pktmap/sfc/header_store.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace pktmap::sfc {

std::uint64_t hash_bytes(ByteView bytes, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

HeaderStore::HeaderStore(std::size_t capacity, std::size_t max_len)
    : max_len_(max_len),
      bytes_(new std::uint8_t[capacity * max_len]),
      slots_(capacity),
      index_(std::bit_ceil(std::max<std::size_t>(16, capacity * 2))) {
  free_.reserve(capacity);  // allocated, not touched
}

HeaderId HeaderStore::intern(ByteView bytes) {
  if (bytes.size() > max_len_) {
    ++refused_;
    return kNoHeader;
  }
  const std::uint64_t h = hash_bytes(bytes);
  const std::size_t mask = index_.size() - 1;
  std::size_t i = home(h);
  for (; index_[i] != 0; i = (i + 1) & mask) {
    const HeaderId id = index_[i] - 1;
    const Slot& s = slots_[id];
    if (s.hash == h && s.len == bytes.size() &&
        std::memcmp(bytes_.get() + id * max_len_, bytes.data(), bytes.size()) == 0) {
      ++slots_[id].refs;
      return id;
    }
  }
  HeaderId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else if (unused_ < slots_.size()) {
    id = static_cast<HeaderId>(unused_++);
  } else {
    ++refused_;
    return kNoHeader;
  }
  if (!bytes.empty()) std::memcpy(bytes_.get() + id * max_len_, bytes.data(), bytes.size());
  slots_[id] = Slot{h, 1, static_cast<std::uint16_t>(bytes.size())};
  index_[i] = id + 1;
  if (++live_ > peak_) peak_ = live_;
  return id;
}

void HeaderStore::free_slot(HeaderId id) {
  erase_from_index(id);
  free_.push_back(id);
  --live_;
}

// Backward-shift deletion keeps linear probing tombstone-free: later entries of the cluster that could
// live in the freed cell move up.
void HeaderStore::erase_from_index(HeaderId id) {
  const std::size_t mask = index_.size() - 1;
  std::size_t i = home(slots_[id].hash);
  while (index_[i] != id + 1)
    i = (i + 1) & mask;
  std::size_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (index_[j] == 0) break;
    const std::size_t k = home(slots_[index_[j] - 1].hash);
    // Move j into the hole at i unless its home lies cyclically in (i, j].
    const bool home_between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (!home_between) {
      index_[i] = index_[j];
      i = j;
    }
  }
  index_[i] = 0;
}

}  // namespace pktmap::sfc
