#include "pktmap/sfc/nsh_locate.hpp"

#include <cstring>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/gre.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/codec/vxlan_gpe.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::sfc {

const char* transport_name(Transport t) {
  switch (t) {
    case Transport::none:
      return "none";
    case Transport::ethernet:
      return "ethernet";
    case Transport::vxlan_gpe:
      return "vxlan-gpe";
    case Transport::vxlan_gpe_eth:
      return "vxlan-gpe+eth";
    case Transport::gre:
      return "gre";
  }
  return "?";
}

namespace {
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoGre = 47;

std::size_t offset_in(ByteView inner, ByteView frame) {
  return static_cast<std::size_t>(inner.data() - frame.data());
}

// Ethernet (+ tags) -> ethertype and the bytes after it. Only the type field is read: the addresses are
// not needed to find the NSH.
Outcome l2(ByteView frame, std::uint16_t& type, ByteView& payload) {
  if (frame.size() < codec::kEthernetHeaderLen) return truncated("ethernet_truncated");
  type = load_be16(frame.data() + 12);
  payload = frame.subspan(codec::kEthernetHeaderLen);
  if (codec::is_vlan_tpid(type)) {
    auto tags = codec::parse_vlan_stack(type, payload);
    if (!tags) return tags.outcome();
    type = tags->inner_ethertype;
    payload = tags->payload;
  }
  return ok_outcome();
}

Outcome at_nsh(ByteView frame, ByteView nsh_bytes, Transport t, NshLocation& loc) {
  if (Outcome o = codec::parse_nsh(nsh_bytes, loc.nsh); !o.ok()) return o;
  loc.nsh_offset = offset_in(nsh_bytes, frame);
  if (loc.nsh_offset > kMaxOuterLen) return unsupported("outer_too_long");
  loc.transport = t;
  return ok_outcome();
}
}  // namespace

Outcome detail::locate_nsh_general(ByteView frame, NshLocation& loc) {
  std::uint16_t type = 0;
  ByteView rest;
  if (Outcome o = l2(frame, type, rest); !o.ok()) return o;
  if (type == codec::ethertype::nsh) return at_nsh(frame, rest, Transport::ethernet, loc);
  std::uint8_t proto = 0;
  ByteView l4;
  std::uint8_t ip_version = 0;
  if (type == codec::ethertype::ipv4) {
    auto ip = codec::parse_ipv4(rest);
    if (!ip) return ip.outcome();
    if (ip->is_fragment) return ok_outcome();  // fragmented tunnels are passed through, not reassembled
    proto = ip->protocol;
    l4 = ip->payload;
    ip_version = 4;
  } else if (type == codec::ethertype::ipv6) {
    auto ip = codec::parse_ipv6(rest);
    if (!ip) return ip.outcome();
    if (ip->is_fragment) return ok_outcome();
    proto = ip->upper_proto;
    l4 = ip->upper;
    ip_version = 6;
  } else {
    return ok_outcome();
  }
  // Tunnel fields are recorded only for a tunnel that carries NSH (transport none leaves them zero).
  auto tunnel = [&](ByteView nsh_bytes, Transport t) {
    loc.ip_version = ip_version;
    loc.ip_off = static_cast<std::uint8_t>(std::min<std::size_t>(offset_in(rest, frame), 255));
    loc.l4_off = static_cast<std::uint8_t>(std::min<std::size_t>(offset_in(l4, frame), 255));
    loc.l4_proto = proto;
    return at_nsh(frame, nsh_bytes, t, loc);
  };
  if (proto == kProtoGre) {
    auto gre = codec::parse_gre(l4);
    if (!gre) return gre.outcome();
    if (gre->protocol_type == codec::ethertype::nsh) return tunnel(gre->payload, Transport::gre);
    return ok_outcome();
  }
  if (proto != kProtoUdp) return ok_outcome();
  auto udp = codec::parse_udp(l4);
  if (!udp) return udp.outcome();
  if (udp->dport != codec::kVxlanGpePort) return ok_outcome();
  auto gpe = codec::parse_vxlan_gpe(udp->payload);
  if (!gpe) return gpe.outcome();
  if (gpe->effective_next_proto() == codec::gpe_np::nsh) return tunnel(gpe->payload, Transport::vxlan_gpe);
  if (gpe->effective_next_proto() == codec::gpe_np::ethernet) {
    std::uint16_t inner_type = 0;
    ByteView inner;
    if (Outcome o = l2(gpe->payload, inner_type, inner); !o.ok()) return o;
    if (inner_type == codec::ethertype::nsh) return tunnel(inner, Transport::vxlan_gpe_eth);
  }
  return ok_outcome();
}

void normalize_outer(MutableByteView outer, const NshLocation& loc) {
  std::uint8_t* p = outer.data();
  const std::size_t n = outer.size();
  if (loc.ip_version == 4 && loc.ip_off + 20u <= n) {
    std::memset(p + loc.ip_off + 2, 0, 4);  // total length, id
    std::memset(p + loc.ip_off + 10, 0, 2);
  } else if (loc.ip_version == 6 && loc.ip_off + 40u <= n) {
    std::memset(p + loc.ip_off + 4, 0, 2);
  }
  if (loc.l4_proto == kProtoUdp && loc.l4_off + 8u <= n) std::memset(p + loc.l4_off + 4, 0, 4);
  if (loc.l4_proto == kProtoGre && loc.l4_off + 6u <= n && (p[loc.l4_off] & 0x80))
    std::memset(p + loc.l4_off + 4, 0, 2);
}

void finish_outer(MutableByteView pkt, std::size_t outer_len, std::uint8_t ip_off, std::uint8_t l4_off,
                  std::uint8_t ip_version, std::uint8_t l4_proto, std::uint16_t ip_id) {
  std::uint8_t* p = pkt.data();
  const std::size_t n = pkt.size();
  if (ip_version == 0 || outer_len > n) return;
  if (ip_version == 4 && ip_off + 20u <= outer_len) {
    const std::size_t ihl = std::size_t{p[ip_off] & 0x0fu} * 4;
    store_be16(p + ip_off + 2, static_cast<std::uint16_t>(n - ip_off));
    store_be16(p + ip_off + 4, ip_id);
    store_be16(p + ip_off + 10, 0);
    if (ip_off + ihl <= outer_len) store_be16(p + ip_off + 10, internet_checksum(ByteView(p + ip_off, ihl)));
  } else if (ip_version == 6 && ip_off + 40u <= outer_len) {
    store_be16(p + ip_off + 4, static_cast<std::uint16_t>(n - ip_off - 40));
  }
  if (l4_proto == kProtoUdp && l4_off + 8u <= outer_len) {
    store_be16(p + l4_off + 4, static_cast<std::uint16_t>(n - l4_off));
    store_be16(p + l4_off + 6, 0);  // IPv4: no checksum (RFC 7348 §5), as VXLAN-GPE senders do
    if (ip_version == 6) {          // IPv6 needs one (RFC 8200 §8.1)
      codec::Ipv6Addr s, d;
      std::memcpy(s.data(), p + ip_off + 8, 16);
      std::memcpy(d.data(), p + ip_off + 24, 16);
      codec::set_transport_checksum(MutableByteView(p + l4_off, n - l4_off), s, d, kProtoUdp);
    }
  }
  if (l4_proto == kProtoGre && l4_off + 6u <= outer_len && (p[l4_off] & 0x80)) {
    store_be16(p + l4_off + 4, 0);
    store_be16(p + l4_off + 4, internet_checksum(ByteView(p + l4_off, n - l4_off)));
  }
}

}  // namespace pktmap::sfc
