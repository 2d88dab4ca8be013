// nat mode: 5-tuple keys for SFs that rewrite addresses and ports (draft-song-sfc-legacy-sf-mapping-04 §4,
// "mapping rules 5-tuple -> 5-tuple'"). The header of a packet with tuple t is stored under rules(t), the
// tuple the SF will send back; a returned frame is looked up by its own tuple, then by its reverse (a
// reply the SF injected answers the translated flow). Nothing is written into the frame.
#include "mode_common.hpp"
#include "modes.hpp"

namespace pktmap::sfc {

NatMode::NatMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer)
    : TupleMode(c, nsh, outer, 0x40, "nat_frame_truncated", "nat_not_ip") {}

Outcome NatMode::to_sf(const ToSfPacket& p, FrameBuffer& frame) {
  if (!p.tuple) return unsupported("nat_payload_not_ip");
  flow::FiveTuple key = *p.tuple;
  const detail::L3Start l3 = detail::find_l3(frame.view());
  flow::FiveTuple from;
  if (cfg_.nat && l3.ok && !translate_packet(*cfg_.nat, frame.view().subspan(l3.offset), from, key))
    key = *p.tuple;  // no rule: the SF leaves the flow as it is
  return store(key, p);
}

}  // namespace pktmap::sfc
