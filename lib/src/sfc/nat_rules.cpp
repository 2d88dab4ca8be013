// NAT rules: matching, the deterministic translation, and the in-place packet rewrite (RFC 1624 checksums).
#include "pktmap/sfc/nat_rules.hpp"

#include <charconv>
#include <cstring>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::sfc {

namespace {

constexpr std::uint8_t kTcp = 6, kUdp = 17, kIcmpv6 = 58;

bool prefix_match(const AddrField& f, std::uint8_t version, const std::array<std::uint8_t, 16>& a) {
  if (!f.set) return true;
  if (f.version != version) return false;
  const int full = f.prefix / 8, rest = f.prefix % 8;
  if (std::memcmp(f.addr.data(), a.data(), static_cast<std::size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (f.addr[full] & mask) == (a[full] & mask);
}

// NETMAP: the network bits from the pool, the host bits kept.
void map_addr(const AddrField& to, std::array<std::uint8_t, 16>& a) {
  if (!to.set) return;
  for (int i = 0; i < 16; ++i) {
    const int bits = to.prefix - i * 8;
    const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : bits <= 0 ? 0 : 0xff << (8 - bits));
    a[i] = static_cast<std::uint8_t>((to.addr[i] & mask) | (a[i] & ~mask));
  }
}

std::uint16_t map_port(const PortField& to, std::uint16_t p) {
  if (!to.set) return p;
  const std::uint32_t n = std::uint32_t{to.hi} - to.lo + 1;
  return static_cast<std::uint16_t>(to.lo + p % n);
}

bool port_match(const PortField& f, std::uint16_t p) {
  return !f.set || (p >= f.lo && p <= f.hi);
}

bool number(std::string_view s, unsigned long max, unsigned long& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size() && v <= max;
}

}  // namespace

std::string parse_addr_field(std::string_view text, AddrField& out) {
  out = AddrField{};
  std::string_view a = text;
  unsigned long prefix = 0;
  bool has_prefix = false;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    a = text.substr(0, slash);
    if (!number(text.substr(slash + 1), 128, prefix)) return "bad prefix length";
    has_prefix = true;
  }
  codec::Ipv4Addr v4;
  codec::Ipv6Addr v6;
  if (codec::parse_ipv4_addr(a, v4)) {
    if (prefix > 32) return "IPv4 prefix length above 32";
    out.version = 4;
    std::memcpy(out.addr.data(), v4.data(), 4);
    out.prefix = static_cast<std::uint8_t>(has_prefix ? prefix : 32);
  } else if (codec::parse_ipv6_addr(a, v6)) {
    out.version = 6;
    out.addr = v6;
    out.prefix = static_cast<std::uint8_t>(has_prefix ? prefix : 128);
  } else if (a.find(':') == std::string_view::npos && a.find('.') != std::string_view::npos) {
    return codec::ipv4_addr_refusal(a);  // IPv4-looking: say what is wrong with it
  } else {
    return "not an IPv4/IPv6 address or prefix";
  }
  out.set = true;
  return {};
}

bool parse_number_range(std::string_view text, unsigned long max, unsigned long& lo, unsigned long& hi) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    if (!number(text, max, lo)) return false;
    hi = lo;
    return true;
  }
  return number(text.substr(0, dash), max, lo) && number(text.substr(dash + 1), max, hi) && lo <= hi;
}

std::string parse_port_field(std::string_view text, PortField& out) {
  out = PortField{};
  unsigned long lo = 0, hi = 0;
  if (!parse_number_range(text, 65535, lo, hi))
    return text.find('-') == std::string_view::npos ? "expected a port 0..65535 or a range LO-HI"
                                                    : "expected a port range LO-HI with LO <= HI <= 65535";
  out.set = true;
  out.lo = static_cast<std::uint16_t>(lo);
  out.hi = static_cast<std::uint16_t>(hi);
  return {};
}

std::string parse_proto_field(std::string_view text, int& out) {
  unsigned long v = 0;
  if (text == "tcp")
    out = kTcp;
  else if (text == "udp")
    out = kUdp;
  else if (number(text, 255, v))
    out = static_cast<int>(v);
  else
    return "expected tcp, udp or a protocol number 0..255";
  return {};
}

std::string format_addr_field(const AddrField& a) {
  if (!a.set) return {};
  std::string s;
  if (a.version == 4) {
    char b[16];
    s = codec::format_ipv4_addr({a.addr[0], a.addr[1], a.addr[2], a.addr[3]}, b);
    if (a.prefix != 32) {
      s += '/';
      s += std::to_string(a.prefix);
    }
  } else {
    char b[46];
    s = codec::format_ipv6_addr(a.addr, b);
    if (a.prefix != 128) {
      s += '/';
      s += std::to_string(a.prefix);
    }
  }
  return s;
}

std::string format_port_field(const PortField& p) {
  if (!p.set) return {};
  return p.lo == p.hi ? std::to_string(p.lo) : std::to_string(p.lo) + "-" + std::to_string(p.hi);
}

