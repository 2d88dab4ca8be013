// Discovery on the network and in OS state files (see discovery.hpp). One libpcap capture on the
// interface hears every DHCPv4/DHCPv6 reply and Router Advertisement during the window and decodes it with
// the project's dissector (the same decoders as `-r`); the active requests are only sent here, from UDP
// sockets bound to the interface (SO_BINDTODEVICE) and a raw ICMPv6 socket.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "pktmap/capport/discovery.hpp"
#include "pktmap/codec/dhcpv4.hpp"
#include "pktmap/codec/dhcpv6.hpp"
#include "pktmap/codec/icmpv6.hpp"
#include "pktmap/dissect/dissector.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/report/interrupt.hpp"

namespace pktmap::capport {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr std::size_t kStateFileLimit = 1 << 20;  // lease files grow; read at most this much

struct Interface {
  std::string name;
  unsigned index = 0;
  std::array<std::uint8_t, 6> mac{};
  bool has_mac = false;
  std::optional<in_addr> v4;
  std::optional<in6_addr> link_local;
};

Interface interface_info(const std::string& name) {
  Interface i;
  i.name = name;
  i.index = if_nametoindex(name.c_str());
  if (i.index == 0) throw SetupError("interface " + name + ": no such interface");
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return i;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || name != a->ifa_name) continue;
    if (a->ifa_addr->sa_family == AF_PACKET) {
      const auto* ll = reinterpret_cast<const sockaddr_ll*>(a->ifa_addr);
      if (ll->sll_halen == 6) {
        std::memcpy(i.mac.data(), ll->sll_addr, 6);
        i.has_mac = true;
      }
    } else if (a->ifa_addr->sa_family == AF_INET && !i.v4) {
      i.v4 = reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr;
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      auto addr = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr;
      if (IN6_IS_ADDR_LINKLOCAL(&addr) && !i.link_local) i.link_local = addr;
    }
  }
  freeifaddrs(list);
  return i;
}

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

std::optional<std::string> read_small_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return std::nullopt;
  std::string text(kStateFileLimit, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(f.gcount()));
  return text;
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
};

