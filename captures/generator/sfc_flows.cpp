#include "sfc_flows.hpp"

#include <cstdio>

#include "pktmap/codec/nsh.hpp"

namespace pktmap::gencap {

namespace {

// Ports without a Wireshark 4.0 dissector, so tshark shows plain TCP/UDP data (checked against
// `tshark -G decodes`).
constexpr std::uint16_t kClientPortBase = 50000;  // 50000-54327 are unregistered
constexpr std::uint16_t kServerPortBase = 11000;  // 11000-11099 are unregistered

struct Endpoints {
  Ipv4Addr client4, server4;
  Ipv6Addr client6{}, server6{};
  std::uint16_t client_port, server_port;
  codec::MacAddr client_mac, server_mac;
};

Endpoints endpoints(const Flow& f) {
  const std::uint32_t host = f.id + 1;
  const auto pair8 = static_cast<std::uint8_t>(f.pair);
  const auto hi = static_cast<std::uint8_t>(host >> 8);
  const auto lo = static_cast<std::uint8_t>(host);
  Endpoints e{};
  e.client4 = {10, pair8, hi, lo};
  e.server4 = {198, 51, 100, static_cast<std::uint8_t>(1 + f.pair % 250)};
  // 2001:db8:1:<pair>::<host> -> 2001:db8:2:<pair>::1
  e.client6 = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, pair8, 0, 0, 0, 0, 0, 0, hi, lo};
  e.server6 = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, pair8, 0, 0, 0, 0, 0, 0, 0, 1};
  e.client_port = static_cast<std::uint16_t>(kClientPortBase + f.id % 4000);
  e.server_port = static_cast<std::uint16_t>(kServerPortBase + f.pair % 100);
  e.client_mac = {0x02, 0x00, 0x01, pair8, hi, lo};
  e.server_mac = {0x02, 0x00, 0x02, pair8, 0x00, 0x01};
  return e;
}

// Direction, TCP flags and payload size of packet `k` of a flow (see the header for the shape).
struct Step {
  bool reverse;
  std::uint16_t flags;
  std::uint32_t payload;
};

Step tcp_step(const Flow& f, Rng& rng) {
  using namespace tcp_flags;
  const std::uint32_t k = f.sent;
  const std::uint32_t n = f.length;
  if (k == 0) return {false, syn, 0};
  if (k == 1) return {true, syn | ack, 0};
  if (k == 2) return {false, ack, 0};
  if (k == n - 3) return {false, fin | ack, 0};
  if (k == n - 2) return {true, fin | ack, 0};
  if (k == n - 1) return {false, ack, 0};
  const bool reverse = (k - 3) % 2 == 1;  // request, response, request, ...
  return {reverse, static_cast<std::uint16_t>(psh | ack), rng.between(16, 160)};
}

}  // namespace

Flow make_flow(std::uint32_t id, std::uint32_t pair, std::uint32_t length, Rng& rng) {
  Flow f;
  f.id = id;
  f.pair = pair;
  f.length = length;
  f.client_next = static_cast<std::uint32_t>(rng.next());
  f.server_next = static_cast<std::uint32_t>(rng.next());
  f.client_ip_id = static_cast<std::uint16_t>(rng.next());
  f.server_ip_id = static_cast<std::uint16_t>(rng.next());
  return f;
}

InnerPacket next_inner_packet(Flow& f, const PathPair& pair, Rng& rng) {
  const PairSpec& spec = pair.spec;
  const Endpoints e = endpoints(f);
  Step step = spec.tcp ? tcp_step(f, rng) : Step{f.sent % 2 == 1, 0, rng.between(8, 160)};

  std::array<std::uint8_t, 160> payload{};
  char tag[48];
  std::snprintf(tag, sizeof tag, "pktmap flow %u %s %u ", f.id, step.reverse ? "rev" : "fwd", f.sent);
  std::span<std::uint8_t> body(payload.data(), step.payload);
  fill_text(body, tag);

  L4Spec l4;
  l4.tcp = spec.tcp;
  l4.sport = step.reverse ? e.server_port : e.client_port;
  l4.dport = step.reverse ? e.client_port : e.server_port;
  l4.tcp_flags = step.flags;
  l4.payload = body;
  if (spec.tcp) {
    std::uint32_t& mine = step.reverse ? f.server_next : f.client_next;
    const std::uint32_t theirs = step.reverse ? f.client_next : f.server_next;
    l4.seq = mine;
    l4.ack = (step.flags & tcp_flags::ack) != 0 ? theirs : 0;
    mine += step.payload + ((step.flags & (tcp_flags::syn | tcp_flags::fin)) != 0 ? 1 : 0);
  }

  InnerPacket out;
  out.reverse = step.reverse;
  Bytes l3;
  if (spec.ipv6) {
    l3 = step.reverse ? ipv6_packet(e.server6, e.client6, l4) : ipv6_packet(e.client6, e.server6, l4);
  } else {
    std::uint16_t& id = step.reverse ? f.server_ip_id : f.client_ip_id;
    l3 = step.reverse ? ipv4_packet(e.server4, e.client4, id, l4) : ipv4_packet(e.client4, e.server4, id, l4);
    ++id;
  }
  ++f.sent;

  if (spec.l2 == InnerL2::none) {
    out.next_proto = spec.ipv6 ? codec::nsh_np::ipv6 : codec::nsh_np::ipv4;
    out.bytes = std::move(l3);
    return out;
  }
  std::array<codec::VlanTag, 2> tags{};
  std::size_t ntags = 0;
  if (spec.l2 == InnerL2::dot1q) {
    tags[ntags++] = pair.dot1q;
  } else if (spec.l2 == InnerL2::qinq) {
    tags[ntags++] = pair.s_tag;
    tags[ntags++] =
        codec::VlanTag{codec::ethertype::vlan, 0, false, static_cast<std::uint16_t>(1000 + f.id % 3000)};
  }
  const codec::MacAddr& src = step.reverse ? e.server_mac : e.client_mac;
  const codec::MacAddr& dst = step.reverse ? e.client_mac : e.server_mac;
  out.next_proto = codec::nsh_np::ethernet;
  out.bytes = l2_frame(dst, src, std::span(tags.data(), ntags),
                       spec.ipv6 ? codec::ethertype::ipv6 : codec::ethertype::ipv4, l3);
  return out;
}

}  // namespace pktmap::gencap
