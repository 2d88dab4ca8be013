// capport-probe enforce: the per-packet path (decision, rate limit, ICMP and HTTP answers) allocates
// nothing. Global operator new counts; every frame of the capture goes through one Enforcer twice (the
// first pass also builds the client table, which is preallocated anyway) and neither pass may allocate.
#include <cstdio>
#include <vector>

#include "pktmap/capport/enforce.hpp"
#include "pktmap/pcapio/packet_source.hpp"

#include "counting_new.hpp"

namespace {

struct CountingSink : pktmap::capport::EnforceSink {
  std::size_t client = 0, internet = 0, rejects = 0;
  void client_side(pktmap::ByteView, std::uint32_t, std::int64_t) override { ++client; }
  void internet_side(pktmap::ByteView, std::uint32_t, std::int64_t) override { ++internet; }
  void rejected(pktmap::ByteView, std::uint32_t, std::int64_t) override { ++rejects; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: enforce_alloc_test PORTAL_YAML CAPTURE\n");
    return 2;
  }
  auto cfg = pktmap::capport::load_enforce_config(argv[1]);
  auto src = pktmap::pcapio::PacketSource::open_file(argv[2]);
  std::vector<std::vector<std::uint8_t>> frames;
  std::vector<std::int64_t> times;
  pktmap::pcapio::Packet p;
  while (src.next(p) == pktmap::pcapio::ReadStatus::packet) {
    frames.emplace_back(p.data.begin(), p.data.end());
    times.push_back(p.ts_ns);
  }
  pktmap::capport::Enforcer enforcer(cfg, src.linktype());
  CountingSink sink;
  int failures = 0;
  for (int pass = 0; pass < 2; ++pass) {
    g_allocs = 0;
    g_counting = true;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      pktmap::pcapio::Packet q;
      q.data = pktmap::ByteView(frames[i].data(), frames[i].size());
      q.wire_len = static_cast<std::uint32_t>(frames[i].size());
      q.ts_ns = times[i] + pass * 3'600'000'000'000;  // an hour later: sessions and buckets move on
      q.number = i + 1;
      enforcer.process(q, sink);
    }
    g_counting = false;
    std::printf("pass %d: %zu packets, %zu allocations\n", pass + 1, frames.size(), g_allocs);
    if (g_allocs != 0) ++failures;
  }
  const auto& t = enforcer.totals();
  std::printf("notifications %llu, redirects %llu, blocked %llu\n",
              static_cast<unsigned long long>(t.notifications), static_cast<unsigned long long>(t.redirects),
              static_cast<unsigned long long>(t.blocked));
  if (t.notifications == 0 || t.redirects == 0) {
    std::printf("no answers were built: the test would prove nothing\n");
    return 1;
  }
  return failures ? 1 : 0;
}
