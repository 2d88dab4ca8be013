// IP, transport and GRE steps of the decode chain (see decode_steps.hpp).
#include <algorithm>

#include "decode_steps.hpp"
#include "pktmap/codec/gre.hpp"
#include "pktmap/codec/icmp.hpp"
#include "pktmap/codec/icmpv6.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/udp.hpp"

namespace pktmap::dissect::detail {

Outcome decode_ipv4(ByteView data, IpSummary& out, ByteView& payload) {
  auto r = codec::parse_ipv4(data);
  const auto& v = r.value();
  out = IpSummary{};
  out.version = 4;
  std::copy(v.src.begin(), v.src.end(), out.src.begin());
  std::copy(v.dst.begin(), v.dst.end(), out.dst.begin());
  out.proto = v.protocol;
  out.ttl = v.ttl;
  out.tos = static_cast<std::uint8_t>(v.dscp << 2 | v.ecn);
  out.total_len = v.total_length;
  out.id = v.id;
  out.frag_offset = static_cast<std::uint16_t>(v.frag_offset * 8);
  out.df = v.dont_fragment;
  out.more_fragments = v.more_fragments;
  out.is_fragment = v.is_fragment;
  out.later_fragment = v.is_fragment && !v.is_first_fragment;
  out.header_len = static_cast<std::uint16_t>(v.header.size());
  out.header = v.header;
  payload = v.payload;
  return r.outcome();
}

Outcome decode_ipv6(ByteView data, IpSummary& out, ByteView& payload) {
  auto r = codec::parse_ipv6(data);
  const auto& v = r.value();
  out = IpSummary{};
  out.version = 6;
  out.src = v.src;
  out.dst = v.dst;
  out.proto = v.upper_proto;
  out.ttl = v.hop_limit;
  out.tos = v.traffic_class;
  out.total_len = static_cast<std::uint16_t>(v.payload_length + 40 > 0xffff ? 0xffff : v.payload_length + 40);
  out.frag_offset = static_cast<std::uint16_t>(v.frag_offset * 8);
  out.more_fragments = v.more_fragments;
  out.is_fragment = v.is_fragment;
  out.later_fragment = v.is_fragment && !v.is_first_fragment;
  out.header_len = static_cast<std::uint16_t>(v.upper_offset);
  out.flow_label = v.flow_label;
  out.header = v.header;
  payload = v.upper;
  return r.outcome();
}

Outcome decode_udp(ByteView data, L4Summary& out, ByteView& payload) {
  auto r = codec::parse_udp(data);
  const auto& v = r.value();
  out = L4Summary{};
  if (!v.header.empty()) out.proto = 17;
  out.sport = v.sport;
  out.dport = v.dport;
  out.length = v.length;
  out.checksum = v.checksum;
  out.payload = payload = v.payload;
  return r.outcome();
}

Outcome decode_tcp(ByteView data, L4Summary& out, ByteView& payload) {
  auto r = codec::parse_tcp(data);
  const auto& v = r.value();
  out = L4Summary{};
  if (!v.header.empty()) out.proto = 6;
  out.sport = v.sport;
  out.dport = v.dport;
  out.tcp_flags = v.flags;
  out.seq = v.seq;
  out.ack = v.ack;
  out.window = v.window;
  out.checksum = v.checksum;
  out.length = static_cast<std::uint16_t>(data.size() > 0xffff ? 0xffff : data.size());
  out.payload = payload = v.payload;
  return r.outcome();
}

Outcome decode_icmp(ByteView data, L4Summary& out, ByteView& payload) {
  auto r = codec::parse_icmp(data);
  const auto& v = r.value();
  out = L4Summary{};
  if (!v.header.empty()) out.proto = 1;
  out.icmp_type = v.type;
  out.icmp_code = v.code;
  out.checksum = v.checksum;
  out.length = static_cast<std::uint16_t>(data.size() > 0xffff ? 0xffff : data.size());
  out.payload = v.payload;
  payload = {};  // the quoted datagram is evidence, not a layer to decode in line
  return r.outcome();
}

Outcome decode_icmpv6(ByteView data, L4Summary& out, AppSummary& app, ByteView& payload) {
  auto r = codec::parse_icmpv6(data);
  const auto& v = r.value();
  out = L4Summary{};
  if (!v.header.empty()) out.proto = 58;
  out.icmp_type = v.type;
  out.icmp_code = v.code;
  out.checksum = v.checksum;
  out.length = static_cast<std::uint16_t>(data.size() > 0xffff ? 0xffff : data.size());
  out.payload = v.payload;
  payload = {};
  if (v.type == 134 && !v.header.empty()) {  // Router Advertisement (RFC 4861 §4.2)
    app.has_ra = true;
    app.ra_lifetime = v.ra.router_lifetime;
    codec::NdOptionIterator it(v.nd_options);
    codec::NdOption opt;
    while (it.next(opt)) {
      if (opt.type != 37) continue;  // RFC 8910 §2.3: captive-portal URI, NUL-padded to 8 bytes
      std::string_view s(reinterpret_cast<const char*>(opt.value.data()), opt.value.size());
      while (!s.empty() && s.back() == '\0')
        s.remove_suffix(1);
      app.add_uri(UriSource::ra_37, s);
    }
  }
  return r.outcome();
}

Outcome decode_gre(ByteView data, GreSummary& out, ByteView& payload) {
  auto r = codec::parse_gre(data);
  const auto& v = r.value();
  out = GreSummary{};
  out.flags = static_cast<std::uint8_t>((v.checksum_present ? 0x80 : 0) | (v.key_present ? 0x20 : 0) |
                                        (v.seq_present ? 0x10 : 0));
  out.version = v.version;
  out.protocol = v.protocol_type;
  out.has_key = v.key_present;
  out.key = v.key;
  out.has_seq = v.seq_present;
  out.seq = v.seq;
  payload = v.payload;
  return r.outcome();
}

}  // namespace pktmap::dissect::detail