std::string sys_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A socket bound to the interface, or an error text.
std::unique_ptr<Socket> bound_socket(int family, int type, int proto, const Interface& i,
                                     std::string& error) {
  auto s = std::make_unique<Socket>(socket(family, type | SOCK_CLOEXEC, proto));
  if (s->fd() < 0) {
    error = sys_error("socket");
    return nullptr;
  }
  int one = 1;
  setsockopt(s->fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (setsockopt(s->fd(), SOL_SOCKET, SO_BINDTODEVICE, i.name.c_str(),
                 static_cast<socklen_t>(i.name.size())) != 0) {
    error = sys_error("SO_BINDTODEVICE " + i.name);
    return nullptr;
  }
  return s;
}

// DHCPINFORM (RFC 2131 §4.4.3): ciaddr set, PRL asking for 114 (and 160, to see legacy deployments).
std::string send_inform(const Interface& i, std::uint32_t xid, std::unique_ptr<Socket>& keep) {
  if (!i.v4) return "DHCPINFORM: no IPv4 address on " + i.name;
  std::string err;
  auto s = keep ? nullptr : bound_socket(AF_INET, SOCK_DGRAM, 0, i, err);
  if (!keep) {
    if (!s) return "DHCPINFORM: " + err;
    int one = 1;
    setsockopt(s->fd(), SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(codec::kDhcpClientPort);
    if (bind(s->fd(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      return "DHCPINFORM: " + sys_error("bind to UDP port 68");
    keep = std::move(s);
  }
  std::array<std::uint8_t, 64> opts{};
  ByteWriter ow(opts);
  const std::uint8_t type = codec::dhcp_msg::inform;
  codec::write_dhcp_option(ow, codec::dhcp_opt::message_type, ByteView(&type, 1));
  if (i.has_mac) {
    std::array<std::uint8_t, 7> id{1};  // RFC 2132 §9.14: hardware type 1 + MAC
    std::memcpy(id.data() + 1, i.mac.data(), 6);
    codec::write_dhcp_option(ow, codec::dhcp_opt::client_id, id);
  }
  const std::array<std::uint8_t, 6> prl{
      codec::dhcp_opt::subnet_mask, codec::dhcp_opt::router,         codec::dhcp_opt::dns_server,
      codec::dhcp_opt::domain_name, codec::dhcp_opt::captive_portal, codec::dhcp_opt::captive_portal_legacy};
  codec::write_dhcp_option(ow, codec::dhcp_opt::parameter_request_list, prl);
  codec::DhcpFields f;
  f.xid = xid;
  f.ciaddr = ntohl(i.v4->s_addr);
  if (i.has_mac) std::memcpy(f.chaddr.data(), i.mac.data(), 6);
  f.options = ow.written();
  std::array<std::uint8_t, 576> buf{};
  ByteWriter w(buf);
  codec::write_dhcp(w, f);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(codec::kDhcpServerPort);
  to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
  if (!w.ok() || sendto(keep->fd(), buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
    return "DHCPINFORM: " + sys_error("send");
  return {};
}

// Information-Request (RFC 8415 §18.2.6): Client ID (DUID-LL), ORO with 103, Elapsed Time.
std::string send_info_request(const Interface& i, std::uint32_t xid, std::unique_ptr<Socket>& keep) {
  if (!i.link_local) return "DHCPv6 Information-Request: no IPv6 link-local address on " + i.name;
  if (!keep) {
    std::string err;
    auto s = bound_socket(AF_INET6, SOCK_DGRAM, 0, i, err);
    if (!s) return "DHCPv6 Information-Request: " + err;
    int ifindex = static_cast<int>(i.index);
    setsockopt(s->fd(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    local.sin6_port = htons(codec::kDhcpv6ClientPort);
    if (bind(s->fd(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      return "DHCPv6 Information-Request: " + sys_error("bind to UDP port 546");
    keep = std::move(s);
  }
  std::array<std::uint8_t, 64> opts{};
  ByteWriter ow(opts);
  if (i.has_mac) {
    std::array<std::uint8_t, 10> duid{0, 3, 0, 1};  // RFC 8415 §11.4 DUID-LL, hardware type 1
    std::memcpy(duid.data() + 4, i.mac.data(), 6);
    codec::write_dhcpv6_option(ow, codec::dhcpv6_opt::client_id, duid);
  }
  // 103 captive portal, 32 Information Refresh Time, 82 INF_MAX_RT (§18.2.6 MUST ask for the last two).
  const std::array<std::uint8_t, 6> oro{0, codec::dhcpv6_opt::captive_portal, 0, 32, 0, 82};
  codec::write_dhcpv6_option(ow, codec::dhcpv6_opt::oro, oro);
  const std::array<std::uint8_t, 2> elapsed{0, 0};
  codec::write_dhcpv6_option(ow, codec::dhcpv6_opt::elapsed_time, elapsed);
  codec::Dhcpv6Fields f;
  f.msg_type = codec::dhcpv6_msg::information_request;
  f.transaction_id = xid & 0xffffff;
  f.options = ow.written();
  std::array<std::uint8_t, 128> buf{};
  ByteWriter w(buf);
  codec::write_dhcpv6(w, f);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(codec::kDhcpv6ServerPort);
  inet_pton(AF_INET6, "ff02::1:2", &to.sin6_addr);  // All_DHCP_Relay_Agents_and_Servers
  to.sin6_scope_id = i.index;
  if (!w.ok() || sendto(keep->fd(), buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
    return "DHCPv6 Information-Request: " + sys_error("send");
  return {};
}

// Router Solicitation (RFC 4861 §4.1, §6.3.7): hop limit 255, with the source link-layer address.
std::string send_rs(const Interface& i, std::unique_ptr<Socket>& keep) {
  if (!i.link_local) return "Router Solicitation: no IPv6 link-local address on " + i.name;
  if (!keep) {
    std::string err;
    auto s = bound_socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, i, err);
    if (!s) return "Router Solicitation: " + err;
    int hops = 255;
    int ifindex = static_cast<int>(i.index);
    setsockopt(s->fd(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    setsockopt(s->fd(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
    icmp6_filter filter;  // this socket only sends
    ICMP6_FILTER_SETBLOCKALL(&filter);
    setsockopt(s->fd(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
    keep = std::move(s);
  }
  codec::Ipv6Addr src{};
  std::memcpy(src.data(), i.link_local->s6_addr, 16);
  codec::Ipv6Addr dst{0xff, 0x02};
  dst[15] = 2;  // all-routers
  std::array<std::uint8_t, 16> body_buf{};
  ByteWriter bw(body_buf);
  bw.zeros(4);  // Reserved
  if (i.has_mac) codec::write_nd_option(bw, codec::nd_opt::source_lladdr, i.mac);
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  codec::write_icmpv6(w, {codec::icmpv6_type::router_solicit, 0, 0}, bw.written(), src, dst);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(to.sin6_addr.s6_addr, dst.data(), 16);
  to.sin6_scope_id = i.index;
  if (!w.ok() || sendto(keep->fd(), buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
    return "Router Solicitation: " + sys_error("send");
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
      auto e = send_rs(iface, sra);
      if (e.empty() && first) r.sent.emplace_back("Router Solicitation");
      if (!e.empty() && first) r.skipped.push_back(e);
      l.sent_rs = l.sent_rs || e.empty();
    }
    if (first || (l.sent_inform && !l.inform_answered)) {
      auto e = send_inform(iface, l.xid4, s4);
      if (e.empty() && first) r.sent.emplace_back("DHCPINFORM (parameter request list with 114 and 160)");
      if (!e.empty() && first) r.skipped.push_back(e);
      l.sent_inform = l.sent_inform || e.empty();
    }
    if (first || (l.sent_info_request && !l.info_request_answered)) {
      auto e = send_info_request(iface, l.xid6, s6);
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

void read_networkd(const DiscoveryOptions& o, const Interface* iface, DiscoveryReport& r) {
  fs::path dir(o.networkd_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    r.skipped.push_back("systemd-networkd link state: " + dir.string() + " not found");
    return;
  }
  std::vector<fs::path> files;
  if (iface) {
    files.push_back(dir / std::to_string(iface->index));
  } else {
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file(ec)) files.push_back(e.path());
  }
  for (const auto& f : files) {
    auto text = read_small_file(f);
    if (!text) continue;
    auto uri = networkd_captive_portal(*text);
    if (!uri) continue;
    DiscoveredUri u;
    u.source = "networkd";
    u.uri = *uri;
    u.origin = f.string();
    char name[IF_NAMESIZE] = {};
    unsigned idx = static_cast<unsigned>(std::atoi(f.filename().c_str()));
    u.how = std::string("CAPTIVE_PORTAL= in the link state file") +
            (!iface && idx && if_indextoname(idx, name) ? std::string(" of ") + name : "");
    assess_discovered_uri(u);
    r.found.push_back(std::move(u));
  }
}

void read_leases(const DiscoveryOptions& o, const std::string& iface, DiscoveryReport& r) {
  std::vector<fs::path> files(o.lease_files.begin(), o.lease_files.end());
  if (files.empty()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(kDhclientLeaseDir), ec)) {
      auto name = e.path().filename().string();
      if (name.starts_with("dhclient") && name.ends_with(".leases")) files.push_back(e.path());
    }
    if (files.empty()) {
      r.skipped.push_back("dhclient leases: none in " + std::string(kDhclientLeaseDir));
      return;
    }
  }
  const long long now = static_cast<long long>(std::time(nullptr));
  for (const auto& f : files) {
    auto text = read_small_file(f);
    if (!text) {
      r.skipped.push_back("dhclient leases: cannot read " + f.string());
      continue;
    }
    auto scan = scan_dhclient_leases(*text, iface, now);
    if (!scan.lease_found) continue;
    if (scan.expired) {
      r.skipped.push_back("dhclient lease in " + f.string() + " expired (" + scan.expiry + ")");
      continue;
    }
    for (const auto& lu : scan.uris) {
      DiscoveredUri u;
      u.source = "dhclient";
      u.uri = lu.uri;
      u.origin = f.string();
      u.how = "lease option " + lu.option;
      u.legacy = lu.option == "v4-captive-portal";
      assess_discovered_uri(u);
      r.found.push_back(std::move(u));
    }
  }
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
      iface = interface_info(r.interface);
  }
  if (o.mode == DiscoveryMode::full || o.mode == DiscoveryMode::passive) {
    if (iface)
      listen_on_network(*iface, o, r);
    else
      r.skipped.emplace_back("no interface (-i IFACE) and no default route: DHCP and RA sources not used");
  }
  read_networkd(o, o.interface.empty() ? nullptr : &*iface, r);
  read_leases(o, o.interface, r);
  reconcile_discovery(r);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

}  // namespace pktmap::capport
