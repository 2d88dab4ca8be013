// The offline packet loop of `capport-probe -r` (see capture_analysis.hpp).
#include "pktmap/capport/capture_analysis.hpp"
#include "pktmap/dissect/dissector.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/report/progress.hpp"

namespace pktmap::capport {

CaptureRun analyze_capture_file(const std::string& path, const std::string& bpf_filter, bool show_progress) {
  auto source = pcapio::PacketSource::open_file(path, bpf_filter);
  dissect::DispatchTable table;
  dissect::Dissector dissector(table);
  dissect::Dissection d;
  CaptureAnalyzer analyzer;
  CaptureRun run;
  report::Progress progress(source.file_size());
  pcapio::Packet p;
  std::uint64_t n = 0;
  while (!report::interrupted()) {
    auto rs = source.next(p);
    if (rs == pcapio::ReadStatus::end) break;
    if (rs == pcapio::ReadStatus::timeout) continue;
    if (rs == pcapio::ReadStatus::error) {
      run.read_error = source.error();
      break;
    }
    dissector.dissect(p.data, source.linktype(), d);
    analyzer.add(d, p.number);
    if (show_progress) progress.tick(++n, source.bytes_read());
  }
  progress.finish();
  run.interrupted = report::interrupted();
  run.report = analyzer.finish();
  return run;
}

}  // namespace pktmap::capport
