// vxlan mode (draft-song-sfc-legacy-sf-mapping-04 §3 "VXLAN VNI": keys are (direction, VNI)). The frame
// toward the SF is the payload L2 frame (or the new L2 header + L3 payload) inside
//   Ethernet(proxy MAC -> SF MAC) / IPv4(proxy VTEP -> SF VTEP) / UDP(entropy port -> 4789) / VXLAN(VNI)
// (RFC 7348 §5). A VXLAN-capable SF terminates the tunnel, acts on the inner frame and sends it back in a
// tunnel with the same VNI; the return side is read from the SF side the frame arrives on, as for vlan.
#include <cstring>

#include "mode_common.hpp"
#include "modes.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/codec/vxlan.hpp"
#include "pktmap/sfc/header_store.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::sfc {

namespace {
constexpr std::size_t kOuterLen =
    codec::kEthernetHeaderLen + codec::kIpv4MinHeaderLen + codec::kUdpHeaderLen + codec::kVxlanHeaderLen;
}  // namespace

VxlanMode::VxlanMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer) : KeyedMode(c, nsh, outer) {}

Outcome VxlanMode::encode(std::uint32_t i, Entry&, const ToSfPacket& p, FrameBuffer& frame) {
  const std::size_t inner = frame.size();
  if (inner + kOuterLen - codec::kEthernetHeaderLen > 0xffff) return unsupported("vxlan_frame_too_large");
  // RFC 7348 §5: the source port is a hash of the inner headers (flow entropy), from the dynamic range.
  const std::uint64_t h = p.tuple ? p.tuple->hash() : hash_bytes(ByteView(frame.data(), 14));
  const auto sport = static_cast<std::uint16_t>(49152 + (h ^ h >> 32) % 16384);
  std::uint8_t* at = frame.push_front(kOuterLen);
  if (!at) return unsupported("no_headroom");
  const VxlanConfig& v = cfg_.vxlan;
  ByteWriter w(MutableByteView(at, kOuterLen));
  codec::write_ethernet(w, v.sf_mac, v.proxy_mac, codec::ethertype::ipv4);
  codec::Ipv4Fields ip;
  ip.id = ip_id_++;
  ip.dont_fragment = true;  // RFC 7348 §4.3: VTEPs must not fragment
  ip.protocol = 17;
  ip.src = v.proxy_ip;
  ip.dst = v.sf_ip;
  ip.payload_len = static_cast<std::uint16_t>(codec::kUdpHeaderLen + codec::kVxlanHeaderLen + inner);
  codec::write_ipv4(w, ip);
  w.be16(sport);
  w.be16(v.port);
  w.be16(static_cast<std::uint16_t>(codec::kUdpHeaderLen + codec::kVxlanHeaderLen + inner));
  w.be16(0);  // RFC 7348 §5: UDP checksum SHOULD be zero
  codec::write_vxlan(w, cfg_.vni_first + i);
  return w.ok() ? ok_outcome() : invalid("vxlan_encap_failed");
}

// Accepts what a VTEP sends back: Ethernet (tags allowed) / IPv4 / UDP to the configured port / VXLAN with
// the I flag. The addresses are not checked: the SF answers from whatever address it has.
Outcome VxlanMode::decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) {
  const detail::L3Start l3 = detail::find_l3(frame.view());
  if (!l3.ok || l3.ethertype != codec::ethertype::ipv4) return unsupported("vxlan_not_ipv4");
  auto ip = codec::parse_ipv4(frame.view().subspan(l3.offset));
  if (!ip) return ip.outcome();
  if (ip->protocol != 17 || !ip->has_l4_header()) return unsupported("vxlan_not_udp");
  auto udp = codec::parse_udp(ip->payload);
  if (!udp) return udp.outcome();
  if (udp->dport != cfg_.vxlan.port) return unsupported("vxlan_port_mismatch");
  auto vx = codec::parse_vxlan(udp->payload);
  if (!vx) return vx.outcome();
  if (!vx->i_flag) return unsupported("vxlan_i_flag_clear");
  if (vx->vni == 0) return unsupported("vxlan_vni_zero");
  if (vx->vni < cfg_.vni_first || vx->vni > cfg_.vni_last) return unsupported("vxlan_vni_not_ours");
  if (vx->payload.size() < codec::kEthernetHeaderLen) return truncated("vxlan_inner_truncated");
  index = vx->vni - cfg_.vni_first;
  reversed = false;
  // Keep only the inner frame (bytes after the UDP length, e.g. Ethernet padding, are not part of it).
  const std::size_t start = static_cast<std::size_t>(vx->payload.data() - frame.data());
  const std::size_t len = vx->payload.size();
  frame.pop_front(start);
  frame.truncate(len);
  return ok_outcome();
}

}  // namespace pktmap::sfc
