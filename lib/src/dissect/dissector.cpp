#include "pktmap/dissect/dissector.hpp"

#include "decode_steps.hpp"
#include "pktmap/pcapio/packet.hpp"
#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::dissect {

namespace {

// IP protocol numbers the chain follows.
Proto by_ip_proto(std::uint8_t p) {
  switch (p) {
    case 1:
      return Proto::icmp;
    case 4:
      return Proto::ipv4;  // IP-in-IP
    case 6:
      return Proto::tcp;
    case 17:
      return Proto::udp;
    case 41:
      return Proto::ipv6;
    case 47:
      return Proto::gre;
    case 58:
      return Proto::icmpv6;
    default:
      return Proto::payload;
  }
}

Proto by_nsh_np(std::uint8_t np) {
  switch (np) {
    case codec::nsh_np::ipv4:
      return Proto::ipv4;
    case codec::nsh_np::ipv6:
      return Proto::ipv6;
    case codec::nsh_np::ethernet:
      return Proto::ethernet;
    case codec::nsh_np::nsh:
      return Proto::nsh;
    case codec::nsh_np::mpls:
      return Proto::mpls;
    default:
      return Proto::payload;
  }
}

Proto by_ip_version(ByteView data) {
  if (data.empty()) return Proto::payload;
  switch (data[0] >> 4) {
    case 4:
      return Proto::ipv4;
    case 6:
      return Proto::ipv6;
    default:
      return Proto::payload;
  }
}

// Slot family: ipv4/ipv6 share `ip`, the transports share `l4`.
int family(Proto p) {
  switch (p) {
    case Proto::ethernet:
      return 0;
    case Proto::vlan:
      return 1;
    case Proto::ipv4:
    case Proto::ipv6:
      return 2;
    case Proto::udp:
    case Proto::tcp:
    case Proto::icmp:
    case Proto::icmpv6:
      return 3;
    case Proto::nsh:
      return 4;
    case Proto::gre:
      return 5;
    case Proto::vxlan:
      return 6;
    case Proto::vxlan_gpe:
      return 7;
    case Proto::mpls:
      return 8;
    default:
      return -1;
  }
}
constexpr std::uint8_t kFamilySlots[] = {kSlots, kSlots, kSlots, kSlots, kSlots, 2, 2, 2, 2};

class Walker {
 public:
  Walker(const DispatchTable& t, ByteView pkt, Dissection& d) : table_(t), pkt_(pkt), d_(d) {}

