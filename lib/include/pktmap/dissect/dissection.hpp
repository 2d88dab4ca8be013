#pragma once
// The decode chain's result for one packet: the layers in wire order, each pointing at a decoded view in a
// fixed slot. A Dissection is reused from packet to packet, so decoding allocates nothing. Up to kSlots
// instances of a protocol are kept (e.g. the tunnel's Ethernet, the Ethernet after VXLAN-GPE NP=3, and the
// NSH payload's Ethernet).
#include <array>
#include <cstdint>
#include <string_view>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/mpls.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/codec/vxlan.hpp"
#include "pktmap/codec/vxlan_gpe.hpp"
#include "pktmap/dissect/app_summary.hpp"
#include "pktmap/dissect/dispatch.hpp"
#include "pktmap/dissect/l3_summary.hpp"

namespace pktmap::dissect {

inline constexpr std::size_t kMaxLayers = 32;
inline constexpr std::size_t kSlots = 4;

struct LayerRef {
  Proto proto = Proto::none;
  std::uint8_t slot = 0;     // index into the per-protocol array below (0 outer, 1 inner)
  std::uint16_t offset = 0;  // byte offset of the layer in the packet
};

struct Dissection {
  std::array<LayerRef, kMaxLayers> layers{};
  std::uint8_t layer_count = 0;

  std::array<codec::EthernetView, kSlots> eth{};
  std::array<codec::VlanStack, kSlots> vlan{};
  std::array<IpSummary, kSlots> ip{};  // ipv4 and ipv6 share this slot array
  std::array<L4Summary, kSlots> l4{};  // udp, tcp, icmp, icmpv6
  std::array<GreSummary, 2> gre{};
  std::array<codec::VxlanView, 2> vxlan{};
  std::array<codec::VxlanGpeView, 2> gpe{};
  std::array<codec::NshView, kSlots> nsh{};
  std::array<codec::MplsStack, 2> mpls{};
  AppSummary app;  // PCP, DHCP, captive-portal URIs

  // How decoding ended: ok, or the first problem (a truncated/invalid/unsupported outcome) and where.
  Outcome outcome{};
  Proto outcome_proto = Proto::none;
  std::uint16_t outcome_offset = 0;
  std::size_t length = 0;  // captured length
  std::uint32_t wire_len = 0;

  void reset() {
    layer_count = 0;
    outcome = {};
    outcome_proto = Proto::none;
    outcome_offset = 0;
    app.reset();
  }
  // Slot count used so far for a protocol family.
  [[nodiscard]] std::uint8_t count(Proto p) const;
  // The nth layer of a protocol, or nullptr; last() the innermost.
  [[nodiscard]] const LayerRef* find(Proto p, std::uint8_t nth = 0) const;
  [[nodiscard]] const LayerRef* last(Proto p) const;
};

}  // namespace pktmap::dissect
