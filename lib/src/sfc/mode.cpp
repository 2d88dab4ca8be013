// Mode names and configuration checks (draft-song-sfc-legacy-sf-mapping-04 Table 1).
#include "pktmap/sfc/mode.hpp"

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

std::string check_mode_config(const ModeConfig& c) {
  const std::size_t limit = c.limit ? c.limit : default_limit(c.kind);
  if (c.kind == ModeKind::five_tuple && c.per != Granularity::flow)
    return c.per == Granularity::packet
               ? "5tuple cannot tell the packets of a flow apart, so it cannot carry per-packet metadata "
                 "(draft-04 Table 1): use --mode qinq or --mode mac with --per packet"
               : "5tuple keys are flows: use --per flow, or --mode vlan for per-path keys";
  if (c.kind == ModeKind::qinq && c.per == Granularity::packet)
    return "qinq already keys every packet (inner VID); --per path|flow chooses the outer VID";
  if (c.kind == ModeKind::vlan && c.per == Granularity::packet &&
      (c.max_in_flight == 0 || c.max_in_flight > 4094))
    return "vlan per packet needs more than 4094 live keys when the SF can hold that many packets: use "
           "--mode qinq (inner VID per packet) or --mode mac --per packet";
  if (c.kind == ModeKind::vlan && limit > 4094)
    return "vlan has 4094 keys (VIDs 1..4094): --limit at most 4094";
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
  if (c.kind == ModeKind::vxlan && limit > kMaxVni)
    return "vxlan keys are VNIs 1..16777215: --limit at most 16777215";
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