  void run(Proto next, std::size_t off) {
    while (next != Proto::none) {
      if (d_.layer_count == kMaxLayers) return fail(next, off, unsupported("dissect_too_many_layers"));
      ByteView data = pkt_.subspan(off);
      ByteView payload;
      Proto after = Proto::none;
      int slot = claim_slot(next);
      if (slot < 0) return fail(next, off, unsupported("dissect_nesting_too_deep"));
      auto s = static_cast<std::uint8_t>(slot);
      Outcome o{};
      switch (next) {
        case Proto::ethernet: {
          auto r = codec::parse_ethernet(data);
          if (!r.ok()) return fail(next, off, r.outcome());
          d_.eth[s] = r.value();
          add(next, s, off);
          off += codec::kEthernetHeaderLen;
          std::uint16_t type = r->ethertype;
          if (codec::is_vlan_tpid(type) && table_.by_ethertype(type) == Proto::vlan) {
            int vs = claim_slot(Proto::vlan);
            if (vs < 0) return fail(Proto::vlan, off, unsupported("dissect_nesting_too_deep"));
            auto v = codec::parse_vlan_stack(type, r->payload);
            d_.vlan[vs] = v.value();
            if (v.status() == Status::truncated) return fail(Proto::vlan, off, v.outcome());
            add(Proto::vlan, static_cast<std::uint8_t>(vs), off);
            if (!v.ok()) return fail(Proto::vlan, off, v.outcome());
            off += std::size_t{v->count} * 4;
            type = v->inner_ethertype;
          }
          next =
              type < 0x0600 ? Proto::payload : table_.by_ethertype(type);  // 802.3 length: LLC, not decoded
          if (next == Proto::none || next == Proto::vlan) next = Proto::payload;
          continue;
        }
        case Proto::nsh: {
          auto r = codec::parse_nsh(data);
          d_.nsh[s] = r.value();
          if (r.status() == Status::truncated) return fail(next, off, r.outcome());
          add(next, s, off);
          if (!r.ok()) return fail(next, off, r.outcome());
          off += r->header_len();
          // MD type 0/0xF or an unknown next protocol: the payload is not interpreted.
          next = (r->md_type == codec::nsh_md::type1 || r->md_type == codec::nsh_md::type2)
                     ? by_nsh_np(r->next_proto)
                     : Proto::payload;
          if (off == pkt_.size()) next = Proto::none;  // congruent metadata: NSH with no payload
          continue;
        }
        case Proto::vxlan: {
          auto r = codec::parse_vxlan(data);
          if (!r.ok()) return fail(next, off, r.outcome());
          d_.vxlan[s] = r.value();
          add(next, s, off);
          off += codec::kVxlanHeaderLen;
          next = Proto::ethernet;
          continue;
        }
        case Proto::vxlan_gpe: {
          auto r = codec::parse_vxlan_gpe(data);
          d_.gpe[s] = r.value();
          if (r.status() == Status::truncated) return fail(next, off, r.outcome());
          add(next, s, off);
          if (!r.ok()) return fail(next, off, r.outcome());
          off += codec::kVxlanGpeHeaderLen;
          switch (r->effective_next_proto()) {
            case codec::gpe_np::ipv4:
              next = Proto::ipv4;
              break;
            case codec::gpe_np::ipv6:
              next = Proto::ipv6;
              break;
            case codec::gpe_np::ethernet:
              next = Proto::ethernet;
              break;
            case codec::gpe_np::nsh:
              next = Proto::nsh;
              break;
            case codec::gpe_np::mpls:
              next = Proto::mpls;
              break;
            default:
              return fail(next, off, unsupported("vxlan_gpe_next_proto_unknown"));
          }
          continue;
        }
        case Proto::gre: {
          o = detail::decode_gre(data, d_.gre[s], payload);
          if (o.status == Status::truncated) return fail(next, off, o);
          add(next, s, off);
          if (!o.ok()) return fail(next, off, o);
          after = table_.by_ethertype(d_.gre[s].protocol);
          if (after == Proto::none || after == Proto::vlan) after = Proto::payload;
          break;
        }
        case Proto::ipv4:
        case Proto::ipv6: {
          o = next == Proto::ipv4 ? detail::decode_ipv4(data, d_.ip[s], payload)
                                  : detail::decode_ipv6(data, d_.ip[s], payload);
          if (d_.ip[s].header.empty()) return fail(next, off, o);
          add(next, s, off);
          // A payload cut by the capture (snaplen) is noted, and decoding goes on with what was captured.
          if (!o.ok() && !(o.status == Status::truncated && !payload.empty())) return fail(next, off, o);
          if (!o.ok()) note(next, off, o);
          after = d_.ip[s].later_fragment ? Proto::payload : by_ip_proto(d_.ip[s].proto);
          break;
        }
        case Proto::udp:
        case Proto::tcp:
        case Proto::icmp:
        case Proto::icmpv6: {
          L4Summary& l4 = d_.l4[s];
          if (next == Proto::udp) o = detail::decode_udp(data, l4, payload);
          if (next == Proto::tcp) o = detail::decode_tcp(data, l4, payload);
          if (next == Proto::icmp) o = detail::decode_icmp(data, l4, payload);
          if (next == Proto::icmpv6) o = detail::decode_icmpv6(data, l4, d_.app, payload);
          if (l4.proto == 0) return fail(next, off, o);
          add(next, s, off);
          if (!o.ok() && !(o.status == Status::truncated && !payload.empty())) return fail(next, off, o);
          if (!o.ok()) note(next, off, o);
          after = next == Proto::udp ? table_.by_udp_ports(l4.sport, l4.dport) : Proto::none;
          if (after == Proto::vlan || after == Proto::udp || after == Proto::none) after = Proto::payload;
          if (payload.empty() || next == Proto::icmp || next == Proto::icmpv6) after = Proto::none;
          break;
        }
        case Proto::pcp:
        case Proto::dhcpv4:
        case Proto::dhcpv6: {
          if (next == Proto::pcp) o = detail::decode_pcp(data, d_.app);
          if (next == Proto::dhcpv4) o = detail::decode_dhcpv4(data, d_.app);
          if (next == Proto::dhcpv6) o = detail::decode_dhcpv6(data, d_.app);
          add(next, 0, off);
          if (!o.ok()) return fail(next, off, o);
          return;
        }
        case Proto::mpls: {
          auto r = codec::parse_mpls(data);
          d_.mpls[s] = r.value();
          if (r->count == 0) return fail(next, off, r.outcome());
          add(next, s, off);
          if (!r.ok()) return fail(next, off, r.outcome());
          off += std::size_t{r->count} * 4;
          next = by_ip_version(r->payload);
          if (r->payload.empty()) next = Proto::none;
          continue;
        }
        default:
          // arp, payload: recorded, not decoded further.
          if (!data.empty()) add(next, 0, off);
          return;
      }
      off = static_cast<std::size_t>(payload.data() - pkt_.data());
      if (payload.empty()) off = pkt_.size();
      next = after;
      if (next != Proto::none && off >= pkt_.size()) next = Proto::none;
    }
  }

  // Records a problem that did not stop decoding (the first one wins).
  void note(Proto p, std::size_t off, Outcome o) {
    if (d_.outcome.ok()) fail(p, off, o);
  }

