// Captive-portal provisioning sample: DHCPv4 (option 114, legacy 160, the "unrestricted" URN), IPv6 RAs
// with option 37 (padded and exactly fitting) and a DHCPv6 Reply with option 103. Built with libtins,
// which knows these carriers but not the captive-portal options, so those go in as raw options.
#include "capport_mix.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <tins/dhcp.h>
#include <tins/dhcpv6.h>
#include <tins/ethernetII.h>
#include <tins/icmpv6.h>
#include <tins/ip.h>
#include <tins/ipv6.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include "frames.hpp"
#include "pcap_out.hpp"

namespace pktmap::gencap {

namespace {

constexpr std::uint8_t kDhcpCaptivePortal = 114;        // RFC 8910 §2.1
constexpr std::uint8_t kDhcpLegacyCaptivePortal = 160;  // RFC 7710, moved to 114 by RFC 8910
constexpr std::uint16_t kDhcp6CaptivePortal = 103;      // RFC 8910 §2.2
constexpr std::uint8_t kNdCaptivePortal = 37;           // RFC 8910 §2.3
constexpr std::uint32_t kNetworkGapUs = 10'000'000;     // the host moves to another network
constexpr std::uint32_t kBootpMinLen = 300;             // RFC 1542 §3.1.1: clients pad to 300 octets

const codec::MacAddr kHostMac{0x02, 0x00, 0x00, 0x00, 0xc0, 0x01};
const char* const kHostLinkLocal = "fe80::ff:fe00:c001";  // EUI-64 of kHostMac

struct Network {
  const char* server;  // DHCP server and router
  const char* mask;
  const char* offered;
  codec::MacAddr server_mac;
  std::uint32_t xid;
  std::uint8_t option;  // 114 or 160
  const char* uri;
};

const Network kNetworks[] = {
    {"192.0.2.1",
     "255.255.255.0",
     "192.0.2.100",
     {0x02, 0, 0, 0, 0xa0, 0x01},
     0x0c0a0001,
     kDhcpCaptivePortal,
     kCapportApiUri},
    {"198.51.100.1",
     "255.255.255.0",
     "198.51.100.100",
     {0x02, 0, 0, 0, 0xb0, 0x01},
     0x0c0a0002,
     kDhcpLegacyCaptivePortal,
     kLegacyPortalUri},
    {"203.0.113.1",
     "255.255.255.0",
     "203.0.113.100",
     {0x02, 0, 0, 0, 0xc0, 0xfe},
     0x0c0a0003,
     kDhcpCaptivePortal,
     kUnrestrictedUrn},
};

Tins::HWAddress<6> hw(const codec::MacAddr& m) {
  return Tins::HWAddress<6>(m.data());
}

// Serialized under an Ethernet parent: a parentless Tins::IP with source 0.0.0.0 (DHCPDISCOVER) would
// be given the address of the local interface routing its destination, making the output host-dependent.
Bytes frame(const codec::MacAddr& dst, const codec::MacAddr& src, const Tins::PDU& l3) {
  Tins::EthernetII eth(hw(dst), hw(src));
  eth.inner_pdu(l3.clone());
  return serialize(eth);
}

Tins::DHCP::option dhcp_bytes(std::uint8_t type, std::string_view value) {
  return Tins::DHCP::option(type, value.size(), reinterpret_cast<const std::uint8_t*>(value.data()));
}

class CapportWriter {
 public:
  explicit CapportWriter(const std::string& path) : out_(path), clock_(2000) {}

  void dhcp(const Network& net, Tins::DHCP::Flags type);
  void router_solicit();
  void router_advert(const char* router, const codec::MacAddr& mac, const char* prefix, std::string_view uri);
  void dhcpv6_information_request();
  void dhcpv6_reply();
  void gap() { clock_.tick(kNetworkGapUs); }
  std::uint64_t commit() {
    out_.commit();
    return out_.packets();
  }

 private:
  void emit(const codec::MacAddr& dst, const codec::MacAddr& src, const Tins::PDU& l3) {
    out_.write(clock_.tick(), frame(dst, src, l3));
  }

