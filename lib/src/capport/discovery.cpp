// Discovery on the network and in OS state files (see discovery.hpp). One libpcap capture on the
// interface hears every DHCPv4/DHCPv6 reply and Router Advertisement during the window and decodes it with
// the project's dissector (the same decoders as `-r`); the active requests are only sent from here, by
// discovery_requests.cpp, and the OS state files are read by discovery_files.cpp.
#include <net/if.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "discovery_parts.hpp"
#include "pktmap/codec/dhcpv4.hpp"
#include "pktmap/codec/dhcpv6.hpp"
#include "pktmap/dissect/dissector.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/report/interrupt.hpp"

namespace pktmap::capport {

namespace {

using Clock = std::chrono::steady_clock;
using detail::Interface;
using detail::Socket;

// The interface of the IPv4 default route (/proc/net/route), or "".
std::string default_route_interface() {
  std::ifstream f("/proc/net/route");
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::istringstream s(line);
    std::string iface, dest;
    if (s >> iface >> dest && dest == "00000000") return iface;
  }
  return {};
}

std::string ip_text(const dissect::IpSummary& ip) {
  char buf[48];
  return dissect::format_ip_bytes(ip.version, ip.src.data(), buf);
}

// The IP layer carrying the packet's application data (the innermost one).
const dissect::IpSummary* innermost_ip(const dissect::Dissection& d) {
  for (std::size_t k = d.layer_count; k-- > 0;) {
    auto p = d.layers[k].proto;
    if (p == dissect::Proto::ipv4 || p == dissect::Proto::ipv6) return &d.ip[d.layers[k].slot];
  }
  return nullptr;
}

struct Listen {
  std::uint32_t xid4 = 0;
  std::uint32_t xid6 = 0;
  bool sent_inform = false;
  bool sent_info_request = false;
  bool sent_rs = false;
  bool inform_answered = false;
  bool info_request_answered = false;
  bool ra_heard = false;
};

// One captured packet: the URIs it provisions, from server messages only.
void on_packet(const dissect::Dissection& d, Listen& l, std::vector<DiscoveredUri>& found) {
  const auto& app = d.app;
  const auto* ip = innermost_ip(d);
  if (!ip) return;
  std::string how;
  std::vector<std::string> problems;
  if (app.has_dhcp) {
    if (app.dhcp_msg_type != codec::dhcp_msg::ack && app.dhcp_msg_type != codec::dhcp_msg::offer) return;
    bool ours = l.sent_inform && app.dhcp_xid == l.xid4 && app.dhcp_msg_type == codec::dhcp_msg::ack;
    l.inform_answered = l.inform_answered || ours;
    how = ours ? "DHCPACK to our DHCPINFORM"
               : std::string("passive, ") + codec::dhcp_message_type_name(app.dhcp_msg_type);
  } else if (app.has_dhcpv6) {
    if (app.dhcpv6_msg_type != codec::dhcpv6_msg::reply &&
        app.dhcpv6_msg_type != codec::dhcpv6_msg::advertise)
      return;
    bool ours = l.sent_info_request && app.dhcpv6_xid == (l.xid6 & 0xffffff);
    l.info_request_answered = l.info_request_answered || ours;
    how = ours ? "REPLY to our Information-Request"
               : std::string("passive, ") + codec::dhcpv6_msg_type_name(app.dhcpv6_msg_type);
  } else if (app.has_ra) {
    // RFC 4861 §6.1.2: a valid RA comes from a link-local address with hop limit 255.
    bool link_local = ip->version == 6 && ip->src[0] == 0xfe && (ip->src[1] & 0xc0) == 0x80;
    if (!link_local || ip->ttl != 255) {
      problems.emplace_back(
          "Router Advertisement not from a link-local address with hop limit 255 "
          "(RFC 4861 §6.1.2): ignored");
    } else {
      l.ra_heard = true;
    }
    how = l.sent_rs ? "Router Advertisement after our Router Solicitation" : "Router Advertisement, passive";
  } else {
    return;
  }
  for (std::size_t k = 0; k < app.uri_count; ++k) {
    DiscoveredUri u;
    u.source = dissect::uri_source_name(app.uris[k].source);
    u.uri = app.uris[k].uri;
    u.origin = ip_text(*ip);
    u.how = how;
    u.legacy = app.uris[k].source == dissect::UriSource::dhcpv4_160;
    bool seen = false;
    for (const auto& f : found)
      seen = seen || (f.source == u.source && f.uri == u.uri && f.origin == u.origin);
    if (seen) continue;  // periodic RAs repeat themselves
    assess_discovered_uri(u);
    if (!problems.empty()) {
      u.usable = false;
      u.problems.insert(u.problems.end(), problems.begin(), problems.end());
    }
    found.push_back(std::move(u));
  }
}

void listen_on_network(const Interface& iface, const DiscoveryOptions& o, DiscoveryReport& r) {
  std::optional<pcapio::PacketSource> cap;
  try {
    pcapio::LiveOptions lo;
    lo.snaplen = 65535;
    lo.promiscuous = false;
    lo.timeout_ms = 20;
    cap.emplace(pcapio::PacketSource::open_live(
        iface.name, "udp port 67 or udp port 68 or udp port 546 or udp port 547 or icmp6", lo));
  } catch (const SetupError& e) {
    r.skipped.push_back(std::string("listening: ") + e.what() +
                        " (needs root or CAP_NET_RAW); DHCP and RA sources not used");
    return;
  }
  Listen l;
  std::mt19937 rng(std::random_device{}());
  l.xid4 = static_cast<std::uint32_t>(rng());
  l.xid6 = static_cast<std::uint32_t>(rng()) & 0xffffff;
  std::unique_ptr<Socket> s4;
  std::unique_ptr<Socket> s6;
  std::unique_ptr<Socket> sra;
  const bool active = o.mode == DiscoveryMode::full;
  auto send_all = [&](bool first) {
    if (!active) return;
    if (first || (l.sent_rs && !l.ra_heard)) {
      auto e = detail::send_rs(iface, sra);
      if (e.empty() && first) r.sent.emplace_back("Router Solicitation");
      if (!e.empty() && first) r.skipped.push_back(e);
      l.sent_rs = l.sent_rs || e.empty();
    }
    if (first || (l.sent_inform && !l.inform_answered)) {
      auto e = detail::send_inform(iface, l.xid4, s4);
      if (e.empty() && first) r.sent.emplace_back("DHCPINFORM (parameter request list with 114 and 160)");
      if (!e.empty() && first) r.skipped.push_back(e);
      l.sent_inform = l.sent_inform || e.empty();
    }
    if (first || (l.sent_info_request && !l.info_request_answered)) {
      auto e = detail::send_info_request(iface, l.xid6, s6);
      if (e.empty() && first)
        r.sent.emplace_back("DHCPv6 Information-Request (option request option with 103)");
      if (!e.empty() && first) r.skipped.push_back(e);
      l.sent_info_request = l.sent_info_request || e.empty();
    }
  };
  const auto start = Clock::now();
  const auto deadline = start + o.window;
  const auto resend_at = start + o.window / 2;
  bool resent = false;
  send_all(true);
  dissect::DispatchTable table;
  dissect::Dissector dissector(table);
  dissect::Dissection d;
  pcapio::Packet p;
  while (Clock::now() < deadline && !report::interrupted()) {
    auto rs = cap->next(p);
    if (rs == pcapio::ReadStatus::error) {
      r.skipped.push_back("listening on " + iface.name + ": " + cap->error());
      break;
    }
    if (rs == pcapio::ReadStatus::packet) {  // otherwise next() waited up to timeout_ms on an idle ring
      dissector.dissect(p.data, cap->linktype(), d);
      on_packet(d, l, r.found);
    }
    bool any_sent = l.sent_rs || l.sent_inform || l.sent_info_request;
    bool all_answered = (!l.sent_rs || l.ra_heard) && (!l.sent_inform || l.inform_answered) &&
                        (!l.sent_info_request || l.info_request_answered);
    if (active && any_sent && all_answered) break;  // passive listening runs the whole window
    if (!resent && Clock::now() >= resend_at) {
      resent = true;
      send_all(false);  // one retransmission of what is still unanswered
    }
  }
  if (l.sent_inform && !l.inform_answered)
    r.skipped.emplace_back("no DHCPACK to our DHCPINFORM within the window");
  if (l.sent_info_request && !l.info_request_answered)
    r.skipped.emplace_back("no DHCPv6 reply to our Information-Request within the window");
  if (l.sent_rs && !l.ra_heard) r.skipped.emplace_back("no Router Advertisement within the window");
}

}  // namespace

DiscoveryReport run_discovery(const DiscoveryOptions& o) {
  const auto start = Clock::now();
  DiscoveryReport r;
  r.mode = o.mode;
  if (o.mode == DiscoveryMode::off) return r;
  std::optional<Interface> iface;
  r.interface = o.interface;
  if (r.interface.empty()) r.interface = default_route_interface();
  if (!r.interface.empty()) {
    if (o.interface.empty() && if_nametoindex(r.interface.c_str()) == 0)
      r.interface.clear();
    else
      iface = detail::interface_info(r.interface);
  }
  if (o.mode == DiscoveryMode::full || o.mode == DiscoveryMode::passive) {
    if (iface)
      listen_on_network(*iface, o, r);
    else
      r.skipped.emplace_back("no interface (-i IFACE) and no default route: DHCP and RA sources not used");
  }
  detail::read_networkd(o, o.interface.empty() ? nullptr : &*iface, r);
  detail::read_leases(o, o.interface, r);
  reconcile_discovery(r);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

}  // namespace pktmap::capport
