#include "pktmap/codec/mpls.hpp"

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<MplsStack> parse_mpls(ByteView data) {
  MplsStack s;
  ByteReader r(data);
  for (;;) {
    auto w = r.be32();
    if (!w) {
      s.payload = r.rest();
      return {s, truncated("mpls_truncated")};
    }
    if (s.count == kMaxMplsLabels) {
      s.payload = r.rest();
      return {s, unsupported("mpls_too_many_labels")};
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
