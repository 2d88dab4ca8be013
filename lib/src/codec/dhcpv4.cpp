#include "pktmap/codec/dhcpv4.hpp"

#include "pktmap/codec/option_find.hpp"
#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

namespace {

void fail(ByteWriter& w) {
  w.zeros(w.remaining() + 1);  // forces the sticky failure flag
}

// A NUL-padded fixed-size text field (sname, file); one byte stays for the terminating NUL.
void write_text_field(ByteWriter& w, std::string_view s, std::size_t size) {
  if (s.size() >= size) return fail(w);
  w.bytes(ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  w.zeros(size - s.size());
}

}  // namespace

// RFC 2132 §2-3: Pad and End are one byte; other options are code, length, data.
bool DhcpOptionIterator::next(DhcpOption& opt) {
  if (end_seen_ || !outcome_.ok()) return false;
  ByteReader r(data_.subspan(pos_));
  for (;;) {
    auto code = r.u8();
    if (!code) {
      pos_ += r.offset();
      return false;  // area ends without End: tolerated
    }
    if (*code == dhcp_opt::pad) continue;
    if (*code == dhcp_opt::end) {
      end_seen_ = true;
      pos_ += r.offset();
      return false;
    }
    auto len = r.u8();
    std::optional<ByteView> value;
    if (len) value = r.bytes(*len);
    if (!value) {
      outcome_ = invalid("dhcp_option_overrun");
      return false;
    }
    opt.code = *code;
    opt.length = *len;
    opt.value = *value;
    pos_ += r.offset();
    return true;
  }
}

bool DhcpView::find(std::uint8_t code, DhcpOption& out) const {
  return detail::find_option<DhcpOptionIterator>(options, code, out);
}

std::size_t DhcpView::count(std::uint8_t code) const {
  return detail::count_options<DhcpOptionIterator, DhcpOption>(options, code);
}

// RFC 2131 §2 Figure 1 (diagram in the header), magic cookie §3.
Result<DhcpView> parse_dhcp(ByteView data) {
  DhcpView v;
  ByteReader r(data);
  auto fixed = r.bytes(kDhcpFixedLen);
  if (!fixed) return {v, truncated("dhcp_truncated")};
  const std::uint8_t* p = fixed->data();
  v.op = p[0];
  v.htype = p[1];
  v.hlen = p[2];
  v.hops = p[3];
  v.xid = load_be32(p + 4);
  v.secs = load_be16(p + 8);
  v.flags = load_be16(p + 10);
  v.ciaddr = load_be32(p + 12);
  v.yiaddr = load_be32(p + 16);
  v.siaddr = load_be32(p + 20);
  v.giaddr = load_be32(p + 24);
  v.chaddr = fixed->subspan(28, 16);
  v.sname = fixed->subspan(44, 64);
  v.file = fixed->subspan(108, 128);
  auto cookie = r.be32();
  if (!cookie) return {v, truncated("dhcp_truncated")};
  // Without the cookie the vendor area is BOOTP (RFC 1497) or garbage: not walked.
  if (*cookie != kDhcpMagicCookie) return {v, invalid("dhcp_bad_magic")};
  v.options = r.rest();

  DhcpOptionIterator it(v.options);
  DhcpOption o;
  while (it.next(o)) {
    if (v.option_count < UINT16_MAX) ++v.option_count;
    // First instance wins, as in most clients; RFC 3396 concatenation is not done.
    if (o.code == dhcp_opt::message_type && o.length == 1 && v.message_type == 0) v.message_type = o.value[0];
    if (o.code == dhcp_opt::overload && o.length == 1 && v.overload == 0) v.overload = o.value[0];
  }
  v.end_seen = it.end_seen();
  if (v.end_seen) v.trailing = v.options.subspan(it.offset());
  if (!it.outcome().ok()) return {v, it.outcome()};
  if (v.hlen > v.chaddr.size()) return {v, invalid("dhcp_bad_hlen")};
  return v;
}

ByteView dhcp_parameter_request_list(const DhcpView& v) {
  DhcpOption o;
  return v.find(dhcp_opt::parameter_request_list, o) ? o.value : ByteView{};
}

Result<DhcpCaptivePortal> dhcp_captive_portal(const DhcpView& v) {
  DhcpCaptivePortal cp;
  DhcpOption o;
  // RFC 8910 §2.1 moved the option from 160 to 114; 160 is only a fallback for RFC 7710 servers.
  for (std::uint8_t code : {dhcp_opt::captive_portal, dhcp_opt::captive_portal_legacy}) {
    if (v.find(code, o)) {
      cp.code = code;
      break;
    }
  }
  if (cp.code == 0) return cp;
  ByteView uri = o.value;
  bool nul = false;
  while (!uri.empty() && uri.back() == 0) {
    uri = uri.first(uri.size() - 1);
    nul = true;
  }
  cp.uri = std::string_view(reinterpret_cast<const char*>(uri.data()), uri.size());
  if (v.count(cp.code) > 1) return {cp, unsupported("dhcp_captive_portal_split")};
  if (nul) return {cp, invalid("dhcp_captive_portal_nul_terminated")};
  return cp;
}

void write_dhcp(ByteWriter& w, const DhcpFields& f) {
  std::size_t start = w.size();
  w.u8(f.op);
  w.u8(f.htype);
  w.u8(f.hlen);
  w.u8(f.hops);
  w.be32(f.xid);
  w.be16(f.secs);
  w.be16(f.flags);
  w.be32(f.ciaddr);
  w.be32(f.yiaddr);
  w.be32(f.siaddr);
  w.be32(f.giaddr);
  w.bytes(f.chaddr);
  write_text_field(w, f.sname, 64);
  write_text_field(w, f.file, 128);
  if (f.magic_cookie) w.be32(kDhcpMagicCookie);
  w.bytes(f.options);
  if (f.end) w.u8(dhcp_opt::end);
  if (f.pad_to_bootp_min && w.ok() && w.size() - start < kBootpMinLen)
    w.zeros(kBootpMinLen - (w.size() - start));
}

void write_dhcp_option(ByteWriter& w, std::uint8_t code, ByteView value) {
  if (value.size() > 255) return fail(w);
  w.u8(code);
  w.u8(static_cast<std::uint8_t>(value.size()));
  w.bytes(value);
}

const char* dhcp_message_type_name(std::uint8_t type) {
  static constexpr const char* kNames[] = {
      "unknown", "DHCPDISCOVER", "DHCPOFFER",   "DHCPREQUEST", "DHCPDECLINE",
      "DHCPACK", "DHCPNAK",      "DHCPRELEASE", "DHCPINFORM",  "DHCPFORCERENEW",
  };
  return type < std::size(kNames) ? kNames[type] : "unknown";
}

}  // namespace pktmap::codec
