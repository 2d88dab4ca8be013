#pragma once
// Offline runs of the proxy: a capture from the SFF side goes through the Proxy, an emulated SF (or the
// files of a real one, in two phases), and back. The report says what happened to every packet.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "pktmap/report/counters.hpp"
#include "pktmap/report/json_writer.hpp"
#include "pktmap/sfc/proxy.hpp"
#include "pktmap/sfc/sf_model.hpp"

namespace pktmap::sfc {

struct ReplayOptions {
  std::string input;      // -r: capture from the SFF side (emulated run and --to-sf)
  std::string from_sf;    // --from-sf: capture taken behind a real SF (phase 2)
  std::string state_in;   // --state-in (phase 2)
  std::string state_out;  // --state-out (phase 1)
  std::string out;        // -w: restored traffic toward the SFF
  std::string to_sf;      // --to-sf: what the proxy sends the SF
  std::string unmatched;  // --unmatched: SF frames whose key is unknown
  std::string rejected;   // --rejected: malformed input frames
  ProxyConfig proxy;
  SfModelConfig sf;           // transparent by default
  bool emulate_sf = true;     // false for phase 1 (--to-sf --state-out without a return)
  bool show_progress = true;  // when stderr is a terminal
  // A transparent SF returns each frame at once, skipping the emulated SF's queue (tests turn it off to
  // check both paths agree).
  bool sf_direct = true;
};

struct InjectedAccuracy {
  std::uint64_t mapped = 0;  // restored on the path it belongs to
  std::uint64_t wrong = 0;
  std::uint64_t lost = 0;
  [[nodiscard]] std::uint64_t total() const { return mapped + wrong + lost; }
};

struct Accuracy {
  std::uint64_t exact = 0;      // SPI, SI-1 and metadata byte-identical to what the packet entered with
  std::uint64_t path_only = 0;  // right SPI/SI, other metadata
  std::uint64_t wrong_path = 0;
  std::uint64_t lost = 0;    // returned by the SF, not restored (unknown key, table refused, ...)
  InjectedAccuracy replies;  // SF-injected replies: they belong on the reverse of the path they answer
  InjectedAccuracy copies;   // SF-injected packets of the same flow: on their exemplar's path
  [[nodiscard]] std::uint64_t returned() const { return exact + path_only + wrong_path + lost; }
  [[nodiscard]] std::uint64_t injected_mapped() const { return replies.mapped + copies.mapped; }
  [[nodiscard]] std::uint64_t injected_lost() const { return replies.lost + copies.lost; }
};

struct ReplayReport {
  std::string input;
  std::string mode;
  std::string per;
  std::uint64_t packets_in = 0;
  std::uint64_t nsh = 0, md1 = 0, md2 = 0;
  std::uint64_t not_nsh = 0;         // passed through
  std::uint64_t congruent = 0;       // relayed unchanged
  std::uint64_t congruent_kept = 0;  // of those, saved into a paired path's header for injected replies
  std::uint64_t to_sf = 0;
  std::uint64_t sf_returned = 0;
  std::uint64_t sf_dropped = 0;
  std::uint64_t sf_delay_full = 0;  // of sf_dropped: the delay line was at its limit
  std::uint64_t sf_injected = 0;
  std::uint64_t restored = 0;
  std::uint64_t written = 0;
  report::Counters transports;
  report::Counters drops;     // by outcome name (policy, mapping, SF-side key misses)
  report::Counters rejected;  // malformed input, by outcome name
  TableCounters table;
  std::size_t table_capacity = 0;
  std::size_t headers_peak = 0;
  bool accuracy_measured = false;
  Accuracy accuracy;
  double seconds = 0;
  bool interrupted = false;
  std::string input_error;  // a capture that could not be read to the end
  [[nodiscard]] std::uint64_t unmapped() const;
};

// Throws SetupError for set-up problems; per-packet problems are in the report.
ReplayReport run_replay(const ReplayOptions& opt);

void print_report(const ReplayReport& r, std::FILE* out);
void write_report_json(const ReplayReport& r, report::JsonWriter& j);

// State files (mapdump --state): the mapping tables after phase 1, read back for phase 2.
void save_state(Proxy& proxy, const std::string& path, const std::string& input);
void load_state(Proxy& proxy, const std::string& path);
// Mode settings saved in a state file (phase 2 takes them from there).
ProxyConfig read_state_config(const std::string& path);
// The same two for a state file's text already read; `name` stands for the file in messages.
ProxyConfig parse_state_config(const std::string& text, const std::string& name);
void load_state_text(Proxy& proxy, const std::string& text, const std::string& name);

}  // namespace pktmap::sfc
