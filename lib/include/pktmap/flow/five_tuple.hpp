#pragma once
// Flow identity: IP version, addresses, protocol and ports, extracted from an IP packet with the codecs.
//
// Addresses are stored in 16-byte arrays. An IPv4 address occupies the first 4 bytes and the other 12 are
// zero (not the IPv4-mapped ::ffff:a.b.c.d form): ip_version already keeps the families apart, and the
// zeros make equality and hashing plain byte work.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "pktmap/codec/ip_common.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::flow {

struct FiveTuple {
  std::uint8_t ip_version = 0;  // 4 or 6; 0 when nothing was extracted
  std::uint8_t proto = 0;       // IPv4 Protocol / IPv6 upper-layer protocol after extension headers
  std::uint16_t sport = 0;      // 0 unless TCP or UDP with its header present
  std::uint16_t dport = 0;
  std::array<std::uint8_t, 16> src{};
  std::array<std::uint8_t, 16> dst{};

  friend bool operator==(const FiveTuple&, const FiveTuple&) = default;
  // The other direction of the same flow.
  [[nodiscard]] FiveTuple reversed() const;
  // 64-bit mix of every field; no allocation, a handful of multiplies.
  [[nodiscard]] std::uint64_t hash() const;

  [[nodiscard]] codec::Ipv4Addr src_v4() const { return {src[0], src[1], src[2], src[3]}; }
  [[nodiscard]] codec::Ipv4Addr dst_v4() const { return {dst[0], dst[1], dst[2], dst[3]}; }
  void set_v4(const codec::Ipv4Addr& s, const codec::Ipv4Addr& d);
  void set_v6(const codec::Ipv6Addr& s, const codec::Ipv6Addr& d);
};

struct FiveTupleHash {
  std::size_t operator()(const FiveTuple& t) const noexcept { return static_cast<std::size_t>(t.hash()); }
};

struct ExtractedFlow {
  FiveTuple tuple;
  bool is_fragment = false;  // an IPv4 or IPv6 fragment (first or not)
  bool has_ports = false;    // TCP/UDP ports were read: false for non-first fragments and other protocols
  ByteView l4;               // the transport bytes as captured (empty for non-first fragments)
};

// Extracts the five-tuple of an IPv4 or IPv6 packet (no link layer). Works on snapped captures and ICMP
// quotes: only the first 4 transport bytes are needed for ports.
// Outcomes: flow_truncated (empty input), flow_ip_version_unknown (first nibble not 4 or 6),
// flow_ports_truncated (TCP/UDP with fewer than 4 transport bytes captured), or the IPv4/IPv6 codec outcome
// when the IP header or the extension-header walk is unusable (the tuple holds what was read).
Result<ExtractedFlow> extract_five_tuple(ByteView ip_packet);
// The same into the caller's flow (which must be freshly default-constructed): no copy of the result, for
// per-packet callers.
Outcome extract_five_tuple(ByteView ip_packet, ExtractedFlow& f);

}  // namespace pktmap::flow

template <>
struct std::hash<pktmap::flow::FiveTuple> : pktmap::flow::FiveTupleHash {};
