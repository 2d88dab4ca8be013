// capport-probe -r: packets that carry no captive-portal evidence cost no heap allocation once their flow
// is known. Global operator new is replaced by a counting one; each capture is fed twice to one
// CaptureAnalyzer (the first pass learns the flows), and the second pass must not allocate. Captures that
// do carry evidence are fed too and their counts printed (findings are allowed to allocate).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "pktmap/capport/capture_analysis.hpp"
#include "pktmap/dissect/dissector.hpp"
#include "pktmap/pcapio/packet_source.hpp"

#include "counting_new.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: capport_alloc_test [--evidence] CAPTURE...\n");
    return 2;
  }
  int failures = 0;
  std::size_t checked = 0;
  bool evidence = false;  // captures after --evidence may allocate
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--evidence") == 0) {
      evidence = true;
      continue;
    }
    auto src = pktmap::pcapio::PacketSource::open_file(argv[i]);
    std::vector<std::vector<std::uint8_t>> frames;
    pktmap::pcapio::Packet p;
    while (src.next(p) == pktmap::pcapio::ReadStatus::packet)
      frames.emplace_back(p.data.begin(), p.data.end());
    pktmap::dissect::DispatchTable table;
    pktmap::dissect::Dissector dissector(table);
    pktmap::dissect::Dissection d;
    pktmap::capport::CaptureAnalyzer analyzer;
    for (int pass = 0; pass < 2; ++pass) {
      g_allocs = 0;
      g_counting = pass == 1;
      std::uint64_t n = 0;
      for (const auto& f : frames) {
        dissector.dissect(pktmap::ByteView(f.data(), f.size()), src.linktype(), d);
        analyzer.add(d, ++n);
      }
      g_counting = false;
    }
    std::printf("%s: %zu packets, %zu allocations in the second pass%s\n", argv[i], frames.size(), g_allocs,
                evidence ? " (evidence capture: informational)" : "");
    if (!evidence) {
      checked += frames.size();
      if (g_allocs != 0) ++failures;
    }
  }
  if (checked == 0) {
    std::printf("no evidence-free packets checked: the test would prove nothing\n");
    return 1;
  }
  return failures ? 1 : 0;
}
