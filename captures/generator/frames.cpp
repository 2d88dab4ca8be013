#include "frames.hpp"

#include <cstring>
#include <string_view>

#include <tins/ip.h>
#include <tins/ipv6.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>
#include <tins/udp.h>

namespace pktmap::gencap {

namespace {

Tins::IPv4Address tins_v4(const Ipv4Addr& a) {
  std::uint32_t be = 0;  // libtins wants the address as a big-endian integer
  std::memcpy(&be, a.data(), 4);
  return Tins::IPv4Address(be);
}

Tins::IPv6Address tins_v6(const Ipv6Addr& a) {
  return Tins::IPv6Address(a.data());
}

// Builds the L4 PDU (and payload) on the heap; the caller's IP PDU takes ownership via /=.
Tins::PDU* l4_pdu(const L4Spec& l4, bool ipv6) {
  Tins::PDU* top = nullptr;
  if (l4.tcp) {
    auto* tcp = new Tins::TCP(l4.dport, l4.sport);
    tcp->seq(l4.seq);
    tcp->ack_seq(l4.ack);
    tcp->flags(static_cast<Tins::small_uint<12>>(l4.tcp_flags));
    tcp->window(64240);
    if ((l4.tcp_flags & tcp_flags::syn) != 0) tcp->mss(ipv6 ? 1440 : 1460);
    top = tcp;
  } else {
    top = new Tins::UDP(l4.dport, l4.sport);
  }
  if (!l4.payload.empty())
    top->inner_pdu(new Tins::RawPDU(l4.payload.data(), static_cast<std::uint32_t>(l4.payload.size())));
  return top;
}

}  // namespace

Bytes serialize(Tins::PDU& pdu) {
  return pdu.serialize();
}

void append(Bytes& out, ByteView bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

Bytes ipv4_packet(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint16_t id, const L4Spec& l4) {
  Tins::IP ip(tins_v4(dst), tins_v4(src));
  ip.id(id);
  ip.ttl(64);
  ip.flags(Tins::IP::DONT_FRAGMENT);
  ip.inner_pdu(l4_pdu(l4, false));
  return serialize(ip);
}

Bytes ipv6_packet(const Ipv6Addr& src, const Ipv6Addr& dst, const L4Spec& l4) {
  Tins::IPv6 ip(tins_v6(dst), tins_v6(src));
  ip.hop_limit(64);
  ip.inner_pdu(l4_pdu(l4, true));
  return serialize(ip);
}

void write_l2(ByteWriter& w, const codec::MacAddr& dst, const codec::MacAddr& src,
              std::span<const codec::VlanTag> tags, std::uint16_t ethertype) {
  codec::write_ethernet(w, dst, src, tags.empty() ? ethertype : tags[0].tpid);
  for (std::size_t i = 0; i < tags.size(); ++i)
    codec::write_vlan_tag(w, tags[i], i + 1 < tags.size() ? tags[i + 1].tpid : ethertype);
}

Bytes l2_frame(const codec::MacAddr& dst, const codec::MacAddr& src, std::span<const codec::VlanTag> tags,
               std::uint16_t ethertype, ByteView payload) {
  std::array<std::uint8_t, codec::kEthernetHeaderLen + 4 * codec::kMaxVlanTags> hdr{};
  ByteWriter w(hdr);
  write_l2(w, dst, src, tags, ethertype);
  Bytes out(w.written().begin(), w.written().end());
  append(out, payload);
  return out;
}

Bytes outer_ipv4_raw(std::uint8_t proto, std::uint16_t ip_id, ByteView payload) {
  Tins::IP ip(tins_v4(kProxyIp), tins_v4(kSffIp));
  ip.id(ip_id);
  ip.ttl(64);
  ip.protocol(proto);  // kept: libtins only overrides it for inner PDUs it knows, not RawPDU
  ip.inner_pdu(new Tins::RawPDU(payload.data(), static_cast<std::uint32_t>(payload.size())));
  return serialize(ip);
}

Bytes outer_ipv4_udp(std::uint16_t sport, std::uint16_t dport, std::uint16_t ip_id, ByteView payload) {
  Tins::IP ip(tins_v4(kProxyIp), tins_v4(kSffIp));
  ip.id(ip_id);
  ip.ttl(64);
  auto* udp = new Tins::UDP(dport, sport);
  udp->inner_pdu(new Tins::RawPDU(payload.data(), static_cast<std::uint32_t>(payload.size())));
  ip.inner_pdu(udp);
  Bytes out = serialize(ip);
  // libtins always fills the UDP checksum; tunnels send 0 (see the header comment).
  const std::size_t ihl = std::size_t{out[0] & 0x0fu} * 4;
  out[ihl + 6] = 0;
  out[ihl + 7] = 0;
  return out;
}

void fill_text(std::span<std::uint8_t> out, std::string_view tag) {
  static constexpr std::string_view kFiller = " abcdefghijklmnopqrstuvwxyz0123456789";
  std::size_t i = 0;
  for (; i < out.size() && i < tag.size(); ++i)
    out[i] = static_cast<std::uint8_t>(tag[i]);
  for (std::size_t j = 0; i < out.size(); ++i, ++j)
    out[i] = static_cast<std::uint8_t>(kFiller[j % kFiller.size()]);
}

}  // namespace pktmap::gencap
