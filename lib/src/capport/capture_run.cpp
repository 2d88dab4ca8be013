// The offline packet loop of `capport-probe -r` (see capture_analysis.hpp).
#include "pktmap/capport/capture_analysis.hpp"
#include "pktmap/dissect/dissector.hpp"
#include "pktmap/pcapio/read_loop.hpp"

namespace pktmap::capport {

CaptureRun analyze_capture_file(const std::string& path, const std::string& bpf_filter, bool show_progress) {
  auto source = pcapio::PacketSource::open_file(path, bpf_filter);
  dissect::DispatchTable table;
  dissect::Dissector dissector(table);
  dissect::Dissection d;
  CaptureAnalyzer analyzer;
  CaptureRun run;
  run.read_error = pcapio::read_all(source, show_progress, [&](const pcapio::Packet& p) {
    dissector.dissect(p.data, source.linktype(), d);
    analyzer.add(d, p.number);
  });
  run.interrupted = report::interrupted();
  run.report = analyzer.finish();
  return run;
}

}  // namespace pktmap::capport
