// The default SFC mix: every transport x MD type x inner type combination of the path catalog, as
// interleaved bidirectional flows, plus congruent-metadata NSH and a few non-NSH frames.
#include "sfc_mix.hpp"

#include <stdexcept>
#include <vector>

#include <tins/arp.h>
#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>

#include "frames.hpp"
#include "pcap_out.hpp"
#include "pktmap/codec/gre.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/codec/vxlan_gpe.hpp"
#include "rng.hpp"
#include "sfc_flows.hpp"
#include "sfc_paths.hpp"

namespace pktmap::gencap {

namespace {

constexpr std::uint32_t kStepUs = 1000;      // one packet per millisecond
constexpr std::uint32_t kActiveFlows = 12;   // flows interleaved at any time
constexpr std::uint64_t kMinForExtras = 64;  // smaller captures hold flows only

// Non-flow packets, at fixed fractions of the capture (see positions()).
enum class Extra : std::uint8_t { none, arp_request, arp_reply, echo_request, echo_reply, congruent };

// Congruent-metadata packets: (pair index, reverse). Pair indices wrap for small --paths.
constexpr std::array<std::pair<std::uint32_t, bool>, 4> kCongruent{
    {{0, false}, {2, true}, {4, false}, {7, true}}};

class SfcWriter {
 public:
  SfcWriter(const std::string& output, std::vector<PathPair>& pairs)
      : out_(output), clock_(kStepUs), pairs_(pairs) {}

  void nsh_packet(PathPair& pair, bool reverse, std::uint32_t flow_cookie, std::uint8_t next_proto,
                  ByteView inner, std::uint64_t entropy);
  void extra(Extra kind, std::uint32_t ordinal);
  std::uint64_t commit() {
    out_.commit();
    return out_.packets();
  }

 private:
  Bytes encapsulate(const PathPair& pair, ByteView nsh_packet, std::uint64_t entropy);
  void emit(ByteView frame) { out_.write(clock_.tick(), frame); }

