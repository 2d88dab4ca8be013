// Enforcement-signal quote matching: match_icmp_signal over ICMP and ICMPv6 messages (first byte picks the
// family). Never throws; a signal is accepted only with a reason-free match on a probe flow.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "pktmap/capport/icmp_signal.hpp"

using namespace pktmap;
using namespace pktmap::capport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  int family = (data[0] & 1) ? 6 : 4;
  flow::FiveTuple t;
  t.ip_version = static_cast<std::uint8_t>(family);
  t.proto = 6;
  t.src[0] = 10;
  t.src[3] = 2;
  t.dst[0] = 198;
  t.sport = 40000;
  t.dport = 443;
  ProbeFlow flows[] = {{t, "canary"}};
  auto s = match_icmp_signal(family, ByteView(data + 1, size - 1), "sender", flows);
  PKTMAP_FUZZ_CHECK(s.accepted == s.reason.empty());
  if (s.accepted) PKTMAP_FUZZ_CHECK(s.flow == "canary" && !s.quoted.empty());
  return 0;
}
