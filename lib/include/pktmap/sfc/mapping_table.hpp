#pragma once
// The proxy's mapping table: scope (what one key stands for: a path, a flow, a packet) -> entry. The entry's
// index is the key number the mode encodes on the wire (MAC low bits, VID - 1, ...), so the return lookup by
// key is an array access; the scope lookup is open addressing over a preallocated index. Capacity is fixed
// (the mode's key space or a configured limit), entries expire after an idle time measured on packet
// timestamps (draft-song-sfc-legacy-sf-mapping-04 §3: deleted if not "witnessed or retrieved" in time), and
// a full table either evicts the least recently used entry or refuses the packet, with counters for both.
#include <array>
#include <cstdint>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/sfc/header_store.hpp"
#include "pktmap/sfc/zeroed_array.hpp"

namespace pktmap::sfc {

// What a key stands for, packed into fixed words (built by Scope helpers in mode.hpp). Word 0 holds the
// granularity/kind tag so different kinds never collide.
struct ScopeKey {
  std::array<std::uint64_t, 6> w{};
  // Branch-free: the defaulted == compiled to a call to memcmp. With SSE2, three 16-byte compares: word by
  // word, a lookup kept the six words in registers and paid for saving six of its own on every call.
  friend bool operator==(const ScopeKey& a, const ScopeKey& b) {
#if defined(__SSE2__)
    const auto* pa = reinterpret_cast<const __m128i*>(a.w.data());
    const auto* pb = reinterpret_cast<const __m128i*>(b.w.data());
    const __m128i e0 = _mm_cmpeq_epi8(_mm_loadu_si128(pa), _mm_loadu_si128(pb));
    const __m128i e1 = _mm_cmpeq_epi8(_mm_loadu_si128(pa + 1), _mm_loadu_si128(pb + 1));
    const __m128i e2 = _mm_cmpeq_epi8(_mm_loadu_si128(pa + 2), _mm_loadu_si128(pb + 2));
    return _mm_movemask_epi8(_mm_and_si128(_mm_and_si128(e0, e1), e2)) == 0xFFFF;
#else
    return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3]) |
            (a.w[4] ^ b.w[4]) | (a.w[5] ^ b.w[5])) == 0;
#endif
  }
  [[nodiscard]] std::uint64_t hash() const;
};

enum class FullPolicy : std::uint8_t { evict_oldest, refuse };

struct Entry {
  ScopeKey scope;
  HeaderId nsh = kNoHeader;    // interned NSH as received (SI not yet decremented)
  HeaderId outer = kNoHeader;  // interned outer encapsulation (everything before the NSH), lengths zeroed
  std::uint32_t spi = 0;
  std::uint32_t aux = 0;  // mode-owned (qinq: next inner VID)
  std::uint8_t si = 0;
  std::uint8_t side = 0;        // 0 forward side of the SF, 1 reverse side (from the path pairs)
  std::uint8_t next_proto = 0;  // NSH next protocol of the payload
  bool in_use = false;
  bool has_inner_macs = false;
  // Where to fix lengths/checksums in the stored outer header on return (0 = none).
  std::uint8_t outer_ip_off = 0;
  std::uint8_t outer_l4_off = 0;
  std::uint8_t outer_ip_version = 0;
  std::uint8_t outer_l4_proto = 0;  // an L2 payload whose MACs the mode rewrote: restored on return
  codec::MacAddr inner_dst{};
  codec::MacAddr inner_src{};
};

struct TableCounters {
  std::uint64_t inserted = 0;
  std::uint64_t evicted = 0;
  std::uint64_t expired = 0;
  std::uint64_t refused = 0;
  std::uint64_t released = 0;  // removed on retrieval (per-packet keys)
  std::size_t peak = 0;
};

class MappingTable {
 public:
  static constexpr std::uint32_t kNil = 0xFFFFFFFFu;

  // idle_ns <= 0: never expire. Headers referenced by entries are released into the stores on removal.
  MappingTable(std::size_t capacity, std::int64_t idle_ns, FullPolicy policy, HeaderStore& nsh_store,
               HeaderStore& outer_store);
  MappingTable(const MappingTable&) = delete;
  MappingTable& operator=(const MappingTable&) = delete;

  // Removes entries idle for longer than the idle time at `now_ns`.
  // Checked twice per packet and almost never due: the test is inline, the removal loop out of line.
  void expire(std::int64_t now_ns) {
    if (idle_ns_ > 0 && oldest_ != kNil && now_ns - lru_[oldest_].last_ts > idle_ns_) expire_due(now_ns);
  }
  [[nodiscard]] std::uint32_t find(const ScopeKey& scope) const { return find(scope, scope.hash()); }
  // With the scope's hash already computed (a miss followed by insert hashes once).
  [[nodiscard]] std::uint32_t find(const ScopeKey& scope, std::uint64_t hash) const;
  // A new entry for scope (must not exist). Full table: evicts the oldest or returns kNil (refused).
  // The caller fills the header fields; `ts` marks it witnessed.
  [[nodiscard]] std::uint32_t insert(const ScopeKey& scope, std::int64_t ts) {
    return insert(scope, ts, scope.hash());
  }
  [[nodiscard]] std::uint32_t insert(const ScopeKey& scope, std::int64_t ts, std::uint64_t hash);
  // Witnessed/retrieved: moves the entry to the newest end.
  void touch(std::uint32_t index, std::int64_t ts);
  void remove(std::uint32_t index);
  // Removes on retrieval (per-packet keys), counted as released.
  void release(std::uint32_t index);
  // State files: puts an entry back at its index (a fresh table only), then call finish_restore().
  bool restore(std::uint32_t index, const Entry& e, std::int64_t last_ts);
  void finish_restore();

