#include "pktmap/codec/nsh.hpp"

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

std::uint32_t NshView::md1_word(int i) const {
  if (md_type != nsh_md::type1 || context.size() < kNshMd1ContextLen || i < 0 || i > 3) return 0;
  return load_be32(context.data() + 4 * i);
}

bool NshTlvIterator::next(NshTlv& tlv) {
  ByteReader r(ctx_.subspan(pos_));
  auto cls = r.be16();
  auto type = r.u8();
  auto len = r.u8();
  if (!cls || !type || !len) return false;
  tlv.md_class = *cls;
  tlv.type = *type;
  tlv.u_bit = (*len & 0x80) != 0;
  tlv.length = *len & 0x7f;
  auto value = r.bytes(tlv.length);
  if (!value) return false;
  tlv.value = *value;
  std::size_t padded = (std::size_t{tlv.length} + 3) & ~std::size_t{3};
  pos_ += 4 + padded;
  if (pos_ > ctx_.size()) pos_ = ctx_.size();
  return true;
}

// §2.5.1: each TLV is 4 bytes of header plus its value rounded up to 4; all must fit in Length.
Outcome detail::walk_nsh_tlvs(NshView& v) {
  ByteReader t(v.context);
  while (!t.empty()) {
    if (!t.has(4)) return invalid("nsh_tlv_truncated");
    auto len = t.peek_u8(3);
    std::size_t padded = (std::size_t{*len & 0x7fu} + 3) & ~std::size_t{3};
    if (!t.skip(4) || !t.skip(padded)) return invalid("nsh_tlv_overrun");
    if (v.tlv_count < 255) ++v.tlv_count;
  }
  return ok_outcome();
}

Result<NshView> parse_nsh(ByteView data) {
  NshView v;
  const Outcome o = parse_nsh(data, v);
  return {v, o};
}

void write_nsh(ByteWriter& w, const NshFields& f) {
  std::size_t ctx_words = (f.context.size() + 3) / 4;
  std::size_t words = 2 + ctx_words;
  if (words > 63) {
    w.zeros(w.remaining() + 1);  // forces the sticky failure flag
    return;
  }
  std::uint32_t w0 = (f.oam ? 1u << 29 : 0) | (f.u_bit ? 1u << 28 : 0) |
                     (std::uint32_t{f.ttl & 0x3fu} << 22) | (static_cast<std::uint32_t>(words) << 16) |
                     (std::uint32_t{f.unassigned & 0xfu} << 12) | (std::uint32_t{f.md_type & 0xfu} << 8) |
                     f.next_proto;
  w.be32(w0);
  w.be32((f.spi & 0xffffffu) << 8 | f.si);
  w.bytes(f.context);
  w.zeros(ctx_words * 4 - f.context.size());
}

void write_nsh_tlv(ByteWriter& w, std::uint16_t md_class, std::uint8_t type, ByteView value) {
  if (value.size() > 127) {
    w.zeros(w.remaining() + 1);
    return;
  }
  w.be16(md_class);
  w.u8(type);
  w.u8(static_cast<std::uint8_t>(value.size()));
  w.bytes(value);
  w.zeros(((value.size() + 3) & ~std::size_t{3}) - value.size());
}

const char* nsh_next_proto_name(std::uint8_t np) {
  switch (np) {
    case nsh_np::ipv4:
      return "ipv4";
    case nsh_np::ipv6:
      return "ipv6";
    case nsh_np::ethernet:
      return "ethernet";
    case nsh_np::nsh:
      return "nsh";
    case nsh_np::mpls:
      return "mpls";
    default:
      return "unknown";
  }
}

}  // namespace pktmap::codec
