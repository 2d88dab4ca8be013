#include "pktmap/codec/vxlan.hpp"

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<VxlanView> parse_vxlan(ByteView data) {
  VxlanView v;
  ByteReader r(data);
  auto hdr = r.bytes(kVxlanHeaderLen);
  if (!hdr) return {v, truncated("vxlan_truncated")};
  v.header = *hdr;
  v.flags = (*hdr)[0];
  v.i_flag = (v.flags & 0x08) != 0;
  v.vni = load_be24(hdr->data() + 4);
  v.payload = r.rest();
  return v;
}

void write_vxlan(ByteWriter& w, std::uint32_t vni) {
  w.be32(0x08000000u);
  w.be32((vni & 0xffffffu) << 8);
}

}  // namespace pktmap::codec
