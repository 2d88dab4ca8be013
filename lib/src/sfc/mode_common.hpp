#pragma once
// Helpers shared by the mode classes (internal).
#include <bit>
#include <cstring>

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

// 8 bytes as a big-endian word (the value state files hold).
inline std::uint64_t pack16(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

}  // namespace pktmap::sfc::detail

namespace pktmap::sfc {

// The scope a key stands for at granularity g. Inline: the keyed modes build one per packet.
inline ScopeKey make_scope(Granularity g, const ToSfPacket& p, ByteView frame) {
  ScopeKey s;
  s.w[0] = (static_cast<std::uint64_t>(g) + 1) | std::uint64_t{p.side} << 4 | std::uint64_t{p.si} << 8 |
           std::uint64_t{p.spi} << 16;
  if (g == Granularity::packet) {
    s.w[1] = p.serial;
  } else if (g == Granularity::flow) {
    if (p.tuple) {
      const auto& t = *p.tuple;
      s.w[1] = t.ip_version | std::uint64_t{t.proto} << 8 | std::uint64_t{t.sport} << 16 |
               std::uint64_t{t.dport} << 32;
      s.w[2] = detail::pack16(t.src.data());
      s.w[3] = detail::pack16(t.src.data() + 8);
      s.w[4] = detail::pack16(t.dst.data());
      s.w[5] = detail::pack16(t.dst.data() + 8);
    } else if (frame.size() >= 14) {  // non-IP L2 payload: the MAC pair and ethertype stand for the flow
      std::uint8_t b[16] = {};
      std::memcpy(b, frame.data(), 14);
      s.w[1] = std::uint64_t{1} << 63;
      s.w[2] = detail::pack16(b);
      s.w[3] = detail::pack16(b + 8);
    }
  }
  return s;
}

}  // namespace pktmap::sfc
