// Memory per mapping entry with per-packet keys (issue 3: at most 128 bytes per entry with 1M live entries).
// Feeds the capture's frames to Proxy::from_sff in mac mode, per packet, and never returns them, so every
// packet holds a live entry; prints the process's peak RSS before and after and the bytes per live entry.
//
//   bench_sfc_table_memory CAPTURE [ENTRIES]      default 1000000 (the capture is cycled if shorter)
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/sfc/proxy.hpp"

using namespace pktmap;

namespace {
long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: bench_sfc_table_memory CAPTURE [ENTRIES]\n");
    return 2;
  }
  const std::size_t entries = argc == 3 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  // A few thousand distinct frames are enough: the entry count comes from the per-packet serials.
  std::vector<std::vector<std::uint8_t>> frames;
  {
    auto src = pcapio::PacketSource::open_file(argv[1]);
    pcapio::Packet p;
    while (frames.size() < 4096 && src.next(p) == pcapio::ReadStatus::packet)
      frames.emplace_back(p.data.begin(), p.data.end());
  }
  if (frames.empty()) {
    std::fprintf(stderr, "bench_sfc_table_memory: %s: no packets\n", argv[1]);
    return 2;
  }
  const long before = peak_rss_kib();
  sfc::ProxyConfig pc;
  pc.mode.kind = sfc::ModeKind::mac;
  pc.mode.per = sfc::Granularity::packet;
  pc.mode.limit = entries;
  pc.mode.idle_ns = 0;
  sfc::Proxy proxy(pc);
  sfc::FrameBuffer to_sf;
  std::uint64_t serial = 0;
  for (std::size_t i = 0; i < entries; ++i) {
    const auto& f = frames[i % frames.size()];
    ++serial;
    (void)proxy.from_sff(ByteView(f.data(), f.size()), static_cast<std::int64_t>(serial) * 1000, serial,
                         to_sf, false);
  }
  const long after = peak_rss_kib();
  const std::size_t live = proxy.mode().table().size();
  const double per_entry =
      live ? static_cast<double>(after - before) * 1024.0 / static_cast<double>(live) : 0;
  std::printf(
      "live_entries %zu\npeak_rss_before_kib %ld\npeak_rss_after_kib %ld\nbytes_per_entry %.1f\n"
      "sizeof_entry %zu\n",
      live, before, after, per_entry, sizeof(sfc::Entry));
  return live == entries ? 0 : 1;
}
