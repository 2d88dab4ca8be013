#include "pktmap/codec/icmpv6.hpp"

#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::codec {

namespace {

// Bytes of fixed fields between the 8-byte header and the options (RFC 4861 §4.1-4.5).
std::size_t nd_fixed_len(std::uint8_t type) {
  switch (type) {
    case icmpv6_type::router_advert:
      return 8;
    case icmpv6_type::neighbor_solicit:
    case icmpv6_type::neighbor_advert:
      return 16;
    case icmpv6_type::redirect:
      return 32;
    default:
      return 0;  // Router Solicitation: the reserved word is in the header
  }
}

Ipv6Addr addr_at(const std::uint8_t* p) {
  Ipv6Addr a;
  for (int i = 0; i < 16; ++i)
    a[i] = p[i];
  return a;
}

}  // namespace

bool NdOptionIterator::next(NdOption& opt) {
  if (!outcome_.ok()) return false;
  ByteReader r(opts_.subspan(pos_ < opts_.size() ? pos_ : opts_.size()));
  if (r.empty()) return false;
  auto type = r.u8();
  auto len = r.u8();
  if (!type || !len) {
    outcome_ = truncated("icmpv6_nd_option_truncated");
    return false;
  }
  if (*len == 0) {
    outcome_ = invalid("icmpv6_nd_option_length_zero");
    return false;
  }
  auto value = r.bytes(std::size_t{*len} * 8 - 2);
  if (!value) {
    outcome_ = truncated("icmpv6_nd_option_truncated");
    return false;
  }
  opt.type = *type;
  opt.length = *len;
  opt.value = *value;
  pos_ += std::size_t{*len} * 8;
  return true;
}

std::optional<std::string_view> nd_captive_portal_uri(ByteView nd_options) {
  NdOptionIterator it(nd_options);
  NdOption o;
  while (it.next(o)) {
    if (o.type != nd_opt::captive_portal) continue;
    std::size_t n = o.value.size();
    while (n > 0 && o.value[n - 1] == 0)
      --n;
    return std::string_view(reinterpret_cast<const char*>(o.value.data()), n);
  }
  return std::nullopt;
}

namespace {
Result<Icmpv6View> parse_message(ByteView data, std::size_t wire_len) {
  Icmpv6View v;
  ByteReader r(data);
  auto hdr = r.bytes(kIcmpv6HeaderLen);
  if (!hdr) return {v, truncated("icmpv6_truncated")};
  const std::uint8_t* p = hdr->data();
  v.type = p[0];
  v.code = p[1];
  v.checksum = load_be16(p + 2);
  v.rest = load_be32(p + 4);
  v.header = *hdr;
  v.payload = r.rest();
  const bool maybe_snapped = wire_len == kWireLenUnknown || data.size() < wire_len;
  const std::size_t body_wire = sub_wire(wire_len, kIcmpv6HeaderLen);

  if (v.is_error()) {
    v.quoted = v.payload;
    if (v.type != icmpv6_type::dest_unreach && v.type != icmpv6_type::time_exceeded) return v;
    v.length_attr = p[4];
    if (v.length_attr == 0) return v;
    // RFC 4884 §4.4-4.5: Length counts 64-bit words.
    static constexpr Rfc4884Names kNames{"icmpv6_length_exceeds_message", "icmpv6_length_exceeds_packet",
                                         "icmpv6_original_datagram_too_short"};
    const Outcome o = split_by_length(v.payload, std::size_t{v.length_attr} * 8, body_wire, kNames, v.quoted,
                                      v.ext, v.has_extension);
    if (!o.ok()) return {v, o};
    return v;
  }

  if (!v.is_nd()) return v;
  ByteReader b(v.payload);
  auto fixed = b.bytes(nd_fixed_len(v.type));
  if (!fixed) {
    if (maybe_snapped) return {v, truncated("icmpv6_nd_truncated")};
    return {v, invalid("icmpv6_nd_too_short")};
  }
  const std::uint8_t* f = fixed->data();
  switch (v.type) {
    case icmpv6_type::router_advert:
      v.ra.cur_hop_limit = p[4];
      v.ra.flags = p[5];
      v.ra.managed = (p[5] & 0x80) != 0;
      v.ra.other = (p[5] & 0x40) != 0;
      v.ra.router_lifetime = load_be16(p + 6);
      v.ra.reachable_time = load_be32(f);
      v.ra.retrans_timer = load_be32(f + 4);
      break;
    case icmpv6_type::neighbor_solicit:
    case icmpv6_type::neighbor_advert:
      v.target = addr_at(f);
      break;
    case icmpv6_type::redirect:
      v.target = addr_at(f);
      v.redirect_dst = addr_at(f + 16);
      break;
    default:
      break;
  }
  v.nd_options = b.rest();
  // RFC 4861 §6.1, §7.1.1, §8.1: ICMP Code is 0 in every valid ND message.
  if (v.code != 0) return {v, invalid("icmpv6_nd_code_not_zero")};
  NdOptionIterator it(v.nd_options);
  NdOption o;
  while (it.next(o)) {
  }
  if (it.outcome().status == Status::truncated) {
    if (maybe_snapped) return {v, it.outcome()};
    return {v, invalid("icmpv6_nd_option_overrun")};
  }
  if (!it.outcome().ok()) return {v, it.outcome()};
  return v;
}
}  // namespace

