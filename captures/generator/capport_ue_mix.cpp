// Client-side (UE) capture of a hotel network with no enforcement yet: the input of `capport-probe
// enforce` (captures/README.md lists who does what). Four clients behind one gateway; one of them on
// VLAN 10 and one IPv6-only; an HTTP canary, HTTPS and QUIC attempts, a ping, unsolicited inbound traffic,
// a portal acceptance (HTTP POST /accept), mDNS, ARP, and one transit packet no client sent.
#include "capport_ue_mix.hpp"

#include <string>
#include <string_view>

#include <tins/icmp.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>

#include "frames.hpp"
#include "pcap_out.hpp"

namespace pktmap::gencap {

namespace {

const codec::MacAddr kGwMac{0x02, 0x00, 0x00, 0x00, 0xe0, 0x01};
const codec::MacAddr kMacA{0x02, 0x00, 0x00, 0x00, 0xe0, 0x0a};
const codec::MacAddr kMacB{0x02, 0x00, 0x00, 0x00, 0xe0, 0x14};
const codec::MacAddr kMacC{0x02, 0x00, 0x00, 0x00, 0xe0, 0x1e};
const codec::MacAddr kMacD{0x02, 0x00, 0x00, 0x00, 0xe0, 0x28};
const codec::MacAddr kMdnsMac{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
constexpr Ipv4Addr kGw{192, 0, 2, 1};
constexpr Ipv4Addr kA{192, 0, 2, 10};
constexpr Ipv4Addr kB{192, 0, 2, 20};
constexpr Ipv4Addr kD{192, 0, 2, 40};
constexpr Ipv4Addr kDns{198, 51, 100, 53};
constexpr Ipv4Addr kPortal{198, 51, 100, 7};
constexpr Ipv4Addr kCanary{203, 0, 113, 80};
constexpr Ipv4Addr kWeb{203, 0, 113, 5};
constexpr Ipv4Addr kQuic{203, 0, 113, 9};
constexpr Ipv4Addr kScanner{203, 0, 113, 66};
constexpr Ipv4Addr kMdns{224, 0, 0, 251};
constexpr Ipv6Addr kC{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x30};
constexpr Ipv6Addr kWeb6{0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05};
const codec::VlanTag kVlan10{0x8100, 0, false, 10};

Tins::IPv4Address v4(const Ipv4Addr& a) {
  return Tins::IPv4Address(std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) +
                           "." + std::to_string(a[3]));
}

Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

class UeWriter {
 public:
  explicit UeWriter(const std::string& path) : out_(path), clock_(10'000) {}

  void ip4(const codec::MacAddr& smac, const codec::MacAddr& dmac, const Ipv4Addr& src, const Ipv4Addr& dst,
           const L4Spec& l4, bool vlan = false, std::uint32_t gap_us = 0) {
    Bytes ip = ipv4_packet(src, dst, id_++, l4);
    codec::VlanTag tags[1] = {kVlan10};
    Bytes f = l2_frame(dmac, smac, std::span<const codec::VlanTag>(tags, vlan ? 1 : 0), 0x0800, ip);
    out_.write(clock_.tick(gap_us), f);
  }
  void ip6(const codec::MacAddr& smac, const codec::MacAddr& dmac, const Ipv6Addr& src, const Ipv6Addr& dst,
           const L4Spec& l4) {
    Bytes ip = ipv6_packet(src, dst, l4);
    Bytes f = l2_frame(dmac, smac, {}, 0x86dd, ip);
    out_.write(clock_.tick(), f);
  }
  void raw(const codec::MacAddr& smac, const codec::MacAddr& dmac, std::uint16_t type, const Bytes& payload) {
    out_.write(clock_.tick(), l2_frame(dmac, smac, {}, type, payload));
  }
  // A TCP exchange between a client and a server: handshake, one request, one answer, the client's ACK.
  void tcp_exchange(const codec::MacAddr& cmac, const Ipv4Addr& c, std::uint16_t cport, const Ipv4Addr& s,
                    std::uint16_t sport, std::string_view request, std::string_view answer,
                    std::uint32_t isn_c, std::uint32_t isn_s) {
    using namespace tcp_flags;
    Bytes req = bytes_of(request);
    Bytes ans = bytes_of(answer);
    ip4(cmac, kGwMac, c, s, {true, cport, sport, isn_c, 0, syn, {}});
    ip4(kGwMac, cmac, s, c, {true, sport, cport, isn_s, isn_c + 1, syn | ack, {}});
    ip4(cmac, kGwMac, c, s, {true, cport, sport, isn_c + 1, isn_s + 1, ack, {}});
    ip4(cmac, kGwMac, c, s, {true, cport, sport, isn_c + 1, isn_s + 1, psh | ack, req});
    const auto c_next = static_cast<std::uint32_t>(isn_c + 1 + req.size());
    ip4(kGwMac, cmac, s, c, {true, sport, cport, isn_s + 1, c_next, psh | ack, ans});
    ip4(cmac, kGwMac, c, s,
        {true, cport, sport, c_next, static_cast<std::uint32_t>(isn_s + 1 + ans.size()), ack, {}});
  }
  void ping(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint16_t seq) {
    Tins::ICMP icmp(Tins::ICMP::ECHO_REQUEST);
    icmp.id(0x4242);
    icmp.sequence(seq);
    Tins::IP ip = Tins::IP(v4(dst), v4(src)) / icmp / Tins::RawPDU(std::string(32, 'p'));
    ip.id(id_++);
    ip.ttl(64);
    out_.write(clock_.tick(), l2_frame(kGwMac, kMacA, {}, 0x0800, serialize(ip)));
  }
  std::uint64_t commit() {
    out_.commit();
    return out_.packets();
  }

 private:
  PcapOut out_;
  Clock clock_;
  std::uint16_t id_ = 0x6000;
};

constexpr std::string_view kCanaryGet =
    "GET /generate_204 HTTP/1.1\r\nHost: connectivitycheck.gstatic.com\r\nUser-Agent: Dalvik/2.1.0\r\n"
    "Connection: close\r\n\r\n";
constexpr std::string_view kCanary204 = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
constexpr std::string_view kAccept =
    "POST /accept HTTP/1.1\r\nHost: portal.example.net\r\nContent-Length: 0\r\n\r\n";
constexpr std::string_view kAccepted =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 17\r\n\r\n<p>Welcome.</p>\r\n";

}  // namespace

std::uint64_t write_capport_ue_mix(const std::string& output) {
  using namespace tcp_flags;
  UeWriter w(output);
  // ARP for the gateway (non-IP: stays on the link).
  Bytes arp = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01};
  arp.insert(arp.end(), kMacA.begin(), kMacA.end());
  arp.insert(arp.end(), kA.begin(), kA.end());
  arp.insert(arp.end(), 6, 0);
  arp.insert(arp.end(), kGw.begin(), kGw.end());
  w.raw(kMacA, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0x0806, arp);

