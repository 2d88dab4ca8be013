#pragma once
// Finds the UDP payload in fixture frames: Ethernet, then IPv4 (honouring IHL) or IPv6 (no extension
// headers), then UDP. The payload is bounded by the UDP length, so Ethernet padding is not included.
#include <cstdint>
#include <vector>

#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::test {

struct UdpFixture {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  ByteView payload;
  bool ok = false;
};

inline UdpFixture udp_fixture(const std::vector<std::uint8_t>& frame) {
  UdpFixture u;
  ByteReader r(ByteView(frame.data(), frame.size()));
  if (!r.skip(12)) return u;
  auto type = r.be16();
  if (!type) return u;
  if (*type == 0x0800) {
    auto vihl = r.peek_u8();
    auto proto = r.peek_u8(9);
    if (!vihl || !proto || *proto != 17) return u;
    if (!r.skip(std::size_t{*vihl & 0x0Fu} * 4)) return u;
  } else if (*type == 0x86DD) {
    auto next = r.peek_u8(6);
    if (!next || *next != 17 || !r.skip(40)) return u;
  } else {
    return u;
  }
  auto sport = r.be16();
  auto dport = r.be16();
  auto len = r.be16();
  if (!sport || !dport || !len || !r.skip(2) || *len < 8) return u;
  auto payload = r.bytes(*len - 8u);
  if (!payload) return u;
  u.src_port = *sport;
  u.dst_port = *dport;
  u.payload = *payload;
  u.ok = true;
  return u;
}

}  // namespace pktmap::test
