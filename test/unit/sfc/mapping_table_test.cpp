#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "pktmap/sfc/mapping_table.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {
ScopeKey scope(std::uint64_t v) {
  ScopeKey s;
  s.w[0] = 1;
  s.w[1] = v;
  return s;
}

// n keys whose hashes share their low bits in `of` out of 8 cases (1: one home group in 8), so that they
// crowd a few index groups of a small table.
std::vector<ScopeKey> crowded_keys(std::size_t n, std::uint64_t of) {
  std::vector<ScopeKey> keys;
  for (std::uint64_t v = 0; keys.size() < n; ++v)
    if ((scope(v).hash() & 7) < of) keys.push_back(scope(v));
  return keys;
}
}  // namespace

TEST_CASE("mapping table: find, insert, idle expiry on packet time") {
  HeaderStore n(8, 32), o(8, 32);
  MappingTable t(4, 100, FullPolicy::evict_oldest, n, o);
  const auto h = test::hex("0fc60101000065ff");
  const std::uint32_t a = t.insert(scope(1), 0);
  REQUIRE(a != MappingTable::kNil);
  t.at(a).nsh = n.intern(test::view(h));
  const std::uint32_t b = t.insert(scope(2), 50);
  CHECK(t.find(scope(1)) == a);
  CHECK(t.find(scope(2)) == b);
  CHECK(t.find(scope(3)) == MappingTable::kNil);
  t.expire(120);  // a idle 120 > 100, b idle 70
  CHECK(t.find(scope(1)) == MappingTable::kNil);
  CHECK(t.find(scope(2)) == b);
  CHECK(t.counters().expired == 1);
  CHECK(n.live() == 0);  // the expired entry released its header
  t.touch(b, 200);
  t.expire(250);
  CHECK(t.find(scope(2)) == b);
}

TEST_CASE("mapping table: full table evicts the least recently used, or refuses") {
  HeaderStore n(8, 8), o(8, 8);
  MappingTable evict(2, 0, FullPolicy::evict_oldest, n, o);
  const auto a = evict.insert(scope(1), 1);
  CHECK(evict.insert(scope(2), 2) != MappingTable::kNil);
  evict.touch(a, 3);  // 2 is now the oldest
  CHECK(evict.insert(scope(3), 4) != MappingTable::kNil);
  CHECK(evict.find(scope(2)) == MappingTable::kNil);
  CHECK(evict.find(scope(1)) == a);
  CHECK(evict.counters().evicted == 1);
  CHECK(evict.counters().peak == 2);

  MappingTable refuse(2, 0, FullPolicy::refuse, n, o);
  CHECK(refuse.insert(scope(1), 1) != MappingTable::kNil);
  CHECK(refuse.insert(scope(2), 2) != MappingTable::kNil);
  CHECK(refuse.insert(scope(3), 3) == MappingTable::kNil);
  CHECK(refuse.counters().refused == 1);
  CHECK(refuse.find(scope(1)) != MappingTable::kNil);
}

TEST_CASE("mapping table: removal keeps every other entry reachable") {
  HeaderStore n(8, 8), o(8, 8);
  MappingTable t(300, 0, FullPolicy::refuse, n, o);
  for (std::uint64_t i = 0; i < 300; ++i)
    REQUIRE(t.insert(scope(i), 0) != MappingTable::kNil);
  for (std::uint64_t i = 0; i < 300; i += 3)
    t.release(t.find(scope(i)));
  for (std::uint64_t i = 0; i < 300; ++i)
    CHECK((t.find(scope(i)) == MappingTable::kNil) == (i % 3 == 0));
  CHECK(t.counters().released == 100);
  CHECK(t.size() == 200);
}

