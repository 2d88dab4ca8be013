#pragma once
// Live runs of the proxy between real interfaces (RFC 7665 §4.6): NSH frames from the SFF interface go
// through Proxy::from_sff and out to the legacy SF on one interface, or on a left/right pair (forward side
// out of the left, reverse side out of the right); what the SF sends back goes through Proxy::to_sff and
// out toward the SFF. Capture and send through libpcap (immediate mode, inbound only, poll() over the
// handles). Mapping expiry runs on CLOCK_MONOTONIC. The per-packet path allocates nothing.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "pktmap/report/counters.hpp"
#include "pktmap/report/json_writer.hpp"
#include "pktmap/sfc/proxy.hpp"

namespace pktmap::sfc {

struct LiveOptions {
  std::string sff_if;               // NSH from and toward the SFF
  std::vector<std::string> sf_ifs;  // one interface, or left (forward side out) and right (reverse side out)
  ProxyConfig proxy;
  double stats_interval_s = 0;  // 0: no periodic counters (SIGUSR1 still prints them)
  std::uint64_t count = 0;      // stop after this many frames from the SFF (and a linger for returns)
  double duration_s = 0;        // stop after this long
  double linger_s = 0.5;        // with count: how long to wait for the SF's last returns
  std::string user;             // drop privileges to this user once the handles are open
  bool keep_outer = false;      // send restored frames with the outer headers as received (not turned around)
  int buffer_kib = 4096;        // kernel ring per handle
};

struct PortReport {
  std::string name;
  std::uint64_t rx = 0;
  std::uint64_t tx = 0;
  std::uint64_t tx_failed = 0;
  std::uint64_t kernel_dropped = 0;      // pcap_stats ps_drop: the ring was full
  bool kernel_direction_filter = false;  // PACKET_IGNORE_OUTGOING (else libpcap's user-space direction check)
};

struct LiveReport {
  std::string mode;
  std::string per;
  std::uint64_t sff_frames = 0;
  std::uint64_t nsh = 0, md1 = 0, md2 = 0;
  std::uint64_t not_nsh = 0;         // ignored: the proxy is not a bridge (ARP, ICMP to the proxy host, ...)
  std::uint64_t congruent = 0;       // NSH without payload, sent back toward the SFF
  std::uint64_t congruent_kept = 0;  // of those, saved into a paired path's header for injected replies
  std::uint64_t to_sf = 0;
  std::uint64_t sf_frames = 0;
  std::uint64_t restored = 0;
  report::Counters transports;
  report::Counters drops;        // NSH from the SFF not sent to the SF, by outcome (RFC 8300 policy, table)
  report::Counters rejected;     // malformed frames from the SFF, by outcome
  report::Counters sf_unmapped;  // frames from the SF not restored, by outcome (unknown key, ...)
  TableCounters table;
  std::size_t table_size = 0;
  std::size_t table_capacity = 0;
  std::size_t headers_peak = 0;
  PortReport sff;
  std::vector<PortReport> sf;
  double seconds = 0;
  std::string stopped_by;  // "signal", "count", "duration"
};

// Called with the counters so far: every stats interval and on SIGUSR1 (final = false).
using LiveStatsSink = std::function<void(const LiveReport&)>;

// Opens the handles (SetupError when an interface cannot be opened), drops privileges, runs until
// SIGINT/SIGTERM, --count or --duration, and returns the final counters.
LiveReport run_live(const LiveOptions& opt, const LiveStatsSink& on_stats);

void print_live_report(const LiveReport& r, std::FILE* out);
void print_live_stats_line(const LiveReport& r, std::FILE* out);
void write_live_report_json(const LiveReport& r, report::JsonWriter& j);

// setgroups/setgid/setuid to the user; SetupError when the user is unknown or root cannot be given up.
void drop_privileges(const std::string& user);

}  // namespace pktmap::sfc
