// VXLAN (RFC 7348) and VXLAN-GPE: parse_vxlan, parse_vxlan_gpe, the inner dispatch, and VNI round trips.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/codec/vxlan.hpp"
#include "pktmap/codec/vxlan_gpe.hpp"

using namespace pktmap;
using namespace pktmap::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);

  auto vx = parse_vxlan(in);
  if (vx.ok()) {
    PKTMAP_FUZZ_CHECK(size >= kVxlanHeaderLen && vx->header.data() == data);
    PKTMAP_FUZZ_CHECK(vx->payload.size() == size - kVxlanHeaderLen);
    PKTMAP_FUZZ_CHECK(vx->vni <= 0xffffff && vx->i_flag == ((data[0] & 0x08) != 0));
    std::uint8_t out[kVxlanHeaderLen];
    ByteWriter w(out);
    write_vxlan(w, vx->vni);
    auto back = parse_vxlan(w.written());
    PKTMAP_FUZZ_CHECK(w.ok() && back.ok() && back->vni == vx->vni && back->i_flag);
    (void)parse_ethernet(vx->payload);
  } else {
    PKTMAP_FUZZ_CHECK(size < kVxlanHeaderLen);
  }

  auto gpe = parse_vxlan_gpe(in);
  if (!gpe.ok()) {
    PKTMAP_FUZZ_CHECK(size < kVxlanGpeHeaderLen || ((data[0] >> 4) & 3) != 0);
    return 0;
  }
  PKTMAP_FUZZ_CHECK(gpe->version == 0 && gpe->header.data() == data);
  PKTMAP_FUZZ_CHECK(gpe->payload.size() == size - kVxlanGpeHeaderLen);
  std::uint8_t out[kVxlanGpeHeaderLen];
  ByteWriter w(out);
  write_vxlan_gpe(w, {.next_proto = gpe->next_proto, .vni = gpe->vni, .oam = gpe->o_flag});
  auto back = parse_vxlan_gpe(w.written());
  PKTMAP_FUZZ_CHECK(w.ok() && back.ok());
  PKTMAP_FUZZ_CHECK(back->vni == gpe->vni && back->next_proto == gpe->next_proto &&
                    back->o_flag == gpe->o_flag);
  PKTMAP_FUZZ_CHECK(back->p_flag && back->i_flag);
  switch (gpe->effective_next_proto()) {
    case gpe_np::ethernet:
      (void)parse_ethernet(gpe->payload);
      break;
    case gpe_np::nsh:
      (void)parse_nsh(gpe->payload);
      break;
    default:
      break;
  }
  return 0;
}
