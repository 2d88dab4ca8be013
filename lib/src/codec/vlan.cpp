#include "pktmap/codec/vlan.hpp"

#include <cstring>

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<VlanStack> parse_vlan_stack(std::uint16_t type, ByteView data) {
  VlanStack s;
  ByteReader r(data);
  while (is_vlan_tpid(type)) {
    if (s.count == kMaxVlanTags) {
      s.inner_ethertype = type;
      s.payload = r.rest();
      return {s, unsupported("vlan_too_many_tags")};
    }
    auto tci = r.be16();
    auto next = r.be16();
    if (!tci || !next) {
      s.payload = r.rest();
      return {s, truncated("vlan_truncated")};
    }
    s.tags[s.count++] = VlanTag::from_tci(type, *tci);
    type = *next;
  }
  s.inner_ethertype = type;
  s.payload = r.rest();
  return s;
}

void write_vlan_tag(ByteWriter& w, const VlanTag& tag, std::uint16_t next_ethertype) {
  w.be16(tag.tci());
  w.be16(next_ethertype);
}

}  // namespace pktmap::codec
