#include "pktmap/codec/icmp.hpp"

#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"

namespace pktmap::codec {

const char* icmp_unreach_code_name(std::uint8_t code) {
  static constexpr const char* kNames[] = {
      "net_unreachable",      "host_unreachable", "protocol_unreachable",
      "port_unreachable",     "frag_needed",      "src_route_failed",
      "net_unknown",          "host_unknown",     "src_host_isolated",
      "net_prohibited",       "host_prohibited",  "net_tos_unreachable",
      "host_tos_unreachable", "admin_prohibited", "host_precedence_violation",
      "precedence_cutoff"};
  return code < 16 ? kNames[code] : "unknown";
}

bool IcmpExtObjectIterator::next(IcmpExtObject& obj) {
  ByteReader r(objs_.subspan(pos_ < objs_.size() ? pos_ : objs_.size()));
  auto len = r.be16();
  auto cls = r.u8();
  auto ctype = r.u8();
  if (!len || !cls || !ctype || *len < kIcmpExtObjectHeaderLen) return false;
  auto payload = r.bytes(*len - kIcmpExtObjectHeaderLen);
  if (!payload) return false;
  obj.length = *len;
  obj.class_num = *cls;
  obj.c_type = *ctype;
  obj.payload = *payload;
  pos_ += *len;
  return true;
}

// RFC 4884 §7 (header) and §8 (objects).
Result<IcmpExtension> parse_icmp_extension(ByteView ext, std::size_t wire_len) {
  IcmpExtension e;
  const bool maybe_snapped = wire_len == kWireLenUnknown || ext.size() < wire_len;
  ByteReader r(ext);
  auto b0 = r.be16();
  auto csum = r.be16();
  if (!b0 || !csum) {
    if (maybe_snapped) return {e, truncated("icmp_ext_truncated")};
    return {e, invalid("icmp_ext_too_short")};
  }
  e.version = static_cast<std::uint8_t>(*b0 >> 12);
  e.reserved = *b0 & 0x0fff;
  e.checksum = *csum;
  e.bytes = ext;
  e.objects = r.rest();
  // §7: zero means no checksum was sent. A snapped structure will not verify: that is the point.
  e.checksum_ok = e.checksum != 0 && internet_checksum(ext) == 0;
  if (e.version != 2) return {e, unsupported("icmp_ext_version_unsupported")};
  // §7: one header followed by one or more objects.
  if (r.empty()) {
    if (maybe_snapped) return {e, truncated("icmp_ext_object_truncated")};
    return {e, invalid("icmp_ext_no_objects")};
  }
  while (!r.empty()) {
    auto len = r.peek_be16(0);
    if (len && *len < kIcmpExtObjectHeaderLen) return {e, invalid("icmp_ext_object_length_invalid")};
    if (!len || !r.skip(*len)) {
      if (maybe_snapped) return {e, truncated("icmp_ext_object_truncated")};
      return {e, invalid("icmp_ext_object_overrun")};
    }
    if (e.object_count < 255) ++e.object_count;
  }
  return e;
}

bool IcmpView::is_error() const {
  switch (type) {
    case icmp_type::dest_unreach:
    case icmp_type::source_quench:
    case icmp_type::redirect:
    case icmp_type::time_exceeded:
    case icmp_type::param_problem:
      return true;
    default:
      return false;
  }
}

Ipv4Addr IcmpView::gateway() const {
  return {static_cast<std::uint8_t>(rest >> 24), static_cast<std::uint8_t>(rest >> 16),
          static_cast<std::uint8_t>(rest >> 8), static_cast<std::uint8_t>(rest)};
}

bool IcmpView::is_admin_prohibited() const {
  return type == icmp_type::dest_unreach &&
         (code == icmp_unreach::net_prohibited || code == icmp_unreach::host_prohibited ||
          code == icmp_unreach::admin_prohibited);
}

namespace {
bool has_length_attr(std::uint8_t type) {
  return type == icmp_type::dest_unreach || type == icmp_type::time_exceeded ||
         type == icmp_type::param_problem;
}
}  // namespace

Outcome split_by_length(ByteView payload, std::size_t quote_len, std::size_t body_wire,
                        const Rfc4884Names& names, ByteView& quoted, IcmpExtension& ext,
                        bool& has_extension) {
  if (quote_len > payload.size()) {
    if (body_wire != kWireLenUnknown && quote_len > body_wire) return invalid(names.exceeds_message);
    return truncated(names.exceeds_packet);
  }
  quoted = payload.first(quote_len);
  const bool more = payload.size() > quote_len || (body_wire != kWireLenUnknown && body_wire > quote_len);
  if (!more) return ok_outcome();
  if (quote_len < kIcmpExtMinDatagram) return invalid(names.datagram_too_short);
  auto e = parse_icmp_extension(payload.subspan(quote_len), sub_wire(body_wire, quote_len));
  ext = e.value();
  has_extension = true;
  return e.outcome();
}

namespace {
Result<IcmpView> parse_message(ByteView data, std::size_t wire_len) {
  IcmpView v;
  ByteReader r(data);
  auto hdr = r.bytes(kIcmpHeaderLen);
  if (!hdr) return {v, truncated("icmp_truncated")};
  const std::uint8_t* p = hdr->data();
  v.type = p[0];
  v.code = p[1];
  v.checksum = load_be16(p + 2);
  v.rest = load_be32(p + 4);
  v.header = *hdr;
  v.payload = r.rest();
  if (!v.is_error()) return v;
  v.quoted = v.payload;
  if (!has_length_attr(v.type)) return v;
  v.length_attr = p[5];
  const std::size_t body_wire = sub_wire(wire_len, kIcmpHeaderLen);

  if (v.length_attr != 0) {  // an RFC 4884 compliant sender: Length counts 32-bit words
    static constexpr Rfc4884Names kNames{"icmp_length_exceeds_message", "icmp_length_exceeds_packet",
                                         "icmp_original_datagram_too_short"};
    const Outcome o = split_by_length(v.payload, std::size_t{v.length_attr} * 4, body_wire, kNames, v.quoted,
                                      v.ext, v.has_extension);
    if (!o.ok()) return {v, o};
    return v;
  }

  // §5: pre-RFC 4884 senders quote exactly 128 bytes on Time Exceeded / Destination Unreachable and add no
  // Length. Only a version-2 header whose non-zero checksum verifies is taken as an extension.
  if (v.type == icmp_type::param_problem) return v;
  if (v.payload.size() < kIcmpExtMinDatagram + kIcmpExtHeaderLen + kIcmpExtObjectHeaderLen) return v;
  ByteView candidate = v.payload.subspan(kIcmpExtMinDatagram);
  ByteReader c(candidate);
  auto b0 = c.u8();
  if (!b0 || (*b0 >> 4) != 2) return v;
  auto ext = parse_icmp_extension(candidate, sub_wire(body_wire, kIcmpExtMinDatagram));
  if (!ext->checksum_ok) return v;
  v.quoted = v.payload.first(kIcmpExtMinDatagram);
  v.ext = ext.value();
  v.ext.legacy = true;
  v.has_extension = true;
  if (!ext.ok()) return {v, ext.outcome()};
  return v;
}
}  // namespace

Result<IcmpView> parse_icmp(ByteView data, std::size_t wire_len) {
  auto r = parse_message(data, wire_len);
  // Known to be cut by the capture, even where no length field shows it.
  if (r.ok() && wire_len != kWireLenUnknown && data.size() < wire_len)
    return {r.value(), truncated("icmp_message_truncated")};
  return r;
}

bool icmp_checksum_ok(ByteView message) {
  return message.size() >= kIcmpHeaderLen && internet_checksum(message) == 0;
}

namespace {
void fail(ByteWriter& w) {
  w.zeros(w.remaining() + 1);  // sets the sticky failure flag
}
}  // namespace

void write_icmp(ByteWriter& w, const IcmpFields& f, ByteView body) {
  const std::size_t start = w.size();
  w.u8(f.type);
  w.u8(f.code);
  const std::size_t csum_at = w.reserve(2);
  w.be32(f.rest);
  w.bytes(body);
  if (!w.ok()) return;
  w.patch_be16(csum_at, internet_checksum(w.written().subspan(start)));
}

void write_icmp_error(ByteWriter& w, const IcmpFields& f, ByteView quoted, ByteView ext_objects) {
  if (ext_objects.empty()) return write_icmp(w, f, quoted);
  std::size_t olen = (quoted.size() + 3) & ~std::size_t{3};
  if (olen < kIcmpExtMinDatagram) olen = kIcmpExtMinDatagram;
  if (olen > 255 * 4) return fail(w);
  const std::size_t start = w.size();
  w.u8(f.type);
  w.u8(f.code);
  const std::size_t csum_at = w.reserve(2);
  w.be32((f.rest & 0xff00ffffu) | static_cast<std::uint32_t>(olen / 4) << 16);
  w.bytes(quoted);
  w.zeros(olen - quoted.size());
  const std::size_t ext_at = w.size();
  w.be16(0x2000);  // version 2, reserved 0
  const std::size_t ext_csum_at = w.reserve(2);
  w.bytes(ext_objects);
  if (!w.ok()) return;
  // §7: an all-zero checksum means none was sent; a computed 0 goes out as its equivalent 0xffff.
  const std::uint16_t ext_csum = internet_checksum(w.written().subspan(ext_at));
  w.patch_be16(ext_csum_at, ext_csum == 0 ? 0xffff : ext_csum);
  w.patch_be16(csum_at, internet_checksum(w.written().subspan(start)));
}

void write_icmp_ext_object(ByteWriter& w, std::uint8_t class_num, std::uint8_t c_type, ByteView payload) {
  if (payload.size() > 65535 - kIcmpExtObjectHeaderLen) return fail(w);
  w.be16(static_cast<std::uint16_t>(kIcmpExtObjectHeaderLen + payload.size()));
  w.u8(class_num);
  w.u8(c_type);
  w.bytes(payload);
}

}  // namespace pktmap::codec
