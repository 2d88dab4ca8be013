#include "pktmap/sfc/sf_model.hpp"

#include <algorithm>
#include <cstring>

#include "mode_common.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/codec/vxlan.hpp"
#include "pktmap/flow/five_tuple.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::sfc {

namespace {
constexpr std::uint8_t kTcp = 6;

bool matches(const FlowMatch& m, const flow::FiveTuple& t) {
  return (m.proto < 0 || m.proto == t.proto) && (m.sport < 0 || m.sport == t.sport) &&
         (m.dport < 0 || m.dport == t.dport);
}

struct Parsed {
  detail::L3Start l3;
  flow::FiveTuple tuple;
  bool has_tuple = false;
};
Parsed parse(const FrameBuffer& b) {
  Parsed p;
  p.l3 = detail::find_l3(b.view());
  if (!p.l3.ok) return p;
  auto t = flow::extract_five_tuple(b.view().subspan(p.l3.offset));
  if (t.ok()) {
    p.tuple = t->tuple;
    p.has_tuple = true;
  }
  return p;
}
}  // namespace

bool SfModelConfig::transparent() const {
  return drop_probability <= 0 && drop_match.empty() && reorder_window == 0 && !inject_rst &&
         inject_every == 0 && !delay && !rewrite_src && !rewrite_dst && !strip_vlan && set_dscp < 0 &&
         ttl_decrement == 0 && (!nat || nat->empty());
}

// The pool covers every frame held at once: the reorder window, the delay line, and the frame in hand with
// what it brings (a reply or a copy) until the caller drains them after each submit.
SfModel::SfModel(const SfModelConfig& cfg)
    : cfg_(cfg), pool_(cfg.reorder_window + (cfg.delay ? cfg.delay_limit : 0) + 4), rng_(cfg.seed) {
  free_.reserve(pool_.size());
  held_.reserve(pool_.size());
  out_.reserve(pool_.size());
  if (cfg.delay) line_.reserve(cfg.delay_limit);
  for (auto& f : pool_)
    free_.push_back(&f);
}

