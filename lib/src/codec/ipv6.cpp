#include "pktmap/codec/ipv6.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

bool is_ipv6_ext_header(std::uint8_t nh) {
  switch (nh) {
    case ip_proto::hop_by_hop:
    case ip_proto::routing:
    case ip_proto::fragment:
    case ip_proto::ah:
    case ip_proto::dst_opts:
    case ip_proto::mobility:
    case ip_proto::hip:
    case ip_proto::shim6:
      return true;
    default:
      return false;
  }
}

Result<Ipv6View> parse_ipv6(ByteView data, std::size_t wire_len) {
  Ipv6View v;
  ByteReader r(data);
  auto fixed = r.bytes(kIpv6HeaderLen);
  if (!fixed) return {v, truncated("ipv6_truncated")};
  const std::uint8_t* p = fixed->data();
  const std::uint32_t w0 = load_be32(p);
  v.version = static_cast<std::uint8_t>(w0 >> 28);
  v.traffic_class = static_cast<std::uint8_t>(w0 >> 20);
  v.flow_label = w0 & 0xfffff;
  v.payload_length = load_be16(p + 4);
  v.next_header = p[6];
  v.hop_limit = p[7];
  for (int i = 0; i < 16; ++i) {
    v.src[i] = p[8 + i];
    v.dst[i] = p[24 + i];
  }
  v.header = *fixed;
  v.upper_proto = v.next_header;
  v.upper_offset = kIpv6HeaderLen;
  if (v.version != 6) return {v, invalid("ipv6_version_not_6")};
  if (v.payload_length == 0 && v.next_header == ip_proto::hop_by_hop)
    return {v, unsupported("ipv6_jumbogram_unsupported")};
  const std::size_t want = v.payload_length;
  v.payload = r.rest().first(want < r.remaining() ? want : r.remaining());
  v.upper = v.payload;
  v.payload_truncated = v.payload.size() < want;
  if (wire_len != kWireLenUnknown && kIpv6HeaderLen + want > wire_len)
    return {v, invalid("ipv6_payload_length_exceeds_wire")};

  ByteReader e(v.payload);
  std::uint8_t nh = v.next_header;
  auto stop = [&] {
    v.upper_proto = nh;
    v.upper_offset = kIpv6HeaderLen + e.offset();
    v.ext_headers = v.payload.first(e.offset());
    v.upper = e.rest();
  };
  while (is_ipv6_ext_header(nh)) {
    // §4.1: Hop-by-Hop is only allowed right after the fixed header.
    if (nh == ip_proto::hop_by_hop && v.ext_count != 0) {
      stop();
      return {v, invalid("ipv6_hop_by_hop_not_first")};
    }
    if (v.ext_count == kIpv6MaxExtHeaders) {
      stop();
      return {v, unsupported("ipv6_too_many_ext_headers")};
    }
    auto next = e.peek_u8(0);
    auto len_byte = e.peek_u8(1);
    std::size_t len = 2;  // what is needed to learn the length
    if (len_byte) {
      if (nh == ip_proto::fragment)
        len = kIpv6FragmentHeaderLen;
      else if (nh == ip_proto::ah)
        len = (std::size_t{*len_byte} + 2) * 4;
      else
        len = (std::size_t{*len_byte} + 1) * 8;
    }
    if (!len_byte || !e.has(len)) {
      const bool within_length = e.offset() + len <= want;
      stop();
      if (v.payload_truncated && within_length) return {v, truncated("ipv6_ext_header_truncated")};
      return {v, invalid("ipv6_ext_header_overrun")};
    }
    if (nh == ip_proto::fragment) {
      auto fh = e.bytes(kIpv6FragmentHeaderLen);
      const std::uint16_t off_m = load_be16(fh->data() + 2);
      v.has_fragment_header = true;
      v.frag_offset = off_m >> 3;
      v.more_fragments = (off_m & 1) != 0;
      v.frag_id = load_be32(fh->data() + 4);
      // RFC 6946: offset 0 with M clear is an "atomic fragment", a whole datagram.
      v.is_fragment = v.frag_offset != 0 || v.more_fragments;
      v.is_first_fragment = v.is_fragment && v.frag_offset == 0;
    } else {
      (void)e.skip(len);
    }
    ++v.ext_count;
    nh = *next;
    // After a non-first fragment comes fragment data, not headers.
    if (v.frag_offset != 0) break;
  }
  stop();
  if (v.payload_truncated) return {v, truncated("ipv6_payload_length_exceeds_packet")};
  return v;
}