  PcapOut out_;
  Clock clock_;
  std::uint16_t ip_id_ = 0x0100;
};

void CapportWriter::dhcp(const Network& net, Tins::DHCP::Flags type) {
  const bool from_client = type == Tins::DHCP::DISCOVER || type == Tins::DHCP::REQUEST;
  Tins::DHCP d;
  d.opcode(from_client ? Tins::BootP::BOOTREQUEST : Tins::BootP::BOOTREPLY);
  d.htype(1);
  d.hlen(6);
  d.xid(net.xid);
  d.padding(0x8000);  // libtins' name for the flags field: broadcast, so replies go to 255.255.255.255
  d.chaddr(hw(kHostMac));
  if (!from_client) d.yiaddr(net.offered);
  d.type(type);
  if (from_client) {
    const std::uint8_t client_id[] = {1,           kHostMac[0], kHostMac[1], kHostMac[2],
                                      kHostMac[3], kHostMac[4], kHostMac[5]};
    d.add_option(Tins::DHCP::option(Tins::DHCP::DHCP_CLIENT_IDENTIFIER, sizeof client_id, client_id));
    if (type == Tins::DHCP::REQUEST) {
      d.requested_ip(net.offered);
      d.server_identifier(net.server);
    }
    // RFC 8910 §2: clients SHOULD request 114; this one also asks for the legacy 160 as older stacks do.
    const std::uint8_t prl[] = {1, 3, 6, 15, 26, kDhcpCaptivePortal, kDhcpLegacyCaptivePortal};
    d.add_option(Tins::DHCP::option(Tins::DHCP::DHCP_PARAMETER_REQUEST_LIST, sizeof prl, prl));
  } else {
    d.server_identifier(net.server);
    d.lease_time(3600);
    d.subnet_mask(net.mask);
    d.routers({Tins::IPv4Address(net.server)});
    d.domain_name_servers({Tins::IPv4Address(net.server)});
    d.add_option(dhcp_bytes(net.option, net.uri));
  }
  // End option and padding by hand: libtins' end() writes End with a length byte, which is not the
  // one-octet End of RFC 2132 §3.2.
  std::vector<std::uint8_t> tail(
      std::max<std::size_t>(1, kBootpMinLen - std::min<std::size_t>(kBootpMinLen, d.header_size())));
  tail[0] = 255;
  d.inner_pdu(new Tins::RawPDU(tail.data(), static_cast<std::uint32_t>(tail.size())));

  Tins::IP ip("255.255.255.255", from_client ? "0.0.0.0" : net.server);
  ip.id(ip_id_++);
  ip.ttl(from_client ? 64 : 128);
  auto* udp = new Tins::UDP(from_client ? 67 : 68, from_client ? 68 : 67);
  udp->inner_pdu(d.clone());
  ip.inner_pdu(udp);
  emit(kBroadcastMac, from_client ? kHostMac : net.server_mac, ip);
}

void CapportWriter::router_solicit() {
  Tins::IPv6 ip("ff02::2", kHostLinkLocal);
  ip.hop_limit(255);  // RFC 4861 §6.1.1: ND messages must arrive with hop limit 255
  auto* rs = new Tins::ICMPv6(Tins::ICMPv6::ROUTER_SOLICIT);
  rs->source_link_layer_addr(hw(kHostMac));
  ip.inner_pdu(rs);
  emit({0x33, 0x33, 0, 0, 0, 0x02}, kHostMac, ip);
}

void CapportWriter::router_advert(const char* router, const codec::MacAddr& mac, const char* prefix,
                                  std::string_view uri) {
  Tins::IPv6 ip("ff02::1", router);
  ip.hop_limit(255);
  auto* ra = new Tins::ICMPv6(Tins::ICMPv6::ROUTER_ADVERT);
  ra->hop_limit(64);
  ra->other(1);  // O flag: the DHCPv6 exchange below is for other configuration (and option 103)
  ra->router_lifetime(1800);
  ra->source_link_layer_addr(hw(mac));
  ra->mtu({0, 1500});
  ra->prefix_info(Tins::ICMPv6::prefix_info_type(64, 1, 1, 86400, 14400, prefix));
  // RFC 8910 §2.3: length in 8-octet units including type and length; the URI is NUL-padded to fit.
  std::vector<std::uint8_t> value(uri.begin(), uri.end());
  value.resize((uri.size() + 2 + 7) / 8 * 8 - 2, 0);
  ra->add_option(Tins::ICMPv6::option(kNdCaptivePortal, value.size(), value.data()));
  ip.inner_pdu(ra);
  emit({0x33, 0x33, 0, 0, 0, 0x01}, mac, ip);
}

Tins::DHCPv6::duid_type duid(const codec::MacAddr& mac) {
  return Tins::DHCPv6::duid_ll(1, std::vector<std::uint8_t>(mac.begin(), mac.end()));
}

constexpr std::uint32_t kDhcp6Xid = 0x5c0a01;

void CapportWriter::dhcpv6_information_request() {
  Tins::DHCPv6 d;
  d.msg_type(Tins::DHCPv6::INFO_REQUEST);
  d.transaction_id(kDhcp6Xid);
  d.client_id(duid(kHostMac));
  d.option_request({Tins::DHCPv6::DNS_SERVERS, kDhcp6CaptivePortal});
  const std::uint8_t elapsed[] = {0, 0};
  d.add_option(Tins::DHCPv6::option(Tins::DHCPv6::ELAPSED_TIME, sizeof elapsed, elapsed));
  Tins::IPv6 ip("ff02::1:2", kHostLinkLocal);
  ip.hop_limit(1);
  auto* udp = new Tins::UDP(547, 546);
  udp->inner_pdu(d.clone());
  ip.inner_pdu(udp);
  emit({0x33, 0x33, 0, 1, 0, 2}, kHostMac, ip);
}

void CapportWriter::dhcpv6_reply() {
  const Network& net = kNetworks[0];
  Tins::DHCPv6 d;
  d.msg_type(Tins::DHCPv6::REPLY);
  d.transaction_id(kDhcp6Xid);
  d.server_id(duid(net.server_mac));
  d.client_id(duid(kHostMac));
  const std::uint8_t dns[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};
  d.add_option(Tins::DHCPv6::option(Tins::DHCPv6::DNS_SERVERS, sizeof dns, dns));
  const std::string_view uri = kCapportApiUri;
  d.add_option(Tins::DHCPv6::option(kDhcp6CaptivePortal, uri.size(),
                                    reinterpret_cast<const std::uint8_t*>(uri.data())));
  Tins::IPv6 ip(kHostLinkLocal, "fe80::1");
  ip.hop_limit(64);
  auto* udp = new Tins::UDP(546, 547);
  udp->inner_pdu(d.clone());
  ip.inner_pdu(udp);
  emit(kHostMac, net.server_mac, ip);
}

}  // namespace

std::uint64_t write_capport_mix(const std::string& output) {
  CapportWriter w(output);
  for (const Network& net : kNetworks) {
    w.dhcp(net, Tins::DHCP::DISCOVER);
    w.dhcp(net, Tins::DHCP::OFFER);
    w.dhcp(net, Tins::DHCP::REQUEST);
    w.dhcp(net, Tins::DHCP::ACK);
    if (&net == &kNetworks[0]) {
      // IPv6 on the first network: RS, an RA whose URI needs padding, one that fits exactly, then
      // stateless DHCPv6 (the RAs set O) returning option 103.
      w.router_solicit();
      w.router_advert("fe80::1", net.server_mac, "2001:db8:1::", kCapportApiUri);
      w.router_advert("fe80::1", net.server_mac, "2001:db8:1::", kCapportApiTokenUri);
      w.dhcpv6_information_request();
      w.dhcpv6_reply();
    }
    if (&net == &kNetworks[2]) w.router_advert("fe80::2", net.server_mac, "2001:db8:3::", kUnrestrictedUrn);
    w.gap();
  }
  return w.commit();
}

}  // namespace pktmap::gencap
