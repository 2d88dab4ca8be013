#include <cstdarg>
#include <cstdio>

#include "pktmap/codec/pcp.hpp"
#include "pktmap/dump/packet_format.hpp"
#include "pktmap/wire/hex.hpp"

namespace pktmap::dump {

namespace {
using dissect::Dissection;
using dissect::LayerRef;
using dissect::Proto;

class Out {
 public:
  explicit Out(std::string& s) : s_(s) {}
  __attribute__((format(printf, 2, 3))) void f(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
      s_.append(buf, static_cast<std::size_t>(n < static_cast<int>(sizeof buf) ? n : sizeof buf - 1));
  }
  void s(std::string_view v) { s_.append(v); }
  void hex(ByteView b) {
    char buf[2];
    for (std::uint8_t x : b) {
      hex_encode(ByteView(&x, 1), buf);
      s_.append(buf, 2);
    }
  }
  // Printable text from a packet: non-printable bytes as \xNN so a line stays one line.
  void text(std::string_view v) {
    for (char c : v) {
      auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) {
        s_.push_back(c);
      } else {
        f("\\x%02x", u);
      }
    }
  }

 private:
  std::string& s_;
};

void nsh_text(Out& o, const codec::NshView& n, int verbosity) {
  o.f("nsh spi %u si %u md%u np %s ttl %u", n.spi, n.si, n.md_type, codec::nsh_next_proto_name(n.next_proto),
      n.ttl);
  if (n.oam) o.s(" oam");
  if (n.u_bit) o.s(" u");
  if (verbosity > 0) o.f(" ver %u len %u", n.version, n.length);
  if (n.md_type == codec::nsh_md::type1 && n.context.size() >= 16) {
    o.s(" ctx");
    for (int i = 0; i < 4; ++i)
      o.f(" %08x", n.md1_word(i));
  } else if (n.md_type == codec::nsh_md::type2) {
    codec::NshTlvIterator it(n.context);
    codec::NshTlv t;
    while (it.next(t)) {
      o.f(" [class 0x%04x type %u len %u = 0x", t.md_class, t.type, t.length);
      o.hex(t.value);
      o.s("]");
    }
  }
}

void pcp_text(Out& o, const codec::PcpView& p, int verbosity) {
  char a[48];
  o.f("pcp v%u %s %s", p.version, codec::pcp_opcode_name(p.opcode), p.response ? "response" : "request");
  if (p.response) o.f(" %s", codec::pcp_result_name(p.result_code));
  o.f(" lifetime %u", p.lifetime);
  if (p.response) o.f(" epoch %u", p.epoch);
  if (!p.response) o.f(" client %s", codec::format_pcp_address(p.client_ip, a).data());
  if (p.opcode == codec::pcp_op::map || p.opcode == codec::pcp_op::peer) {
    o.f(" proto %u internal %u %s %s:%u", p.map.protocol, p.map.internal_port,
        p.response ? "assigned" : "suggested", codec::format_pcp_address(p.map.external_ip, a).data(),
        p.map.external_port);
    if (p.opcode == codec::pcp_op::peer)
      o.f(" peer %s:%u", codec::format_pcp_address(p.peer.remote_peer_ip, a).data(), p.peer.remote_peer_port);
    if (verbosity > 0 && p.has_nonce()) {
      o.s(" nonce ");
      o.hex(p.map.nonce);
    }
  }
  for (const auto& opt : p.option_list()) {
    o.f(" %s", codec::pcp_option_name(opt.code));
    if (opt.code == codec::pcp_opt::port_set) {
      auto ps = codec::parse_pcp_port_set(opt);
      if (ps.ok() || opt.length >= codec::kPcpPortSetLen)
        o.f("(size %u first %u%s)", ps->size, ps->first_internal_port, ps->parity ? " parity" : "");
      if (!ps.ok()) o.f("[%.*s]", static_cast<int>(ps.name().size()), ps.name().data());
    } else if (opt.code == codec::pcp_opt::description) {
      auto d = codec::parse_pcp_description(opt);
      if (d.ok()) {
        o.s("(\"");
        o.text(d.value());
        o.s("\")");
      }
    } else if (opt.code == codec::pcp_opt::third_party) {
      auto t = codec::parse_pcp_third_party(opt);
      if (t.ok()) o.f("(%s)", codec::format_pcp_address(t.value(), a).data());
    } else if (opt.code == codec::pcp_opt::filter) {
      auto fl = codec::parse_pcp_filter(opt);
      if (fl.ok())
        o.f("(%s/%u:%u)", codec::format_pcp_address(fl->remote_peer_ip, a).data(), fl->prefix_length,
            fl->remote_peer_port);
    } else if (!opt.known()) {
      o.f("(code %u len %u)", opt.code, opt.length);
    }
  }
}

void uris_text(Out& o, const dissect::AppSummary& app) {
  for (std::size_t i = 0; i < app.uri_count; ++i) {
    o.s(" captive-portal ");
    o.s(dissect::uri_source_name(app.uris[i].source));
    o.s(" \"");
    o.text(app.uris[i].uri);
    o.s("\"");
  }
}

const char* dhcp_type_name(std::uint8_t t) {
  static const char* const kNames[] = {"?",   "DISCOVER", "OFFER",   "REQUEST", "DECLINE",
                                       "ACK", "NAK",      "RELEASE", "INFORM"};
  return t < 9 ? kNames[t] : "?";
}

void layer_text(Out& o, const Dissection& d, const LayerRef& l, int verbosity) {
  char a[48], b[48];
  switch (l.proto) {
    case Proto::ethernet: {
      const auto& e = d.eth[l.slot];
      char m1[18], m2[18];
      o.f("eth %s > %s", codec::format_mac(e.src, m1), codec::format_mac(e.dst, m2));
      if (verbosity > 0) o.f(" type 0x%04x", e.ethertype);
      break;
    }
    case Proto::vlan: {
      const auto& v = d.vlan[l.slot];
      o.s("vlan");
      for (std::size_t i = 0; i < v.count; ++i) {
        const auto& t = v.tags[i];
        o.f("%s %u", i ? "," : "", t.vid);
        if (t.tpid != 0x8100) o.f(" (0x%04x)", t.tpid);
        if (verbosity > 0) o.f(" pcp %u dei %u", t.pcp, t.dei ? 1 : 0);
      }
      break;
    }
    case Proto::ipv4:
    case Proto::ipv6: {
      const auto& ip = d.ip[l.slot];
      o.f("%s %s > %s", ip.version == 4 ? "ipv4" : "ipv6", dissect::format_ip(ip, true, a),
          dissect::format_ip(ip, false, b));
      if (ip.is_fragment) o.f(" frag off %u%s", ip.frag_offset, ip.more_fragments ? "+" : "");
      if (verbosity > 0) {
        o.f(" proto %u ttl %u tos 0x%02x len %u", ip.proto, ip.ttl, ip.tos, ip.total_len);
        if (ip.version == 4) o.f(" id %u%s", ip.id, ip.df ? " DF" : "");
        if (ip.version == 6) o.f(" flow 0x%05x", ip.flow_label);
      }
      break;
    }
    case Proto::udp:
    case Proto::tcp: {
      const auto& t = d.l4[l.slot];
      o.f("%s %u > %u", l.proto == Proto::udp ? "udp" : "tcp", t.sport, t.dport);
      if (l.proto == Proto::tcp) {
        char fl[12];
        o.f(" [%s]", format_tcp_flags(t.tcp_flags, fl));
        if (verbosity > 0) o.f(" seq %u ack %u win %u", t.seq, t.ack, t.window);
      } else if (verbosity > 0) {
        o.f(" len %u", t.length);
      }
      break;
    }
    case Proto::icmp:
    case Proto::icmpv6: {
      const auto& t = d.l4[l.slot];
      o.f("%s type %u code %u", l.proto == Proto::icmp ? "icmp" : "icmpv6", t.icmp_type, t.icmp_code);
      if (l.proto == Proto::icmpv6 && d.app.has_ra) {
        o.f(" router-advertisement lifetime %u", d.app.ra_lifetime);
        uris_text(o, d.app);
      }
      break;
    }
    case Proto::gre: {
      const auto& g = d.gre[l.slot];
      o.f("gre proto 0x%04x", g.protocol);
      if (g.has_key) o.f(" key %u", g.key);
      if (g.has_seq) o.f(" seq %u", g.seq);
      break;
    }
    case Proto::vxlan: {
      const auto& v = d.vxlan[l.slot];
      o.f("vxlan vni %u", v.vni);
      if (verbosity > 0) o.f(" flags 0x%02x", v.flags);
      break;
    }
    case Proto::vxlan_gpe: {
      const auto& v = d.gpe[l.slot];
      o.f("vxlan-gpe vni %u np %u", v.vni, v.next_proto);
      if (v.o_flag) o.s(" oam");
      if (verbosity > 0) o.f(" flags 0x%02x", v.flags);
      break;
    }
    case Proto::nsh:
      nsh_text(o, d.nsh[l.slot], verbosity);
      break;
    case Proto::mpls: {
      const auto& m = d.mpls[l.slot];
      o.s("mpls");
      for (std::size_t i = 0; i < m.count; ++i) {
        o.f("%s %u", i ? "," : "", m.entries[i].label);
        if (verbosity > 0) o.f(" tc %u ttl %u", m.entries[i].tc, m.entries[i].ttl);
      }
      break;
    }
    case Proto::pcp:
      if (d.app.has_pcp) {
        pcp_text(o, d.app.pcp, verbosity);
      } else {
        o.s("pcp");
      }
      break;
    case Proto::dhcpv4:
      o.s("dhcp");
      if (d.app.has_dhcp) {
        o.f(" %s xid 0x%08x", dhcp_type_name(d.app.dhcp_msg_type), d.app.dhcp_xid);
        if (d.app.dhcp_requests_114 || d.app.dhcp_requests_160)
          o.f(" requests%s%s", d.app.dhcp_requests_114 ? " 114" : "", d.app.dhcp_requests_160 ? " 160" : "");
        uris_text(o, d.app);
      }
      break;
    case Proto::dhcpv6:
      o.s("dhcpv6");
      if (d.app.has_dhcpv6) {
        o.f(" type %u xid 0x%06x", d.app.dhcpv6_msg_type, d.app.dhcpv6_xid);
        if (d.app.dhcpv6_requests_103) o.s(" requests 103");
        uris_text(o, d.app);
      }
      break;
    case Proto::payload:
      o.f("payload %zu bytes", d.length - l.offset);
      break;
    default:
      o.s(dissect::proto_name(l.proto));
      break;
  }
}
}  // namespace

void format_text(const Dissection& d, const pcapio::Packet& p, const FormatOptions& opt, std::string& out) {
  Out o(out);
  if (opt.show_number) o.f("%llu ", static_cast<unsigned long long>(p.number));
  char t[64];
  format_time(p.ts_ns, opt.utc, t);
  o.s(t);
  const char* sep = opt.verbosity > 0 ? "\n    " : ", ";
  for (std::size_t i = 0; i < d.layer_count; ++i) {
    o.s(i == 0 ? " " : sep);
    layer_text(o, d, d.layers[i], opt.verbosity);
  }
  if (!d.outcome.ok()) {
    o.f("%s[%s %s: %.*s at byte %u]", d.layer_count ? (opt.verbosity > 0 ? sep : " ") : " ",
        std::string_view(status_name(d.outcome.status)).data(), dissect::proto_name(d.outcome_proto).data(),
        static_cast<int>(d.outcome.name.size()), d.outcome.name.data(), d.outcome_offset);
  }
  if (opt.verbosity > 0) o.f("%s(caplen %zu, len %u)", sep, d.length, p.wire_len);
  out.push_back('\n');
}

}  // namespace pktmap::dump
