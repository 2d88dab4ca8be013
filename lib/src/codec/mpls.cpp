#include "pktmap/codec/mpls.hpp"

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<MplsStack> parse_mpls(ByteView data) {
  MplsStack s;
  ByteReader r(data);
  for (;;) {
    // Checked before reading, so payload always starts right after the `count` entries kept.
    if (s.count == kMaxMplsLabels && r.has(4)) {
      s.payload = r.rest();
      return {s, unsupported("mpls_too_many_labels")};
    }
    auto w = r.be32();
    if (!w) {
      s.payload = r.rest();
      return {s, truncated("mpls_truncated")};
    }
    MplsEntry e{*w >> 12, static_cast<std::uint8_t>((*w >> 9) & 7), ((*w >> 8) & 1) != 0,
                static_cast<std::uint8_t>(*w & 0xff)};
    s.entries[s.count++] = e;
    if (e.bottom) break;
  }
  s.payload = r.rest();
  return s;
}

void write_mpls_entry(ByteWriter& w, const MplsEntry& e) {
  w.be32((e.label & 0xfffffu) << 12 | std::uint32_t{e.tc & 7u} << 9 | (e.bottom ? 1u << 8 : 0u) | e.ttl);
}

}  // namespace pktmap::codec
