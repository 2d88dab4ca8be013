#pragma once
// IEEE 802.1Q C-tags and 802.1ad S-tags, stacked to any depth (QinQ and beyond).
//  | TPID (16) | PCP (3) | DEI (1) | VID (12) |   -- the TPID is the ethertype slot before the tag
#include <array>
#include <cstdint>
#include <cstring>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

struct VlanTag {
  std::uint16_t tpid = 0;  // 0x8100, 0x88A8 or 0x9100 (or a configured one)
  std::uint8_t pcp = 0;
  bool dei = false;
  std::uint16_t vid = 0;
  [[nodiscard]] constexpr std::uint16_t tci() const {
    return static_cast<std::uint16_t>((pcp & 7) << 13 | (dei ? 0x1000 : 0) | (vid & 0x0fff));
  }
  static constexpr VlanTag from_tci(std::uint16_t tpid, std::uint16_t tci) {
    return VlanTag{tpid, static_cast<std::uint8_t>(tci >> 13), (tci & 0x1000) != 0,
                   static_cast<std::uint16_t>(tci & 0x0fff)};
  }
};

inline constexpr std::size_t kMaxVlanTags = 8;

struct VlanStack {
  std::array<VlanTag, kMaxVlanTags> tags{};  // outermost first
  std::uint8_t count = 0;
  std::uint16_t inner_ethertype = 0;  // the ethertype after the last tag
  ByteView payload;                   // bytes after the last tag
};

// True for the TPIDs recognised by default: 0x8100, 0x88A8, 0x9100.
constexpr bool is_vlan_tpid(std::uint16_t type) {
  return type == 0x8100 || type == 0x88A8 || type == 0x9100;
}

// Walks tags starting with `type` (the ethertype slot that precedes `data`) while the type is a TPID.
// More than kMaxVlanTags tags gives unsupported "vlan_too_many_tags".
Result<VlanStack> parse_vlan_stack(std::uint16_t type, ByteView data);

// Writes the 2-byte TCI followed by the next ethertype (the TPID itself is the previous header's type field).
void write_vlan_tag(ByteWriter& w, const VlanTag& tag, std::uint16_t next_ethertype);

// In-place push/pop on an Ethernet frame with headroom: only the 12 MAC bytes move, through registers
// (inline, fixed size: the proxy does this twice per packet).
// push: `frame` must have 4 writable bytes before it; returns the new frame start (frame - 4).
inline std::uint8_t* push_vlan_tag(std::uint8_t* frame, const VlanTag& tag) {
  std::uint8_t macs[12];
  std::memcpy(macs, frame, 12);
  std::uint8_t* start = frame - 4;
  std::memcpy(start, macs, 12);
  const std::uint16_t tci = tag.tci();
  start[12] = static_cast<std::uint8_t>(tag.tpid >> 8);
  start[13] = static_cast<std::uint8_t>(tag.tpid);
  start[14] = static_cast<std::uint8_t>(tci >> 8);
  start[15] = static_cast<std::uint8_t>(tci);
  return start;
}
// pop: removes the first tag (the frame must hold at least 18 bytes); returns the new start (frame + 4).
inline std::uint8_t* pop_vlan_tag(std::uint8_t* frame) {
  std::uint8_t macs[12];
  std::memcpy(macs, frame, 12);
  std::memcpy(frame + 4, macs, 12);
  return frame + 4;
}

}  // namespace pktmap::codec