  PcapOut out_;
  Clock clock_;
  std::vector<PathPair>& pairs_;
  std::uint16_t outer_ip_id_ = 0x1000;
  std::uint16_t echo_seq_ = 0;
};

void SfcWriter::nsh_packet(PathPair& pair, bool reverse, std::uint32_t flow_cookie, std::uint8_t next_proto,
                           ByteView inner, std::uint64_t entropy) {
  Path& path = pair.path(reverse);
  std::array<std::uint8_t, codec::kNshMaxLen> ctx_buf{};
  codec::NshFields f;
  f.ttl = 63;
  f.md_type = pair.spec.md_type;
  f.next_proto = next_proto;
  f.spi = path.spi;
  f.si = path.si;
  f.context = build_context(pair, path, flow_cookie, ctx_buf);
  Bytes pkt(codec::kNshMaxLen + inner.size());
  ByteWriter w(pkt);
  codec::write_nsh(w, f);
  w.bytes(inner);
  if (!w.ok()) throw std::logic_error("NSH packet does not fit");
  pkt.resize(w.size());
  const Bytes frame = encapsulate(pair, pkt, entropy);
  emit(frame);
}

Bytes SfcWriter::encapsulate(const PathPair& pair, ByteView nsh_packet, std::uint64_t entropy) {
  if (pair.spec.transport == Transport::ethernet)
    return l2_frame(kProxyMac, kSffMac, {}, codec::ethertype::nsh, nsh_packet);

  std::array<std::uint8_t, codec::kVxlanGpeHeaderLen + codec::kEthernetHeaderLen> hdr{};
  ByteWriter w(hdr);
  Bytes ip;
  if (pair.spec.transport == Transport::gre) {
    Bytes body(16 + nsh_packet.size());
    ByteWriter gw(body);
    codec::write_gre(gw, {.protocol_type = codec::ethertype::nsh}, nsh_packet);
    ip = outer_ipv4_raw(kIpProtoGre, outer_ip_id_++, gw.written());
  } else {
    const bool eth = pair.spec.transport == Transport::vxlan_gpe_eth;
    codec::write_vxlan_gpe(w, {eth ? codec::gpe_np::ethernet : codec::gpe_np::nsh, pair.vni, false});
    // ODL/OVS form: an Ethernet header between VXLAN-GPE and NSH (specs/sfc.md §1.2).
    if (eth) codec::write_ethernet(w, kProxyMac, kSffMac, codec::ethertype::nsh);
    Bytes body(w.written().begin(), w.written().end());
    append(body, nsh_packet);
    // Source port from the inner flow, as tunnel endpoints do for ECMP entropy (RFC 7348 §5).
    const auto sport = static_cast<std::uint16_t>(49152 + (mix64(entropy) & 0x3fff));
    ip = outer_ipv4_udp(sport, codec::kVxlanGpePort, outer_ip_id_++, body);
  }
  return l2_frame(kProxyMac, kSffMac, {}, codec::ethertype::ipv4, ip);
}

void SfcWriter::extra(Extra kind, std::uint32_t ordinal) {
  using Tins::ARP;
  const Tins::IPv4Address sff_ip("192.0.2.1");
  const Tins::IPv4Address proxy_ip("192.0.2.2");
  const Tins::HWAddress<6> sff_hw(kSffMac.data());
  const Tins::HWAddress<6> proxy_hw(kProxyMac.data());
  switch (kind) {
    case Extra::arp_request: {
      ARP arp(proxy_ip, sff_ip, ARP::hwaddress_type(), sff_hw);
      arp.opcode(ARP::REQUEST);
      emit(l2_frame(kBroadcastMac, kSffMac, {}, codec::ethertype::arp, serialize(arp)));
      return;
    }
    case Extra::arp_reply: {
      ARP arp(sff_ip, proxy_ip, sff_hw, proxy_hw);
      arp.opcode(ARP::REPLY);
      emit(l2_frame(kSffMac, kProxyMac, {}, codec::ethertype::arp, serialize(arp)));
      return;
    }
    case Extra::echo_request:
    case Extra::echo_reply: {
      const bool request = kind == Extra::echo_request;
      if (request) ++echo_seq_;
      Tins::IP ip(request ? proxy_ip : sff_ip, request ? sff_ip : proxy_ip);
      ip.id(request ? outer_ip_id_++ : static_cast<std::uint16_t>(0x2000 + echo_seq_));  // proxy's own ids
      ip.ttl(64);
      auto* icmp = new Tins::ICMP(request ? Tins::ICMP::ECHO_REQUEST : Tins::ICMP::ECHO_REPLY);
      icmp->id(0x7067);  // "pg"
      icmp->sequence(echo_seq_);
      std::array<std::uint8_t, 32> data{};
      fill_text(data, "pktmap sff keepalive ");
      icmp->inner_pdu(new Tins::RawPDU(data.data(), data.size()));
      ip.inner_pdu(icmp);
      emit(l2_frame(request ? kProxyMac : kSffMac, request ? kSffMac : kProxyMac, {}, codec::ethertype::ipv4,
                    serialize(ip)));
      return;
    }
    case Extra::congruent: {
      // Metadata without a payload (draft-song-sfc-legacy-sf-mapping-04 "congruent metadata"). RFC 8300
      // assigns no "none" next protocol; 0x0 is unassigned in §11.2.5 and is what Wireshark calls "None",
      // so proxies see a packet to count and drop (nsh_next_proto_unsupported), never one to forward.
      const auto& [index, reverse] = kCongruent[ordinal % kCongruent.size()];
      PathPair& pair = pairs_[index % pairs_.size()];
      nsh_packet(pair, reverse, 0, 0x0, {}, pair.path(reverse).spi);
      return;
    }
    case Extra::none:
      return;
  }
}

// Where the 12 non-flow packets go: ARP at the start and middle, pings at 2/8 and 6/8, congruent
// metadata at odd eighths. Distinct because N >= 64 gives a stride of at least 8.
std::vector<Extra> positions(std::uint64_t n) {
  std::vector<Extra> at(n, Extra::none);
  if (n < kMinForExtras) return at;
  const std::uint64_t q = n / 8;
  at[0] = at[4 * q] = Extra::arp_request;
  at[1] = at[4 * q + 1] = Extra::arp_reply;
  at[2 * q] = at[6 * q] = Extra::echo_request;
  at[2 * q + 1] = at[6 * q + 1] = Extra::echo_reply;
  at[q] = at[3 * q] = at[5 * q] = at[7 * q] = Extra::congruent;
  return at;
}

}  // namespace

std::uint64_t write_sfc_default_mix(const SfcOptions& o) {
  const std::uint64_t n = o.packets != 0 ? o.packets : kSfcDefaultPackets;
  const std::uint32_t nflows = o.flows != 0 ? o.flows : kSfcDefaultFlows;
  const std::uint32_t npaths = o.paths != 0 ? o.paths : kSfcDefaultPaths;
  if (npaths < 2 || npaths > 400 || npaths % 2 != 0)
    throw std::invalid_argument(
        "--paths must be even (forward/reverse pairs) and in 2..400 for the default mix");
  if (nflows > 65535) throw std::invalid_argument("--flows must be at most 65535 for the default mix");
  std::vector<PathPair> pairs = make_path_pairs(npaths / 2);

  const std::vector<Extra> at = positions(n);
  std::uint64_t budget = n;
  for (Extra e : at)
    budget -= e != Extra::none ? 1 : 0;

  // Flow i runs on pair i % pairs. Each gets its minimum length, then the remaining budget is dealt out
  // with a skew (low ids get more), so some flows are long and some are short.
  Rng rng(o.seed);
  std::vector<std::uint32_t> lengths(nflows);
  std::uint64_t needed = 0;
  for (std::uint32_t i = 0; i < nflows; ++i)
    needed += lengths[i] = min_flow_length(pairs[i % pairs.size()].spec);
  if (nflows == 0 || needed > budget)
    throw std::invalid_argument("--packets too small for --flows: need at least " + std::to_string(needed) +
                                " flow packets, have " + std::to_string(budget));
  for (std::uint64_t left = budget - needed; left > 0; --left)
    ++lengths[rng.below(rng.below(nflows) + 1)];

  SfcWriter out(o.output, pairs);
  std::vector<Flow> active;
  std::uint32_t next_flow = 0;
  std::uint32_t congruent = 0;
  for (std::uint64_t k = 0; k < n; ++k) {
    if (at[k] != Extra::none) {
      out.extra(at[k], at[k] == Extra::congruent ? congruent++ : 0);
      continue;
    }
    while (active.size() < kActiveFlows && next_flow < nflows) {
      active.push_back(make_flow(next_flow, next_flow % pairs.size(), lengths[next_flow], rng));
      ++next_flow;
    }
    const std::uint32_t slot = rng.below(static_cast<std::uint32_t>(active.size()));
    Flow& f = active[slot];
    PathPair& pair = pairs[f.pair];
    const InnerPacket p = next_inner_packet(f, pair, rng);
    out.nsh_packet(pair, p.reverse, f.cookie(), p.next_proto, p.bytes, std::uint64_t{f.id} * 2 + p.reverse);
    if (f.done()) active.erase(active.begin() + slot);
  }
  return out.commit();
}

}  // namespace pktmap::gencap
