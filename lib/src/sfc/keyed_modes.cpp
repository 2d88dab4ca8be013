// Modes whose key is the entry index itself: mac, mac-pair (draft-04 §3 "MAC address", with the symmetric
// pair variant) and vlan ((direction, VID), draft-04 §3 "VLAN").
#include <cstring>

#include "mode_common.hpp"
#include "modes.hpp"

namespace pktmap::sfc {

using detail::found;
using detail::miss;

KeyedMode::KeyedMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer)
    : Mode(c), nsh_(&nsh), outer_(&outer), table_(mode_limit(c), c.idle_ns, c.policy, nsh, outer) {}

Outcome KeyedMode::to_sf(const ToSfPacket& p, FrameBuffer& frame) {
  if (frame.size() < codec::kEthernetHeaderLen) return invalid("sf_frame_too_short");
  const ScopeKey scope = make_scope(cfg_.per, p, frame.view());
  const std::uint64_t hash = scope.hash();
  std::uint32_t i = table_.find(scope, hash);
  if (i == MappingTable::kNil) {
    i = table_.insert(scope, p.ts, hash);
    if (i == MappingTable::kNil) return unsupported("table_full_refused");
    detail::fill_entry(table_.at(i), p, *nsh_, *outer_);
  } else {
    table_.touch(i, p.ts);
  }
  return encode(i, table_.at(i), p, frame);
}

FromSfResult KeyedMode::from_sf(FrameBuffer& frame, std::uint8_t side, std::int64_t ts) {
  if (frame.size() < codec::kEthernetHeaderLen) return miss("sf_frame_too_short");
  bool reversed = false;
  std::uint32_t i = MappingTable::kNil;
  Outcome o = decode(frame, i, reversed);
  if (!o.ok()) {
    FromSfResult r;
    r.outcome = o;
    return r;
  }
  if (!table_.live(i)) return miss("key_unknown");
  Entry& e = table_.at(i);
  if (side != kSideUnknown && side != e.side && uses_side()) reversed = true;
  if (e.has_inner_macs) {  // put back the payload frame's own addresses (swapped for a reply)
    detail::put_mac(frame.data(), reversed ? e.inner_src : e.inner_dst);
    detail::put_mac(frame.data() + 6, reversed ? e.inner_dst : e.inner_src);
  }
  if (cfg_.per == Granularity::packet && !reversed) return detail::found_once(table_, i, reversed);
  table_.touch(i, ts);
  return found(e, reversed);
}

// mac: one locally administered source MAC per key.
Outcome MacMode::encode(std::uint32_t i, Entry& e, const ToSfPacket& p, FrameBuffer& frame) {
  std::uint8_t* f = frame.data();
  if (p.next_proto == codec::nsh_np::ethernet && !e.has_inner_macs) {
    detail::get_mac(f, e.inner_dst);
    detail::get_mac(f + 6, e.inner_src);
    e.has_inner_macs = true;
  }
  detail::put_mac(f + 6, key_mac(i, 0));
  return ok_outcome();
}

Outcome MacMode::decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) {
  const std::uint8_t* s = frame.data() + 6;
  if (!from_pool(s, 0)) return unsupported("mac_not_from_pool");
  index = key_index(s);
  reversed = false;
  return ok_outcome();
}

codec::MacAddr KeyedMode::key_mac(std::uint32_t i, std::uint8_t lane) const {
  codec::MacAddr m = cfg_.mac_base;
  m[2] = static_cast<std::uint8_t>(m[2] + lane);
  m[3] = static_cast<std::uint8_t>(i >> 16);
  m[4] = static_cast<std::uint8_t>(i >> 8);
  m[5] = static_cast<std::uint8_t>(i);
  return m;
}
bool KeyedMode::from_pool(const std::uint8_t* mac, std::uint8_t lane) const {
  return mac[0] == cfg_.mac_base[0] && mac[1] == cfg_.mac_base[1] &&
         mac[2] == static_cast<std::uint8_t>(cfg_.mac_base[2] + lane);
}
std::uint32_t KeyedMode::key_index(const std::uint8_t* mac) {
  return load_be24(mac + 3);
}

// mac-pair: a unique (src, dst) pair per key; the swapped pair is the same key in the other direction.
Outcome MacPairMode::encode(std::uint32_t i, Entry& e, const ToSfPacket& p, FrameBuffer& frame) {
  std::uint8_t* f = frame.data();
  if (p.next_proto == codec::nsh_np::ethernet && !e.has_inner_macs) {
    detail::get_mac(f, e.inner_dst);
    detail::get_mac(f + 6, e.inner_src);
    e.has_inner_macs = true;
  }
  detail::put_mac(f, key_mac(i, 2));
  detail::put_mac(f + 6, key_mac(i, 1));
  return ok_outcome();
}

Outcome MacPairMode::decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) {
  const std::uint8_t* d = frame.data();
  const std::uint8_t* s = d + 6;
  if (from_pool(s, 1) && from_pool(d, 2))
    reversed = false;
  else if (from_pool(s, 2) && from_pool(d, 1))
    reversed = true;
  else
    return unsupported("mac_pair_not_from_pool");
  index = key_index(s);
  if (key_index(d) != index) return unsupported("mac_pair_mismatch");
  return ok_outcome();
}

// vlan: a pushed 802.1Q tag, VID = the range's first + index. The direction is the SF side the frame comes
// back on.
Outcome VlanMode::encode(std::uint32_t i, Entry&, const ToSfPacket&, FrameBuffer& frame) {
  if (frame.headroom() < 4) return unsupported("no_headroom");
  codec::VlanTag tag{cfg_.vlan_tpid, 0, false, static_cast<std::uint16_t>(cfg_.vid_first + i)};
  frame.set_start(codec::push_vlan_tag(frame.data(), tag));
  return ok_outcome();
}

Outcome VlanMode::decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) {
  if (frame.size() < 18 || !codec::is_vlan_tpid(load_be16(frame.data() + 12)))
    return unsupported("vlan_tag_missing");
  const std::uint16_t vid = load_be16(frame.data() + 14) & 0x0fff;
  if (vid == 0 || vid == 0xfff) return unsupported("vlan_vid_reserved");
  if (vid < cfg_.vid_first || vid > cfg_.vid_last) return unsupported("vlan_vid_not_ours");
  index = vid - std::uint32_t{cfg_.vid_first};
  reversed = false;
  frame.set_start(codec::pop_vlan_tag(frame.data()));
  return ok_outcome();
}

}  // namespace pktmap::sfc
