// UDP (RFC 768): parse_udp with and without a known wire length, the pseudo-header checksum helpers, and
// write_udp/parse_udp round trip (same bytes except the checksum, which write_udp leaves 0).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

void check_view(const Result<UdpView>& r, ByteView in, std::size_t wire_len) {
  const UdpView& v = r.value();
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  PKTMAP_FUZZ_CHECK(within(v.header, in) && within(v.payload, in));
  if (in.size() >= 4)
    PKTMAP_FUZZ_CHECK(v.sport == load_be16(in.data()) && v.dport == load_be16(in.data() + 2));
  if (!r.ok()) return;
  PKTMAP_FUZZ_CHECK(v.header.size() == kUdpHeaderLen && v.length >= kUdpHeaderLen);
  PKTMAP_FUZZ_CHECK(v.payload.size() == v.length - kUdpHeaderLen && !v.payload_truncated);
  if (wire_len != kWireLenUnknown) PKTMAP_FUZZ_CHECK(v.length <= wire_len);
}

std::uint16_t be16_at(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

void check_round_trip(const UdpView& v) {
  std::vector<std::uint8_t> out(kUdpHeaderLen + v.payload.size());
  ByteWriter w(out);
  write_udp(w, {.sport = v.sport, .dport = v.dport}, v.payload);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == v.length);
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), v.header.data(), 6) == 0 && be16_at(out.data() + 6) == 0);
  PKTMAP_FUZZ_CHECK(v.payload.empty() ||
                    std::memcmp(out.data() + 8, v.payload.data(), v.payload.size()) == 0);
  // Filling the checksum makes it verify, over IPv4 and IPv6 pseudo-headers.
  const Ipv4Addr s4{192, 0, 2, 1}, d4{198, 51, 100, 2};
  PKTMAP_FUZZ_CHECK(set_transport_checksum(out, s4, d4, ip_proto::udp));
  PKTMAP_FUZZ_CHECK(transport_checksum_ok(s4, d4, ip_proto::udp, out));
  const Ipv6Addr s6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const Ipv6Addr d6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  PKTMAP_FUZZ_CHECK(set_transport_checksum(out, s6, d6, ip_proto::udp));
  PKTMAP_FUZZ_CHECK(transport_checksum_ok(s6, d6, ip_proto::udp, out));
  PKTMAP_FUZZ_CHECK(be16_at(out.data() + 6) != 0);  // RFC 768: a computed 0 is sent as 0xffff
  auto back = parse_udp(out, out.size());
  PKTMAP_FUZZ_CHECK(back.ok() && back->sport == v.sport && back->dport == v.dport &&
                    back->length == v.length);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_udp(in);
  check_view(r, in, kWireLenUnknown);
  check_view(parse_udp(in, size), in, size);
  check_view(parse_udp(in, size / 2), in, size / 2);
  const Ipv4Addr a{10, 0, 0, 1}, b{10, 0, 0, 2};
  (void)transport_checksum_ok(a, b, ip_proto::udp, in);
  if (r.ok()) check_round_trip(r.value());
  return 0;
}
