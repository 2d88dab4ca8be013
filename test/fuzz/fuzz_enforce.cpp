// The enforcement decision on arbitrary frames: byte 0 picks the link type, byte 1 advances the clock, the
// rest is the frame. One Enforcer lives across inputs (client table, acceptance, token buckets). Checks:
// the frame reaches the sinks unchanged; every answer parses back, goes to the sender of the frame on the
// client side only, and is an ICMP 3/13, ICMPv6 1/1 or a TCP segment from port 80.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/capport/enforce.hpp"

using namespace pktmap;
using namespace pktmap::capport;

namespace {

constexpr const char* kConfig = R"(enforce:
  client_networks: [192.0.2.0/24, 2001:db8::/64]
  gateway: {ipv4: 192.0.2.1}
  accept_url: http://portal.example.net/accept
  walled_garden: [{net: 198.51.100.0/24, proto: tcp, ports: [80, 443]}]
  allowed: [{mac: 02:00:00:00:00:20}, {ip: 192.0.2.40, from: 100}]
  notify: {rate: 5, burst: 2}
  max_clients: 64
)";

struct Checker : EnforceSink {
  ByteView input;
  int linktype = 1;
  std::size_t answers = 0;
  void client_side(ByteView f, std::uint32_t, std::int64_t) override {
    if (f.data() == input.data()) return;  // the packet itself
    ++answers;
    auto in = parse_enforce_frame(input, linktype);
    auto a = parse_enforce_frame(f, linktype);
    PKTMAP_FUZZ_CHECK(in.ok() && a.ok() && a->is_ip);
    PKTMAP_FUZZ_CHECK(a->ip_version == in->ip_version && a->dst == in->src);
    bool icmp = a->has_icmp && ((a->proto == 1 && a->icmp_type == 3 && a->icmp_code == 13) ||
                                (a->proto == 58 && a->icmp_type == 1 && a->icmp_code == 1));
    bool redirect = a->has_tcp && a->sport == 80 && a->dport == in->sport && a->src == in->dst;
    PKTMAP_FUZZ_CHECK(icmp || redirect);
    PKTMAP_FUZZ_CHECK(a->ip.size() <= (a->ip_version == 4 ? 576u : 1280u) || redirect);
  }
  void internet_side(ByteView f, std::uint32_t, std::int64_t) override {
    PKTMAP_FUZZ_CHECK(f.data() == input.data() && f.size() == input.size());
  }
  void rejected(ByteView f, std::uint32_t, std::int64_t) override {
    PKTMAP_FUZZ_CHECK(f.data() == input.data() && f.size() == input.size());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const EnforceConfig cfg = parse_enforce_config(kConfig, "fuzz");
  static Enforcer enforcers[4] = {Enforcer(cfg, 1), Enforcer(cfg, 101), Enforcer(cfg, 228),
                                  Enforcer(cfg, 229)};
  static const int linktypes[4] = {1, 101, 228, 229};
  static std::int64_t now = 0;
  if (size < 2) return 0;
  int which = data[0] & 3;
  now += std::int64_t{data[1]} * 10'000'000;
  std::vector<std::uint8_t> frame(data + 2, data + size);  // exactly sized: ASan sees over-reads
  Checker sink;
  sink.input = ByteView(frame.data(), frame.size());
  sink.linktype = linktypes[which];
  pcapio::Packet p;
  p.data = sink.input;
  p.wire_len = static_cast<std::uint32_t>(frame.size());
  p.ts_ns = now;
  p.number = 1;
  auto before = enforcers[which].totals();
  enforcers[which].process(p, sink);
  const auto& after = enforcers[which].totals();
  PKTMAP_FUZZ_CHECK(after.packets == before.packets + 1);
  PKTMAP_FUZZ_CHECK(sink.answers ==
                    (after.notifications - before.notifications) + (after.redirects - before.redirects));
  return 0;
}
