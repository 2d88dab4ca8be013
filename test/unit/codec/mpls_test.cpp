#include "pktmap/codec/mpls.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// `n` label stack entries, bottom-of-stack on the last when `bottom`, then `tail` payload bytes.
std::vector<std::uint8_t> stack(std::size_t n, bool bottom, std::size_t tail) {
  std::vector<std::uint8_t> out(n * 4 + tail, 0x45);
  ByteWriter w(out);
  for (std::size_t i = 0; i < n; ++i)
    write_mpls_entry(
        w,
        {.label = 100 + static_cast<std::uint32_t>(i), .tc = 0, .bottom = bottom && i + 1 == n, .ttl = 64});
  return out;
}
}  // namespace

TEST_CASE("MPLS label stack: entries up to bottom of stack, then the payload", "[codec][mpls]") {
  auto bytes = stack(3, true, 20);
  auto r = parse_mpls(test::view(bytes));
  REQUIRE(r.ok());
  CHECK(r->count == 3);
  CHECK(r->entries[2].label == 102);
  CHECK(r->entries[2].bottom);
  CHECK(r->payload.size() == 20);
  CHECK(r->payload.data() == bytes.data() + 12);
}

TEST_CASE("MPLS: too many labels keeps payload after the entries kept", "[codec][mpls][regression]") {
  // Nine entries without bottom of stack: the ninth was once read and dropped, so payload started 4 bytes
  // late (found by fuzz_mpls: payload must be the bytes after the `count` entries).
  auto bytes = stack(kMaxMplsLabels + 1, false, 8);
  auto r = parse_mpls(test::view(bytes));
  CHECK(r.name() == "mpls_too_many_labels");
  CHECK(r->count == kMaxMplsLabels);
  CHECK(r->payload.data() == bytes.data() + 4 * kMaxMplsLabels);
  CHECK(r->payload.size() == bytes.size() - 4 * kMaxMplsLabels);
  // Eight entries and nothing after them: the stack is cut, not too deep.
  auto cut = stack(kMaxMplsLabels, false, 2);
  auto c = parse_mpls(test::view(cut));
  CHECK(c.name() == "mpls_truncated");
  CHECK(c->payload.size() == 2);
}