  // A resolves the canary name (DNS is in the walled garden) and fetches it over HTTP.
  Bytes query = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  for (std::string_view label : {"connectivitycheck", "gstatic", "com"}) {
    query.push_back(static_cast<std::uint8_t>(label.size()));
    query.insert(query.end(), label.begin(), label.end());
  }
  query.insert(query.end(), {0x00, 0x00, 0x01, 0x00, 0x01});
  Bytes answer = query;
  answer[2] = 0x81;
  answer[3] = 0x80;
  answer[7] = 0x01;
  answer.insert(answer.end(), {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04});
  answer.insert(answer.end(), kCanary.begin(), kCanary.end());
  w.ip4(kMacA, kGwMac, kA, kDns, {false, 40001, 53, 0, 0, 0, query});
  w.ip4(kGwMac, kMacA, kDns, kA, {false, 53, 40001, 0, 0, 0, answer});
  w.tcp_exchange(kMacA, kA, 40002, kCanary, 80, kCanaryGet, kCanary204, 100000, 500000);

  // A tries HTTPS (12 connections in 0.72 s, each answered by the server), QUIC and ping.
  for (std::uint16_t i = 0; i < 12; ++i) {
    const auto port = static_cast<std::uint16_t>(40100 + i);
    w.ip4(kMacA, kGwMac, kA, kWeb, {true, port, 443, 200000u + i * 1000u, 0, syn, {}}, false, 40'000);
    w.ip4(kGwMac, kMacA, kWeb, kA,
          {true, 443, port, 600000u + i * 1000u, 200001u + i * 1000u, syn | ack, {}});
  }
  Bytes quic(1200, 0xc3);
  for (std::uint16_t i = 0; i < 3; ++i)
    w.ip4(kMacA, kGwMac, kA, kQuic, {false, 40200, 443, 0, 0, 0, quic});
  for (std::uint16_t i = 1; i <= 3; ++i)
    w.ping(kA, kWeb, i);
  // Unsolicited inbound: a scanner knocks on A's SSH port.
  w.ip4(kGwMac, kMacA, kScanner, kA, {true, 51000, 22, 777, 0, syn, {}});

  // B is allowed (by MAC in the test configuration): a full HTTPS-port exchange passes untouched.
  w.tcp_exchange(kMacB, kB, 41000, kWeb, 443, "\x16\x03\x01 opaque client bytes",
                 "\x16\x03\x03 opaque server", 300000, 700000);

  // C (IPv6 only) tries HTTPS three times.
  for (std::uint16_t i = 0; i < 3; ++i)
    w.ip6(kMacC, kGwMac, kC, kWeb6,
          {true, static_cast<std::uint16_t>(42000 + i), 443, 400000u + i, 0, syn, {}});

  // D on VLAN 10: allowed from 12:00:03Z in the test configuration; tries before and after.
  w.ip4(kMacD, kGwMac, kD, kWeb, {true, 43000, 443, 900000, 0, syn, {}}, true, 2'500'000);
  w.ip4(kMacD, kGwMac, kD, kWeb, {true, 43001, 443, 910000, 0, syn, {}}, true);

  // mDNS from A: link-local multicast.
  Bytes mdns = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'l', 'o', 'c', 'a', 'l', 0, 0, 12, 0, 1};
  w.ip4(kMacA, kMdnsMac, kA, kMdns, {false, 5353, 5353, 0, 0, 0, mdns});
  // Transit traffic no client sent (198.51.100.9 -> 203.0.113.50): the enforcer cannot place it.
  w.ip4(kGwMac, kMacA, {198, 51, 100, 9}, {203, 0, 113, 50},
        {false, 1000, 2000, 0, 0, 0, bytes_of("transit")});

  // A accepts the portal (plain HTTP POST to the walled-garden portal), then everything passes.
  w.tcp_exchange(kMacA, kA, 40300, kPortal, 80, kAccept, kAccepted, 110000, 510000);
  w.ip4(kMacA, kGwMac, kA, kWeb, {true, 40400, 443, 250000, 0, syn, {}});
  w.ip4(kGwMac, kMacA, kWeb, kA, {true, 443, 40400, 650000, 250001, syn | ack, {}});
  w.tcp_exchange(kMacA, kA, 40401, kCanary, 80, kCanaryGet, kCanary204, 120000, 520000);
  return w.commit();
}

}  // namespace pktmap::gencap
