// nat mode: 5-tuple keys for SFs that rewrite addresses and ports (draft-song-sfc-legacy-sf-mapping-04 §4,
// "mapping rules 5-tuple -> 5-tuple'"). The header of a packet with tuple t is stored under rules(t), the
// tuple the SF will send back; a returned frame is looked up by its own tuple, then by its reverse (a
// reply the SF injected answers the translated flow). Nothing is written into the frame.
#include "mode_common.hpp"
#include "modes.hpp"

namespace pktmap::sfc {

using detail::found;
using detail::miss;

namespace {
constexpr std::uint64_t kNatTag = 0x40;
}  // namespace

NatMode::NatMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer)
    : Mode(c),
      nsh_(&nsh),
      outer_(&outer),
      table_(c.limit ? c.limit : default_limit(c.kind), c.idle_ns, c.policy, nsh, outer) {}

Outcome NatMode::to_sf(const ToSfPacket& p, FrameBuffer& frame) {
  if (!p.tuple) return unsupported("nat_payload_not_ip");
  flow::FiveTuple key = *p.tuple;
  const detail::L3Start l3 = detail::find_l3(frame.view());
  flow::FiveTuple from;
  if (cfg_.nat && l3.ok && !translate_packet(*cfg_.nat, frame.view().subspan(l3.offset), from, key))
    key = *p.tuple;  // no rule: the SF leaves the flow as it is
  const ScopeKey scope = tuple_scope(key, kNatTag);
  std::uint32_t i = table_.find(scope);
  if (i == MappingTable::kNil) {
    i = table_.insert(scope, p.ts);
    if (i == MappingTable::kNil) return unsupported("table_full_refused");
    detail::fill_entry(table_.at(i), p, *nsh_, *outer_);
  } else {
    table_.touch(i, p.ts);
  }
  return ok_outcome();
}

FromSfResult NatMode::from_sf(FrameBuffer& frame, std::uint8_t, std::int64_t ts) {
  const detail::L3Start l3 = detail::find_l3(frame.view());
  if (!l3.ok) return miss("nat_frame_truncated");
  auto t = flow::extract_five_tuple(frame.view().subspan(l3.offset));
  if (!t.ok() && t.name() != "flow_ports_truncated") return miss("nat_not_ip");
  bool reversed = false;
  std::uint32_t i = table_.find(tuple_scope(t->tuple, kNatTag));
  if (i == MappingTable::kNil) {
    i = table_.find(tuple_scope(t->tuple.reversed(), kNatTag));
    reversed = true;
  }
  if (i == MappingTable::kNil) return miss("key_unknown");
  table_.touch(i, ts);
  return found(table_.at(i), reversed, *nsh_, *outer_);
}

}  // namespace pktmap::sfc
