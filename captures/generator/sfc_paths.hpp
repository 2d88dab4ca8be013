#pragma once
// The service paths of the default SFC mix and the metadata each one carries. captures/README.md
// documents the same table; tests assert against it, so change both together.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "pktmap/codec/vlan.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::gencap {

// How the SFF delivers NSH to the proxy.
enum class Transport : std::uint8_t {
  ethernet,       // Ethernet, ethertype 0x894F
  vxlan_gpe,      // IPv4/UDP 4790, VXLAN-GPE NP=4 (NSH)
  vxlan_gpe_eth,  // IPv4/UDP 4790, VXLAN-GPE NP=3, Ethernet 0x894F (the ODL/OVS form)
  gre,            // IPv4 protocol 47, GRE protocol type 0x894F
};
// What NSH carries: an IP packet (NP 1/2) or an Ethernet frame (NP 3), possibly tagged.
enum class InnerL2 : std::uint8_t { none, untagged, dot1q, qinq };
// Which metadata varies: only per path, per flow as well, or per packet as well.
enum class MetaScope : std::uint8_t { path, flow, packet };

struct PairSpec {
  Transport transport;
  std::uint8_t md_type;
  bool ipv6;
  bool tcp;
  InnerL2 l2;
  MetaScope scope;
};

// Path pair i (forward SPI 101+i) uses kPairCatalog[i % 12].
inline constexpr std::array<PairSpec, 12> kPairCatalog{{
    {Transport::ethernet, 1, false, true, InnerL2::none, MetaScope::path},
    {Transport::ethernet, 1, false, false, InnerL2::none, MetaScope::packet},
    {Transport::ethernet, 2, true, true, InnerL2::none, MetaScope::flow},
    {Transport::vxlan_gpe, 1, true, false, InnerL2::none, MetaScope::path},
    {Transport::vxlan_gpe, 2, false, true, InnerL2::none, MetaScope::packet},
    {Transport::vxlan_gpe_eth, 1, false, true, InnerL2::none, MetaScope::flow},
    {Transport::vxlan_gpe_eth, 2, false, false, InnerL2::dot1q, MetaScope::path},
    {Transport::gre, 1, false, true, InnerL2::qinq, MetaScope::packet},
    {Transport::gre, 2, true, true, InnerL2::none, MetaScope::path},
    {Transport::ethernet, 1, true, false, InnerL2::untagged, MetaScope::flow},
    {Transport::vxlan_gpe, 1, false, true, InnerL2::dot1q, MetaScope::packet},
    {Transport::ethernet, 2, true, false, InnerL2::qinq, MetaScope::flow},
}};

// MD2 TLV classes and types used by the mix (0xFFF6-0xFFFE is the RFC 8300 §11.2.4 experimental range;
// 0x0101 type 3 is the example layout in JOURNEYS.md).
namespace md2 {
inline constexpr std::uint16_t kTenantClass = 0x0101;  // type 0x03, len 4: tenant id (per pair)
inline constexpr std::uint8_t kTenantType = 0x03;
inline constexpr std::uint16_t kLabelClass = 0xFFF6;  // type 0x01, len 1..12: opaque path label
inline constexpr std::uint8_t kLabelType = 0x01;
inline constexpr std::uint16_t kFlowClass = 0xFFF6;  // type 0x02, len 8: flow cookie
inline constexpr std::uint8_t kFlowType = 0x02;
inline constexpr std::uint16_t kSeqClass = 0xFFF7;  // type 0x01, len 4: per-path packet sequence
inline constexpr std::uint8_t kSeqType = 0x01;
}  // namespace md2

struct Path {
  std::uint32_t spi = 0;
  std::uint8_t si = 255;
  bool reverse = false;
  std::uint8_t label_len = 0;  // MD2 path-label TLV value length
  std::uint32_t seq = 0;       // last per-packet sequence number sent on this path
};

struct PathPair {
  std::uint32_t index = 0;
  PairSpec spec{};
  Path fwd;
  Path rev;
  std::uint32_t tenant = 0;  // MD1 word 0 / MD2 tenant TLV
  std::uint32_t vni = 0;     // VXLAN-GPE transports
  codec::VlanTag dot1q{};    // InnerL2::dot1q
  codec::VlanTag s_tag{};    // InnerL2::qinq (the C-tag VID is per flow)

  [[nodiscard]] Path& path(bool reverse) { return reverse ? rev : fwd; }
};

// `pairs` path pairs; forward SPIs 101.., reverse SPIs offset by 100 (by 100 * ceil(pairs / 100) when
// there are more than 100 pairs, so the two ranges never meet).
std::vector<PathPair> make_path_pairs(std::uint32_t pairs);

// Context headers for one packet on `path` of `pair`: MD1's 16 bytes or MD2's TLVs, written into `buf`.
// `flow_cookie` is 0 for packets outside any flow (congruent metadata). Advances path.seq for
// packet-scope pairs.
ByteView build_context(PathPair& pair, Path& path, std::uint32_t flow_cookie, std::span<std::uint8_t> buf);

// MD1 word 1: the path tag, unique per SPI.
constexpr std::uint32_t path_tag(std::uint32_t spi) {
  return 0x50000000u | spi;
}

}  // namespace pktmap::gencap
