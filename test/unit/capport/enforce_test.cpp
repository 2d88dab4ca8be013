// The enforcement emulator: configuration, decisions, the ICMP and HTTP answers (decoded back with libtins
// and the codecs), the per-client rate limit and what goes to which output.
#include "pktmap/capport/enforce.hpp"

#include <tins/tins.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "pktmap/capport/http_head.hpp"
#include "pktmap/capport/portal_server.hpp"
#include "pktmap/codec/icmp.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet.hpp"

using namespace pktmap;
using namespace pktmap::capport;

namespace {

constexpr const char* kConfig = R"(hostname: portal.example.net
https_port: 8443
session_seconds: 60
enforce:
  client_networks: [192.0.2.0/24, 2001:db8::/64]
  gateway: {ipv4: 192.0.2.1, ipv6: 2001:db8::1}
  accept_url: http://portal.example.net/accept
  walled_garden:
    - 198.51.100.7
    - {net: 203.0.113.0/28, proto: tcp, ports: [443]}
  allowed:
    - {mac: 02:00:00:00:00:20}
    - {ip: 192.0.2.40, from: 1767268810}
  notify: {rate: 2, burst: 3}
)";

const Tins::HWAddress<6> kGatewayMac("02:00:00:00:00:01");
const Tins::HWAddress<6> kClientMac("02:00:00:00:00:0a");
constexpr std::int64_t kT0 = 1'767'268'800'000'000'000;  // 2026-01-01T12:00:00Z
constexpr std::int64_t kSec = 1'000'000'000;

EnforceConfig config(const std::string& extra = "") {
  return parse_enforce_config(std::string(kConfig) + extra, "portal.yaml");
}

std::vector<std::uint8_t> bytes(Tins::PDU& pdu) {
  return pdu.serialize();
}

std::vector<std::uint8_t> tcp4(const std::string& src, const std::string& dst, std::uint16_t sport,
                               std::uint16_t dport, std::uint16_t flags = Tins::TCP::SYN,
                               std::uint32_t seq = 1000, std::uint32_t ack = 0,
                               const std::string& payload = "", Tins::HWAddress<6> smac = kClientMac,
                               Tins::HWAddress<6> dmac = kGatewayMac) {
  Tins::TCP tcp(dport, sport);
  tcp.flags(flags);
  tcp.seq(seq);
  tcp.ack_seq(ack);
  Tins::EthernetII eth = Tins::EthernetII(dmac, smac) / Tins::IP(dst, src) / tcp;
  if (!payload.empty()) eth /= Tins::RawPDU(payload);
  return bytes(eth);
}

std::vector<std::uint8_t> udp4(const std::string& src, const std::string& dst, std::uint16_t sport,
                               std::uint16_t dport, Tins::HWAddress<6> smac = kClientMac) {
  Tins::EthernetII eth = Tins::EthernetII(kGatewayMac, smac) / Tins::IP(dst, src) / Tins::UDP(dport, sport) /
                         Tins::RawPDU(std::string(40, 'x'));
  return bytes(eth);
}

struct Frames : EnforceSink {
  std::vector<std::vector<std::uint8_t>> client, internet, rejects;
  std::vector<std::int64_t> client_ts;
  void client_side(ByteView f, std::uint32_t, std::int64_t ts) override {
    client.emplace_back(f.begin(), f.end());
    client_ts.push_back(ts);
  }
  void internet_side(ByteView f, std::uint32_t, std::int64_t) override {
    internet.emplace_back(f.begin(), f.end());
  }
  void rejected(ByteView f, std::uint32_t, std::int64_t) override {
    rejects.emplace_back(f.begin(), f.end());
  }
};

void feed(Enforcer& e, Frames& s, const std::vector<std::uint8_t>& frame, std::int64_t ts,
          std::uint64_t n = 1) {
  pcapio::Packet p;
  p.data = ByteView(frame.data(), frame.size());
  p.wire_len = static_cast<std::uint32_t>(frame.size());
  p.ts_ns = ts;
  p.number = n;
  e.process(p, s);
}

