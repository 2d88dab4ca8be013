#include "pktmap/sfc/proxy.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <new>
#include <unordered_set>

#include "mode_common.hpp"
#include "pktmap/error.hpp"
#include "pktmap/wire/short_bytes.hpp"

namespace pktmap::sfc {

namespace {
bool is_l3(std::uint8_t np) {
  return np == codec::nsh_np::ipv4 || np == codec::nsh_np::ipv6 || np == codec::nsh_np::mpls;
}
std::uint16_t ethertype_for(std::uint8_t np) {
  return np == codec::nsh_np::ipv4   ? codec::ethertype::ipv4
         : np == codec::nsh_np::ipv6 ? codec::ethertype::ipv6
                                     : codec::ethertype::mpls;
}
}  // namespace

bool parse_path_pair(std::string_view text, std::uint32_t& fwd, std::uint32_t& rev) {
  while (!text.empty() && text.front() == ' ')  // spaces around the pair, which sscanf skipped too
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  const char* end = text.data() + text.size();
  const auto a = std::from_chars(text.data(), end, fwd);
  if (a.ec != std::errc() || a.ptr == end || *a.ptr != ':') return false;
  const auto b = std::from_chars(a.ptr + 1, end, rev);
  return b.ec == std::errc() && b.ptr == end && fwd <= 0xFFFFFF && rev <= 0xFFFFFF;
}

std::string check_path_pairs(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs) {
  std::unordered_set<std::uint32_t> seen;
  for (auto [fwd, rev] : pairs)
    if (fwd == rev || !seen.insert(fwd).second || !seen.insert(rev).second)
      return "path pair " + std::to_string(fwd) + ":" + std::to_string(rev) +
             ": each SPI may appear in one pair only";
  return {};
}

ScopeKey Proxy::path_scope(std::uint32_t spi) {
  ScopeKey s;
  s.w[0] = 0x30 | std::uint64_t{spi} << 8;
  return s;
}

Proxy::Proxy(const ProxyConfig& cfg)
    : cfg_(cfg),
      nsh_store_(cfg.header_capacity, codec::kNshMaxLen),
      outer_store_(cfg.header_capacity, kMaxOuterLen),
      paths_(cfg.path_capacity, cfg.mode.idle_ns, FullPolicy::evict_oldest, nsh_store_, outer_store_) {
  if (std::string why = check_mode_config(cfg.mode); !why.empty()) throw SetupError(why);
  try {
    mode_ = make_mode(cfg.mode, nsh_store_, outer_store_);
  } catch (const std::bad_alloc&) {  // the tables are allocated for the whole limit up front
    throw SetupError("--limit " + std::to_string(cfg.mode.limit) +
                     ": no memory for a table of that many keys");
  }
  needs_tuple_ = cfg.mode.per == Granularity::flow || cfg.mode.kind == ModeKind::five_tuple ||
                 cfg.mode.kind == ModeKind::nat || cfg.mode.kind == ModeKind::vxlan;  // vxlan: UDP entropy
  nsh_cache_.fill(kNoHeader);
  outer_cache_.fill(kNoHeader);
  if (std::string why = check_path_pairs(cfg.path_pairs); !why.empty()) throw SetupError(why);
  for (auto [fwd, rev] : cfg.path_pairs) {
    pair_of_[fwd] = rev;
    pair_of_[rev] = fwd;
    side_[fwd] = kSideForward;
    side_[rev] = kSideReverse;
  }
}

// Hashing every packet's header to intern it dominated the per-packet cost, yet the packets of a path nearly
// always carry the header interned last time for that path: a byte compare against that copy finds the id.
// Each cache slot holds one reference on the header it names, so a hit takes none (the header lives at least
// until the slot names another) and the packet has nothing to release when it is done.
[[gnu::always_inline]] inline HeaderId Proxy::intern_for_path(HeaderStore& store, HeaderCache& cache,
                                                              std::uint32_t spi, ByteView bytes) {
  HeaderId& c = cache[spi & (cache.size() - 1)];
  if (store.holds(c, bytes)) return c;
  const HeaderId id = store.intern(bytes);  // the slot's reference
  if (id == kNoHeader) return id;
  store.release(c);
  c = id;
  return id;
}

std::uint8_t Proxy::side_of_paired(std::uint32_t spi) const {
  auto it = side_.find(spi);
  return it == side_.end() ? kSideForward : it->second;
}

bool Proxy::reverse_of(std::uint32_t spi, std::uint32_t& out) const {
  if (pair_of_.empty()) return false;
  auto it = pair_of_.find(spi);
  if (it == pair_of_.end()) return false;
  out = it->second;
  return true;
}

// Congruent metadata (draft-04 §3) is saved for packets the SF injects: a reply mapped to this path (a paired
// SPI) gets it. It replaces the context headers of the path's latest header; the next protocol stays that
// of the path's data, which a header without payload cannot tell (the sample's say "unknown"). A path that
// has carried no data yet has no header to update, and a reply could not be sent on it anyway.
void Proxy::keep_congruent(const codec::NshView& v, std::int64_t ts) {
  if (pair_of_.empty() || pair_of_.count(v.spi) == 0 || v.si == 0 || (v.md_type != 1 && v.md_type != 2))
    return;
  const std::uint32_t pi = paths_.find(path_scope(v.spi));
  if (pi == MappingTable::kNil || v.header.size() > codec::kNshMaxLen) return;
  Entry& pe = paths_.at(pi);
  std::array<std::uint8_t, codec::kNshMaxLen> h;
  std::memcpy(h.data(), v.header.data(), v.header.size());
  h[3] = pe.next_proto;
  const HeaderId id = nsh_store_.intern(ByteView(h.data(), v.header.size()));
  if (id == kNoHeader) return;
  nsh_store_.release(pe.nsh);
  pe.nsh = id;
  pe.si = v.si;
  paths_.touch(pi, ts);
  ++congruent_kept_;
}

SffResult Proxy::from_sff(ByteView frame, std::int64_t ts, std::uint64_t serial, FrameBuffer& to_sf,
                          bool keep_header) {
  SffResult r;
  expire(ts);
  if (Outcome o = locate_nsh(frame, where_); !o.ok()) {
    r.verdict = SffVerdict::reject;
    r.outcome = o;
    return r;
  }
  const NshLocation* loc = &where_;
  if (loc->transport == Transport::none) {
    r.verdict = SffVerdict::relay_not_nsh;
    return r;
  }
  const codec::NshView& v = loc->nsh;
  r.transport = loc->transport;
  r.spi = v.spi;
  r.si = v.si;
  r.md_type = v.md_type;
  r.header = ByteView(v.header.data(), v.header.size());  // not a 16-byte copy of two 8-byte stores just made
  r.side = side_of(v.spi);
  if (v.payload.empty() && !v.oam) {  // congruent metadata: the SFF's business, never the SF's
    r.verdict = SffVerdict::relay_congruent;
    keep_congruent(v, ts);
    return r;
  }
  r.verdict = SffVerdict::drop;
  if (Outcome o = check_nsh_policy(v, cfg_.policy); !o.ok()) {
    r.outcome = o;
    return r;
  }
  // Toward the SF: an L3 payload gets a new L2 header; an L2 payload keeps its frame.
  const std::uint8_t np = v.next_proto;
  if (!is_l3(np) && np != codec::nsh_np::ethernet) {
    r.outcome = unsupported("sf_payload_unsupported");  // NSH in NSH: nothing a legacy SF can take
    return r;
  }
  if (!to_sf.assign(v.payload)) {
    r.outcome = unsupported("frame_too_large");
    return r;
  }
  flow::ExtractedFlow flow;
  const flow::FiveTuple* tp = nullptr;
  ByteView l3;
  if (is_l3(np)) {
    std::uint8_t* h = to_sf.push_front(codec::kEthernetHeaderLen);
    detail::put_mac(h, cfg_.sf_mac);
    detail::put_mac(h + 6, cfg_.proxy_mac);
    store_be16(h + 12, ethertype_for(np));
    if (np != codec::nsh_np::mpls) l3 = v.payload;
  } else {
    if (v.payload.size() < codec::kEthernetHeaderLen) {
      r.outcome = truncated("inner_ethernet_truncated");
      return r;
    }
    if (needs_tuple_) {
      const detail::L3Start s = detail::find_l3(v.payload);
      if (s.ok && (s.ethertype == codec::ethertype::ipv4 || s.ethertype == codec::ethertype::ipv6))
        l3 = v.payload.subspan(s.offset);
    }
  }
  if (needs_tuple_ && !l3.empty()) {
    const Outcome t = flow::extract_five_tuple(l3, flow);
    if (t.ok() || t.name == "flow_ports_truncated") tp = &flow.tuple;
  }
  // Intern the header and the normalized outer headers (only the first nsh_offset bytes are used).
  // Tunnels are interned with their per-packet fields zeroed; a bare Ethernet header is interned as it is.
  std::array<std::uint8_t, kMaxOuterLen> normalized;
  ByteView outer = frame.first(loc->nsh_offset);
  if (loc->ip_version != 0 || loc->l4_proto != 0) {
    std::memcpy(normalized.data(), frame.data(), loc->nsh_offset);
    normalize_outer(MutableByteView(normalized.data(), loc->nsh_offset), *loc);
    outer = ByteView(normalized.data(), loc->nsh_offset);
  }
  ToSfPacket p;
  p.spi = v.spi;
  p.si = v.si;
  p.next_proto = np;
  p.side = r.side;
  p.ts = ts;
  p.serial = serial;
  p.tuple = tp;
  p.nsh = intern_for_path(nsh_store_, nsh_cache_, v.spi, v.header);
  p.outer = intern_for_path(outer_store_, outer_cache_, v.spi, outer);
  p.outer_ip_off = loc->ip_off;
  p.outer_l4_off = loc->l4_off;
  p.outer_ip_version = loc->ip_version;
  p.outer_l4_proto = loc->l4_proto;
  if (p.nsh == kNoHeader || p.outer == kNoHeader) {
    r.outcome = unsupported("header_store_full");
    return r;
  }
  // The path's latest header, for replies mapped to the reverse path (only paired paths are asked for).
  std::uint32_t pi = MappingTable::kNil;
  if (!pair_of_.empty() && pair_of_.count(v.spi) != 0) {
    const ScopeKey ps = path_scope(v.spi);
    pi = paths_.find(ps);
    if (pi == MappingTable::kNil)
      pi = paths_.insert(ps, ts);
    else
      paths_.touch(pi, ts);
  }
  if (pi != MappingTable::kNil) {
    Entry& pe = paths_.at(pi);
    nsh_store_.release(pe.nsh);
    outer_store_.release(pe.outer);
    detail::fill_entry(pe, p, nsh_store_, outer_store_);
  }
  r.outcome = mode_->to_sf(p, to_sf);
  if (r.outcome.ok()) {
    r.verdict = SffVerdict::to_sf;
    if (keep_header) {
      r.nsh = p.nsh;
      nsh_store_.retain(p.nsh);
    }
  }
  return r;
}

SfResult Proxy::to_sff(FrameBuffer& frame, std::uint8_t side, std::int64_t ts) {
  SfResult r;
  expire(ts);
  FromSfResult m = mode_->from_sf(frame, side, ts);
  if (!m.outcome.ok()) {
    r.outcome = m.outcome;
    return r;
  }
  // Nothing below inserts into or removes from a table before m.finish(): the entries stay put.
  const Entry* hp = m.entry;
  r.reversed = m.reversed;
  if (m.reversed) {
    std::uint32_t rev = 0;
    std::uint32_t pi = MappingTable::kNil;
    if (!reverse_of(hp->spi, rev))
      r.outcome = unsupported("reverse_path_not_configured");
    else if ((pi = paths_.find(path_scope(rev))) == MappingTable::kNil)
      r.outcome = unsupported("reverse_path_unseen");
    if (!r.outcome.ok()) {
      m.finish();
      return r;
    }
    hp = &paths_.at(pi);
  }
  const Entry& h = *hp;
  const ByteView nsh = nsh_store_.get(h.nsh);
  const ByteView outer = outer_store_.get(h.outer);
  bool ok = true;
  if (h.next_proto != codec::nsh_np::ethernet) {
    const detail::L3Start s = detail::find_l3(frame.view());
    ok = s.ok && frame.pop_front(s.offset);
  }
  std::uint8_t* at = ok ? frame.push_front(nsh.size() + outer.size()) : nullptr;
  if (!at) {
    r.outcome = ok ? unsupported("no_headroom") : truncated("sf_frame_truncated");
  } else {
    copy_bytes(at, outer.data(), outer.size());
    copy_bytes(at + outer.size(), nsh.data(), nsh.size());
    // RFC 8300 §2.3: the proxy decrements SI on behalf of the SF; TTL is an SFF's business (unchanged).
    codec::set_nsh_si(at + outer.size(), static_cast<std::uint8_t>(h.si - 1));
    const std::uint16_t ip_id = ip_id_++;
    if (h.outer_ip_version != 0)  // a tunnel's lengths and checksums; bare Ethernet has none
      finish_outer(frame.mut(), outer.size(), h.outer_ip_off, h.outer_l4_off, h.outer_ip_version,
                   h.outer_l4_proto, ip_id);
    r.spi = h.spi;
    r.nsh_offset = outer.size();
    r.nsh_len = nsh.size();
  }
  m.finish();
  return r;
}

}  // namespace pktmap::sfc
