#pragma once
// Helpers shared by the mode classes (internal).
#include "pktmap/codec/nsh.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/sfc/mode.hpp"
#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::sfc::detail {

// Records the packet's header in a fresh entry (retains the interned headers it keeps).
inline void fill_entry(Entry& e, const ToSfPacket& p, HeaderStore& nsh, HeaderStore& outer) {
  e.nsh = p.nsh;
  e.outer = p.outer;
  nsh.retain(p.nsh);
  outer.retain(p.outer);
  e.spi = p.spi;
  e.si = p.si;
  e.side = p.side;
  e.next_proto = p.next_proto;
  e.outer_ip_off = p.outer_ip_off;
  e.outer_l4_off = p.outer_l4_off;
  e.outer_ip_version = p.outer_ip_version;
  e.outer_l4_proto = p.outer_l4_proto;
}

// A result pointing at the table entry (see FromSfResult).
inline FromSfResult found(const Entry& e, bool reversed) {
  FromSfResult r;
  r.entry = &e;
  r.reversed = reversed;
  return r;
}
// The same, for a per-packet key that goes once the caller has used it.
inline FromSfResult found_once(MappingTable& table, std::uint32_t i, bool reversed) {
  FromSfResult r = found(table.at(i), reversed);
  r.release_from = &table;
  r.release_index = i;
  return r;
}

inline FromSfResult miss(std::string_view name) {
  FromSfResult r;
  r.outcome = unsupported(name);
  return r;
}

inline void get_mac(const std::uint8_t* p, codec::MacAddr& m) {
  std::memcpy(m.data(), p, 6);
}
inline void put_mac(std::uint8_t* p, const codec::MacAddr& m) {
  std::memcpy(p, m.data(), 6);
}

// The bytes after the Ethernet header and any VLAN tags, and the ethertype found there.
struct L3Start {
  std::size_t offset = 0;
  std::uint16_t ethertype = 0;
  bool ok = false;
};
inline L3Start find_l3(ByteView frame) {
  L3Start r;
  if (frame.size() < codec::kEthernetHeaderLen) return r;
  std::size_t off = 12;
  std::uint16_t type = load_be16(frame.data() + off);
  while (codec::is_vlan_tpid(type)) {
    off += 4;
    if (frame.size() < off + 2) return r;
    type = load_be16(frame.data() + off);
  }
  r.offset = off + 2;
  r.ethertype = type;
  r.ok = true;
  return r;
}

}  // namespace pktmap::sfc::detail
