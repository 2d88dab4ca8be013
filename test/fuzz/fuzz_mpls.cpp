// MPLS label stack (RFC 3032 §2.1): parse_mpls, and write_mpls_entry re-encoding every entry to the same
// four bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_check.hpp"
#include "pktmap/codec/mpls.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_mpls(in);
  const MplsStack& s = r.value();
  PKTMAP_FUZZ_CHECK(s.count <= kMaxMplsLabels && within(s.payload, in));
  PKTMAP_FUZZ_CHECK(std::size_t{s.count} * 4 <= size);
  PKTMAP_FUZZ_CHECK(s.payload.size() == size - std::size_t{s.count} * 4);
  if (r.ok()) {
    PKTMAP_FUZZ_CHECK(s.count >= 1 && s.entries[s.count - 1].bottom);
  } else {
    PKTMAP_FUZZ_CHECK(r.name() == "mpls_truncated" || r.name() == "mpls_too_many_labels");
  }
  for (std::uint8_t i = 0; i < s.count; ++i) {
    const MplsEntry& e = s.entries[i];
    PKTMAP_FUZZ_CHECK(e.label <= 0xfffff && e.tc <= 7);
    if (i + 1 < s.count) PKTMAP_FUZZ_CHECK(!e.bottom);
    std::array<std::uint8_t, 4> out{};
    ByteWriter w(out);
    write_mpls_entry(w, e);
    PKTMAP_FUZZ_CHECK(w.ok() && std::memcmp(out.data(), data + 4 * i, 4) == 0);
  }
  return 0;
}
