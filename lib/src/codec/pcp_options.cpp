#include "pktmap/codec/pcp_options.hpp"

#include <algorithm>

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

namespace {

// RFC 3629 §4: rejects overlong forms, surrogates and code points above U+10FFFF.
bool valid_utf8(ByteView s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint8_t c = s[i];
    std::size_t n;
    std::uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k <= n; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

// Copies 16 bytes that the caller has bounds-checked.
PcpAddress load_address(const std::uint8_t* p) {
  PcpAddress a;
  std::copy(p, p + a.size(), a.begin());
  return a;
}

void fail(ByteWriter& w) {
  w.zeros(w.remaining() + 1);  // forces the sticky failure flag
}

}  // namespace

bool PcpOption::known() const {
  switch (code) {
    case pcp_opt::third_party:
    case pcp_opt::prefer_failure:
    case pcp_opt::filter:
    case pcp_opt::description:
    case pcp_opt::prefix64:
    case pcp_opt::port_set:
      return true;
    default:
      return false;
  }
}

// RFC 6887 §7.3 (diagram in the header): 4-byte header, Length data bytes, zero padding to 4.
bool PcpOptionIterator::next(PcpOption& opt) {
  if (!outcome_.ok() || pos_ >= data_.size()) return false;
  ByteReader r(data_.subspan(pos_));
  auto code = r.u8();
  auto reserved = r.u8();
  auto len = r.be16();
  std::optional<ByteView> value;
  if (len) value = r.bytes(*len);
  if (!code || !reserved || !value) {
    outcome_ = invalid("pcp_option_overrun");
    return false;
  }
  opt.code = *code;
  opt.reserved = *reserved;
  opt.length = *len;
  opt.value = *value;
  // A final option may lack its padding (miniupnpd-era clients); keep what is there and let the
  // message-length check report it.
  opt.padding = r.bytes(std::min(opt.padding_len(), r.remaining())).value_or(ByteView{});
  pos_ += r.offset();
  return true;
}

Result<PcpAddress> parse_pcp_third_party(const PcpOption& opt) {
  if (opt.code != pcp_opt::third_party) return {PcpAddress{}, invalid("pcp_option_wrong_code")};
  ByteReader r(opt.value);
  auto ip = r.bytes(kPcpThirdPartyLen);
  if (!ip) return {PcpAddress{}, invalid("pcp_third_party_bad_length")};
  PcpAddress a = load_address(ip->data());
  if (!r.empty()) return {a, invalid("pcp_third_party_bad_length")};
  return a;
}

Outcome check_pcp_prefer_failure(const PcpOption& opt) {
  if (opt.code != pcp_opt::prefer_failure) return invalid("pcp_option_wrong_code");
  if (opt.length != 0) return invalid("pcp_prefer_failure_bad_length");
  return ok_outcome();
}

// RFC 6887 §13.3 (diagram in the header).
Result<PcpFilter> parse_pcp_filter(const PcpOption& opt) {
  PcpFilter f;
  if (opt.code != pcp_opt::filter) return {f, invalid("pcp_option_wrong_code")};
  ByteReader r(opt.value);
  auto d = r.bytes(kPcpFilterLen);
  if (!d) return {f, invalid("pcp_filter_bad_length")};
  f.reserved = (*d)[0];
  f.prefix_length = (*d)[1];
  f.remote_peer_port = load_be16(d->data() + 2);
  f.remote_peer_ip = load_address(d->data() + 4);
  if (!r.empty()) return {f, invalid("pcp_filter_bad_length")};
  return f;
}

Result<std::string_view> parse_pcp_description(const PcpOption& opt) {
  if (opt.code != pcp_opt::description) return {std::string_view{}, invalid("pcp_option_wrong_code")};
  std::string_view text(reinterpret_cast<const char*>(opt.value.data()), opt.value.size());
  if (!valid_utf8(opt.value)) return {text, invalid("pcp_description_bad_utf8")};
  return text;
}

// RFC 7753 (diagram in the header).
Result<PcpPortSet> parse_pcp_port_set(const PcpOption& opt) {
  PcpPortSet ps;
  if (opt.code != pcp_opt::port_set) return {ps, invalid("pcp_option_wrong_code")};
  ByteReader r(opt.value);
  auto d = r.bytes(kPcpPortSetLen);
  if (!d) return {ps, invalid("pcp_port_set_bad_length")};
  ps.size = load_be16(d->data());
  ps.first_internal_port = load_be16(d->data() + 2);
  ps.reserved = static_cast<std::uint8_t>((*d)[4] >> 1);
  ps.parity = ((*d)[4] & 1) != 0;
  // miniupnpd-era clients send length 8; tshark decodes the first 5 bytes without complaint.
  if (!r.empty()) return {ps, invalid("pcp_port_set_bad_length")};
  return ps;
}

void write_pcp_option(ByteWriter& w, std::uint8_t code, ByteView value, bool pad) {
  if (value.size() > 0xFFFF) return fail(w);
  w.u8(code);
  w.u8(0);
  w.be16(static_cast<std::uint16_t>(value.size()));
  w.bytes(value);
  if (pad) w.zeros((4 - value.size() % 4) % 4);
}

void write_pcp_third_party(ByteWriter& w, const PcpAddress& internal_ip) {
  write_pcp_option(w, pcp_opt::third_party, internal_ip);
}

void write_pcp_prefer_failure(ByteWriter& w) {
  write_pcp_option(w, pcp_opt::prefer_failure, {});
}

void write_pcp_filter(ByteWriter& w, const PcpFilter& f) {
  std::uint8_t d[kPcpFilterLen];
  d[0] = f.reserved;
  d[1] = f.prefix_length;
  store_be16(d + 2, f.remote_peer_port);
  std::copy(f.remote_peer_ip.begin(), f.remote_peer_ip.end(), d + 4);
  write_pcp_option(w, pcp_opt::filter, d);
}

void write_pcp_description(ByteWriter& w, std::string_view text) {
  write_pcp_option(w, pcp_opt::description,
                   ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void write_pcp_port_set(ByteWriter& w, const PcpPortSet& ps) {
  std::uint8_t d[kPcpPortSetLen];
  store_be16(d, ps.size);
  store_be16(d + 2, ps.first_internal_port);
  d[4] = static_cast<std::uint8_t>(((ps.reserved & 0x7F) << 1) | (ps.parity ? 1 : 0));
  write_pcp_option(w, pcp_opt::port_set, d);
}

const char* pcp_option_name(std::uint8_t code) {
  switch (code) {
    case pcp_opt::third_party:
      return "THIRD_PARTY";
    case pcp_opt::prefer_failure:
      return "PREFER_FAILURE";
    case pcp_opt::filter:
      return "FILTER";
    case pcp_opt::description:
      return "DESCRIPTION";
    case pcp_opt::prefix64:
      return "PREFIX64";
    case pcp_opt::port_set:
      return "PORT_SET";
    default:
      return "unknown";
  }
}

}  // namespace pktmap::codec
