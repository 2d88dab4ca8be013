#include "pktmap/codec/ipv4.hpp"

#include "kl_options.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::codec {

Result<Ipv4View> parse_ipv4(ByteView data, std::size_t wire_len) {
  Ipv4View v;
  ByteReader r(data);
  auto fixed = r.bytes(kIpv4MinHeaderLen);
  if (!fixed) return {v, truncated("ipv4_truncated")};
  const std::uint8_t* p = fixed->data();
  v.version = p[0] >> 4;
  v.ihl = p[0] & 0x0f;
  v.dscp = p[1] >> 2;
  v.ecn = p[1] & 0x03;
  v.total_length = load_be16(p + 2);
  v.id = load_be16(p + 4);
  std::uint16_t ff = load_be16(p + 6);
  v.reserved_flag = (ff & 0x8000) != 0;
  v.dont_fragment = (ff & 0x4000) != 0;
  v.more_fragments = (ff & 0x2000) != 0;
  v.frag_offset = ff & 0x1fff;
  v.ttl = p[8];
  v.protocol = p[9];
  v.checksum = load_be16(p + 10);
  for (int i = 0; i < 4; ++i) {
    v.src[i] = p[12 + i];
    v.dst[i] = p[16 + i];
  }
  v.is_fragment = v.more_fragments || v.frag_offset != 0;
  v.is_first_fragment = v.is_fragment && v.frag_offset == 0;
  if (v.version != 4) return {v, invalid("ipv4_version_not_4")};
  if (v.ihl < 5) return {v, invalid("ipv4_header_length_too_short")};
  const std::size_t hlen = v.header_len();
  if (v.total_length < hlen) return {v, invalid("ipv4_total_length_too_short")};
  // A length field beyond the real packet is a lie; beyond only the captured bytes is a snapped capture.
  const bool beyond_wire = wire_len != kWireLenUnknown && v.total_length > wire_len;
  ByteReader h(data);
  auto hdr = h.bytes(hlen);
  if (!hdr) {
    if (beyond_wire) return {v, invalid("ipv4_total_length_exceeds_wire")};
    return {v, truncated("ipv4_header_truncated")};
  }
  v.header = *hdr;
  v.options = hdr->subspan(kIpv4MinHeaderLen);
  const std::size_t want = v.total_length - hlen;
  v.payload = h.rest().first(want < h.remaining() ? want : h.remaining());
  // RFC 791 §3.2: a reassembled datagram is at most 65535 octets (the "ping of death" breaks this).
  if (v.frag_offset_bytes() + v.total_length > 65535) return {v, invalid("ipv4_fragment_too_large")};
  if (beyond_wire) return {v, invalid("ipv4_total_length_exceeds_wire")};
  if (v.payload.size() < want) {
    v.payload_truncated = true;
    return {v, truncated("ipv4_total_length_exceeds_packet")};
  }
  return v;
}

bool ipv4_header_checksum_ok(ByteView header) {
  return header.size() >= kIpv4MinHeaderLen && internet_checksum(header) == 0;
}

std::uint16_t ipv4_header_checksum(ByteView header) {
  if (header.size() < kIpv4MinHeaderLen) return 0;
  std::uint32_t sum = checksum_add(header.first(10));
  sum = checksum_add(header.subspan(12), sum);  // skips the checksum field itself
  return checksum_finish(sum);
}

bool Ipv4OptionIterator::next(Ipv4Option& opt) {
  if (done_) return false;
  switch (detail::next_kl_option(opts_, pos_, opt.type, opt.length, opt.data)) {
    case detail::KlStep::option:
      return true;
    case detail::KlStep::end:
      break;
    case detail::KlStep::truncated:
      outcome_ = truncated("ipv4_option_truncated");
      break;
    case detail::KlStep::bad_length:
      outcome_ = invalid("ipv4_option_length_invalid");
      break;
  }
  done_ = true;
  return false;
}

namespace {
void fail(ByteWriter& w) {
  w.zeros(w.remaining() + 1);  // sets the sticky failure flag
}
}  // namespace

void write_ipv4(ByteWriter& w, const Ipv4Fields& f) {
  const std::size_t opt_len = (f.options.size() + 3) & ~std::size_t{3};
  const std::size_t hlen = kIpv4MinHeaderLen + opt_len;
  if (hlen > kIpv4MaxHeaderLen || hlen + f.payload_len > 65535) return fail(w);
  const std::size_t start = w.size();
  w.u8(static_cast<std::uint8_t>(0x40 | hlen / 4));
  w.u8(static_cast<std::uint8_t>((f.dscp & 0x3f) << 2 | (f.ecn & 3)));
  w.be16(static_cast<std::uint16_t>(hlen + f.payload_len));
  w.be16(f.id);
  w.be16(static_cast<std::uint16_t>((f.dont_fragment ? 0x4000 : 0) | (f.more_fragments ? 0x2000 : 0) |
                                    (f.frag_offset & 0x1fff)));
  w.u8(f.ttl);
  w.u8(f.protocol);
  const std::size_t csum_at = w.reserve(2);
  w.bytes(f.src);
  w.bytes(f.dst);
  w.bytes(f.options);
  w.zeros(opt_len - f.options.size());  // EOL padding to the 32-bit boundary
  if (!w.ok()) return;
  w.patch_be16(csum_at, ipv4_header_checksum(w.written().subspan(start, hlen)));
}

const char* format_ipv4_addr(const Ipv4Addr& addr, char (&out)[16]) {
  char* o = out;
  for (int i = 0; i < 4; ++i) {
    unsigned b = addr[i];
    if (b >= 100) *o++ = static_cast<char>('0' + b / 100);
    if (b >= 10) *o++ = static_cast<char>('0' + b / 10 % 10);
    *o++ = static_cast<char>('0' + b % 10);
    *o++ = i == 3 ? '\0' : '.';
  }
  return out;
}

bool parse_ipv4_addr(std::string_view text, Ipv4Addr& out) {
  Ipv4Addr a{};
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
    unsigned v = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
      v = v * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 3 || v > 255) return false;
    // A leading zero: inet_aton reads 010 as octal 8, inet_pton refuses it; so does this parser.
    if (digits > 1 && text[i - digits] == '0') return false;
    a[part] = static_cast<std::uint8_t>(v);
  }
  if (i != text.size()) return false;
  out = a;
  return true;
}

std::string ipv4_addr_refusal(std::string_view text) {
  std::string why = "not an IPv4 address";
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t end = text.find('.', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view part = text.substr(at, end - at);
    if (part.size() > 1 && part[0] == '0' && part.find_first_not_of("0123456789") == std::string_view::npos)
      return why + ": \"" + std::string(part) + "\" has a leading zero (octal to inet_aton and ping)";
    at = end + 1;
  }
  return why;
}

}  // namespace pktmap::codec
