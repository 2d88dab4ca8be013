#pragma once
// `capport-probe enforce -r ue.pcap -w out.pcap`: the file loop around Enforcer and its report.
#include <cstdint>
#include <string>
#include <vector>

#include "pktmap/capport/enforce.hpp"

namespace pktmap::capport {

struct EnforceRunOptions {
  std::string input;
  std::string output;        // the client side (required)
  std::string internet_out;  // optional: what the device forwards toward the Internet
  std::string rejected_out;  // optional: frames the tool could not handle
  bool show_progress = false;
};

struct EnforceReport {
  EnforceTotals totals;
  std::vector<ClientEntry> clients;
  std::string
      read_error;  // non-empty when the input ended in a corrupt record (outputs hold what came before)
  bool interrupted = false;
  std::string redirect_status;  // "302 Found", for the report
  double notify_rate = 0;
  double notify_burst = 0;
};

// Reads the capture, writes the outputs atomically (committed also after Ctrl-C or a corrupt record, with
// the packets before it). Throws SetupError when a file cannot be opened or the link type is unsupported.
EnforceReport run_enforce_file(const EnforceConfig& config, const EnforceRunOptions& options);

std::string format_enforce_report(const EnforceReport& r, const EnforceRunOptions& o);
std::string format_enforce_report_json(const EnforceReport& r, const EnforceRunOptions& o);

// 0 when every packet was handled, 3 when some were rejected, 2 on a corrupt input (man/capport-probe.1).
inline constexpr int kExitEnforceRejected = 3;
int enforce_exit_code(const EnforceReport& r);

}  // namespace pktmap::capport