std::string proto_text(int proto) {
  return proto == kTcp ? "tcp" : proto == kUdp ? "udp" : std::to_string(proto);
}

std::string check_nat_rule(const NatRule& r) {
  if (!r.to_src.set && !r.to_dst.set && !r.to_sport.set && !r.to_dport.set)
    return "rewrite changes nothing (give src, dst, sport or dport)";
  std::uint8_t v = 0;
  for (const AddrField* a : {&r.src, &r.dst, &r.to_src, &r.to_dst}) {
    if (!a->set) continue;
    if (v && a->version != v) return "mixes IPv4 and IPv6 addresses";
    v = a->version;
  }
  const bool ports = r.sport.set || r.dport.set || r.to_sport.set || r.to_dport.set;
  if (ports && r.proto != kTcp && r.proto != kUdp) return "ports need proto: tcp or proto: udp";
  return {};
}

bool NatRule::matches(const flow::FiveTuple& t) const {
  return (proto < 0 || proto == t.proto) && prefix_match(src, t.ip_version, t.src) &&
         prefix_match(dst, t.ip_version, t.dst) && port_match(sport, t.sport) && port_match(dport, t.dport) &&
         // a rewrite to another family cannot apply (checked at load; this keeps apply() total)
         (!to_src.set || to_src.version == t.ip_version) && (!to_dst.set || to_dst.version == t.ip_version);
}

flow::FiveTuple NatRule::apply(const flow::FiveTuple& t) const {
  flow::FiveTuple o = t;
  map_addr(to_src, o.src);
  map_addr(to_dst, o.dst);
  if (t.proto == kTcp || t.proto == kUdp) {
    o.sport = map_port(to_sport, t.sport);
    o.dport = map_port(to_dport, t.dport);
  }
  return o;
}

bool NatRules::translate(const flow::FiveTuple& in, flow::FiveTuple& out) const {
  for (const NatRule& r : rules)
    if (r.matches(in)) {
      out = r.apply(in);
      return true;
    }
  out = in;
  return false;
}

bool translate_packet(const NatRules& rules, ByteView ip, flow::FiveTuple& from, flow::FiveTuple& to) {
  auto t = flow::extract_five_tuple(ip);
  if (!t.ok() && t.name() != "flow_ports_truncated") return false;
  from = t->tuple;
  if (!rules.translate(from, to)) return false;
  if (!t.ok() || !t->has_ports) {
    to.sport = from.sport;
    to.dport = from.dport;
  }
  return true;
}

bool rewrite_ip_packet(MutableByteView ip, const flow::FiveTuple& from, const flow::FiveTuple& to) {
  const bool v4 = from.ip_version == 4;
  const std::size_t alen = v4 ? 4 : 16;
  const std::size_t src_off = v4 ? 12 : 8, dst_off = v4 ? 16 : 24;
  if (ip.size() < dst_off + alen) return false;
  auto t = flow::extract_five_tuple(ByteView(ip.data(), ip.size()));
  const bool ports = t.ok() && t->has_ports;
  const std::size_t l4 = t.ok() && !t->l4.empty() ? static_cast<std::size_t>(t->l4.data() - ip.data()) : 0;
  // Where the transport checksum is, if captured and in use (a zero IPv4 UDP checksum stays zero).
  std::size_t ck = 0;
  if (l4) {
    const std::size_t off = from.proto == kTcp ? 16 : from.proto == kUdp ? 6 : from.proto == kIcmpv6 ? 2 : 0;
    if (off && ip.size() >= l4 + off + 2 &&
        !(from.proto == kUdp && v4 && load_be16(ip.data() + l4 + off) == 0))
      ck = l4 + off;
  }
  // Addresses are in the pseudo-header of all three transport checksums; ports in the segment.
  auto put16 = [&](std::size_t at, std::uint16_t nw) {
    const std::uint16_t old = load_be16(ip.data() + at);
    if (old == nw) return;
    store_be16(ip.data() + at, nw);
    if (v4 && at < 20) store_be16(ip.data() + 10, checksum_adjust16(load_be16(ip.data() + 10), old, nw));
    if (ck) {
      std::uint16_t c = checksum_adjust16(load_be16(ip.data() + ck), old, nw);
      if (from.proto == kUdp && c == 0) c = 0xffff;  // RFC 768: zero means "no checksum"
      store_be16(ip.data() + ck, c);
    }
  };
  for (std::size_t i = 0; i < alen; i += 2) {
    put16(src_off + i, static_cast<std::uint16_t>(to.src[i] << 8 | to.src[i + 1]));
    put16(dst_off + i, static_cast<std::uint16_t>(to.dst[i] << 8 | to.dst[i + 1]));
  }
  if (ports && (from.sport != to.sport || from.dport != to.dport)) {
    if (ip.size() < l4 + 4) return false;
    put16(l4, to.sport);
    put16(l4 + 2, to.dport);
  }
  return true;
}

}  // namespace pktmap::sfc