  void fail(Proto p, std::size_t off, Outcome o) {
    d_.outcome = o;
    d_.outcome_proto = p;
    d_.outcome_offset = static_cast<std::uint16_t>(off > 0xffff ? 0xffff : off);
  }

 private:
  int claim_slot(Proto p) {
    int f = family(p);
    if (f < 0) return 0;
    if (used_[f] >= kFamilySlots[f]) return -1;
    return used_[f]++;
  }
  void add(Proto p, std::uint8_t slot, std::size_t off) {
    d_.layers[d_.layer_count++] = LayerRef{p, slot, static_cast<std::uint16_t>(off > 0xffff ? 0xffff : off)};
  }

  const DispatchTable& table_;
  ByteView pkt_;
  Dissection& d_;
  std::uint8_t used_[9] = {};
};

}  // namespace

void Dissector::dissect(ByteView packet, int linktype, Dissection& out) const {
  out.reset();
  out.length = packet.size();
  Walker w(*table_, packet, out);
  ByteReader r(packet);
  switch (linktype) {
    case pcapio::linktype::ethernet:
      return w.run(Proto::ethernet, 0);
    case pcapio::linktype::raw:
      return w.run(by_ip_version(packet), 0);
    case pcapio::linktype::ipv4:
      return w.run(Proto::ipv4, 0);
    case pcapio::linktype::ipv6:
      return w.run(Proto::ipv6, 0);
    case pcapio::linktype::null_bsd: {
      // 4-byte address family in the capturing host's byte order: 2 = IPv4; 24, 28, 30 = IPv6 (BSDs).
      if (!r.has(4)) return w.fail(Proto::none, 0, truncated("link_header_truncated"));
      std::uint32_t af = packet[0] | (packet[1] << 8) | (packet[2] << 16) | (std::uint32_t{packet[3]} << 24);
      if (af > 0xffff) af = load_be32(packet.data());
      Proto p = af == 2 ? Proto::ipv4 : (af == 24 || af == 28 || af == 30) ? Proto::ipv6 : Proto::payload;
      return w.run(p, 4);
    }
    case pcapio::linktype::linux_sll: {
      // 16-byte cooked header; the protocol (ethertype) is the last field.
      if (!r.has(16)) return w.fail(Proto::none, 0, truncated("link_header_truncated"));
      Proto p = table_->by_ethertype(load_be16(packet.data() + 14));
      if (p == Proto::none || p == Proto::vlan) p = Proto::payload;
      return w.run(p, 16);
    }
    case pcapio::linktype::linux_sll2: {
      // 20-byte cooked header v2; the protocol is the first field.
      if (!r.has(20)) return w.fail(Proto::none, 0, truncated("link_header_truncated"));
      Proto p = table_->by_ethertype(load_be16(packet.data()));
      if (p == Proto::none || p == Proto::vlan) p = Proto::payload;
      return w.run(p, 20);
    }
    case pcapio::linktype::ppp:
    case pcapio::linktype::ppp_hdlc: {
      // RFC 1661 protocol field, after the optional RFC 1662 address/control bytes (ff 03).
      std::size_t off = (packet.size() >= 2 && packet[0] == 0xff && packet[1] == 0x03) ? 2 : 0;
      if (packet.size() < off + 2) return w.fail(Proto::none, 0, truncated("link_header_truncated"));
      std::uint16_t proto = load_be16(packet.data() + off);
      Proto p = proto == 0x0021   ? Proto::ipv4
                : proto == 0x0057 ? Proto::ipv6
                : proto == 0x0281 ? Proto::mpls
                                  : Proto::payload;
      return w.run(p, off + 2);
    }
    default:
      return w.fail(Proto::none, 0, unsupported("linktype_unsupported"));
  }
}

std::uint8_t Dissection::count(Proto p) const {
  std::uint8_t n = 0;
  for (std::size_t i = 0; i < layer_count; ++i)
    n += layers[i].proto == p;
  return n;
}

const LayerRef* Dissection::find(Proto p, std::uint8_t nth) const {
  for (std::size_t i = 0; i < layer_count; ++i) {
    if (layers[i].proto == p && nth-- == 0) return &layers[i];
  }
  return nullptr;
}

const LayerRef* Dissection::last(Proto p) const {
  for (std::size_t i = layer_count; i-- > 0;) {
    if (layers[i].proto == p) return &layers[i];
  }
  return nullptr;
}

std::string_view uri_source_name(UriSource s) {
  switch (s) {
    case UriSource::dhcpv4_114:
      return "dhcpv4-114";
    case UriSource::dhcpv4_160:
      return "dhcpv4-160";
    case UriSource::dhcpv6_103:
      return "dhcpv6-103";
    case UriSource::ra_37:
      return "ra-37";
  }
  return "?";
}

}  // namespace pktmap::dissect
