// qinq (draft-04 §3: outer VLAN per flow, inner VLAN per packet) and 5tuple (draft-04 §3, one entry per
// direction, L3 payloads), plus the mode factory.
#include <cstring>

#include "mode_common.hpp"
#include "modes.hpp"
#include "pktmap/flow/five_tuple.hpp"

namespace pktmap::sfc {

using detail::found;
using detail::miss;

namespace {
ScopeKey packet_scope(std::uint16_t outer_vid, std::uint16_t inner_vid) {
  ScopeKey s;
  s.w[0] = 0x10;
  s.w[1] = std::uint64_t{outer_vid} << 16 | inner_vid;
  return s;
}
}  // namespace

ScopeKey tuple_scope(const flow::FiveTuple& t, std::uint64_t tag) {
  ToSfPacket p;
  p.tuple = &t;
  ScopeKey s = make_scope(Granularity::flow, p, {});
  s.w[0] = tag;  // direction is in the tuple itself; path and side do not take part
  return s;
}

QinqMode::QinqMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer)
    : Mode(c),
      nsh_(&nsh),
      outer_(&outer),
      outer_keys_(4094, c.idle_ns, c.policy, nsh, outer),
      packets_(mode_limit(c), c.idle_ns, c.policy, nsh, outer) {}

Outcome QinqMode::to_sf(const ToSfPacket& p, FrameBuffer& frame) {
  if (frame.size() < codec::kEthernetHeaderLen) return invalid("sf_frame_too_short");
  if (frame.headroom() < 8) return unsupported("no_headroom");
  const ScopeKey scope = make_scope(cfg_.per, p, frame.view());
  std::uint32_t o = outer_keys_.find(scope);
  if (o == MappingTable::kNil) {
    o = outer_keys_.insert(scope, p.ts);
    if (o == MappingTable::kNil) return unsupported("table_full_refused");
  } else {
    outer_keys_.touch(o, p.ts);
  }
  Entry& oe = outer_keys_.at(o);
  const auto outer_vid = static_cast<std::uint16_t>(o + 1);
  const auto inner_vid = static_cast<std::uint16_t>(oe.aux % 4094 + 1);
  ++oe.aux;
  const ScopeKey ps = packet_scope(outer_vid, inner_vid);
  if (std::uint32_t old = packets_.find(ps); old != MappingTable::kNil) packets_.remove(old);  // VID reuse
  const std::uint32_t i = packets_.insert(ps, p.ts);
  if (i == MappingTable::kNil) return unsupported("table_full_refused");
  detail::fill_entry(packets_.at(i), p, *nsh_, *outer_);
  frame.set_start(codec::push_vlan_tag(frame.data(), {cfg_.vlan_tpid, 0, false, inner_vid}));
  frame.set_start(codec::push_vlan_tag(frame.data(), {cfg_.s_tpid, 0, false, outer_vid}));
  return ok_outcome();
}

FromSfResult QinqMode::from_sf(FrameBuffer& frame, std::uint8_t side, std::int64_t ts) {
  const std::uint8_t* f = frame.data();
  if (frame.size() < 22 || !codec::is_vlan_tpid(load_be16(f + 12)) || !codec::is_vlan_tpid(load_be16(f + 16)))
    return miss("qinq_tags_missing");
  const auto outer_vid = static_cast<std::uint16_t>(load_be16(f + 14) & 0x0fff);
  const auto inner_vid = static_cast<std::uint16_t>(load_be16(f + 18) & 0x0fff);
  const std::uint32_t i = packets_.find(packet_scope(outer_vid, inner_vid));
  if (i == MappingTable::kNil) return miss("key_unknown");
  frame.set_start(codec::pop_vlan_tag(frame.data()));
  frame.set_start(codec::pop_vlan_tag(frame.data()));
  const Entry& e = packets_.at(i);
  const bool reversed = side != kSideUnknown && side != e.side;
  if (!reversed) return detail::found_once(packets_, i, reversed);
  packets_.touch(i, ts);
  return found(e, reversed);
}

TupleMode::TupleMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer, std::uint64_t tag,
                     const char* truncated_name, const char* not_ip_name)
    : Mode(c),
      nsh_(&nsh),
      outer_(&outer),
      table_(mode_limit(c), c.idle_ns, c.policy, nsh, outer),
      tag_(tag),
      truncated_name_(truncated_name),
      not_ip_name_(not_ip_name) {}

Outcome TupleMode::store(const flow::FiveTuple& key, const ToSfPacket& p) {
  const ScopeKey scope = tuple_scope(key, tag_);
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

FromSfResult TupleMode::from_sf(FrameBuffer& frame, std::uint8_t, std::int64_t ts) {
  const detail::L3Start l3 = detail::find_l3(frame.view());
  if (!l3.ok) return miss(truncated_name_);
  auto t = flow::extract_five_tuple(frame.view().subspan(l3.offset));
  if (!t.ok() && t.name() != "flow_ports_truncated") return miss(not_ip_name_);
  bool reversed = false;
  std::uint32_t i = table_.find(tuple_scope(t->tuple, tag_));
  if (i == MappingTable::kNil) {
    i = table_.find(tuple_scope(t->tuple.reversed(), tag_));
    reversed = true;
  }
  if (i == MappingTable::kNil) return miss("key_unknown");
  table_.touch(i, ts);
  return found(table_.at(i), reversed);
}

FiveTupleMode::FiveTupleMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer)
    : TupleMode(c, nsh, outer, 0x20, "5tuple_frame_truncated", "5tuple_not_ip") {}

Outcome FiveTupleMode::to_sf(const ToSfPacket& p, FrameBuffer&) {
  if (!p.tuple) return unsupported("5tuple_payload_not_ip");
  return store(*p.tuple, p);
}

std::unique_ptr<Mode> make_mode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer) {
  switch (c.kind) {
    case ModeKind::mac:
      return std::make_unique<MacMode>(c, nsh, outer);
    case ModeKind::mac_pair:
      return std::make_unique<MacPairMode>(c, nsh, outer);
    case ModeKind::vlan:
      return std::make_unique<VlanMode>(c, nsh, outer);
    case ModeKind::qinq:
      return std::make_unique<QinqMode>(c, nsh, outer);
    case ModeKind::five_tuple:
      return std::make_unique<FiveTupleMode>(c, nsh, outer);
    case ModeKind::vxlan:
      return std::make_unique<VxlanMode>(c, nsh, outer);
    case ModeKind::nat:
      return std::make_unique<NatMode>(c, nsh, outer);
  }
  return nullptr;
}

}  // namespace pktmap::sfc
