#include "pktmap/codec/gre.hpp"

#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::codec {

namespace {
constexpr std::uint16_t kC = 0x8000;
constexpr std::uint16_t kK = 0x2000;
constexpr std::uint16_t kS = 0x1000;
// RFC 2784 §2.3: bits 1-5 must be zero; RFC 2890 gave bits 2 (K) and 3 (S) a meaning.
constexpr std::uint16_t kMustBeZero = 0x4000 | 0x0800 | 0x0400;
}  // namespace

Result<GreView> parse_gre(ByteView data) {
  GreView v;
  ByteReader r(data);
  auto flags = r.be16();
  auto proto = r.be16();
  if (!flags || !proto) return {v, truncated("gre_truncated")};
  v.checksum_present = (*flags & kC) != 0;
  v.key_present = (*flags & kK) != 0;
  v.seq_present = (*flags & kS) != 0;
  v.reserved0 = static_cast<std::uint16_t>((*flags >> 3) & 0x0fff);
  v.version = *flags & 0x7;
  v.protocol_type = *proto;
  if (v.version != 0) return {v, unsupported("gre_version_unsupported")};
  if (*flags & kMustBeZero) return {v, invalid("gre_reserved_flags_set")};
  if (v.checksum_present) {
    auto c = r.be16();
    auto res = r.be16();
    if (!c || !res) return {v, truncated("gre_truncated")};
    v.checksum = *c;
    v.reserved1 = *res;
  }
  if (v.key_present) {
    auto k = r.be32();
    if (!k) return {v, truncated("gre_truncated")};
    v.key = *k;
  }
  if (v.seq_present) {
    auto s = r.be32();
    if (!s) return {v, truncated("gre_truncated")};
    v.seq = *s;
  }
  v.header = data.first(r.offset());
  v.payload = r.rest();
  return v;
}

bool gre_checksum_ok(ByteView gre_packet) {
  ByteReader r(gre_packet);
  auto flags = r.be16();
  if (!flags) return false;
  if (!(*flags & kC)) return true;
  return gre_packet.size() >= 8 && internet_checksum(gre_packet) == 0;
}

void write_gre(ByteWriter& w, const GreFields& f, ByteView payload) {
  const std::size_t start = w.size();
  w.be16(static_cast<std::uint16_t>((f.checksum ? kC : 0) | (f.key ? kK : 0) | (f.seq ? kS : 0)));
  w.be16(f.protocol_type);
  std::size_t csum_at = 0;
  if (f.checksum) {
    csum_at = w.reserve(2);
    w.be16(0);  // Reserved1
  }
  if (f.key) w.be32(*f.key);
  if (f.seq) w.be32(*f.seq);
  w.bytes(payload);
  if (!w.ok() || !f.checksum) return;
  w.patch_be16(csum_at, internet_checksum(w.written().subspan(start)));
}

}  // namespace pktmap::codec
