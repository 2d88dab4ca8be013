// Ethernet + 802.1Q/802.1ad tag stacks: parse_ethernet, parse_vlan_stack, re-encoding and in-place push/pop.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/vlan.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {

void check_stack(const Result<VlanStack>& s, std::uint16_t type, ByteView data) {
  PKTMAP_FUZZ_CHECK(s->count <= kMaxVlanTags);
  PKTMAP_FUZZ_CHECK(s->payload.empty() ||
                    (s->payload.data() >= data.data() &&
                     s->payload.data() + s->payload.size() == data.data() + data.size()));
  if (!s.ok()) return;
  PKTMAP_FUZZ_CHECK(!is_vlan_tpid(s->inner_ethertype));
  PKTMAP_FUZZ_CHECK(s->payload.size() == data.size() - 4u * s->count);
  // Tags re-encode to the bytes they came from, and the TCI packing round-trips.
  std::vector<std::uint8_t> out(4u * s->count);
  ByteWriter w(out);
  for (std::size_t i = 0; i < s->count; ++i) {
    const VlanTag& t = s->tags[i];
    PKTMAP_FUZZ_CHECK(is_vlan_tpid(t.tpid) && (i != 0 || t.tpid == type));
    PKTMAP_FUZZ_CHECK(VlanTag::from_tci(t.tpid, t.tci()).tci() == t.tci());
    write_vlan_tag(w, t, i + 1 < s->count ? s->tags[i + 1].tpid : s->inner_ethertype);
  }
  PKTMAP_FUZZ_CHECK(w.ok());
  PKTMAP_FUZZ_CHECK(out.empty() || std::memcmp(out.data(), data.data(), out.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);

  // The tag walker on its own, with the first two bytes as the preceding ethertype.
  if (size >= 2) {
    std::uint16_t type = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
    check_stack(parse_vlan_stack(type, in.subspan(2)), type, in.subspan(2));
  }
  // MAC text parsing must never read past 17 characters.
  MacAddr parsed{};
  (void)parse_mac(std::string_view(reinterpret_cast<const char*>(data), size < 20 ? size : 20), parsed);

  auto eth = parse_ethernet(in);
  if (!eth.ok()) {
    PKTMAP_FUZZ_CHECK(size < kEthernetHeaderLen);
    return 0;
  }
  PKTMAP_FUZZ_CHECK(eth->header.data() == data && eth->header.size() == kEthernetHeaderLen);
  PKTMAP_FUZZ_CHECK(eth->payload.size() == size - kEthernetHeaderLen);
  std::uint8_t hdr[kEthernetHeaderLen];
  ByteWriter w(hdr);
  write_ethernet(w, eth->dst, eth->src, eth->ethertype);
  PKTMAP_FUZZ_CHECK(w.ok() && std::memcmp(hdr, data, kEthernetHeaderLen) == 0);
  char text[18];
  MacAddr back{};
  PKTMAP_FUZZ_CHECK(parse_mac(format_mac(eth->dst, text), back) && back == eth->dst);

  check_stack(parse_vlan_stack(eth->ethertype, eth->payload), eth->ethertype, eth->payload);

  // push then pop a tag in place: the frame comes back unchanged.
  {
    std::vector<std::uint8_t> buf(size + 4);
    std::memcpy(buf.data() + 4, data, size);
    std::uint8_t* f = push_vlan_tag(buf.data() + 4, VlanTag::from_tci(0x8100, 0x2064));
    PKTMAP_FUZZ_CHECK(f == buf.data());
    auto tagged = parse_ethernet(ByteView(f, size + 4));
    PKTMAP_FUZZ_CHECK(tagged.ok() && tagged->ethertype == 0x8100);
    auto st = parse_vlan_stack(tagged->ethertype, tagged->payload);
    PKTMAP_FUZZ_CHECK(st->count >= 1 && st->tags[0].vid == 0x064 && st->tags[0].pcp == 1);
    f = pop_vlan_tag(f);
    PKTMAP_FUZZ_CHECK(f == buf.data() + 4 && std::memcmp(f, data, size) == 0);
  }
  return 0;
}
