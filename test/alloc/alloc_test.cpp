// Proves the per-packet decode path allocates nothing: global operator new is replaced by a counting one,
// every shipped capture is decoded and formatted once to warm the reusable buffers, then decoded again
// with counting on; the second pass must make zero heap allocations.
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "pktmap/dissect/dissector.hpp"
#include "pktmap/dump/packet_format.hpp"
#include "pktmap/pcapio/packet_source.hpp"

#include "counting_new.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: alloc_test CAPTURE...\n");
    return 2;
  }
  std::size_t packets = 0;
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    // Load the file first: reading is the reader's business; the decode path is what must not allocate.
    auto src = pktmap::pcapio::PacketSource::open_file(argv[i]);
    std::vector<std::vector<std::uint8_t>> frames;
    pktmap::pcapio::Packet p;
    while (src.next(p) == pktmap::pcapio::ReadStatus::packet)
      frames.emplace_back(p.data.begin(), p.data.end());
    pktmap::dissect::DispatchTable table;
    pktmap::dissect::Dissector dissector(table);
    pktmap::dissect::Dissection d;
    pktmap::report::JsonWriter j;
    std::string text;
    text.reserve(1 << 16);
    pktmap::dump::FormatOptions fmt{1, true, true};
    for (int pass = 0; pass < 2; ++pass) {
      g_allocs = 0;
      g_counting = pass == 1;
      for (const auto& f : frames) {
        p.data = pktmap::ByteView(f.data(), f.size());
        dissector.dissect(p.data, src.linktype(), d);
        j.clear();
        pktmap::dump::format_json(d, p, j);
        text.clear();
        pktmap::dump::format_text(d, p, fmt, text);
      }
      g_counting = false;
    }
    packets += frames.size();
    std::printf("%s: %zu packets, %zu allocations in the measured pass\n", argv[i], frames.size(), g_allocs);
    if (g_allocs != 0) ++failures;
  }
  if (packets == 0) {
    std::printf("no packets decoded: the test would prove nothing\n");
    return 1;
  }
  std::printf("%d passed, %d failed\n", argc - 1 - failures, failures);
  return failures ? 1 : 0;
}
