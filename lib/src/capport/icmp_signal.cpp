// Matching received ICMP/ICMPv6 against the probe's own flows (see icmp_signal.hpp).
#include "pktmap/capport/icmp_signal.hpp"

#include <arpa/inet.h>

#include "pktmap/codec/icmp.hpp"
#include "pktmap/codec/icmpv6.hpp"

namespace pktmap::capport {

namespace {

std::string address_text(int family, const std::array<std::uint8_t, 16>& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == 6 ? AF_INET6 : AF_INET, a.data(), buf, sizeof buf);
  return buf;
}

std::string endpoint(int family, const std::array<std::uint8_t, 16>& a, std::uint16_t port) {
  auto text = address_text(family, a);
  if (family == 6) text = "[" + text + "]";
  return text + ":" + std::to_string(port);
}

// The kind name for the signals listened for, or empty for anything else.
std::string signal_kind(int family, std::uint8_t type, std::uint8_t code) {
  auto tc = " (" + std::to_string(type) + "/" + std::to_string(code) + ")";
  if (family == 4 && type == codec::icmp_type::dest_unreach) {
    if (code == codec::icmp_unreach::admin_prohibited)
      return "communication administratively prohibited" + tc;
    if (code == codec::icmp_unreach::net_prohibited) return "network administratively prohibited" + tc;
    if (code == codec::icmp_unreach::host_prohibited) return "host administratively prohibited" + tc;
  }
  if (family == 4 && type == kIcmpCaptivePortalType)
    return "captive-portal ICMP, draft-wkumari-capport-icmp-unreach" + tc;
  if (family == 6 && type == 1 && code == 1) return "ICMPv6 administratively prohibited" + tc;
  return {};
}

}  // namespace

std::string describe_flow(const flow::FiveTuple& t) {
  std::string proto = t.proto == 6 ? "tcp" : t.proto == 17 ? "udp" : "proto " + std::to_string(t.proto);
  return proto + " " + endpoint(t.ip_version, t.src, t.sport) + " -> " +
         endpoint(t.ip_version, t.dst, t.dport);
}

IcmpSignal match_icmp_signal(int family, ByteView message, std::string sender,
                             std::span<const ProbeFlow> flows) {
  IcmpSignal s;
  s.family = family;
  s.sender = std::move(sender);
  ByteView quoted;
  if (family == 6) {
    auto v = codec::parse_icmpv6(message);
    if (message.size() < codec::kIcmpHeaderLen) {
      s.reason = "unreadable ICMPv6 (" + std::string(v.name()) + ")";
      return s;
    }
    s.type = v->type;
    s.code = v->code;
    quoted = v->quoted;
  } else {
    auto v = codec::parse_icmp(message);
    if (message.size() < codec::kIcmpHeaderLen) {
      s.reason = "unreadable ICMP (" + std::string(v.name()) + ")";
      return s;
    }
    s.type = v->type;
    s.code = v->code;
    // Type 253 (draft -02 §3): the same 8-byte header, then the original IP header and leading octets.
    quoted = v->is_error() ? v->quoted : v->payload;
  }
  s.kind = signal_kind(family, s.type, s.code);
  if (s.kind.empty()) {
    s.kind = (family == 6 ? "ICMPv6 " : "ICMP ") + std::to_string(s.type) + "/" + std::to_string(s.code);
    s.reason = "not a captive-portal signal type";
    return s;
  }
  auto f = flow::extract_five_tuple(quoted);
  if (!f.ok() || !f->has_ports) {
    s.reason = "the quoted datagram gives no 5-tuple (" + std::string(f.ok() ? "no ports" : f.name()) + ")";
    return s;
  }
  s.quoted = describe_flow(f->tuple);
  if (f->tuple.ip_version != family) {
    s.reason = "quotes an IPv" + std::to_string(f->tuple.ip_version) + " datagram in ICMPv" +
               std::to_string(family == 6 ? 6 : 4);
    return s;
  }
  for (const auto& p : flows) {
    if (p.tuple == f->tuple) {
      s.accepted = true;
      s.flow = p.label;
      return s;
    }
  }
  s.reason = "quotes a flow the probe did not send";
  return s;
}

}  // namespace pktmap::capport
