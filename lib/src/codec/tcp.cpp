#include "pktmap/codec/tcp.hpp"

#include "kl_options.hpp"
#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

Result<TcpView> parse_tcp(ByteView data, std::size_t wire_len) {
  TcpView v;
  ByteReader r(data);
  // Field by field, so an ICMP error quoting only the first 8 bytes still yields ports and sequence.
  auto sport = r.be16();
  auto dport = r.be16();
  if (!sport || !dport) return {v, truncated("tcp_truncated")};
  v.sport = *sport;
  v.dport = *dport;
  auto seq = r.be32();
  if (!seq) return {v, truncated("tcp_truncated")};
  v.seq = *seq;
  auto ack = r.be32();
  if (!ack) return {v, truncated("tcp_truncated")};
  v.ack = *ack;
  auto rest = r.bytes(8);
  if (!rest) return {v, truncated("tcp_truncated")};
  const std::uint8_t* p = rest->data();
  v.data_offset = p[0] >> 4;
  v.reserved = p[0] & 0x0f;
  v.flags = p[1];
  v.window = load_be16(p + 2);
  v.checksum = load_be16(p + 4);
  v.urgent_ptr = load_be16(p + 6);
  if (v.data_offset < 5) return {v, invalid("tcp_data_offset_too_short")};
  const std::size_t hlen = v.header_len();
  if (wire_len != kWireLenUnknown && hlen > wire_len) return {v, invalid("tcp_data_offset_exceeds_wire")};
  ByteReader h(data);
  auto hdr = h.bytes(hlen);
  if (!hdr) return {v, truncated("tcp_header_truncated")};
  v.header = *hdr;
  v.options = hdr->subspan(kTcpMinHeaderLen);
  v.payload = h.rest();
  return v;
}

bool TcpOptionIterator::next(TcpOption& opt) {
  if (done_) return false;
  switch (detail::next_kl_option(opts_, pos_, opt.kind, opt.length, opt.data)) {
    case detail::KlStep::option:
      return true;
    case detail::KlStep::end:
      break;
    case detail::KlStep::truncated:
      outcome_ = truncated("tcp_option_truncated");
      break;
    case detail::KlStep::bad_length:
      outcome_ = invalid("tcp_option_length_invalid");
      break;
  }
  done_ = true;
  return false;
}

void write_tcp(ByteWriter& w, const TcpFields& f, ByteView payload) {
  const std::size_t opt_len = (f.options.size() + 3) & ~std::size_t{3};
  if (kTcpMinHeaderLen + opt_len > kTcpMaxHeaderLen) {
    w.zeros(w.remaining() + 1);  // sets the sticky failure flag
    return;
  }
  w.be16(f.sport);
  w.be16(f.dport);
  w.be32(f.seq);
  w.be32(f.ack);
  w.u8(static_cast<std::uint8_t>((kTcpMinHeaderLen + opt_len) / 4 << 4));
  w.u8(f.flags);
  w.be16(f.window);
  w.be16(0);
  w.be16(f.urgent_ptr);
  w.bytes(f.options);
  w.zeros(opt_len - f.options.size());
  w.bytes(payload);
}

}  // namespace pktmap::codec
