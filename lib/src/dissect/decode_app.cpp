// PCP and DHCP steps of the decode chain (see decode_steps.hpp).
#include "decode_steps.hpp"
#include "pktmap/codec/dhcpv4.hpp"
#include "pktmap/codec/dhcpv6.hpp"
#include "pktmap/codec/pcp.hpp"

namespace pktmap::dissect::detail {

namespace {
// RFC 8910 §2: the URI is not NUL-terminated, but senders that add one should not make it part of the URI.
std::string_view uri_text(ByteView v) {
  std::string_view s(reinterpret_cast<const char*>(v.data()), v.size());
  while (!s.empty() && s.back() == '\0')
    s.remove_suffix(1);
  return s;
}
}  // namespace

Outcome decode_pcp(ByteView data, AppSummary& app) {
  auto r = codec::parse_pcp(data);
  app.pcp = r.value();
  app.has_pcp = r.ok() || r.status() != Status::truncated;
  return r.outcome();
}

Outcome decode_dhcpv4(ByteView data, AppSummary& app) {
  auto r = codec::parse_dhcp(data);
  if (r.status() == Status::truncated) return r.outcome();
  const auto& v = r.value();
  app.has_dhcp = true;
  app.dhcp_msg_type = v.message_type;
  app.dhcp_xid = v.xid;
  for (int i = 0; i < 4; ++i)
    app.dhcp_yiaddr[i] = static_cast<std::uint8_t>(v.yiaddr >> (24 - 8 * i));
  for (std::uint8_t code : codec::dhcp_parameter_request_list(v)) {
    if (code == codec::dhcp_opt::captive_portal) app.dhcp_requests_114 = true;
    if (code == codec::dhcp_opt::captive_portal_legacy) app.dhcp_requests_160 = true;
  }
  codec::DhcpOptionIterator it(v.options);
  codec::DhcpOption opt;
  while (it.next(opt)) {
    if (opt.code == codec::dhcp_opt::captive_portal) app.add_uri(UriSource::dhcpv4_114, uri_text(opt.value));
    if (opt.code == codec::dhcp_opt::captive_portal_legacy)
      app.add_uri(UriSource::dhcpv4_160, uri_text(opt.value));
  }
  return r.outcome();
}

Outcome decode_dhcpv6(ByteView data, AppSummary& app) {
  // Relayed messages nest; follow the Relay Message option a bounded number of times.
  for (int depth = 0; depth < 8; ++depth) {
    auto r = codec::parse_dhcpv6(data);
    if (r.status() == Status::truncated) return r.outcome();
    const auto& v = r.value();
    if (!app.has_dhcpv6) {
      app.has_dhcpv6 = true;
      app.dhcpv6_msg_type = v.msg_type;
      app.dhcpv6_xid = v.transaction_id;
    }
    if (!r.ok()) return r.outcome();
    if (v.relay) {
      data = v.relay_message;
      continue;
    }
    auto oro = codec::dhcpv6_oro(v);
    if (oro.value().contains(103)) app.dhcpv6_requests_103 = true;
    codec::Dhcpv6OptionIterator it(v.options);
    codec::Dhcpv6Option opt;
    while (it.next(opt)) {
      if (opt.code == 103) app.add_uri(UriSource::dhcpv6_103, uri_text(opt.value));
    }
    return r.outcome();
  }
  return unsupported("dhcpv6_relay_too_deep");
}

}  // namespace pktmap::dissect::detail