std::uint64_t SfModel::next_random() {  // SplitMix64
  std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

SfFrame* SfModel::acquire() {
  if (free_.empty()) return nullptr;
  SfFrame* f = free_.back();
  free_.pop_back();
  f->pid = 0;
  f->tunnel_len = 0;
  f->injected = false;
  f->reply = false;
  f->answers_pid = 0;
  return f;
}

void SfModel::release(SfFrame* f) {
  free_.push_back(f);
}

SfFrame* SfModel::next_out() {
  if (out_head_ == out_.size()) {
    out_.clear();
    out_head_ = 0;
    return nullptr;
  }
  return out_[out_head_++];
}

// A frame in Ethernet/IPv4/UDP(vtep_port)/VXLAN: keep the outer headers aside, leave the inner frame.
void SfModel::decap(SfFrame& f) const {
  const detail::L3Start l3 = detail::find_l3(f.buf.view());
  if (!l3.ok || l3.ethertype != codec::ethertype::ipv4) return;
  auto ip = codec::parse_ipv4(f.buf.view().subspan(l3.offset));
  if (!ip.ok() || ip->protocol != 17 || !ip->has_l4_header()) return;
  auto udp = codec::parse_udp(ip->payload);
  if (!udp.ok() || udp->dport != cfg_.vtep_port) return;
  auto vx = codec::parse_vxlan(udp->payload);
  if (!vx.ok() || vx->payload.size() < codec::kEthernetHeaderLen) return;
  const auto start = static_cast<std::size_t>(vx->payload.data() - f.buf.data());
  if (start > f.tunnel.size()) return;
  std::memcpy(f.tunnel.data(), f.buf.data(), start);
  f.tunnel_len = static_cast<std::uint8_t>(start);
  const std::size_t len = vx->payload.size();
  f.buf.pop_front(start);
  f.buf.truncate(len);
}

// Back into the tunnel it came in, from the SF's VTEP: MACs and IPv4 addresses swapped, lengths and the
// header checksum set again; UDP source port (entropy) and VNI kept, UDP checksum zero (RFC 7348 §5).
void SfModel::encap(SfFrame& f) const {
  if (f.tunnel_len == 0) return;
  const std::size_t inner = f.buf.size();
  std::uint8_t* at = f.buf.push_front(f.tunnel_len);
  if (!at) return;
  std::memcpy(at, f.tunnel.data(), f.tunnel_len);
  codec::MacAddr a, b;
  detail::get_mac(at, a);
  detail::get_mac(at + 6, b);
  detail::put_mac(at, b);
  detail::put_mac(at + 6, a);
  const detail::L3Start l3 = detail::find_l3(f.buf.view());
  std::uint8_t* ip = at + l3.offset;
  const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
  std::uint8_t tmp[4];
  std::memcpy(tmp, ip + 12, 4);
  std::memcpy(ip + 12, ip + 16, 4);
  std::memcpy(ip + 16, tmp, 4);
  const std::size_t udp_len = f.tunnel_len - l3.offset - ihl + inner;
  store_be16(ip + 2, static_cast<std::uint16_t>(ihl + udp_len));
  store_be16(ip + 10, 0);
  store_be16(ip + 10, codec::ipv4_header_checksum(ByteView(ip, ihl)));
  store_be16(ip + ihl + 4, static_cast<std::uint16_t>(udp_len));
  store_be16(ip + ihl + 6, 0);
  f.tunnel_len = 0;
}

void SfModel::emit(SfFrame* f) {
  encap(*f);
  if (cfg_.reorder_window == 0) {
    leave(f);
    return;
  }
  held_.push_back(f);
  held_until_ = std::max(held_until_, f->ts);
  if (held_.size() > cfg_.reorder_window) let_out_one();
}

// A random frame of the window leaves. It leaves when a later frame pushes it out (or the input ends), and a
// capture behind the SF would show that time: the contents reordered, the timestamps still in order.
void SfModel::let_out_one() {
  const std::size_t i = next_random() % held_.size();
  SfFrame* out = held_[i];
  held_[i] = held_.back();
  held_.pop_back();
  out->ts = std::max(out->ts, held_until_);
  leave(out);
}

namespace {
// std heaps keep the largest first: ordered by this, the earliest due.
constexpr auto later = [](const auto& a, const auto& b) {
  return a.due != b.due ? a.due > b.due : a.seq > b.seq;
};
}  // namespace

void SfModel::leave(SfFrame* f) {
  if (!cfg_.delay) {
    out_.push_back(f);
    return;
  }
  if (line_.size() >= cfg_.delay_limit) {  // tail drop, as a full netem queue does
    ++counters_.dropped;
    ++counters_.delay_full;
    release(f);
    return;
  }
  std::int64_t due = f->ts + cfg_.delay_ns;
  if (cfg_.jitter_ns > 0) {
    const auto span = static_cast<std::uint64_t>(2 * cfg_.jitter_ns + 1);
    due += static_cast<std::int64_t>(next_random() % span) - cfg_.jitter_ns;
    due = std::max(due, f->ts);  // never before it came in
  }
  line_.push_back({due, line_seq_++, f});
  std::push_heap(line_.begin(), line_.end(), later);
}

void SfModel::release_due(std::int64_t now) {
  while (!line_.empty() && line_.front().due <= now) {
    std::pop_heap(line_.begin(), line_.end(), later);
    SfFrame* f = line_.back().f;
    f->ts = line_.back().due;  // the time it leaves the SF: what a capture behind it would show
    line_.pop_back();
    out_.push_back(f);
  }
}

void SfModel::flush() {
  while (!held_.empty())
    let_out_one();
  release_due(INT64_MAX);
}

bool SfModel::drop(const SfFrame& f) {
  if (cfg_.drop_match.empty() && cfg_.drop_probability <= 0) return false;  // no parse for a transparent SF
  const Parsed p = parse(f.buf);
  if (p.has_tuple) {
    for (const auto& m : cfg_.drop_match)
      if (matches(m, p.tuple)) return true;
  }
  if (cfg_.drop_probability <= 0) return false;
  std::uint64_t r;
  if (cfg_.drop_per_flow && p.has_tuple) {  // the same decision for both directions of a flow
    const flow::FiveTuple& t = p.tuple;
    const flow::FiveTuple rev = t.reversed();
    r = (t.hash() ^ rev.hash()) ^ (cfg_.seed * 0x9e3779b97f4a7c15ULL);
    r ^= r >> 29;
    r *= 0xbf58476d1ce4e5b9ULL;
    r ^= r >> 32;
  } else {
    r = next_random();
  }
  return static_cast<double>(r >> 11) * 0x1.0p-53 < cfg_.drop_probability;
}

void SfModel::modify(SfFrame& f) {
  bool changed = false;
  if (cfg_.strip_vlan) {
    while (f.buf.size() >= 18 && codec::is_vlan_tpid(load_be16(f.buf.data() + 12))) {
      f.buf.set_start(codec::pop_vlan_tag(f.buf.data()));
      changed = true;
    }
  }
  if (cfg_.rewrite_dst && f.buf.size() >= 14) {
    detail::put_mac(f.buf.data(), *cfg_.rewrite_dst);
    changed = true;
  }
  if (cfg_.rewrite_src && f.buf.size() >= 14) {
    detail::put_mac(f.buf.data() + 6, *cfg_.rewrite_src);
    changed = true;
  }
  if (cfg_.set_dscp >= 0 || cfg_.ttl_decrement > 0) {
    const detail::L3Start l3 = detail::find_l3(f.buf.view());
    std::uint8_t* ip = f.buf.data() + l3.offset;
    const std::size_t n = l3.ok ? f.buf.size() - l3.offset : 0;
    if (l3.ok && l3.ethertype == codec::ethertype::ipv4 && n >= 20) {
      const std::uint16_t old0 = load_be16(ip), old4 = load_be16(ip + 8);
      if (cfg_.set_dscp >= 0) ip[1] = static_cast<std::uint8_t>(cfg_.set_dscp << 2 | (ip[1] & 3));
      if (cfg_.ttl_decrement > 0)
        ip[8] = static_cast<std::uint8_t>(ip[8] > cfg_.ttl_decrement ? ip[8] - cfg_.ttl_decrement : 0);
      std::uint16_t c = load_be16(ip + 10);
      c = checksum_adjust16(c, old0, load_be16(ip));  // RFC 1624
      c = checksum_adjust16(c, old4, load_be16(ip + 8));
      store_be16(ip + 10, c);
      changed = true;
    } else if (l3.ok && l3.ethertype == codec::ethertype::ipv6 && n >= 40) {
      if (cfg_.set_dscp >= 0) {  // traffic class spans bytes 0-1; keep the ECN bits
        const std::uint8_t tc = static_cast<std::uint8_t>(cfg_.set_dscp << 2 | (((ip[1] >> 4) & 3)));
        ip[0] = static_cast<std::uint8_t>(0x60 | tc >> 4);
        ip[1] = static_cast<std::uint8_t>((tc & 0x0f) << 4 | (ip[1] & 0x0f));
      }
      if (cfg_.ttl_decrement > 0)
        ip[7] = static_cast<std::uint8_t>(ip[7] > cfg_.ttl_decrement ? ip[7] - cfg_.ttl_decrement : 0);
      changed = true;
    }
  }
  if (cfg_.nat) {
    const detail::L3Start l3 = detail::find_l3(f.buf.view());
    if (l3.ok && (l3.ethertype == codec::ethertype::ipv4 || l3.ethertype == codec::ethertype::ipv6)) {
      const MutableByteView ip(f.buf.data() + l3.offset, f.buf.size() - l3.offset);
      flow::FiveTuple from, to;
      if (translate_packet(*cfg_.nat, ByteView(ip.data(), ip.size()), from, to) && !(from == to) &&
          rewrite_ip_packet(ip, from, to))
        changed = true;
    }
  }
  if (changed) ++counters_.modified;
}

// A RST|ACK answering a SYN: L2 addresses swapped (tags kept, as an SF cloning the exemplar's L2 would), IP
// addresses and ports swapped, ack = SYN seq + 1; it leaves from the other side of the SF.
void SfModel::inject_reply(const SfFrame& syn) {
  const Parsed p = parse(syn.buf);
  SfFrame* f = acquire();
  if (!f) return;
  const std::uint8_t* s = syn.buf.data();
  const std::size_t l2 = p.l3.offset;
  const bool v4 = p.tuple.ip_version == 4;
  const std::size_t iphl = v4 ? std::size_t{s[l2] & 0x0fu} * 4 : 40;  // IPv6: SYNs here carry no ext headers
  const std::uint8_t* tcp = s + l2 + iphl;
  const std::size_t iplen = v4 ? 20 : 40;
  std::uint8_t bytes[128 + 40] = {};
  std::memcpy(bytes, s + 6, 6);
  std::memcpy(bytes + 6, s, 6);
  std::memcpy(bytes + 12, s + 12, l2 - 12);
  std::uint8_t* ip = bytes + l2;
  if (v4) {
    ip[0] = 0x45;
    store_be16(ip + 2, 40);
    ip[6] = 0x40;  // DF
    ip[8] = 64;
    ip[9] = kTcp;
    std::memcpy(ip + 12, s + l2 + 16, 4);
    std::memcpy(ip + 16, s + l2 + 12, 4);
    store_be16(ip + 10, internet_checksum(ByteView(ip, 20)));
  } else {
    ip[0] = 0x60;
    store_be16(ip + 4, 20);
    ip[6] = kTcp;
    ip[7] = 64;
    std::memcpy(ip + 8, s + l2 + 24, 16);
    std::memcpy(ip + 24, s + l2 + 8, 16);
  }
  std::uint8_t* t = ip + iplen;
  std::memcpy(t, tcp + 2, 2);
  std::memcpy(t + 2, tcp, 2);
  store_be32(t + 8, load_be32(tcp + 4) + 1);
  t[12] = 0x50;
  t[13] = codec::tcp_flag::rst | codec::tcp_flag::ack;
  MutableByteView seg(t, 20);
  if (v4) {
    codec::set_transport_checksum(seg, p.tuple.dst_v4(), p.tuple.src_v4(), kTcp);
  } else {
    codec::Ipv6Addr a, b;
    std::memcpy(a.data(), ip + 8, 16);
    std::memcpy(b.data(), ip + 24, 16);
    codec::set_transport_checksum(seg, a, b, kTcp);
  }
  f->buf.assign(ByteView(bytes, l2 + iplen + 20));
  f->tunnel = syn.tunnel;  // the reply goes back through the tunnel (VNI) of the SYN it answers
  f->tunnel_len = syn.tunnel_len;
  f->injected = true;
  f->reply = true;
  f->answers_pid = syn.pid;
  f->spi = syn.spi;
  f->ts = syn.ts;
  f->side = syn.side ^ 1;
  ++counters_.injected;
  emit(f);
}

// A copy of the exemplar as it leaves the SF (after any rewrite or NAT), so it carries the exemplar's L2
// header, tags and five-tuple: the draft's injected traffic "related to a layer 3 or layer 4 flow", whose
// L2 headers the SF clones from exemplar packets (draft-04 §2, §4.1). An IPv4 copy gets the next IP ID, as
// a retransmission or a cache's own segment would.
SfFrame* SfModel::copy_of(const SfFrame& exemplar) {
  SfFrame* f = acquire();
  if (!f) return nullptr;
  f->buf.assign(exemplar.buf.view());
  const detail::L3Start l3 = detail::find_l3(f->buf.view());
  if (l3.ok && l3.ethertype == codec::ethertype::ipv4 && f->buf.size() >= l3.offset + 20) {
    std::uint8_t* ip = f->buf.data() + l3.offset;
    const std::uint16_t old_id = load_be16(ip + 4);
    const auto id = static_cast<std::uint16_t>(old_id + 1);
    store_be16(ip + 4, id);
    store_be16(ip + 10, checksum_adjust16(load_be16(ip + 10), old_id, id));  // RFC 1624
  }
  f->tunnel = exemplar.tunnel;
  f->tunnel_len = exemplar.tunnel_len;
  f->injected = true;
  f->answers_pid = exemplar.pid;
  f->spi = exemplar.spi;
  f->ts = exemplar.ts;
  f->side = exemplar.side;
  ++counters_.injected;
  return f;
}

bool SfModel::copy_due(const SfFrame& f) {
  const Parsed p = parse(f.buf);
  if (!p.has_tuple || !matches(cfg_.inject_match, p.tuple)) return false;
  return ++inject_seen_ % cfg_.inject_every == 0;
}

void SfModel::submit(SfFrame* f) {
  ++counters_.received;
  if (cfg_.vtep_port) decap(*f);
  if (cfg_.inject_rst) {
    const Parsed p = parse(f->buf);
    const std::size_t iphl = !p.has_tuple              ? 0
                             : p.tuple.ip_version == 4 ? std::size_t{f->buf.data()[p.l3.offset] & 0x0fu} * 4
                                                       : 40;
    if (p.has_tuple && p.tuple.proto == kTcp && p.l3.offset <= 40 &&
        f->buf.size() >= p.l3.offset + iphl + 20 && matches(cfg_.rst_match, p.tuple)) {
      const std::uint8_t flags = f->buf.data()[p.l3.offset + iphl + 13];
      if ((flags & (codec::tcp_flag::syn | codec::tcp_flag::ack)) == codec::tcp_flag::syn) {
        inject_reply(*f);
        ++counters_.dropped;  // the firewall refuses the SYN
        release(f);
        return;
      }
    }
  }
  if (drop(*f)) {
    ++counters_.dropped;
    release(f);
    return;
  }
  modify(*f);
  // The copy is made before the exemplar leaves: emitting it may hand it on (or, at a full delay line, back
  // to the pool), and it takes its tunnel along.
  SfFrame* copy = cfg_.inject_every != 0 && copy_due(*f) ? copy_of(*f) : nullptr;
  emit(f);
  if (copy) emit(copy);
}

}  // namespace pktmap::sfc
