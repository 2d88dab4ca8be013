#include "pktmap/flow/five_tuple.hpp"

#include <cstring>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::flow {

FiveTuple FiveTuple::reversed() const {
  FiveTuple r = *this;
  r.src = dst;
  r.dst = src;
  r.sport = dport;
  r.dport = sport;
  return r;
}

namespace {
// splitmix64 finalizer: cheap and mixes every input bit into every output bit.
constexpr std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
}  // namespace

std::uint64_t FiveTuple::hash() const {
  std::uint64_t w[4];
  std::memcpy(w, src.data(), 16);
  std::memcpy(w + 2, dst.data(), 16);
  std::uint64_t h = mix(std::uint64_t{ip_version} | std::uint64_t{proto} << 8 | std::uint64_t{sport} << 16 |
                        std::uint64_t{dport} << 32);
  for (std::uint64_t x : w)
    h = mix(h ^ (x + 0x9e3779b97f4a7c15ULL));
  return h;
}

void FiveTuple::set_v4(const codec::Ipv4Addr& s, const codec::Ipv4Addr& d) {
  ip_version = 4;
  src = {};
  dst = {};
  std::memcpy(src.data(), s.data(), 4);
  std::memcpy(dst.data(), d.data(), 4);
}

void FiveTuple::set_v6(const codec::Ipv6Addr& s, const codec::Ipv6Addr& d) {
  ip_version = 6;
  src = s;
  dst = d;
}

namespace {
// Ports are the first 4 bytes of both TCP and UDP; the codecs fill them even from a short quote.
Outcome read_ports(ExtractedFlow& f, bool l4_header_here) {
  if (!l4_header_here) return ok_outcome();
  if (f.tuple.proto != codec::ip_proto::tcp && f.tuple.proto != codec::ip_proto::udp) return ok_outcome();
  if (f.l4.size() < 4) return truncated("flow_ports_truncated");
  if (f.tuple.proto == codec::ip_proto::tcp) {
    auto t = codec::parse_tcp(f.l4);
    f.tuple.sport = t->sport;
    f.tuple.dport = t->dport;
  } else {
    auto u = codec::parse_udp(f.l4);
    f.tuple.sport = u->sport;
    f.tuple.dport = u->dport;
  }
  f.has_ports = true;
  return ok_outcome();
}

// The common case read at fixed offsets: a whole IPv4 datagram (any IHL) that parse_ipv4 accepts without
// an outcome and, for TCP/UDP, at least the 4 port bytes. Anything else (short, odd or lying lengths, an
// oversized fragment) returns false and takes the codec path, which names the problem.
bool extract_ipv4_fast(ByteView ip_packet, ExtractedFlow& f) {
  const std::size_t n = ip_packet.size();
  if (n < codec::kIpv4MinHeaderLen) return false;
  const std::uint8_t* p = ip_packet.data();
  const std::size_t hlen = std::size_t{p[0] & 0x0fu} * 4;
  const std::size_t total = load_be16(p + 2);
  const std::uint16_t ff = load_be16(p + 6);
  const std::size_t frag_bytes = std::size_t{ff & 0x1fffu} * 8;
  if ((p[0] >> 4) != 4 || hlen < codec::kIpv4MinHeaderLen || total < hlen || total > n ||
      frag_bytes + total > 65535)
    return false;
  const std::uint8_t proto = p[9];
  const bool here = frag_bytes == 0;
  const bool ports = here && (proto == codec::ip_proto::tcp || proto == codec::ip_proto::udp);
  if (ports && total - hlen < 4) return false;
  f.tuple.ip_version = 4;
  std::memcpy(f.tuple.src.data(), p + 12, 4);
  std::memcpy(f.tuple.dst.data(), p + 16, 4);
  f.tuple.proto = proto;
  f.is_fragment = (ff & 0x2000u) != 0 || frag_bytes != 0;
  if (here) f.l4 = ip_packet.subspan(hlen, total - hlen);
  if (ports) {
    f.tuple.sport = load_be16(p + hlen);
    f.tuple.dport = load_be16(p + hlen + 2);
    f.has_ports = true;
  }
  return true;
}
}  // namespace

Outcome extract_five_tuple(ByteView ip_packet, ExtractedFlow& f) {
  if (extract_ipv4_fast(ip_packet, f)) return ok_outcome();
  auto first = ByteReader(ip_packet).peek_u8();
  if (!first) return truncated("flow_truncated");
  const int version = *first >> 4;
  if (version == 4) {
    auto ip = codec::parse_ipv4(ip_packet);
    // A snapped payload is fine: only the header and the first transport bytes matter.
    if (!ip.ok() && ip.name() != "ipv4_total_length_exceeds_packet") {
      if (!ip->header.empty()) {
        f.tuple.set_v4(ip->src, ip->dst);
        f.tuple.proto = ip->protocol;
      }
      return ip.outcome();
    }
    f.tuple.set_v4(ip->src, ip->dst);
    f.tuple.proto = ip->protocol;
    f.is_fragment = ip->is_fragment;
    if (ip->has_l4_header()) f.l4 = ip->payload;
    return read_ports(f, ip->has_l4_header());
  }
  if (version == 6) {
    auto ip = codec::parse_ipv6(ip_packet);
    if (!ip.ok() && ip.name() != "ipv6_payload_length_exceeds_packet") {
      if (!ip->header.empty()) f.tuple.set_v6(ip->src, ip->dst);
      return ip.outcome();
    }
    f.tuple.set_v6(ip->src, ip->dst);
    f.tuple.proto = ip->upper_proto;
    f.is_fragment = ip->is_fragment;
    if (ip->has_l4_header()) f.l4 = ip->upper;
    return read_ports(f, ip->has_l4_header());
  }
  return invalid("flow_ip_version_unknown");
}

Result<ExtractedFlow> extract_five_tuple(ByteView ip_packet) {
  ExtractedFlow f;
  const Outcome o = extract_five_tuple(ip_packet, f);
  return {f, o};
}

}  // namespace pktmap::flow
