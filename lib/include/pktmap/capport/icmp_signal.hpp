#pragma once
// Enforcement signals the live probe listens for (specs/capport.md §1.5, issue 5 item 4): ICMP 3/13, 3/9,
// 3/10 (RFC 1812 §5.2.7.1), ICMPv6 1/1 (RFC 4443 §3.1) and the experimental captive-portal ICMP type 253
// (draft-wkumari-capport-icmp-unreach-02, RFC 4727 experimental value). Anyone on the path can send ICMP, so
// a message counts only when the datagram it quotes is one the probe itself sent (RFC 5927 §4.1: check the
// quoted connection identifiers).
#include <span>
#include <string>
#include <vector>

#include "pktmap/flow/five_tuple.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::capport {

inline constexpr std::uint8_t kIcmpCaptivePortalType = 253;

// A connection the probe opened: tuple.src is the local end, tuple.dst the server.
struct ProbeFlow {
  flow::FiveTuple tuple;
  std::string label;  // "HTTPS canary https://...", "API https://..."
};

struct IcmpSignal {
  int family = 4;  // 4: ICMP, 6: ICMPv6
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::string kind;    // "admin-prohibited (3/13)", ...
  std::string sender;  // the address the message came from
  std::string quoted;  // "tcp 192.0.2.10:40000 -> 198.51.100.1:443", empty when unreadable
  bool accepted = false;
  std::string flow;    // accepted: the probe's flow it quotes (label)
  std::string reason;  // ignored: why
  double at = 0;       // seconds since the probe started
};

// Classifies one ICMP (family 4) or ICMPv6 (family 6) message, starting at its type byte, against the
// probe's flows. Reads through the codecs only; never throws.
IcmpSignal match_icmp_signal(int family, ByteView message, std::string sender,
                             std::span<const ProbeFlow> flows);

// "tcp 192.0.2.10:40000 -> 198.51.100.1:443" ([v6]:port for IPv6).
std::string describe_flow(const flow::FiveTuple& t);

}  // namespace pktmap::capport
