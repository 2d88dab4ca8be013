#include "pktmap/codec/vxlan_gpe.hpp"

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<VxlanGpeView> parse_vxlan_gpe(ByteView data) {
  VxlanGpeView v;
  ByteReader r(data);
  auto hdr = r.bytes(kVxlanGpeHeaderLen);
  if (!hdr) return {v, truncated("vxlan_gpe_truncated")};
  const std::uint8_t* p = hdr->data();
  v.header = *hdr;
  v.flags = p[0];
  v.version = (p[0] >> 4) & 0x3;
  v.i_flag = (p[0] & 0x08) != 0;
  v.p_flag = (p[0] & 0x04) != 0;
  v.b_flag = (p[0] & 0x02) != 0;
  v.o_flag = (p[0] & 0x01) != 0;
  v.next_proto = p[3];
  v.vni = load_be24(p + 4);
  v.payload = r.rest();
  if (v.version != 0) return {v, unsupported("vxlan_gpe_version_unsupported")};
  return v;
}

void write_vxlan_gpe(ByteWriter& w, const VxlanGpeFields& f) {
  w.u8(static_cast<std::uint8_t>(0x08 | 0x04 | (f.oam ? 0x01 : 0)));  // I and P set
  w.be16(0);
  w.u8(f.next_proto);
  w.be32((f.vni & 0xffffffu) << 8);
}

}  // namespace pktmap::codec
