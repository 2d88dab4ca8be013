// The live mode of sfcproxy-replay (--live): run the proxy between interfaces until a signal, --count or
// --duration, printing counters periodically and on SIGUSR1, and the final report.
#include "live_cli.hpp"

#include <cstdio>

#include "pktmap/report/interrupt.hpp"

namespace pktmap::tools {

int run_live_cli(const sfc::LiveOptions& opt, bool json) {
  report::install_interrupt_handlers(true);
  const auto on_stats = [json](const sfc::LiveReport& r) {
    if (json) {
      report::JsonWriter j;
      sfc::write_live_report_json(r, j);
      std::fprintf(stderr, "%s\n", j.str().c_str());
    } else {
      sfc::print_live_stats_line(r, stderr);
    }
  };
  const sfc::LiveReport r = sfc::run_live(opt, on_stats);
  if (json) {
    report::JsonWriter j;
    sfc::write_live_report_json(r, j);
    std::printf("%s\n", j.str().c_str());
  } else {
    sfc::print_live_report(r, stdout);
  }
  std::fflush(stdout);
  const bool clean = r.stopped_by == "signal" || r.stopped_by == "count" || r.stopped_by == "duration";
  return clean ? 0 : 2;
}

}  // namespace pktmap::tools
