#include "pktmap/codec/pcp.hpp"
#include "pktmap/dump/packet_format.hpp"

namespace pktmap::dump {

namespace {
using dissect::Dissection;
using dissect::LayerRef;
using dissect::Proto;
using report::JsonWriter;

void nsh_json(JsonWriter& j, const codec::NshView& n) {
  j.begin_object();
  j.field("version", n.version).field("oam", n.oam).field("u", n.u_bit).field("ttl", n.ttl);
  j.field("length", n.length).field("md_type", n.md_type).field("next_proto", n.next_proto);
  j.field("spi", n.spi).field("si", n.si);
  if (n.md_type == codec::nsh_md::type1 && n.context.size() >= 16) {
    j.key("context").begin_array();
    for (int i = 0; i < 4; ++i)
      j.hex(n.context.subspan(4 * static_cast<std::size_t>(i), 4));
    j.end_array();
  } else if (n.md_type == codec::nsh_md::type2) {
    j.key("tlvs").begin_array();
    codec::NshTlvIterator it(n.context);
    codec::NshTlv t;
    while (it.next(t)) {
      j.begin_object().field("class", t.md_class).field("type", t.type).field("u", t.u_bit);
      j.field("len", t.length).key("value").hex(t.value).end_object();
    }
    j.end_array();
  }
  j.end_object();
}

void pcp_json(JsonWriter& j, const codec::PcpView& p) {
  char a[48];
  j.begin_object();
  j.field("version", p.version).field("response", p.response).field("opcode", p.opcode);
  j.field("opcode_name", codec::pcp_opcode_name(p.opcode)).field("lifetime", p.lifetime);
  if (p.response) {
    j.field("result_code", p.result_code).field("result", codec::pcp_result_name(p.result_code));
    j.field("epoch", p.epoch);
  } else {
    j.field("client_ip", codec::format_pcp_address(p.client_ip, a));
  }
  if (p.opcode == codec::pcp_op::map || p.opcode == codec::pcp_op::peer) {
    if (p.has_nonce()) j.key("nonce").hex(p.map.nonce);
    j.field("protocol", p.map.protocol).field("internal_port", p.map.internal_port);
    j.field("external_port", p.map.external_port);
    j.field("external_ip", codec::format_pcp_address(p.map.external_ip, a));
    if (p.opcode == codec::pcp_op::peer) {
      j.field("remote_peer_port", p.peer.remote_peer_port);
      j.field("remote_peer_ip", codec::format_pcp_address(p.peer.remote_peer_ip, a));
    }
  }
  j.key("options").begin_array();
  for (const auto& opt : p.option_list()) {
    j.begin_object().field("code", opt.code).field("name", codec::pcp_option_name(opt.code));
    j.field("length", opt.length);
    if (opt.code == codec::pcp_opt::port_set) {
      auto ps = codec::parse_pcp_port_set(opt);
      if (ps.ok() || opt.length >= codec::kPcpPortSetLen) {
        j.field("size", ps->size).field("first_internal_port", ps->first_internal_port);
        j.field("parity", ps->parity);
      }
      if (!ps.ok()) j.field("problem", ps.name());
    } else if (opt.code == codec::pcp_opt::description) {
      auto d = codec::parse_pcp_description(opt);
      if (d.ok()) j.field("description", d.value());
    } else if (opt.code == codec::pcp_opt::third_party) {
      auto t = codec::parse_pcp_third_party(opt);
      if (t.ok()) j.field("internal_ip", codec::format_pcp_address(t.value(), a));
    } else if (opt.code == codec::pcp_opt::filter) {
      auto f = codec::parse_pcp_filter(opt);
      if (f.ok()) {
        j.field("prefix_length", f->prefix_length).field("remote_peer_port", f->remote_peer_port);
        j.field("remote_peer_ip", codec::format_pcp_address(f->remote_peer_ip, a));
      }
    } else {
      j.key("value").hex(opt.value);
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

void layer_json(JsonWriter& j, const Dissection& d, const LayerRef& l) {
  char a[48], b[48];
  switch (l.proto) {
    case Proto::ethernet: {
      const auto& e = d.eth[l.slot];
      char m1[18], m2[18];
      j.begin_object().field("src", codec::format_mac(e.src, m1)).field("dst", codec::format_mac(e.dst, m2));
      j.field("type", e.ethertype).end_object();
      break;
    }
    case Proto::vlan: {
      const auto& v = d.vlan[l.slot];
      j.begin_array();
      for (std::size_t i = 0; i < v.count; ++i) {
        const auto& t = v.tags[i];
        j.begin_object().field("tpid", t.tpid).field("pcp", t.pcp).field("dei", t.dei).field("vid", t.vid);
        j.end_object();
      }
      j.end_array();
      break;
    }
    case Proto::ipv4:
    case Proto::ipv6: {
      const auto& ip = d.ip[l.slot];
      j.begin_object()
          .field("src", dissect::format_ip(ip, true, a))
          .field("dst", dissect::format_ip(ip, false, b));
      j.field("proto", ip.proto).field("ttl", ip.ttl).field("tos", ip.tos).field("len", ip.total_len);
      if (ip.version == 4) j.field("id", ip.id).field("df", ip.df);
      if (ip.version == 6) j.field("flow_label", ip.flow_label);
      if (ip.is_fragment) j.field("frag_offset", ip.frag_offset).field("more_fragments", ip.more_fragments);
      j.end_object();
      break;
    }
    case Proto::udp:
    case Proto::tcp: {
      const auto& t = d.l4[l.slot];
      j.begin_object().field("sport", t.sport).field("dport", t.dport);
      if (l.proto == Proto::tcp) {
        char fl[12];
        j.field("flags", format_tcp_flags(t.tcp_flags, fl)).field("seq", t.seq).field("ack", t.ack);
        j.field("window", t.window);
      } else {
        j.field("len", t.length);
      }
      j.end_object();
      break;
    }
    case Proto::icmp:
    case Proto::icmpv6: {
      const auto& t = d.l4[l.slot];
      j.begin_object().field("type", t.icmp_type).field("code", t.icmp_code);
      if (l.proto == Proto::icmpv6 && d.app.has_ra) j.field("ra_lifetime", d.app.ra_lifetime);
      j.end_object();
      break;
    }
    case Proto::gre: {
      const auto& g = d.gre[l.slot];
      j.begin_object().field("protocol", g.protocol);
      if (g.has_key) j.field("key", g.key);
      if (g.has_seq) j.field("seq", g.seq);
      j.end_object();
      break;
    }
    case Proto::vxlan: {
      const auto& v = d.vxlan[l.slot];
      j.begin_object().field("flags", v.flags).field("vni", v.vni).end_object();
      break;
    }
    case Proto::vxlan_gpe: {
      const auto& v = d.gpe[l.slot];
      j.begin_object().field("flags", v.flags).field("next_proto", v.next_proto).field("vni", v.vni);
      j.field("oam", v.o_flag).end_object();
      break;
    }
    case Proto::nsh:
      nsh_json(j, d.nsh[l.slot]);
      break;
    case Proto::mpls: {
      const auto& m = d.mpls[l.slot];
      j.begin_array();
      for (std::size_t i = 0; i < m.count; ++i) {
        const auto& e = m.entries[i];
        j.begin_object().field("label", e.label).field("tc", e.tc).field("s", e.bottom).field("ttl", e.ttl);
        j.end_object();
      }
      j.end_array();
      break;
    }
    case Proto::pcp:
      if (d.app.has_pcp) {
        pcp_json(j, d.app.pcp);
      } else {
        j.null();
      }
      break;
    case Proto::dhcpv4:
      if (!d.app.has_dhcp) {
        j.null();  // too short to decode: the status says why
        break;
      }
      j.begin_object().field("msg_type", d.app.dhcp_msg_type).field("xid", d.app.dhcp_xid);
      j.field("requests_114", d.app.dhcp_requests_114)
          .field("requests_160", d.app.dhcp_requests_160)
          .end_object();
      break;
    case Proto::dhcpv6:
      if (!d.app.has_dhcpv6) {
        j.null();
        break;
      }
      j.begin_object().field("msg_type", d.app.dhcpv6_msg_type).field("xid", d.app.dhcpv6_xid);
      j.field("requests_103", d.app.dhcpv6_requests_103).end_object();
      break;
    default:
      j.begin_object().field("offset", l.offset).end_object();
      break;
  }
}

}  // namespace

std::string_view json_key(Proto p) {
  switch (p) {
    case Proto::vxlan_gpe:
      return "vxlan_gpe";
    case Proto::dhcpv4:
      return "dhcp";
    default:
      return dissect::proto_name(p);
  }
}

void format_json(const Dissection& d, const pcapio::Packet& p, JsonWriter& j) {
  char t[80];
  format_time_iso(p.ts_ns, t);
  j.begin_object();
  j.field("frame", p.number).field("time", t).field("ts_ns", p.ts_ns);
  j.field("caplen", static_cast<std::uint64_t>(d.length)).field("len", p.wire_len);
  j.key("layers").begin_array();
  for (std::size_t i = 0; i < d.layer_count; ++i)
    j.value(json_key(d.layers[i].proto));
  j.end_array();
  // The first instance of each protocol at the top level; the innermost other one (the packet inside a
  // tunnel or NSH) under "inner", so `.nsh.spi` and `.inner.ipv4.src` both work in jq. "layers" lists all.
  bool has_inner = false;
  for (std::size_t i = 0; i < d.layer_count; ++i) {
    const LayerRef& l = d.layers[i];
    if (l.proto == Proto::payload || l.proto == Proto::arp) continue;
    if (d.find(l.proto) != &l) {
      has_inner = true;
      continue;
    }
    j.key(json_key(l.proto));
    layer_json(j, d, l);
  }
  if (has_inner) {
    j.key("inner").begin_object();
    for (std::size_t i = 0; i < d.layer_count; ++i) {
      const LayerRef& l = d.layers[i];
      if (d.find(l.proto) == &l || d.last(l.proto) != &l || l.proto == Proto::payload) continue;
      j.key(json_key(l.proto));
      layer_json(j, d, l);
    }
    j.end_object();
  }
  if (d.app.uri_count > 0) {
    j.key("captive_portal").begin_array();
    for (std::size_t i = 0; i < d.app.uri_count; ++i) {
      j.begin_object().field("source", dissect::uri_source_name(d.app.uris[i].source));
      j.field("uri", d.app.uris[i].uri).end_object();
    }
    j.end_array();
  }
  j.field("status", status_name(d.outcome.status));
  if (!d.outcome.ok()) {
    j.field("outcome", d.outcome.name).field("outcome_layer", json_key(d.outcome_proto));
    j.field("outcome_offset", d.outcome_offset);
  }
  j.end_object();
}

}  // namespace pktmap::dump
