// Frame parsing for the enforcement emulator (see enforce_frame.hpp).
#include "pktmap/capport/enforce_frame.hpp"

#include "pktmap/codec/icmp.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/pcapio/packet.hpp"

namespace pktmap::capport {

bool EnforceFrame::is_icmp_error() const {
  if (proto == codec::ip_proto::icmp)
    return !has_icmp || icmp_type == 3 || icmp_type == 4 || icmp_type == 5 || icmp_type == 11 ||
           icmp_type == 12;
  if (proto == codec::ip_proto::icmpv6) return !has_icmp || icmp_type < 128;  // RFC 4443 §2.1
  return false;
}

bool enforce_linktype_supported(int linktype) {
  using namespace pcapio::linktype;
  return linktype == ethernet || linktype == raw || linktype == ipv4 || linktype == ipv6;
}

namespace {

void transport(EnforceFrame& f, ByteView l4, std::size_t l4_wire) {
  if (f.later_fragment) return;
  if (f.proto == codec::ip_proto::tcp || f.proto == codec::ip_proto::udp) {
    if (l4.size() >= 4) {
      f.has_ports = true;
      f.sport = static_cast<std::uint16_t>(l4[0] << 8 | l4[1]);
      f.dport = static_cast<std::uint16_t>(l4[2] << 8 | l4[3]);
    }
    if (f.proto != codec::ip_proto::tcp) return;
    auto t = codec::parse_tcp(l4, l4_wire);
    if (!t.ok()) return;
    f.has_tcp = true;
    f.seq = t->seq;
    f.ack = t->ack;
    f.tcp_flags = t->flags;
    f.payload = t->payload;
    f.payload_wire_len = l4_wire - t->header_len();
    return;
  }
  if ((f.proto == codec::ip_proto::icmp || f.proto == codec::ip_proto::icmpv6) && l4.size() >= 2) {
    f.has_icmp = true;
    f.icmp_type = l4[0];
    f.icmp_code = l4[1];
  }
}

Outcome parse_ip(EnforceFrame& f, ByteView data) {
  if (data.empty()) return truncated("enforce_ip_truncated");
  std::uint8_t version = data[0] >> 4;
  if (version == 4) {
    auto v = codec::parse_ipv4(data);
    if (!v.ok() && !v->payload_truncated) return v.outcome();
    f.ip_version = 4;
    std::copy(v->src.begin(), v->src.end(), f.src.begin());
    std::copy(v->dst.begin(), v->dst.end(), f.dst.begin());
    f.ip = data;
    f.ip_wire_len = v->total_length;
    f.l4_offset = v->header_len();
    f.proto = v->protocol;
    f.fragment = v->is_fragment;
    f.later_fragment = !v->has_l4_header();
    transport(f, v->payload, v->total_length - v->header_len());
    return ok_outcome();
  }
  if (version == 6) {
    auto v = codec::parse_ipv6(data);
    if (!v.ok() && !(v.name() == "ipv6_payload_length_exceeds_packet")) return v.outcome();
    f.ip_version = 6;
    f.src = v->src;
    f.dst = v->dst;
    f.ip = data;
    f.ip_wire_len = codec::kIpv6HeaderLen + v->payload_length;
    f.l4_offset = v->upper_offset;
    f.proto = v->upper_proto;
    f.fragment = v->is_fragment;
    f.later_fragment = !v->has_l4_header();
    transport(f, v->upper, f.ip_wire_len > v->upper_offset ? f.ip_wire_len - v->upper_offset : 0);
    return ok_outcome();
  }
  return invalid("enforce_ip_version_unknown");
}

}  // namespace

Result<EnforceFrame> parse_enforce_frame(ByteView frame, int linktype) {
  EnforceFrame f;
  if (linktype != pcapio::linktype::ethernet) {
    f.is_ip = true;
    auto o = parse_ip(f, frame);
    if (!o.ok()) return {f, o};
    if ((linktype == pcapio::linktype::ipv4 && f.ip_version != 4) ||
        (linktype == pcapio::linktype::ipv6 && f.ip_version != 6))
      return {f, invalid("enforce_ip_version_mismatch")};
    return f;
  }
  auto eth = codec::parse_ethernet(frame);
  if (!eth.ok()) return {f, eth.outcome()};
  f.ethernet = true;
  f.dst_mac = eth->dst;
  f.src_mac = eth->src;
  std::uint16_t type = eth->ethertype;
  ByteView rest = eth->payload;
  if (codec::is_vlan_tpid(type)) {
    auto s = codec::parse_vlan_stack(type, rest);
    if (!s.ok()) return {f, s.outcome()};
    type = s->inner_ethertype;
    rest = s->payload;
  }
  f.l2 = frame.first(frame.size() - rest.size());
  if (type != codec::ethertype::ipv4 && type != codec::ethertype::ipv6) return f;
  f.is_ip = true;
  auto o = parse_ip(f, rest);
  if (!o.ok()) return {f, o};
  if ((type == codec::ethertype::ipv4) != (f.ip_version == 4))
    return {f, invalid("enforce_ip_version_mismatch")};
  return f;
}

}  // namespace pktmap::capport
