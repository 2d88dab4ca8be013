// Mode names and configuration checks (draft-song-sfc-legacy-sf-mapping-04 Table 1).
#include "pktmap/sfc/mode.hpp"

#include <algorithm>

namespace pktmap::sfc {

const char* mode_name(ModeKind m) {
  switch (m) {
    case ModeKind::mac:
      return "mac";
    case ModeKind::mac_pair:
      return "mac-pair";
    case ModeKind::vlan:
      return "vlan";
    case ModeKind::qinq:
      return "qinq";
    case ModeKind::five_tuple:
      return "5tuple";
    case ModeKind::vxlan:
      return "vxlan";
    case ModeKind::nat:
      return "nat";
  }
  return "?";
}

const char* granularity_name(Granularity g) {
  switch (g) {
    case Granularity::path:
      return "path";
    case Granularity::flow:
      return "flow";
    case Granularity::packet:
      return "packet";
  }
  return "?";
}

bool parse_mode(std::string_view t, ModeKind& out) {
  for (ModeKind m : kAllModes)
    if (t == mode_name(m)) {
      out = m;
      return true;
    }
  return false;
}

bool parse_granularity(std::string_view t, Granularity& out) {
  for (Granularity g : {Granularity::path, Granularity::flow, Granularity::packet})
    if (t == granularity_name(g)) {
      out = g;
      return true;
    }
  return false;
}

std::size_t default_limit(ModeKind m) {
  switch (m) {
    case ModeKind::mac:
    case ModeKind::mac_pair:
      return 16384;  // a common switch MAC-table size (draft-04 §3, open issue)
    case ModeKind::vlan:
      return 4094;  // VIDs 1..4094
    case ModeKind::qinq:
    case ModeKind::five_tuple:
    case ModeKind::nat:
      return 65536;
    case ModeKind::vxlan:
      // VNIs are plentiful (2^24); the limit bounds memory, as for qinq, and covers ~65k paths or flows.
      return 65536;
  }
  return 0;
}

std::size_t mode_limit(const ModeConfig& c) {
  if (c.limit) return c.limit;
  if (c.kind == ModeKind::vlan && c.vid_last >= c.vid_first)
    return std::size_t{c.vid_last} - c.vid_first + 1u;
  if (c.kind == ModeKind::vxlan && c.vni_last >= c.vni_first)
    return std::min<std::size_t>(default_limit(c.kind), std::size_t{c.vni_last} - c.vni_first + 1u);
  return default_limit(c.kind);
}

std::string check_mac_pool(const ModeConfig& c, const codec::MacAddr& proxy_mac,
                           const codec::MacAddr& sf_mac) {
  const codec::MacAddr& b = c.mac_base;
  if ((b[0] & 0x01) != 0 || (b[0] & 0x02) == 0)
    return "MAC pool " + codec::format_mac(b) +
           ": not a locally administered unicast prefix (first byte x2, x6, xA or xE)";
  if (b[3] != 0 || b[4] != 0 || b[5] != 0 || b[2] > 0xFD)
    return "MAC pool " + codec::format_mac(b) +
           ": the last three bytes number the keys (end in :00:00:00), and mac-pair takes the next two third "
           "bytes (at most xx:xx:fd:00:00:00)";
  auto in_pool = [&](const codec::MacAddr& m) {
    return m[0] == b[0] && m[1] == b[1] && m[2] >= b[2] && m[2] <= b[2] + 2;
  };
  for (const auto& [name, m] :
       {std::pair{"proxy MAC", &proxy_mac}, std::pair{"SF MAC", &sf_mac},
        std::pair{"vxlan proxy_mac", &c.vxlan.proxy_mac}, std::pair{"vxlan sf_mac", &c.vxlan.sf_mac}})
    if (in_pool(*m))
      return "MAC pool " + codec::format_mac(b) + " overlaps the " + name + " " + codec::format_mac(*m) +
             " (the pool's keys are " + codec::format_mac(b) + " to " +
             codec::format_mac(
                 codec::MacAddr{b[0], b[1], static_cast<std::uint8_t>(b[2] + 2), 0xff, 0xff, 0xff}) +
             ")";
  return {};
}

std::string check_mode_config(const ModeConfig& c) {
  const std::size_t limit = mode_limit(c);
  const std::size_t vids = c.vid_last >= c.vid_first ? std::size_t{c.vid_last} - c.vid_first + 1u : 0;
  if (c.vid_first < 1 || c.vid_last > 4094 || vids == 0) return "vlan VIDs: a range within 1..4094";
  if (c.vni_first < 1 || c.vni_last > kMaxVni || c.vni_last < c.vni_first)
    return "vxlan VNIs: a range within 1..16777215";
  if (c.kind == ModeKind::five_tuple && c.per != Granularity::flow)
    return c.per == Granularity::packet
               ? "5tuple cannot tell the packets of a flow apart, so it cannot carry per-packet metadata "
                 "(draft-04 Table 1): use --mode qinq or --mode mac with --per packet"
               : "5tuple keys are flows: use --per flow, or --mode vlan for per-path keys";
  if (c.kind == ModeKind::qinq && c.per == Granularity::packet)
    return "qinq already keys every packet (inner VID); --per path|flow chooses the outer VID";
  if (c.kind == ModeKind::vlan && c.per == Granularity::packet &&
      (c.max_in_flight == 0 || c.max_in_flight > vids))
    return "vlan per packet needs more than " + std::to_string(vids) +
           " live keys when the SF can hold that many packets: use --mode qinq (inner VID per packet) or "
           "--mode mac --per packet";
  if (c.kind == ModeKind::vlan && limit > vids)
    return "vlan has " + std::to_string(vids) + " keys (VIDs " + std::to_string(c.vid_first) + ".." +
           std::to_string(c.vid_last) + "): --limit at most " + std::to_string(vids);
  if (c.kind == ModeKind::qinq && limit > 4094ull * 4094ull) return "qinq --limit at most 4094*4094";
  if ((c.kind == ModeKind::mac || c.kind == ModeKind::mac_pair) && limit > (1u << 24))
    return "MAC modes encode the key in 24 bits: --limit at most 16777216";
  if (c.kind == ModeKind::nat && c.per != Granularity::flow)
    return c.per == Granularity::packet
               ? "nat keys are the translated flows, so they cannot carry per-packet metadata "
                 "(draft-04 Table 1): use --mode vxlan or --mode qinq with --per packet when the SF "
                 "keeps tunnels or tags"
               : "nat keys are flows: use --per flow, or --mode vxlan for per-path keys through an SF that "
                 "keeps the VNI";
  if (c.kind == ModeKind::nat && (!c.nat || c.nat->empty()))
    return "--mode nat needs the SF's translation rules (a `nat:` list in --config or in the --sf model); "
           "without them use --mode 5tuple (an SF that keeps addresses and ports)";
  if (c.kind == ModeKind::vxlan && limit > std::size_t{c.vni_last} - c.vni_first + 1u)
    return "vxlan keys are VNIs " + std::to_string(c.vni_first) + ".." + std::to_string(c.vni_last) +
           ": --limit at most " + std::to_string(std::size_t{c.vni_last} - c.vni_first + 1u);
  if (c.kind == ModeKind::vxlan && c.per == Granularity::packet && c.max_in_flight > limit)
    return "vxlan per packet needs a VNI for every packet the SF holds (" + std::to_string(c.max_in_flight) +
           "): raise --limit, or use --mode qinq (inner VID per packet)";
  if (c.kind == ModeKind::vxlan && c.vxlan.proxy_ip == c.vxlan.sf_ip)
    return "vxlan: the proxy and SF VTEP addresses must differ";
  if (c.kind == ModeKind::vxlan && c.vxlan.port == 0) return "vxlan: UDP port 0 is not a port";
  if (limit == 0) return "--limit must be at least 1";
  if (limit >= MappingTable::kNil) return "--limit at most 4294967294 (a key is a 32-bit table index)";
  return {};
}

}  // namespace pktmap::sfc
