// In-memory decode cost: loads a capture once, then times the dissector (and optionally the JSON formatter)
// over every packet, 5 repetitions, printing the median ns/packet. No I/O in the timed loop.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "pktmap/dissect/dissector.hpp"
#include "pktmap/dump/packet_format.hpp"
#include "pktmap/pcapio/packet_source.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_decode FILE [--json]\n");
    return 1;
  }
  bool json = argc > 2 && std::string(argv[2]) == "--json";
  auto src = pktmap::pcapio::PacketSource::open_file(argv[1]);
  std::vector<std::uint8_t> arena;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  pktmap::pcapio::Packet p;
  while (src.next(p) == pktmap::pcapio::ReadStatus::packet) {
    spans.emplace_back(arena.size(), p.data.size());
    arena.insert(arena.end(), p.data.begin(), p.data.end());
  }
  pktmap::dissect::DispatchTable table;
  pktmap::dissect::Dissector dissector(table);
  pktmap::dissect::Dissection d;
  pktmap::report::JsonWriter j;
  std::vector<double> runs;
  std::uint64_t sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (auto [off, len] : spans) {
      dissector.dissect(pktmap::ByteView(arena.data() + off, len), src.linktype(), d);
      sink += d.layer_count;
      if (json) {
        j.clear();
        p.data = pktmap::ByteView(arena.data() + off, len);
        pktmap::dump::format_json(d, p, j);
        sink += j.view().size();
      }
    }
    auto t1 = std::chrono::steady_clock::now();
    runs.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() /
                   static_cast<double>(spans.size()));
  }
  std::sort(runs.begin(), runs.end());
  std::printf("%zu packets, decode%s %.1f ns/packet (median of 5), checksum %llu\n", spans.size(),
              json ? "+json" : "", runs[2], static_cast<unsigned long long>(sink));
  return 0;
}