// Keys that all hash to the index's first group, so that it fills, spills into the next groups, and its
// removed cells must be marked deleted (not empty) for the spilled keys to stay reachable. A table of
// capacity 64 has 128 cells in 8 groups of 16 (mapping_table.hpp); with another layout the test still checks
// the same answers, only with fewer collisions.
TEST_CASE("mapping table: keys crowding one index group stay reachable through removals and reuse") {
  const std::vector<ScopeKey> crowd = crowded_keys(200, 1);
  HeaderStore n(8, 8), o(8, 8);
  MappingTable t(64, 0, FullPolicy::refuse, n, o);
  std::vector<bool> in(crowd.size(), false);
  auto check_all = [&] {
    for (std::size_t k = 0; k < crowd.size(); ++k) {
      const std::uint32_t i = t.find(crowd[k]);
      REQUIRE((i != MappingTable::kNil) == in[k]);
      if (in[k]) REQUIRE(t.at(i).scope == crowd[k]);
    }
  };
  for (std::size_t k = 0; k < 40; ++k) {  // 16 fill the group, 24 spill over
    REQUIRE(t.insert(crowd[k], 0) != MappingTable::kNil);
    in[k] = true;
  }
  check_all();
  for (std::size_t k = 0; k < 40; k += 2) {  // from the full group and from the spill
    t.release(t.find(crowd[k]));
    in[k] = false;
  }
  check_all();
  // Many removals and inserts: deleted cells are reused, and rebuilt away once there are many.
  std::mt19937 rng(7);
  for (int step = 0; step < 5000; ++step) {
    const std::size_t k = rng() % crowd.size();
    if (in[k]) {
      t.release(t.find(crowd[k]));
      in[k] = false;
    } else if (t.size() < t.capacity()) {
      REQUIRE(t.insert(crowd[k], step) != MappingTable::kNil);
      in[k] = true;
    }
    if (step % 50 == 0) check_all();
  }
  check_all();
  std::size_t live = 0;
  for (bool b : in)
    live += b;
  CHECK(t.size() == live);
}

// The same, with a full table evicting its oldest entry on every insert (the proxy's common case).
TEST_CASE("mapping table: a full table evicting on every insert keeps its index exact") {
  const std::vector<ScopeKey> crowd = crowded_keys(300, 2);
  HeaderStore n(8, 8), o(8, 8);
  MappingTable t(64, 0, FullPolicy::evict_oldest, n, o);
  std::vector<std::size_t> order;  // the model: keys oldest first
  std::mt19937 rng(11);
  for (int step = 0; step < 20000; ++step) {
    const std::size_t k = rng() % crowd.size();
    const std::uint32_t i = t.find(crowd[k]);
    auto at = std::find(order.begin(), order.end(), k);
    REQUIRE((i != MappingTable::kNil) == (at != order.end()));
    if (i != MappingTable::kNil) {
      t.touch(i, step);
      order.erase(at);
    } else {
      REQUIRE(t.insert(crowd[k], step) != MappingTable::kNil);
      if (order.size() == 64) order.erase(order.begin());
    }
    order.push_back(k);
  }
  CHECK(t.counters().evicted == t.counters().inserted - 64);
  std::vector<std::size_t> oldest_first;
  t.for_each([&](std::uint32_t, const Entry& e) {
    for (std::size_t k = 0; k < crowd.size(); ++k)
      if (crowd[k] == e.scope) oldest_first.push_back(k);
  });
  CHECK(oldest_first == order);
}

namespace {
long rss_kib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmRSS: %ld", &kib) == 1) break;
  std::fclose(f);
  return kib;
}
}  // namespace

// A table sized for a million keys and a full-size header store are zero pages until used: memory follows
// the entries in use, not the limit (a small run used to pay 1,400 page faults to build them).
TEST_CASE("mapping table: a large limit costs memory only for the entries used") {
  const long before = rss_kib();
  REQUIRE(before > 0);
  HeaderStore n(65536, 256), o(65536, 64);
  MappingTable t(1'000'000, 0, FullPolicy::evict_oldest, n, o);  // about 160 MB if written out
  const auto h = test::hex("0fc60101000065ff");
  for (std::uint64_t v = 0; v < 1000; ++v) {
    const std::uint32_t i = t.insert(scope(v), static_cast<std::int64_t>(v));
    REQUIRE(i != MappingTable::kNil);
    t.at(i).nsh = n.intern(test::view(h));
  }
  CHECK(t.size() == 1000);
  CHECK(t.find(scope(999)) != MappingTable::kNil);
  CHECK_FALSE(t.live(999'999));  // an entry never handed out reads as not in use
  CHECK(n.live() == 1);
  CHECK(rss_kib() - before < 16 * 1024);
}