Decision decide(Enforcer& e, const std::vector<std::uint8_t>& frame, std::int64_t ts = kT0) {
  auto f = parse_enforce_frame(ByteView(frame.data(), frame.size()), 1);
  REQUIRE(f.ok());
  return e.decide(*f, ts, 1);
}

std::string setup_error(const std::string& yaml) {
  try {
    parse_enforce_config(yaml, "p.yaml");
  } catch (const SetupError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("enforce config: the enforce section of portal.yaml") {
  auto c = config();
  REQUIRE(c.client_networks.size() == 2);
  CHECK(c.client_networks[1].version == 6);
  CHECK(c.client_networks[1].length == 64);
  CHECK(c.has_gateway_v4);
  CHECK(c.portal_url == "https://portal.example.net:8443/portal");
  CHECK(c.session_seconds == 60);
  REQUIRE(c.walled_garden.size() == 2);
  CHECK(c.walled_garden[1].proto == 6);
  CHECK(c.walled_garden[1].ports == std::vector<std::uint16_t>{443});
  REQUIRE(c.allowed.size() == 2);
  CHECK(c.allowed[0].has_mac);
  CHECK(c.allowed[1].from_ns == kT0 + 10 * kSec);
  CHECK(c.notify_rate == 2);
  CHECK(c.notify_burst == 3);
  CHECK(c.redirect_status == 302);
  auto t = config("  redirect: {status: 511}\n");
  CHECK(t.redirect_status == 511);
  auto r = parse_enforce_config(
      "enforce:\n  client_networks: 10.0.0.0/8\n  allowed: [{ip: 10.0.0.5, from: 2026-01-01T12:00:05.5Z}]\n",
      "x");
  CHECK(r.allowed[0].from_ns == kT0 + 5 * kSec + kSec / 2);
  CHECK(r.portal_url == "https://capport.example.net:8443/portal");
}

TEST_CASE("enforce config: errors name the file, line:column and key") {
  CHECK(setup_error("enforce:\n  client_networks: [192.0.2.0/33]\n") ==
        "p.yaml:2:21: client_networks: not an IP address or prefix");
  CHECK(setup_error("enforce:\n  client_networks: [192.0.2.0/24]\n  colour: blue\n") ==
        "p.yaml:3:3: colour: unknown key");
  CHECK(setup_error("enforce:\n  gateway: {ipv4: 1.2.3.4}\n").find("enforce.client_networks: required") !=
        std::string::npos);
  CHECK(setup_error("enforce:\n  client_networks: 10.0.0.0/8\n  redirect: {status: 404}\n") ==
        "p.yaml:3:22: redirect.status: one of 302, 303, 307, 511");
  CHECK(setup_error("enforce:\n  client_networks: 10.0.0.0/8\n  accept_url: https://p/accept\n")
            .find("accept_url: must be http://") != std::string::npos);
  CHECK(setup_error("enforce:\n  client_networks: 10.0.0.0/8\n  allowed: [{ip: 10.0.0.5, from: yesterday}]\n")
            .find("allowed.from") != std::string::npos);
  CHECK(setup_error("enforce:\n  client_networks: 10.0.0.0/8\n  notify: {rate: -1}\n").find("notify.rate") !=
        std::string::npos);
  CHECK(setup_error("enforce:\n  client_networks: 10.0.0.0/8\n  allowed: [{}]\n")
            .find("give mac, ip or both") != std::string::npos);
  CHECK(setup_error("hostname: x\n").find("no enforce: section") != std::string::npos);
  CHECK(setup_error("enforce: [\n").find("p.yaml:") == 0);
  // A key given as a list named the file and place, but only as yaml-cpp's "bad conversion".
  CHECK(setup_error("enforce:\n  client_networks: 10.0.0.0/8\n  notify: {[a]: 1}\n") ==
        "p.yaml:3:12: notify: a key must be a plain name");
  CHECK(setup_error("[a]: 1\n") == "p.yaml:1:1: (top): a key must be a plain name");
}

TEST_CASE("enforce decision: who passes, who is blocked, what is answered") {
  Enforcer e(config(), 1);
  // A client nobody allowed, toward the Internet: blocked and due a notification.
  auto d = decide(e, tcp4("192.0.2.10", "203.0.113.50", 43001, 443));
  CHECK(d.action == Action::block);
  CHECK(d.dir == Direction::to_internet);
  CHECK(d.notify);
  // The walled garden: a listed host, a prefix with proto/port, DNS anywhere.
  CHECK(decide(e, tcp4("192.0.2.10", "198.51.100.7", 43002, 8080)).reason == "walled_garden");
  CHECK(decide(e, tcp4("192.0.2.10", "203.0.113.5", 43003, 443)).reason == "walled_garden");
  CHECK(decide(e, tcp4("192.0.2.10", "203.0.113.5", 43003, 22)).action == Action::block);
  CHECK(decide(e, udp4("192.0.2.10", "8.8.8.8", 5353, 53)).reason == "dns");
  // Allowed by MAC, whatever its address; by IP only from its time on.
  Tins::HWAddress<6> allowed_mac("02:00:00:00:00:20");
  CHECK(decide(e, tcp4("192.0.2.77", "203.0.113.50", 1, 443, Tins::TCP::SYN, 1, 0, "", allowed_mac)).reason ==
        "allowed_client");
  CHECK(decide(e, tcp4("192.0.2.40", "203.0.113.50", 1, 443), kT0 + 9 * kSec).action == Action::block);
  CHECK(decide(e, tcp4("192.0.2.40", "203.0.113.50", 1, 443), kT0 + 10 * kSec).reason == "allowed_client");
  // From the Internet toward a blocked client: dropped, never answered.
  auto in = decide(e, tcp4("203.0.113.50", "192.0.2.10", 443, 43001, Tins::TCP::SYN | Tins::TCP::ACK, 5, 1001,
                           "", kGatewayMac, kClientMac));
  CHECK(in.action == Action::drop);
  CHECK_FALSE(in.notify);
  // Port 80: intercepted; the request gets a redirect; the server's SYN-ACK stands for the interceptor's.
  auto get = decide(e, tcp4("192.0.2.10", "203.0.113.80", 43010, 80, Tins::TCP::PSH | Tins::TCP::ACK, 1001,
                            5001, "GET /generate_204 HTTP/1.1\r\nHost: a\r\n\r\n"));
  CHECK(get.action == Action::intercept);
  CHECK(get.redirect);
  CHECK_FALSE(get.notify);
  CHECK(decide(e, tcp4("203.0.113.80", "192.0.2.10", 80, 43010, Tins::TCP::SYN | Tins::TCP::ACK, 5000, 1001,
                       "", kGatewayMac, kClientMac))
            .action == Action::intercept);
  CHECK(decide(e, tcp4("203.0.113.80", "192.0.2.10", 80, 43010, Tins::TCP::PSH | Tins::TCP::ACK, 5001, 1040,
                       "HTTP/1.1 204 No Content\r\n\r\n", kGatewayMac, kClientMac))
            .action == Action::drop);
  // Local traffic: client to client (and the gateway), multicast; non-IP frames.
  CHECK(decide(e, udp4("192.0.2.10", "192.0.2.1", 68, 67)).reason == "local");
  CHECK(decide(e, udp4("192.0.2.10", "224.0.0.251", 5353, 5353)).reason == "local");
  Tins::EthernetII arp = Tins::ARP::make_arp_request("192.0.2.1", "192.0.2.10", kClientMac);
  auto arp_bytes = bytes(arp);
  CHECK(decide(e, arp_bytes).reason == "non_ip");
  // Neither end on the client side.
  auto transit = decide(e, tcp4("198.51.100.9", "203.0.113.50", 1, 2));
  CHECK(transit.action == Action::reject);
  CHECK(transit.reason == "enforce_no_client_side");
  // ICMP errors are blocked but never answered.
  Tins::EthernetII icmp_err = Tins::EthernetII(kGatewayMac, kClientMac) /
                              Tins::IP("203.0.113.50", "192.0.2.10") /
                              Tins::ICMP(Tins::ICMP::DEST_UNREACHABLE) / Tins::RawPDU(std::string(28, 'q'));
  auto err = decide(e, bytes(icmp_err));
  CHECK(err.action == Action::block);
  CHECK_FALSE(err.notify);
  CHECK(err.no_notify == "icmp_error");
}

TEST_CASE("enforce decision: a request to accept_url opens the client for session_seconds") {
  Enforcer e(config(), 1);
  CHECK(decide(e, tcp4("192.0.2.11", "203.0.113.50", 1, 443), kT0).action == Action::block);
  auto acc = decide(e,
                    tcp4("192.0.2.11", "192.0.2.1", 40000, 80, Tins::TCP::PSH | Tins::TCP::ACK, 1, 1, "",
                         kClientMac, kGatewayMac),
                    kT0 + kSec);
  CHECK_FALSE(acc.accepted);  // no payload, no request
  auto req = tcp4("192.0.2.11", "203.0.113.99", 40000, 80, Tins::TCP::PSH | Tins::TCP::ACK, 1, 1,
                  "POST /accept?lang=en HTTP/1.1\r\nHost: Portal.Example.Net\r\nContent-Length: 0\r\n\r\n");
  auto a = decide(e, req, kT0 + 2 * kSec);
  CHECK(a.accepted);
  CHECK(a.reason == "allowed_client");
  CHECK(decide(e, tcp4("192.0.2.11", "203.0.113.50", 1, 443), kT0 + 61 * kSec).reason == "allowed_client");
  CHECK(decide(e, tcp4("192.0.2.11", "203.0.113.50", 1, 443), kT0 + 62 * kSec).action == Action::block);
  // Another path on the portal host is not the accept URL.
  Enforcer e2(config(), 1);
  auto other = tcp4("192.0.2.11", "203.0.113.99", 40000, 80, Tins::TCP::PSH | Tins::TCP::ACK, 1, 1,
                    "GET /login HTTP/1.1\r\nHost: portal.example.net\r\n\r\n");
  CHECK_FALSE(decide(e2, other).accepted);
}

TEST_CASE("enforce answers: ICMPv4 3/13 quoting the blocked datagram, back to the client only") {
  for (auto quote : {std::string("max"), std::string("rfc792")}) {
    Enforcer e(config("  notify: {rate: 2, burst: 3, quote: " + quote + "}\n"), 1);
    auto frame = tcp4("192.0.2.10", "203.0.113.50", 43001, 443, Tins::TCP::PSH | Tins::TCP::ACK, 7000, 9,
                      std::string(1000, 'd'));
    auto f = parse_enforce_frame(ByteView(frame.data(), frame.size()), 1);
    REQUIRE(f.ok());
    auto n = e.build_notification(*f);
    REQUIRE(!n.empty());
    std::vector<std::uint8_t> copy(n.begin(), n.end());
    Tins::EthernetII eth(copy.data(), static_cast<std::uint32_t>(copy.size()));
    CHECK(eth.dst_addr() == kClientMac);
    CHECK(eth.src_addr() == kGatewayMac);
    const auto& ip = eth.rfind_pdu<Tins::IP>();
    CHECK(ip.src_addr() == Tins::IPv4Address("192.0.2.1"));
    CHECK(ip.dst_addr() == Tins::IPv4Address("192.0.2.10"));
    const auto& icmp = eth.rfind_pdu<Tins::ICMP>();
    CHECK(icmp.type() == Tins::ICMP::DEST_UNREACHABLE);
    CHECK(icmp.code() == 13);
    std::size_t expect = quote == "max" ? 576 - 28 : 20 + 8;
    CHECK(ip.tot_len() == 28 + expect);
    CHECK(copy.size() <= 14 + 576);
    ByteView msg(copy.data() + 34, copy.size() - 34);
    CHECK(codec::icmp_checksum_ok(msg));
    auto parsed = codec::parse_icmp(msg);
    REQUIRE(parsed.ok());
    CHECK(parsed->length_attr == 0);  // no extension: classic RFC 792 layout
    CHECK(std::equal(parsed->quoted.begin(), parsed->quoted.end(), frame.begin() + 14));
    CHECK(parsed->quoted.size() == expect);
  }
}

TEST_CASE("enforce answers: ICMPv6 1/1 quotes the whole small packet with a valid checksum") {
  Enforcer e(config(), 1);
  Tins::TCP tcp(443, 43002);
  tcp.flags(Tins::TCP::SYN);
  Tins::EthernetII in =
      Tins::EthernetII(kGatewayMac, kClientMac) / Tins::IPv6("2001:db8:ffff::5", "2001:db8::10") / tcp;
  auto frame = bytes(in);
  auto f = parse_enforce_frame(ByteView(frame.data(), frame.size()), 1);
  REQUIRE(f.ok());
  auto d = e.decide(*f, kT0, 1);
  CHECK(d.notify);
  auto n = e.build_notification(*f);
  std::vector<std::uint8_t> copy(n.begin(), n.end());
  Tins::EthernetII eth(copy.data(), static_cast<std::uint32_t>(copy.size()));
  const auto& ip6 = eth.rfind_pdu<Tins::IPv6>();
  CHECK(ip6.src_addr() == Tins::IPv6Address("2001:db8::1"));
  CHECK(ip6.dst_addr() == Tins::IPv6Address("2001:db8::10"));
  const auto& icmp6 = eth.rfind_pdu<Tins::ICMPv6>();
  CHECK(icmp6.type() == Tins::ICMPv6::DEST_UNREACHABLE);
  CHECK(icmp6.code() == 1);
  codec::Ipv6Addr src{}, dst{};
  std::copy(copy.begin() + 22, copy.begin() + 38, src.begin());
  std::copy(copy.begin() + 38, copy.begin() + 54, dst.begin());
  ByteView msg(copy.data() + 54, copy.size() - 54);
  CHECK(codec::transport_checksum_ok(src, dst, 58, msg));
  CHECK(msg.size() == 8 + frame.size() - 14);
  CHECK(std::equal(msg.begin() + 8, msg.end(), frame.begin() + 14));
}

TEST_CASE("enforce answers: the HTTP redirect is a segment the client accepts") {
  for (int status : {302, 511}) {
    Enforcer e(config("  redirect: {status: " + std::to_string(status) + "}\n"), 1);
    std::string req = "GET /generate_204 HTTP/1.1\r\nHost: connectivitycheck.gstatic.com\r\n\r\n";
    auto frame =
        tcp4("192.0.2.10", "203.0.113.80", 43010, 80, Tins::TCP::PSH | Tins::TCP::ACK, 1001, 5001, req);
    auto f = parse_enforce_frame(ByteView(frame.data(), frame.size()), 1);
    REQUIRE(f.ok());
    auto r = e.build_redirect(*f);
    REQUIRE(!r.empty());
    std::vector<std::uint8_t> copy(r.begin(), r.end());
    Tins::EthernetII eth(copy.data(), static_cast<std::uint32_t>(copy.size()));
    CHECK(eth.dst_addr() == kClientMac);
    const auto& ip = eth.rfind_pdu<Tins::IP>();
    CHECK(ip.src_addr() == Tins::IPv4Address("203.0.113.80"));
    CHECK(ip.dst_addr() == Tins::IPv4Address("192.0.2.10"));
    const auto& tcp = eth.rfind_pdu<Tins::TCP>();
    CHECK(tcp.sport() == 80);
    CHECK(tcp.dport() == 43010);
    CHECK(tcp.seq() == 5001);                   // what the client acknowledged
    CHECK(tcp.ack_seq() == 1001 + req.size());  // everything it sent
    CHECK(tcp.get_flag(Tins::TCP::ACK));
    CHECK(tcp.get_flag(Tins::TCP::FIN));
    codec::Ipv4Addr s{203, 0, 113, 80}, d{192, 0, 2, 10};
    CHECK(codec::transport_checksum_ok(s, d, 6, ByteView(copy.data() + 34, copy.size() - 34)));
    const auto& raw = eth.rfind_pdu<Tins::RawPDU>();
    std::string body(raw.payload().begin(), raw.payload().end());
    auto head = parse_http_head(body);
    REQUIRE(head.ok());
    CHECK(head->status == status);
    CHECK(head->field("Cache-Control") == "no-store");
    CHECK(head->content_length() == static_cast<long long>(head->body.size()));
    if (status == 302)
      CHECK(head->field("Location") == "https://portal.example.net:8443/portal");
    else
      CHECK(head->body.find("https://portal.example.net:8443/portal") != std::string::npos);
  }
  // Without an ACK there is no server sequence number to answer with.
  Enforcer e(config(), 1);
  auto syn = tcp4("192.0.2.10", "203.0.113.80", 43010, 80, Tins::TCP::SYN, 1000, 0, "GET / HTTP/1.1\r\n\r\n");
  auto f = parse_enforce_frame(ByteView(syn.data(), syn.size()), 1);
  CHECK(e.build_redirect(*f).empty());
}

TEST_CASE("enforce: the rate limit is a token bucket per client on packet time") {
  Enforcer e(config(), 1);  // rate 2/s, burst 3
  Frames s;
  // 200 blocked SYNs from each of two clients, one every 10 ms.
  std::vector<std::int64_t> sent_a, sent_b;
  for (int i = 0; i < 200; ++i) {
    std::int64_t ts = kT0 + i * 10'000'000;
    auto a = tcp4("192.0.2.10", "203.0.113.50", static_cast<std::uint16_t>(30000 + i), 443);
    auto b = tcp4("192.0.2.12", "203.0.113.50", static_cast<std::uint16_t>(30000 + i), 443);
    auto before = s.client.size();
    feed(e, s, a, ts);
    if (s.client.size() == before + 2) sent_a.push_back(ts);
    before = s.client.size();
    feed(e, s, b, ts);
    if (s.client.size() == before + 2) sent_b.push_back(ts);
  }
  // 2 s of traffic: the burst of 3, then 2 per second.
  CHECK(sent_a.size() == 3 + 3);
  CHECK(sent_b.size() == sent_a.size());
  for (std::size_t i = 0; i < sent_a.size(); ++i)
    for (std::size_t j = i; j < sent_a.size(); ++j) {
      double window = static_cast<double>(sent_a[j] - sent_a[i]) / 1e9;
      CHECK(static_cast<double>(j - i + 1) <= 3 + 2 * window + 1e-9);
    }
  CHECK(e.totals().notifications == sent_a.size() * 2);
  CHECK(e.totals().suppressed == 400 - sent_a.size() * 2);
  CHECK(s.internet.empty());  // nothing of a blocked client goes upstream
  REQUIRE(e.clients().size() == 2);
  CHECK(e.clients()[0].stats.blocked_out == 200);
}

TEST_CASE("enforce process: outputs per action") {
  Enforcer e(config(), 1);
  Frames s;
  Tins::HWAddress<6> allowed_mac("02:00:00:00:00:20");
  auto allowed = tcp4("192.0.2.20", "203.0.113.50", 1, 443, Tins::TCP::SYN, 1, 0, "", allowed_mac);
  feed(e, s, allowed, kT0);
  REQUIRE(s.client.size() == 1);
  CHECK(s.client[0] == allowed);  // byte-identical
  REQUIRE(s.internet.size() == 1);
  CHECK(s.internet[0] == allowed);
  auto blocked = tcp4("192.0.2.10", "203.0.113.50", 2, 443);
  feed(e, s, blocked, kT0 + 1);
  REQUIRE(s.client.size() == 3);  // the client's packet, then the notification
  CHECK(s.client[1] == blocked);
  CHECK(s.client_ts[2] == kT0 + 1 + kAnswerDelayNs);
  CHECK(s.internet.size() == 1);
  auto inbound =
      tcp4("203.0.113.50", "192.0.2.10", 443, 2, Tins::TCP::RST, 1, 0, "", kGatewayMac, kClientMac);
  feed(e, s, inbound, kT0 + 2);
  CHECK(s.client.size() == 3);
  std::vector<std::uint8_t> bad = blocked;
  bad.resize(14 + 10);  // IPv4 header cut
  feed(e, s, bad, kT0 + 3);
  CHECK(s.rejects.size() == 1);
  CHECK(e.totals().rejected == 1);
  CHECK(e.totals().reject_reasons.get("ipv4_truncated") == 1);
  CHECK(e.totals().dropped == 1);
}

TEST_CASE("enforce config: serve reads the same portal.yaml and ignores the enforce section") {
  auto path = std::string(PKTMAP_TEST_DATA) + "/capport-enforce.yaml";
  auto portal = load_portal_config(path);
  CHECK(portal.hostname == "portal.example.net");
  CHECK(portal.session_seconds == 600);
  auto e = load_enforce_config(path);
  CHECK(e.session_seconds == 600);
  CHECK(e.portal_url == "https://portal.example.net/portal");
  CHECK(e.allowed.size() == 2);
}

TEST_CASE("enforce: a full client table still decides, but never notifies") {
  Enforcer e(config("  max_clients: 1\n"), 1);
  Frames s;
  feed(e, s, tcp4("192.0.2.10", "203.0.113.50", 1, 443), kT0);
  auto second = decide(e, tcp4("192.0.2.11", "203.0.113.50", 1, 443), kT0);
  CHECK(second.action == Action::block);
  CHECK(second.client == -1);
  CHECK(second.no_notify == "client_table_full");
  feed(e, s, tcp4("192.0.2.11", "203.0.113.50", 2, 443), kT0);
  CHECK(e.clients().size() == 1);
  CHECK(e.totals().untracked == 1);
  CHECK(e.totals().notifications == 1);
}

TEST_CASE("enforce: internet_macs decide the side for clients with public addresses") {
  Enforcer e(config("  internet_macs: [\"02:00:00:00:00:01\"]\n"), 1);
  // 198.51.100.20 is outside client_networks, but it sends to the gateway MAC: a client.
  auto d = decide(e, tcp4("198.51.100.20", "203.0.113.50", 1, 443));
  CHECK(d.dir == Direction::to_internet);
  CHECK(d.action == Action::block);
  auto in = decide(e, tcp4("203.0.113.50", "198.51.100.20", 443, 1, Tins::TCP::SYN | Tins::TCP::ACK, 1, 2, "",
                           kGatewayMac, kClientMac));
  CHECK(in.dir == Direction::from_internet);
  CHECK(in.action == Action::drop);
  // Between two clients on the link: local, even with public addresses.
  CHECK(decide(e, tcp4("198.51.100.20", "198.51.100.21", 1, 443, Tins::TCP::SYN, 1, 0, "", kClientMac,
                       Tins::HWAddress<6>("02:00:00:00:00:0b")))
            .dir == Direction::local);
}

TEST_CASE("enforce config: times outside what nanoseconds can hold are refused (fuzz_enforce_config)") {
  CHECK(setup_error("enforce:\n  client_networks: 10.0.0.0/8\n  allowed: [{ip: 10.0.0.5, from: "
                    "1013-01-01T12:00:05Z}]\n")
            .find("allowed.from: year out of range") != std::string::npos);
  CHECK(setup_error(
            "enforce:\n  client_networks: 10.0.0.0/8\n  allowed: [{ip: 10.0.0.5, until: 9999999999999}]\n")
            .find("allowed.until: time out of range") != std::string::npos);
}
