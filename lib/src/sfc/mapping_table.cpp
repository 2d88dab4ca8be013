#include "pktmap/sfc/mapping_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "ctrl_group.hpp"

namespace pktmap::sfc {

namespace {
// The first cell of the group a cell belongs to.
std::size_t group_start(std::size_t cell) {
  return cell & ~(detail::kGroupWidth - 1);
}
}  // namespace

// Independent multiplies (no serial chain through the six words), then a murmur-style finalizer so that the
// high bits of every word reach the low bits the index uses.
std::uint64_t ScopeKey::hash() const {
  std::uint64_t h = w[0] * 0x9e3779b97f4a7c15ULL + w[1] * 0xc2b2ae3d27d4eb4fULL +
                    w[2] * 0x165667b19e3779f9ULL + w[3] * 0xd6e8feb86659fd93ULL +
                    w[4] * 0xff51afd7ed558ccdULL + w[5] * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

MappingTable::MappingTable(std::size_t capacity, std::int64_t idle_ns, FullPolicy policy,
                           HeaderStore& nsh_store, HeaderStore& outer_store)
    : entries_(capacity),
      lru_(capacity),
      groups_(std::bit_ceil(std::max<std::size_t>(16, capacity * 2)) / detail::kGroupWidth),
      ctrl_(groups_ * detail::kGroupWidth),
      cell_ref_(groups_ * detail::kGroupWidth),
      nsh_store_(&nsh_store),
      outer_store_(&outer_store),
      idle_ns_(idle_ns),
      policy_(policy) {
  // Fresh entries are handed out in index order from unused_; only removed ones go through free_, so a
  // large table touches no free-list memory until entries are removed.
  free_.reserve(capacity);
}

void MappingTable::expire_due(std::int64_t now_ns) {
  while (oldest_ != kNil && now_ns - lru_[oldest_].last_ts > idle_ns_) {
    remove(oldest_);
    ++counters_.expired;
  }
}

std::uint32_t MappingTable::find(const ScopeKey& scope, std::uint64_t h) const {
  const std::uint8_t c = detail::ctrl_of(h);
  for (std::size_t g = home_group(h);; g = (g + 1) & (groups_ - 1)) {
    const std::size_t base = g * detail::kGroupWidth;
    const detail::CtrlGroup group(&ctrl_[base]);
    for (std::uint32_t m = group.match(c); m != 0; m &= m - 1) {
      const std::uint32_t i = cell_ref_[base + static_cast<std::size_t>(std::countr_zero(m))];
      // A hit goes on to read the rest of the entry and to touch() its links: fetch those lines alongside
      // the one the compare waits for.
      prefetch_entry(i);
      __builtin_prefetch(&lru_[i], 1);
      if (entries_[i].scope == scope) return i;
    }
    if (group.empty() != 0) return kNil;  // an insert would have stopped here
  }
}

std::uint32_t MappingTable::insert(const ScopeKey& scope, std::int64_t ts, std::uint64_t hash) {
  rebuild_if_deleted_many();
  std::uint32_t i;
  if (!free_.empty()) {
    i = free_.back();
    free_.pop_back();
  } else if (unused_ < entries_.size()) {
    i = static_cast<std::uint32_t>(unused_++);
  } else {
    if (policy_ == FullPolicy::refuse || oldest_ == kNil) {
      ++counters_.refused;
      return kNil;
    }
    return evict_into(scope, ts, hash);
  }
  entries_[i] = Entry{.scope = scope, .in_use = true};
  lru_[i].last_ts = ts;
  add_index(i, hash);
  link_newest(i);
  ++size_;
  ++counters_.inserted;
  if (size_ > counters_.peak) counters_.peak = size_;
  return i;
}

// A full table's insert, on most packets when the keys are fewer than the flows: the oldest entry leaves
// the index and gives its headers back, and its cell and place in the LRU list are reused at once (it
// becomes the newest) instead of going through remove() and a fresh insert.
std::uint32_t MappingTable::evict_into(const ScopeKey& scope, std::int64_t ts, std::uint64_t hash) {
  const std::uint32_t i = oldest_;
  erase_index(i);
  nsh_store_->release(entries_[i].nsh);
  outer_store_->release(entries_[i].outer);
  entries_[i] = Entry{.scope = scope, .in_use = true};
  lru_[i].last_ts = ts;
  add_index(i, hash);
  if (newest_ != i) {
    Links& l = lru_[i];
    oldest_ = l.newer;
    lru_[oldest_].older = kNil;
    l.older = newest_;
    l.newer = kNil;
    lru_[newest_].newer = i;
    newest_ = i;
  }
  // The next victim is known now and was last touched a table's length of packets ago: its lines are
  // fetched while this packet goes on, not when the next eviction needs them.
  const std::uint32_t next = oldest_;
  const Links& nl = lru_[next];
  prefetch_entry(next);
  __builtin_prefetch(&ctrl_[group_start(nl.cell)], 1);
  if (nl.newer != kNil) __builtin_prefetch(&lru_[nl.newer], 1);
  ++counters_.evicted;
  ++counters_.inserted;
  return i;
}

void MappingTable::add_index(std::uint32_t i, std::uint64_t hash) {
  for (std::size_t g = home_group(hash);; g = (g + 1) & (groups_ - 1)) {
    const std::size_t base = g * detail::kGroupWidth;
    const std::uint32_t m = detail::CtrlGroup(&ctrl_[base]).free();
    if (m == 0) continue;
    const std::size_t cell = base + static_cast<std::size_t>(std::countr_zero(m));
    if (ctrl_[cell] == detail::kCtrlDeleted) --deleted_;
    ctrl_[cell] = detail::ctrl_of(hash);
    cell_ref_[cell] = i;
    lru_[i].cell = static_cast<std::uint32_t>(cell);
    return;
  }
}

void MappingTable::touch(std::uint32_t i, std::int64_t ts) {
  if (ts > lru_[i].last_ts) lru_[i].last_ts = ts;
  if (newest_ == i) return;
  unlink(i);
  link_newest(i);
}

void MappingTable::remove(std::uint32_t i) {
  Entry& e = entries_[i];
  if (!e.in_use) return;
  erase_index(i);
  unlink(i);
  nsh_store_->release(e.nsh);
  outer_store_->release(e.outer);
  e.in_use = false;
  e.nsh = e.outer = kNoHeader;
  --size_;
  free_.push_back(i);
}

void MappingTable::release(std::uint32_t i) {
  if (!entries_[i].in_use) return;
  remove(i);
  ++counters_.released;
}

bool MappingTable::restore(std::uint32_t i, const Entry& src, std::int64_t last_ts) {
  if (i >= entries_.size() || entries_[i].in_use) return false;
  Entry& e = entries_[i];
  e = src;
  e.in_use = true;
  lru_[i].last_ts = last_ts;
  rebuild_if_deleted_many();
  add_index(i, e.scope.hash());
  link_newest(i);
  ++size_;
  if (size_ > counters_.peak) counters_.peak = size_;
  return true;
}

void MappingTable::finish_restore() {
  unused_ = entries_.size();
  free_.clear();
  for (std::size_t i = entries_.size(); i-- > 0;)
    if (!entries_[i].in_use) free_.push_back(static_cast<std::uint32_t>(i));
}

void MappingTable::unlink(std::uint32_t i) {
  Links& l = lru_[i];
  if (l.older != kNil)
    lru_[l.older].newer = l.newer;
  else
    oldest_ = l.newer;
  if (l.newer != kNil)
    lru_[l.newer].older = l.older;
  else
    newest_ = l.older;
  l.older = l.newer = kNil;
}

void MappingTable::link_newest(std::uint32_t i) {
  Links& l = lru_[i];
  l.older = newest_;
  l.newer = kNil;
  if (newest_ != kNil) lru_[newest_].newer = i;
  newest_ = i;
  if (oldest_ == kNil) oldest_ = i;
}

// A cell in a group that has an empty cell goes back to empty: no lookup ever passed that group (it would
// have stopped there), so none needs the cell as a marker. In a group without one it is marked deleted, so
// lookups for entries placed further on still pass it.
void MappingTable::erase_index(std::uint32_t i) {
  const std::size_t cell = lru_[i].cell;
  const std::size_t base = group_start(cell);
  if (detail::CtrlGroup(&ctrl_[base]).empty() != 0) {
    ctrl_[cell] = detail::kCtrlEmpty;
  } else {
    ctrl_[cell] = detail::kCtrlDeleted;
    ++deleted_;
  }
}

// Deleted cells lengthen lookups that pass their group; once there are many, every live entry is indexed
// afresh. That is rare: at most half the cells are used, and a group fills only when 16 keys hash to it or
// spill over into it.
void MappingTable::rebuild_index() {
  std::memset(&ctrl_[0], detail::kCtrlEmpty, ctrl_.size());
  deleted_ = 0;
  for (std::uint32_t i = oldest_; i != kNil; i = lru_[i].newer)
    add_index(i, entries_[i].scope.hash());
}

}  // namespace pktmap::sfc
