// Capture analysis on the synthetic captive-portal captures (test/data/capport-synth-*.pcap, see
// shared corpus README), the project's captures/capport-sample.pcap, and packets built here with libtins.
// Packet numbers and values were read with tshark (test/tshark/check_capport.py checks them on every run).
#include "pktmap/capport/capture_analysis.hpp"

#include <tins/tins.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "pktmap/dissect/dissector.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::capport;

namespace {

CaptureReport analyze(const std::string& path) {
  auto run = analyze_capture_file(path, "", false);
  REQUIRE(run.read_error.empty());
  return run.report;
}

bool reason_has(const CaptureReport& r, const std::string& text) {
  for (const auto& s : r.reasons)
    if (s.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("capture: legacy captive network (DNS hijack, 302, rewritten page, 307)") {
  auto r = analyze(test::data_path("capport-synth-legacy-captive.pcap"));
  CHECK(r.verdict == Verdict::captive);
  CHECK(r.packets == 26);
  REQUIRE(r.dns.size() == 1);
  CHECK(r.dns[0].packet == 2);
  CHECK(r.dns[0].hijacked);
  CHECK(r.dns[0].addresses == std::vector<std::string>{"10.0.0.1"});
  REQUIRE(r.canaries.size() == 3);
  CHECK(r.canaries[0].request_packet == 6);
  CHECK(r.canaries[0].response_packet == 7);
  CHECK(r.canaries[0].status == 302);
  CHECK(r.canaries[0].result == CanaryResult::redirect);
  CHECK(r.canaries[0].location.rfind("http://portal.example.net/login?res=notyet", 0) == 0);
  CHECK(r.canaries[1].result == CanaryResult::unexpected_content);
  CHECK(r.canaries[1].detail.find("Guest WiFi login") != std::string::npos);
  CHECK(r.canaries[2].status == 307);
  CHECK(r.canaries[2].location == "https://portal.example.net/");
  CHECK(reason_has(r, "answered 10.0.0.1"));
}

TEST_CASE("capture: legacy open network (204, Success, NetworkManager, NCSI)") {
  auto r = analyze(test::data_path("capport-synth-legacy-open.pcap"));
  CHECK(r.verdict == Verdict::open);
  REQUIRE(r.canaries.size() == 4);
  for (const auto& c : r.canaries)
    CHECK(c.result == CanaryResult::open);
  CHECK(r.canaries[0].status == 204);
  CHECK(r.canaries[2].url == "http://network-test.debian.org/nm");
  CHECK(r.dns.empty());
}

TEST_CASE("capture: cleartext RFC 8908 exchanges are read, flagged, and the last one wins") {
  auto r = analyze(test::data_path("capport-synth-api-cleartext.pcap"));
  CHECK(r.verdict == Verdict::open);
  REQUIRE(r.api.size() == 2);
  REQUIRE(r.api[0].body);
  CHECK(r.api[0].body->captive);
  CHECK(r.api[0].response_packet == 5);
  REQUIRE(r.api[1].body);
  CHECK_FALSE(r.api[1].body->captive);
  CHECK(r.api[1].body->seconds_remaining == 326u);
  CHECK(r.api[1].body->unknown_keys.size() == 1);
  CHECK(r.api[0].problems.at(0).find("cleartext HTTP") != std::string::npos);
  CHECK(reason_has(r, "earlier: the network says so"));
}

TEST_CASE("capture: enforcement signals quoting flows of the capture make it partial") {
  auto r = analyze(test::data_path("capport-synth-enforcement.pcap"));
  CHECK(r.verdict == Verdict::partial);
  REQUIRE(r.signals.size() == 2);
  CHECK(r.signals[0].packet == 2);
  CHECK(r.signals[0].quotes_seen_flow);
  CHECK(r.signals[0].quoted == "tcp 192.0.2.10:43001 > 203.0.113.5:443");
  CHECK(r.signals[1].packet == 4);
  CHECK(r.signals[1].kind.rfind("icmpv6 1/1", 0) == 0);
}

TEST_CASE("capture: provisioning options, legacy 160, unrestricted URN and mismatches") {
  auto r = analyze(test::data_path("capport-synth-provisioning.pcap"));
  REQUIRE(r.provisioning.size() == 6);
  CHECK(r.provisioning[1].legacy);
  CHECK(r.provisioning[2].unrestricted);
  CHECK(r.verdict == Verdict::open);  // the URN is the last word in this capture
  REQUIRE(r.config_errors.size() >= 2);
  CHECK(r.config_errors[0].find("RFC 8910 §3") != std::string::npos);
  CHECK(r.config_errors[0].find("https://cp.example/api via ra-37 (#7)") != std::string::npos);
  CHECK(r.config_errors[1].find("option 160 (#2)") != std::string::npos);
  REQUIRE(r.requests.size() == 2);
  CHECK(r.requests[0].packet == 6);

  auto s = analyze(std::string(PKTMAP_CAPTURES) + "/capport-sample.pcap");
  CHECK(s.provisioning.size() == 10);
  CHECK(s.requests.size() == 3);
}

TEST_CASE("capture: API provisioned, TLS to its host, a signal for a flow never seen -> unknown") {
  using namespace Tins;
  dissect::DispatchTable table;
  dissect::Dissector dissector(table);
  dissect::Dissection d;
  CaptureAnalyzer a;
  auto feed = [&](PDU& pdu, std::uint64_t n) {
    auto bytes = pdu.serialize();
    dissector.dissect(ByteView(bytes.data(), bytes.size()), 1, d);
    a.add(d, n);
  };
  DHCP dhcp;
  dhcp.type(DHCP::ACK);
  std::string uri = "https://capport.example.net/api";
  dhcp.add_option(DHCP::option(static_cast<DHCP::OptionTypes>(114), uri.begin(), uri.end()));
  dhcp.end();
  EthernetII offer = EthernetII() / IP("192.0.2.10", "192.0.2.1") / UDP(68, 67) / dhcp;
  feed(offer, 1);
  // A ClientHello for capport.example.net (built as raw bytes: libtins has no TLS).
  std::string sni = "capport.example.net";
  std::vector<std::uint8_t> ext = {0,
                                   0,
                                   0,
                                   static_cast<std::uint8_t>(sni.size() + 5),
                                   0,
                                   static_cast<std::uint8_t>(sni.size() + 3),
                                   0,
                                   0,
                                   static_cast<std::uint8_t>(sni.size())};
  ext.insert(ext.end(), sni.begin(), sni.end());
  std::vector<std::uint8_t> body = {3, 3};
  body.resize(34, 0);
  body.insert(body.end(), {0, 0, 2, 0x13, 0x01, 1, 0, 0, static_cast<std::uint8_t>(ext.size())});
  body.insert(body.end(), ext.begin(), ext.end());
  std::vector<std::uint8_t> rec = {22,
                                   3,
                                   1,
                                   0,
                                   static_cast<std::uint8_t>(body.size() + 4),
                                   1,
                                   0,
                                   0,
                                   static_cast<std::uint8_t>(body.size())};
  rec.insert(rec.end(), body.begin(), body.end());
  TCP tcp(443, 40000);
  tcp.flags(TCP::PSH | TCP::ACK);
  EthernetII hello = EthernetII() / IP("192.0.2.5", "192.0.2.10") / tcp / RawPDU(rec);
  feed(hello, 2);
  // ICMP 3/13 quoting a UDP flow that is not in this capture.
  EthernetII quoted = EthernetII() / IP("198.51.100.9", "192.0.2.10") / UDP(5000, 6000);
  auto qbytes = quoted.rfind_pdu<IP>().serialize();
  ICMP icmp(ICMP::DEST_UNREACHABLE);
  icmp.code(13);
  EthernetII sig = EthernetII() / IP("192.0.2.10", "192.0.2.1") / icmp / RawPDU(qbytes);
  feed(sig, 3);

  auto r = a.finish();
  CHECK(r.verdict == Verdict::unknown);
  REQUIRE(r.tls.size() == 1);
  CHECK(r.tls[0].packet == 2);
  CHECK(r.tls[0].server_name == "capport.example.net");
  REQUIRE(r.signals.size() == 1);
  CHECK_FALSE(r.signals[0].quotes_seen_flow);
  CHECK(reason_has(r, "capport-probe --api https://capport.example.net/api"));
  CHECK(reason_has(r, "TLS to the API host capport.example.net"));
}

TEST_CASE("capture: a canary answered 511 (RFC 6585 §6) is a portal") {
  using namespace Tins;
  dissect::DispatchTable table;
  dissect::Dissector dissector(table);
  dissect::Dissection d;
  CaptureAnalyzer a;
  auto feed = [&](PDU& pdu, std::uint64_t n) {
    auto bytes = pdu.serialize();
    dissector.dissect(ByteView(bytes.data(), bytes.size()), 1, d);
    a.add(d, n);
  };
  std::string req =
      "GET /generate_204 HTTP/1.1\r\nHost: connectivitycheck.gstatic.com\r\nUser-Agent: t\r\n\r\n";
  std::string rsp =
      "HTTP/1.1 511 Network Authentication Required\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n";
  TCP out(80, 40001);
  out.flags(TCP::PSH | TCP::ACK);
  EthernetII q = EthernetII() / IP("192.0.2.1", "192.0.2.10") / out / RawPDU(req);
  feed(q, 1);
  TCP back(40001, 80);
  back.flags(TCP::PSH | TCP::ACK);
  EthernetII s = EthernetII() / IP("192.0.2.10", "192.0.2.1") / back / RawPDU(rsp);
  feed(s, 2);
  auto r = a.finish();
  REQUIRE(r.canaries.size() == 1);
  CHECK(r.canaries[0].status == 511);
  CHECK(r.canaries[0].result == CanaryResult::auth_required);
  CHECK(r.verdict == Verdict::captive);
  CHECK(reason_has(r, "511 Network Authentication Required"));
}

TEST_CASE("capture: unexpected DNS addresses") {
  std::uint8_t ula[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::uint8_t doc[4] = {198, 51, 100, 20};
  std::uint8_t cgn[4] = {100, 64, 0, 1};
  CHECK_FALSE(unexpected_address_reason(6, ula).empty());
  CHECK(unexpected_address_reason(4, doc).empty());
  CHECK(unexpected_address_reason(4, cgn) == "shared address space (RFC 6598)");
  CHECK(uri_host("https://user@capport.example.net:8443/api?x") == "capport.example.net");
  CHECK(uri_host("https://[2001:db8::1]/api") == "[2001:db8::1]");
  CHECK(uri_host("urn:ietf:params:capport:unrestricted").empty());
}

TEST_CASE("capture: a corrupt capture keeps the evidence before the bad record and names it") {
  std::ifstream in(test::data_path("capport-synth-legacy-captive.pcap"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto path =
      std::filesystem::temp_directory_path() / ("capport-cut-" + std::to_string(::getpid()) + ".pcap");
  std::ofstream(path, std::ios::binary) << bytes.substr(0, 2000);
  auto run = analyze_capture_file(path.string(), "", false);
  std::filesystem::remove(path);
  CHECK(run.read_error.find("record 18 at byte offset 1941") != std::string::npos);
  CHECK(run.report.packets == 17);
  CHECK(run.report.verdict == Verdict::captive);  // the DNS hijack and the 302 came before the cut
}
