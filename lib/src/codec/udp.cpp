#include "pktmap/codec/udp.hpp"

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<UdpView> parse_udp(ByteView data, std::size_t wire_len) {
  UdpView v;
  ByteReader r(data);
  // Ports first, so an ICMP error quoting only part of a header still names the flow.
  auto sport = r.be16();
  auto dport = r.be16();
  if (!sport || !dport) return {v, truncated("udp_truncated")};
  v.sport = *sport;
  v.dport = *dport;
  auto length = r.be16();
  auto checksum = r.be16();
  if (!length || !checksum) return {v, truncated("udp_truncated")};
  v.length = *length;
  v.checksum = *checksum;
  v.header = data.first(kUdpHeaderLen);
  if (v.length < kUdpHeaderLen) return {v, invalid("udp_length_too_short")};
  const std::size_t want = v.length - kUdpHeaderLen;
  v.payload = r.rest().first(want < r.remaining() ? want : r.remaining());
  if (wire_len != kWireLenUnknown && v.length > wire_len) return {v, invalid("udp_length_exceeds_wire")};
  if (v.payload.size() < want) {
    v.payload_truncated = true;
    return {v, truncated("udp_length_exceeds_packet")};
  }
  return v;
}

void write_udp(ByteWriter& w, const UdpFields& f, ByteView payload) {
  if (payload.size() > 65535 - kUdpHeaderLen) {
    w.zeros(w.remaining() + 1);  // sets the sticky failure flag
    return;
  }
  w.be16(f.sport);
  w.be16(f.dport);
  w.be16(static_cast<std::uint16_t>(kUdpHeaderLen + payload.size()));
  w.be16(0);
  w.bytes(payload);
}

}  // namespace pktmap::codec