void write_ipv6(ByteWriter& w, const Ipv6Fields& f) {
  w.be32(0x60000000u | std::uint32_t{f.traffic_class} << 20 | (f.flow_label & 0xfffff));
  w.be16(f.payload_length);
  w.u8(f.next_header);
  w.u8(f.hop_limit);
  w.bytes(f.src);
  w.bytes(f.dst);
}

void write_ipv6_fragment_header(ByteWriter& w, std::uint8_t next_header, std::uint16_t frag_offset, bool more,
                                std::uint32_t id) {
  w.u8(next_header);
  w.u8(0);
  w.be16(static_cast<std::uint16_t>((frag_offset & 0x1fff) << 3 | (more ? 1 : 0)));
  w.be32(id);
}

void write_ipv6_options_header(ByteWriter& w, std::uint8_t next_header, ByteView options) {
  const std::size_t total = (2 + options.size() + 7) & ~std::size_t{7};
  if (total > 2048) {
    w.zeros(w.remaining() + 1);  // sets the sticky failure flag
    return;
  }
  w.u8(next_header);
  w.u8(static_cast<std::uint8_t>(total / 8 - 1));
  w.bytes(options);
  const std::size_t pad = total - 2 - options.size();
  if (pad == 1) {
    w.u8(0);  // Pad1
  } else if (pad > 1) {
    w.u8(1);  // PadN: type, length, zeros
    w.u8(static_cast<std::uint8_t>(pad - 2));
    w.zeros(pad - 2);
  }
}

const char* format_ipv6_addr(const Ipv6Addr& a, char (&out)[46]) {
  std::uint16_t g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = static_cast<std::uint16_t>(a[2 * i] << 8 | a[2 * i + 1]);
  // §4.2.3: compress the longest run of zero groups, the first one on a tie, and never a lone group.
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0)
      ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = -1;
  constexpr char kDigits[] = "0123456789abcdef";
  char* o = out;
  // §5: IPv4-mapped addresses (::ffff:0:0/96) keep the dotted quad.
  const bool mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
  const int groups = mapped ? 6 : 8;
  if (mapped) {
    best = 0;  // "::ffff:"
    best_len = 5;
  }
  for (int i = 0; i < groups;) {
    if (i == best) {
      *o++ = ':';
      if (i == 0) *o++ = ':';
      i += best_len;
      continue;
    }
    bool lead = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned d = (g[i] >> shift) & 0xf;
      if (d != 0 || lead || shift == 0) {
        *o++ = kDigits[d];
        lead = true;
      }
    }
    ++i;
    if (i < groups || mapped) *o++ = ':';
  }
  if (mapped) {
    for (int i = 12; i < 16; ++i) {
      unsigned b = a[i];
      if (b >= 100) *o++ = static_cast<char>('0' + b / 100);
      if (b >= 10) *o++ = static_cast<char>('0' + b / 10 % 10);
      *o++ = static_cast<char>('0' + b % 10);
      if (i < 15) *o++ = '.';
    }
  }
  *o = '\0';
  return out;
}

bool parse_ipv6_addr(std::string_view text, Ipv6Addr& out) {
  char buf[64];
  // A NUL inside would end the string early for inet_pton: "::1<NUL>junk" is not "::1".
  if (text.size() >= sizeof buf || text.find('\0') != std::string_view::npos) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(AF_INET6, buf, out.data()) == 1;
}

}  // namespace pktmap::codec
