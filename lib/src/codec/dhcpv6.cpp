#include "pktmap/codec/dhcpv6.hpp"

#include <algorithm>

#include "pktmap/codec/option_find.hpp"
#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

// RFC 8415 §21.1 (diagram in the header).
bool Dhcpv6OptionIterator::next(Dhcpv6Option& opt) {
  if (!outcome_.ok() || pos_ >= data_.size()) return false;
  ByteReader r(data_.subspan(pos_));
  auto code = r.be16();
  auto len = r.be16();
  std::optional<ByteView> value;
  if (code && len) value = r.bytes(*len);
  if (!value) {
    outcome_ = invalid("dhcpv6_option_overrun");
    return false;
  }
  opt.code = *code;
  opt.length = *len;
  opt.value = *value;
  pos_ += r.offset();
  return true;
}

bool Dhcpv6View::find(std::uint16_t code, Dhcpv6Option& out) const {
  return detail::find_option<Dhcpv6OptionIterator>(options, code, out);
}

std::size_t Dhcpv6View::count(std::uint16_t code) const {
  return detail::count_options<Dhcpv6OptionIterator, Dhcpv6Option>(options, code);
}

// RFC 8415 §8 and §9 (diagrams in the header).
Result<Dhcpv6View> parse_dhcpv6(ByteView data) {
  Dhcpv6View v;
  ByteReader r(data);
  auto type = r.u8();
  if (!type) return {v, truncated("dhcpv6_truncated")};
  v.msg_type = *type;
  v.relay = v.msg_type == dhcpv6_msg::relay_forw || v.msg_type == dhcpv6_msg::relay_repl;
  if (v.relay) {
    auto hops = r.u8();
    auto link = r.bytes(16);
    auto peer = r.bytes(16);
    if (!hops || !link || !peer) return {v, truncated("dhcpv6_truncated")};
    v.hop_count = *hops;
    std::copy(link->begin(), link->end(), v.link_address.begin());
    std::copy(peer->begin(), peer->end(), v.peer_address.begin());
  } else {
    auto xid = r.be24();
    if (!xid) return {v, truncated("dhcpv6_truncated")};
    v.transaction_id = *xid;
  }
  v.options = r.rest();

  Dhcpv6OptionIterator it(v.options);
  Dhcpv6Option o;
  bool have_relay_msg = false;
  while (it.next(o)) {
    if (v.option_count < UINT16_MAX) ++v.option_count;
    if (v.relay && o.code == dhcpv6_opt::relay_msg && !have_relay_msg) {
      v.relay_message = o.value;
      have_relay_msg = true;
    }
  }
  if (!it.outcome().ok()) return {v, it.outcome()};
  if (v.relay && !have_relay_msg) return {v, invalid("dhcpv6_relay_message_missing")};
  return v;
}

std::uint16_t Dhcpv6Oro::at(std::size_t i) const {
  ByteReader r(raw);
  if (!r.skip(2 * i)) return 0;
  return r.be16().value_or(0);
}

bool Dhcpv6Oro::contains(std::uint16_t code) const {
  for (std::size_t i = 0; i < size(); ++i)
    if (at(i) == code) return true;
  return false;
}

// §21.7: a list of requested option codes, two bytes each.
Result<Dhcpv6Oro> dhcpv6_oro(const Dhcpv6View& v) {
  Dhcpv6Oro oro;
  Dhcpv6Option o;
  if (!v.find(dhcpv6_opt::oro, o)) return oro;
  oro.present = true;
  oro.raw = o.value.first(o.value.size() & ~std::size_t{1});
  if (o.value.size() % 2 != 0) return {oro, invalid("dhcpv6_oro_odd_length")};
  return oro;
}

Result<Dhcpv6CaptivePortal> dhcpv6_captive_portal(const Dhcpv6View& v) {
  Dhcpv6CaptivePortal cp;
  Dhcpv6Option o;
  if (!v.find(dhcpv6_opt::captive_portal, o)) return cp;
  cp.present = true;
  ByteView uri = o.value;
  bool nul = false;
  while (!uri.empty() && uri.back() == 0) {
    uri = uri.first(uri.size() - 1);
    nul = true;
  }
  cp.uri = std::string_view(reinterpret_cast<const char*>(uri.data()), uri.size());
  if (nul) return {cp, invalid("dhcpv6_captive_portal_nul_terminated")};
  if (v.count(dhcpv6_opt::captive_portal) > 1) return {cp, invalid("dhcpv6_captive_portal_repeated")};
  return cp;
}

void write_dhcpv6(ByteWriter& w, const Dhcpv6Fields& f) {
  w.u8(f.msg_type);
  if (f.msg_type == dhcpv6_msg::relay_forw || f.msg_type == dhcpv6_msg::relay_repl) {
    w.u8(f.hop_count);
    w.bytes(f.link_address);
    w.bytes(f.peer_address);
  } else {
    w.be24(f.transaction_id & 0xFFFFFFu);
  }
  w.bytes(f.options);
}

void write_dhcpv6_option(ByteWriter& w, std::uint16_t code, ByteView data) {
  if (data.size() > 0xFFFF) {
    w.zeros(w.remaining() + 1);  // forces the sticky failure flag
    return;
  }
  w.be16(code);
  w.be16(static_cast<std::uint16_t>(data.size()));
  w.bytes(data);
}

const char* dhcpv6_msg_type_name(std::uint8_t type) {
  static constexpr const char* kNames[] = {
      "unknown",    "SOLICIT",    "ADVERTISE", "REQUEST", "CONFIRM",     "RENEW",
      "REBIND",     "REPLY",      "RELEASE",   "DECLINE", "RECONFIGURE", "INFORMATION-REQUEST",
      "RELAY-FORW", "RELAY-REPL",
  };
  return type < std::size(kNames) ? kNames[type] : "unknown";
}

}  // namespace pktmap::codec