Result<Icmpv6View> parse_icmpv6(ByteView data, std::size_t wire_len) {
  auto r = parse_message(data, wire_len);
  // Known to be cut by the capture, even where no length field shows it.
  if (r.ok() && wire_len != kWireLenUnknown && data.size() < wire_len)
    return {r.value(), truncated("icmpv6_message_truncated")};
  return r;
}

void write_icmpv6(ByteWriter& w, const Icmpv6Fields& f, ByteView body, const Ipv6Addr& src,
                  const Ipv6Addr& dst) {
  const std::size_t start = w.size();
  w.u8(f.type);
  w.u8(f.code);
  const std::size_t csum_at = w.reserve(2);
  w.be32(f.rest);
  w.bytes(body);
  if (!w.ok()) return;
  std::uint32_t sum = transport_checksum_sum(src, dst, ip_proto::icmpv6, w.written().subspan(start));
  w.patch_be16(csum_at, checksum_finish(sum));
}

void write_router_advert(ByteWriter& w, const RouterAdvertFields& f, ByteView options, const Ipv6Addr& src,
                         const Ipv6Addr& dst) {
  const std::size_t start = w.size();
  w.u8(icmpv6_type::router_advert);
  w.u8(0);
  const std::size_t csum_at = w.reserve(2);
  w.u8(f.cur_hop_limit);
  w.u8(static_cast<std::uint8_t>((f.managed ? 0x80 : 0) | (f.other ? 0x40 : 0) | (f.extra_flags & 0x3f)));
  w.be16(f.router_lifetime);
  w.be32(f.reachable_time);
  w.be32(f.retrans_timer);
  w.bytes(options);
  if (!w.ok()) return;
  std::uint32_t sum = transport_checksum_sum(src, dst, ip_proto::icmpv6, w.written().subspan(start));
  w.patch_be16(csum_at, checksum_finish(sum));
}

void write_nd_option(ByteWriter& w, std::uint8_t type, ByteView value) {
  const std::size_t total = (2 + value.size() + 7) & ~std::size_t{7};
  if (total / 8 > 255) {
    w.zeros(w.remaining() + 1);  // sets the sticky failure flag
    return;
  }
  w.u8(type);
  w.u8(static_cast<std::uint8_t>(total / 8));
  w.bytes(value);
  w.zeros(total - 2 - value.size());
}

void write_nd_captive_portal(ByteWriter& w, std::string_view uri) {
  // The padding write_nd_option adds is exactly the NUL padding §2.3 asks for.
  write_nd_option(w, nd_opt::captive_portal,
                  ByteView(reinterpret_cast<const std::uint8_t*>(uri.data()), uri.size()));
}

}  // namespace pktmap::codec