  [[nodiscard]] Entry& at(std::uint32_t index) { return entries_[index]; }
  [[nodiscard]] const Entry& at(std::uint32_t index) const { return entries_[index]; }
  // When the entry was last witnessed (to the SF) or retrieved (from the SF), ns.
  [[nodiscard]] std::int64_t last_ts(std::uint32_t index) const { return lru_[index].last_ts; }
  [[nodiscard]] bool live(std::uint32_t index) const {
    return index < entries_.size() && entries_[index].in_use;
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return entries_.size(); }
  [[nodiscard]] const TableCounters& counters() const { return counters_; }
  [[nodiscard]] FullPolicy policy() const { return policy_; }
  [[nodiscard]] std::int64_t idle_ns() const { return idle_ns_; }
  // Oldest-first iteration for state dumps: fn(index, entry).
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::uint32_t i = oldest_; i != kNil; i = lru_[i].newer)
      fn(i, entries_[i]);
  }

 private:
  // The scope index: cells in groups of 16, each group with 16 control bytes (empty, deleted, or 7 bits of
  // the scope's hash) matched by one vector compare, and 16 entry numbers. A lookup reads one group's
  // control bytes and, only where one matches, that cell's entry; it stops at a group with an empty cell.
  // This replaced linear probing over 8-byte cells, whose probe and backward-shift loops ended at
  // data-dependent points: with the keys fewer than the flows (a full table, one eviction per packet), they
  // were about 3 of the 3.6 mispredicted branches per packet.
  [[nodiscard]] std::size_t home_group(std::uint64_t hash) const { return hash & (groups_ - 1); }
  void add_index(std::uint32_t i, std::uint64_t hash);
  // A full table: the oldest entry becomes scope's (see mapping_table.cpp).
  std::uint32_t evict_into(const ScopeKey& scope, std::int64_t ts, std::uint64_t hash);
  void erase_index(std::uint32_t i);
  void rebuild_index();
  // Before an index insert: more than one deleted cell per group on average is worth a rebuild.
  void rebuild_if_deleted_many() {
    if (deleted_ > groups_) rebuild_index();
  }
  // Every line of entry i (88 bytes span two or three), for a read or write that is coming.
  void prefetch_entry(std::uint32_t i) const {
    const char* e = reinterpret_cast<const char*>(&entries_[i]);
    __builtin_prefetch(e);
    __builtin_prefetch(e + 64);
    __builtin_prefetch(e + sizeof(Entry) - 1);
  }
  void unlink(std::uint32_t i);
  void link_newest(std::uint32_t i);
  void expire_due(std::int64_t now_ns);

  // LRU links and times, apart from the entries: moving an entry to the newest end rewrites its neighbours'
  // links, and the expiry check reads the oldest entry's time on every packet; in this compact array those
  // are cache hits, where in the entries they were misses.
  struct Links {  // set when the entry is linked
    std::uint32_t older;
    std::uint32_t newer;
    std::int64_t last_ts;
    // The entry's index cell: an eviction reads the victim's links anyway, and finds its cell there without
    // a search, a hash, or another cache miss.
    std::uint32_t cell;
  };
  // Sized for the capacity and zero until used (an all-zero Entry is not in use): a table whose limit is a
  // million keys costs only the pages its live entries reach.
  ZeroedArray<Entry> entries_;
  ZeroedArray<Links> lru_;
  std::vector<std::uint32_t> free_;      // removed entries, reused first (LIFO)
  std::size_t unused_ = 0;               // entries [unused_, capacity) were never handed out
  std::size_t groups_;                   // a power of two; cells = groups_ * 16 >= twice the capacity
  ZeroedArray<std::uint8_t> ctrl_;       // per cell: detail::kCtrlEmpty (zero pages), kCtrlDeleted, or used
  ZeroedArray<std::uint32_t> cell_ref_;  // per used cell: the entry
  std::size_t deleted_ = 0;              // deleted cells; past a bound the index is rebuilt without them
  HeaderStore* nsh_store_;
  HeaderStore* outer_store_;
  std::int64_t idle_ns_;
  FullPolicy policy_;
  std::uint32_t oldest_ = kNil;
  std::uint32_t newest_ = kNil;
  std::size_t size_ = 0;
  TableCounters counters_;
};

}  // namespace pktmap::sfc
