// Quote matching of enforcement signals against the probe's own flows, on messages built with libtins.
#include "pktmap/capport/icmp_signal.hpp"

#include <tins/tins.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

using namespace pktmap;
using namespace pktmap::capport;

namespace {

flow::FiveTuple v4_tuple(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport) {
  flow::FiveTuple t;
  t.ip_version = 4;
  t.proto = 6;
  Tins::IPv4Address s(src);
  Tins::IPv4Address d(dst);
  std::uint32_t sv = s;  // network order in memory
  std::uint32_t dv = d;
  std::memcpy(t.src.data(), &sv, 4);
  std::memcpy(t.dst.data(), &dv, 4);
  t.sport = sport;
  t.dport = dport;
  return t;
}

// The ICMP message (from its type byte) quoting a TCP SYN src:sport -> dst:dport.
std::vector<std::uint8_t> icmp_quoting(std::uint8_t type, std::uint8_t code, const char* src,
                                       std::uint16_t sport, const char* dst, std::uint16_t dport) {
  Tins::TCP syn(dport, sport);
  syn.flags(Tins::TCP::SYN);
  Tins::IP quoted = Tins::IP(dst, src) / syn;
  auto q = quoted.serialize();
  q.resize(28);  // IP header + 8 transport bytes, as routers quote (RFC 792)
  // Sized once and copied into: inserting into an 8-byte vector trips GCC 12's -O3 -Warray-bounds falsely.
  std::vector<std::uint8_t> m(8 + q.size(), 0);
  m[0] = type;
  m[1] = code;
  std::copy(q.begin(), q.end(), m.begin() + 8);
  return m;
}

}  // namespace

TEST_CASE("icmp signal: accepted only when quoting a flow the probe sent") {
  std::vector<ProbeFlow> flows = {
      {v4_tuple("10.0.0.2", 40000, "198.51.100.7", 443), "HTTPS canary https://www.google.com/generate_204"},
      {v4_tuple("10.0.0.2", 40001, "198.51.100.8", 80), "HTTP canary"}};
  auto m = icmp_quoting(3, 13, "10.0.0.2", 40000, "198.51.100.7", 443);
  auto s = match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows);
  CHECK(s.accepted);
  CHECK(s.flow == flows[0].label);
  CHECK(s.quoted == "tcp 10.0.0.2:40000 -> 198.51.100.7:443");
  CHECK(s.kind.find("(3/13)") != std::string::npos);
  CHECK(s.sender == "10.0.0.1");

  for (std::uint8_t code : {9, 10}) {
    m = icmp_quoting(3, code, "10.0.0.2", 40001, "198.51.100.8", 80);
    CHECK(match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows).accepted);
  }
  // The experimental type 253 (draft-wkumari -02) quotes the datagram right after its 8-byte header.
  m = icmp_quoting(253, 1, "10.0.0.2", 40000, "198.51.100.7", 443);
  s = match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows);
  CHECK(s.accepted);
  CHECK(s.kind.find("draft-wkumari") != std::string::npos);

  // Another port, another address, the reversed direction: ignored, with the reason.
  m = icmp_quoting(3, 13, "10.0.0.2", 40002, "198.51.100.7", 443);
  s = match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows);
  CHECK_FALSE(s.accepted);
  CHECK(s.reason == "quotes a flow the probe did not send");
  CHECK(s.quoted == "tcp 10.0.0.2:40002 -> 198.51.100.7:443");
  m = icmp_quoting(3, 13, "198.51.100.7", 443, "10.0.0.2", 40000);
  CHECK_FALSE(match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows).accepted);
  // Port unreachable is not a captive-portal signal even for our flow.
  m = icmp_quoting(3, 3, "10.0.0.2", 40000, "198.51.100.7", 443);
  s = match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows);
  CHECK_FALSE(s.accepted);
  CHECK(s.reason == "not a captive-portal signal type");
}

TEST_CASE("icmp signal: short and malformed quotes are ignored, never read past the end") {
  std::vector<ProbeFlow> flows = {{v4_tuple("10.0.0.2", 40000, "198.51.100.7", 443), "canary"}};
  auto m = icmp_quoting(3, 13, "10.0.0.2", 40000, "198.51.100.7", 443);
  // 8-byte ICMP header + 20-byte IP header + the 4 port bytes: anything shorter cannot name the flow.
  for (std::size_t n = 0; n < m.size(); ++n) {
    auto s = match_icmp_signal(4, ByteView(m.data(), n), "10.0.0.1", flows);
    CHECK(s.accepted == (n >= 32));
    CHECK(s.reason.empty() == (n >= 32));
  }
  m[8] = 0x75;  // IP version 7
  CHECK_FALSE(match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows).accepted);
}

TEST_CASE("icmp signal: ICMPv6 1/1 quoting an IPv6 flow") {
  Tins::TCP syn(443, 40000);
  syn.flags(Tins::TCP::SYN);
  Tins::IPv6 quoted = Tins::IPv6("2001:db8::7", "fd00::2") / syn;
  auto q = quoted.serialize();
  std::vector<std::uint8_t> m = {1, 1, 0, 0, 0, 0, 0, 0};
  m.insert(m.end(), q.begin(), q.end());
  flow::FiveTuple t;
  t.ip_version = 6;
  t.proto = 6;
  t.sport = 40000;
  t.dport = 443;
  auto src = Tins::IPv6Address("fd00::2");
  auto dst = Tins::IPv6Address("2001:db8::7");
  std::copy(src.begin(), src.end(), t.src.begin());
  std::copy(dst.begin(), dst.end(), t.dst.begin());
  std::vector<ProbeFlow> flows = {{t, "HTTPS canary"}};
  auto s = match_icmp_signal(6, ByteView(m.data(), m.size()), "fd00::1", flows);
  CHECK(s.accepted);
  CHECK(s.quoted == "tcp [fd00::2]:40000 -> [2001:db8::7]:443");
  // The same quote in an ICMPv4 message: wrong family.
  CHECK_FALSE(match_icmp_signal(4, ByteView(m.data(), m.size()), "10.0.0.1", flows).accepted);
  m[1] = 4;  // 1/4 port unreachable
  CHECK_FALSE(match_icmp_signal(6, ByteView(m.data(), m.size()), "fd00::1", flows).accepted);
}
