#pragma once
// The decode chain's result for one packet: the layers in wire order, each pointing at a decoded view in a
// fixed slot. A Dissection is reused from packet to packet, so decoding allocates nothing. The first two
// instances of a protocol are kept (outer and inner, e.g. the tunnel's IPv4 and the NSH payload's IPv4).
#include <array>
#include <cstdint>
#include <string_view>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/codec/vlan.hpp"
#include "pktmap/codec/vxlan.hpp"
#include "pktmap/codec/vxlan_gpe.hpp"
#include "pktmap/dissect/dispatch.hpp"
#include "pktmap/dissect/l3_summary.hpp"
#include "pktmap/dissect/app_summary.hpp"

namespace pktmap::dissect {

inline constexpr std::size_t kMaxLayers = 24;

struct LayerRef {
  Proto proto = Proto::none;
  std::uint8_t slot = 0;     // index into the per-protocol array below (0 outer, 1 inner)
  std::uint16_t offset = 0;  // byte offset of the layer in the packet
};

struct Dissection {
  std::array<LayerRef, kMaxLayers> layers{};
  std::uint8_t layer_count = 0;

  std::array<codec::EthernetView, 2> eth{};
  std::array<codec::VlanStack, 2> vlan{};
  std::array<IpSummary, 2> ip{};  // ipv4 and ipv6 share this slot array
  std::array<L4Summary, 2> l4{};  // udp, tcp, icmp, icmpv6
  std::array<GreSummary, 1> gre{};
  std::array<codec::VxlanView, 1> vxlan{};
  std::array<codec::VxlanGpeView, 1> gpe{};
  std::array<codec::NshView, 2> nsh{};
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
  // The first layer of a protocol, or nullptr.
  [[nodiscard]] const LayerRef* find(Proto p, std::uint8_t nth = 0) const;
};

}  // namespace pktmap::dissect
