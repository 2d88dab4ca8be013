#include "pktmap/codec/transport_checksum.hpp"

#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::codec {

std::uint32_t transport_checksum_sum(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint8_t proto,
                                     ByteView segment) {
  std::uint8_t ph[12];
  for (int i = 0; i < 4; ++i) {
    ph[i] = src[i];
    ph[4 + i] = dst[i];
  }
  ph[8] = 0;
  ph[9] = proto;
  store_be16(ph + 10, static_cast<std::uint16_t>(segment.size()));
  return checksum_add(segment, checksum_add(ph));
}

std::uint32_t transport_checksum_sum(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto,
                                     ByteView segment) {
  std::uint8_t ph[40];
  for (int i = 0; i < 16; ++i) {
    ph[i] = src[i];
    ph[16 + i] = dst[i];
  }
  store_be32(ph + 32, static_cast<std::uint32_t>(segment.size()));
  ph[36] = ph[37] = ph[38] = 0;
  ph[39] = proto;
  return checksum_add(segment, checksum_add(ph));
}

namespace {
std::uint16_t field(ByteView segment, std::size_t at) {
  ByteReader r(segment);
  if (!r.skip(at)) return 0;
  return r.be16().value_or(0);
}
}  // namespace

bool transport_checksum_ok(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint8_t proto, ByteView segment) {
  const std::size_t at = transport_checksum_offset(proto);
  if (at == 0 || segment.size() < at + 2) return false;
  if (proto == ip_proto::udp && field(segment, at) == 0) return true;
  return checksum_finish(transport_checksum_sum(src, dst, proto, segment)) == 0;
}

bool transport_checksum_ok(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto, ByteView segment) {
  const std::size_t at = transport_checksum_offset(proto);
  if (at == 0 || segment.size() < at + 2) return false;
  if (proto == ip_proto::udp && field(segment, at) == 0) return false;
  return checksum_finish(transport_checksum_sum(src, dst, proto, segment)) == 0;
}

std::size_t transport_checksum_offset(std::uint8_t proto) {
  switch (proto) {
    case ip_proto::udp:
      return 6;
    case ip_proto::tcp:
      return 16;
    case ip_proto::icmpv6:
      return 2;
    default:
      return 0;
  }
}

namespace {
template <class Addr>
bool set_checksum(MutableByteView segment, const Addr& src, const Addr& dst, std::uint8_t proto) {
  const std::size_t at = transport_checksum_offset(proto);
  if (at == 0 || segment.size() < at + 2) return false;
  store_be16(segment.data() + at, 0);
  std::uint16_t c = checksum_finish(transport_checksum_sum(src, dst, proto, segment));
  if (c == 0 && proto == ip_proto::udp) c = 0xffff;  // 0 would mean "no checksum"
  store_be16(segment.data() + at, c);
  return true;
}
}  // namespace

bool set_transport_checksum(MutableByteView segment, const Ipv4Addr& src, const Ipv4Addr& dst,
                            std::uint8_t proto) {
  return set_checksum(segment, src, dst, proto);
}

bool set_transport_checksum(MutableByteView segment, const Ipv6Addr& src, const Ipv6Addr& dst,
                            std::uint8_t proto) {
  return set_checksum(segment, src, dst, proto);
}

}  // namespace pktmap::codec
