// sfcproxy-replay: an SFC proxy for NSH-unaware service functions, run offline over captures. NSH traffic
// from the SFF side is mapped to a legacy SF (MAC, MAC pair, VLAN, QinQ, VXLAN VNI, 5-tuple or NAT-rule
// keys), passed through an
// emulated SF (or written out for a real one), and restored with SI-1; the report says how exactly.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "live_cli.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/error.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/report/version.hpp"
#include "pktmap/sfc/proxy_config.hpp"
#include "pktmap/sfc/replay.hpp"

namespace {

using namespace pktmap;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitInput = 2;
constexpr int kExitUnmapped = 3;

constexpr const char* kExamples = R"(
Examples:
  sfcproxy-replay -r chain.pcap --mode vlan -w back.pcap
  sfcproxy-replay -r chain.pcap --mode mac-pair --per flow --pair 101:201 --pair 102:202 --sf fw.yaml
  sfcproxy-replay -r chain.pcap --sf fw.yaml --pair 101:201 --compare-modes
  sfcproxy-replay -r chain.pcap --mode qinq --json -w back.pcap --unmatched lost.pcap
  zcat big.pcap.gz | sfcproxy-replay -r - --mode vlan -w - --json 2>report.json | mapdump -r - -q --stats
  sfcproxy-replay -r chain.pcap --mode vxlan --per flow --sf-vxlan-addr 198.18.0.2 --to-sf to-fw.pcap -w back.pcap
  sfcproxy-replay -r chain.pcap --mode nat --per flow --sf cgn.yaml -w back.pcap     (rules from the model)
  sfcproxy-replay -r chain.pcap --mode mac --to-sf to-fw.pcap --state-out fw.state    (phase 1)
  sfcproxy-replay --from-sf from-fw.pcap --state-in fw.state -w back.pcap             (phase 2)
  mapdump --state fw.state

Live mode (root or CAP_NET_RAW; the SF sits between the two --sf-if interfaces):
  sfcproxy-replay --live --sff-if eth0 --sf-if eth1,eth2 --mode vlan --pair 101:201
  sfcproxy-replay --live --sff-if eth0 --sf-if eth1 --mode mac --stats-interval 10 --user nobody
  sfcproxy-replay --live --sff-if veth0 --sf-if veth1,veth2 --mode mac-pair --duration 30 --json
  kill -USR1 $(pidof sfcproxy-replay)     # print the counters now; SIGINT/SIGTERM end with the report

SF model (--sf FILE, YAML; every key optional):
  seed: 7
  drop: {probability: 0.02, per: flow, match: [{proto: tcp, dport: 25}]}
  reorder: {window: 8}
  delay: {ms: 5, jitter_ms: 2, limit: 1000} # capture time; a full line drops
  inject: {every: 10, match: {proto: tcp}}  # a copy of every 10th packet: same L2, same flow
  inject_rst: {proto: tcp, dport: 23}       # answer SYNs with RST, L2 reversed
  rewrite_l2: {src: "02:aa:00:00:00:01"}
  strip_vlan: true
  dscp: 10
  ttl_decrement: 1
  nat:                                      # also what --mode nat keys on
    - match: {proto: tcp, src: 10.0.0.0/8}
      rewrite: {src: 198.51.100.0/24, sport: 20000-29999}   # prefix keeps host bits; port lo+p%n

Proxy configuration (--config FILE, YAML; offline and live):
  mac: {pool: "02:5f:00:00:00:00"}          # key MACs: mac 02:5f:00:xx:xx:xx, mac-pair 02:5f:01/02:..
  vlan: {vids: 100-1099}                    # the VIDs the SF's trunk carries
  qinq: {s_tpid: 0x8100}                    # outer tag type (default 0x88a8)
  vxlan: {proxy_ip: 198.18.0.1, sf_ip: 198.18.0.2, sf_mac: "02:00:00:00:5f:02", port: 4789, vnis: 5000-5999}
  pairs: ["101:201", "102:202"]             # as --pair
  nat: [...]                                # as above; overrides the SF model's rules for --mode nat

Exit status: 0 done, 1 usage error, 2 input error (unreadable/corrupt capture, bad SF model, config or state
file), 3 finished but some packets could not be mapped back (unknown keys, full table).
Live mode: 0 stopped by a signal, --count or --duration; 1 usage error; 2 an interface could not be opened
(or failed while running), --user could not be taken, or a bad config file.
)";

struct Cli {
  sfc::ReplayOptions opt;
  std::string mode = "mac";
  std::string per = "path";
  std::string sf_file;
  std::string full = "evict-oldest";
  std::vector<std::string> pairs;
  std::string proxy_mac, sf_mac;
  std::string config;
  std::string vxlan_sf, vxlan_proxy;
  int vxlan_port = 0;
  double idle_s = 60;
  std::size_t limit = 0;
  bool json = false;
  bool compare = false;
  bool forward_oam = false;
  bool live = false;
  sfc::LiveOptions live_opt;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "sfcproxy-replay: %s\n", msg.c_str());
  return kExitUsage;
}

bool parse_pairs(const std::vector<std::string>& in, sfc::ProxyConfig& pc, std::string& why) {
  for (const auto& p : in) {
    std::uint32_t f = 0, r = 0;
    if (!sfc::parse_path_pair(p, f, r)) {
      why = "--pair " + p + ": expected FWD_SPI:REV_SPI (24-bit SPIs)";
      return false;
    }
    pc.path_pairs.emplace_back(f, r);
  }
  return true;
}

void print_matrix_row(const sfc::ReplayReport& r) {
  const auto& a = r.accuracy;
  const double n = static_cast<double>(a.returned() ? a.returned() : 1);
  std::printf("%-9s %-7s %6.1f %%  %9" PRIu64 "  %6" PRIu64 "  %5" PRIu64 "  %9" PRIu64 "  %9zu  %s\n",
              r.mode.c_str(), r.per.c_str(), 100.0 * static_cast<double>(a.exact) / n, a.path_only,
              a.wrong_path, a.lost, r.table.inserted, r.table.peak,
              r.sf_injected
                  ? (std::to_string(a.injected_mapped()) + "/" + std::to_string(r.sf_injected)).c_str()
                  : "-");
}

// The draft's Table 1, measured: one row per mode and granularity the SF model allows. With --json, an array
// of the runs' reports (the same objects as a single run's --json).
int compare_modes(const Cli& c) {
  if (!c.json)
    std::printf("%-9s %-7s %8s  %9s  %6s  %5s  %9s  %9s  %s\n", "mode", "per", "exact", "path-only", "wrong",
                "lost", "keys used", "keys peak", "injected mapped");
  report::JsonWriter j;
  j.begin_array();
  const sfc::Granularity pers[] = {sfc::Granularity::path, sfc::Granularity::flow, sfc::Granularity::packet};
  for (auto m : sfc::kAllModes)
    for (auto g : pers) {
      sfc::ReplayOptions o = c.opt;
      o.out.clear();
      o.to_sf.clear();
      o.unmatched.clear();
      o.rejected.clear();
      o.proxy.mode.kind = m;
      o.proxy.mode.per = g;
      o.proxy.mode.max_in_flight = o.sf.max_in_flight();
      if (!sfc::check_mode_config(o.proxy.mode).empty()) continue;  // refused combinations are not rows
      const auto r = sfc::run_replay(o);
      if (!r.input_error.empty()) {
        std::fprintf(stderr, "sfcproxy-replay: %s\n", r.input_error.c_str());
        return kExitInput;
      }
      if (c.json)
        sfc::write_report_json(r, j);
      else
        print_matrix_row(r);
      if (report::interrupted()) break;
    }
  j.end_array();
  if (c.json) std::printf("%s\n", j.str().c_str());
  return report::interrupted() ? kExitInput : kExitOk;
}

int run(Cli& c) {
  auto& pc = c.opt.proxy;
  if (!sfc::parse_mode(c.mode, pc.mode.kind) || !sfc::parse_granularity(c.per, pc.mode.per))
    return usage_error("--mode " + c.mode + " --per " + c.per + ": unknown");
  pc.mode.limit = c.limit;
  pc.mode.idle_ns = static_cast<std::int64_t>(c.idle_s * 1e9);
  pc.mode.policy = c.full == "refuse" ? sfc::FullPolicy::refuse : sfc::FullPolicy::evict_oldest;
  pc.policy.forward_oam = c.forward_oam;
  if (!c.proxy_mac.empty() && !codec::parse_mac(c.proxy_mac, pc.proxy_mac))
    return usage_error("--proxy-mac: bad MAC");
  if (!c.sf_mac.empty() && !codec::parse_mac(c.sf_mac, pc.sf_mac)) return usage_error("--sf-mac: bad MAC");
  std::string why;
  if (!parse_pairs(c.pairs, pc, why)) return usage_error(why);
  if (!c.config.empty()) sfc::load_proxy_config(c.config, pc);
  // The command line wins over the file; the outer MACs of new L2 headers are the tunnel's too.
  if (!c.proxy_mac.empty()) pc.mode.vxlan.proxy_mac = pc.proxy_mac;
  if (!c.sf_mac.empty()) pc.mode.vxlan.sf_mac = pc.sf_mac;
  if (!c.vxlan_sf.empty() && !codec::parse_ipv4_addr(c.vxlan_sf, pc.mode.vxlan.sf_ip))
    return usage_error("--sf-vxlan-addr: " + codec::ipv4_addr_refusal(c.vxlan_sf));
  if (!c.vxlan_proxy.empty() && !codec::parse_ipv4_addr(c.vxlan_proxy, pc.mode.vxlan.proxy_ip))
    return usage_error("--proxy-vxlan-addr: " + codec::ipv4_addr_refusal(c.vxlan_proxy));
  if (c.vxlan_port) pc.mode.vxlan.port = static_cast<std::uint16_t>(c.vxlan_port);
  if (pc.mode.kind == sfc::ModeKind::mac || pc.mode.kind == sfc::ModeKind::mac_pair)
    if (std::string bad = sfc::check_mac_pool(pc.mode, pc.proxy_mac, pc.sf_mac); !bad.empty())
      return usage_error(bad);
  if (!c.sf_file.empty()) c.opt.sf = sfc::load_sf_model(c.sf_file);
  if (!pc.mode.nat) pc.mode.nat = c.opt.sf.nat;  // one YAML can describe the SF and the rules
  if (c.opt.from_sf.empty() && !c.compare) {     // phase 2 takes its mode from the state file
    sfc::ModeConfig m = pc.mode;
    m.max_in_flight = c.opt.emulate_sf ? c.opt.sf.max_in_flight() : 0;  // a real SF may hold everything
    if (std::string bad = sfc::check_mode_config(m); !bad.empty()) return usage_error(bad);
    pc.mode.max_in_flight = m.max_in_flight;
  }
  if (c.live) {
    c.live_opt.proxy = pc;
    c.live_opt.proxy.mode.max_in_flight = 0;  // a real SF may hold anything
    if (std::string bad = sfc::check_mode_config(c.live_opt.proxy.mode); !bad.empty())
      return usage_error(bad);
    return tools::run_live_cli(c.live_opt, c.json);
  }
  c.opt.show_progress = ::isatty(STDERR_FILENO) != 0;
  report::install_interrupt_handlers();
  if (c.compare) return compare_modes(c);
  const sfc::ReplayReport r = sfc::run_replay(c.opt);
  // When a capture streams to standard output (-w -), the report must not land inside it.
  const auto& o = c.opt;
  const bool stdout_taken =
      o.out == "-" || o.to_sf == "-" || o.unmatched == "-" || o.rejected == "-" || o.state_out == "-";
  std::FILE* rep = stdout_taken ? stderr : stdout;
  if (c.json) {
    report::JsonWriter j;
    sfc::write_report_json(r, j);
    std::fprintf(rep, "%s\n", j.str().c_str());
  } else {
    sfc::print_report(r, rep);
    if (!o.out.empty())
      std::fprintf(rep, "wrote %s (%" PRIu64 " packets) in %.2f s\n", o.out.c_str(), r.written, r.seconds);
  }
  if (!r.input_error.empty()) {
    std::fprintf(stderr, "sfcproxy-replay: %s\n", r.input_error.c_str());
    return kExitInput;
  }
  if (r.interrupted) return kExitInput;
  return r.unmapped() > 0 ? kExitUnmapped : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sfcproxy-replay: SFC proxy for NSH-unaware service functions, replayed offline"};
  app.footer(kExamples);
  app.set_version_flag("--version", pktmap::report::version_text("sfcproxy-replay"));
  Cli c;
  auto& o = c.opt;
  app.add_option("-r,--read", o.input, "Capture from the SFF side (NSH over Ethernet, VXLAN-GPE or GRE)")
      ->type_name("FILE");
  app.add_option("-w,--write", o.out,
                 "Write the restored traffic toward the SFF (pcap, atomic; - is stdout, the report then goes "
                 "to stderr)")
      ->type_name("FILE");
  app.add_option("--mode", c.mode, "Mapping mode: mac, mac-pair, vlan, qinq, vxlan, 5tuple, nat")
      ->check(CLI::IsMember({"mac", "mac-pair", "vlan", "qinq", "vxlan", "5tuple", "nat"}));
  app.add_option("--per", c.per, "What one key stands for: path, flow or packet")
      ->check(CLI::IsMember({"path", "flow", "packet"}));
  app.add_option("--limit", c.limit,
                 "Table capacity (default: mac 16384, vlan 4094, qinq/vxlan/5tuple/nat 65536)")
      ->type_name("N");
  app.add_option("--idle,--expire", c.idle_s,
                 "Idle expiry in seconds: capture time offline, the clock live (0 = never)")
      ->type_name("SEC");
  app.add_option("--full", c.full, "Full table: evict-oldest or refuse")
      ->check(CLI::IsMember({"evict-oldest", "refuse"}));
  app.add_option("--pair", c.pairs,
                 "Path pair FWD_SPI:REV_SPI (repeatable): reverse-side keys and SF replies")
      ->type_name("FWD:REV");
  app.add_option("--sf", c.sf_file, "Emulated SF model (YAML); default: transparent")
      ->type_name("MODEL.yaml");
  app.add_option("--config", c.config, "Proxy configuration (YAML: vxlan endpoint, nat rules)")
      ->type_name("PROXY.yaml");
  app.add_option("--sf-vxlan-addr", c.vxlan_sf, "vxlan mode: the SF's VTEP address (default 198.18.0.2)")
      ->type_name("IPV4");
  app.add_option("--proxy-vxlan-addr", c.vxlan_proxy,
                 "vxlan mode: the proxy's VTEP address (default 198.18.0.1)")
      ->type_name("IPV4");
  app.add_option("--vxlan-port", c.vxlan_port, "vxlan mode: UDP destination port (default 4789)")
      ->check(CLI::Range(1, 65535))
      ->type_name("PORT");
  app.add_flag("--compare-modes", c.compare,
               "Run every mode/granularity the SF model allows; print a matrix");
  app.add_option("--to-sf", o.to_sf, "Write what the proxy sends the SF (pcap)")->type_name("FILE");
  app.add_option("--state-out", o.state_out, "Phase 1: save the mapping state (JSON, mapdump --state)")
      ->type_name("FILE");
  app.add_option("--from-sf", o.from_sf, "Phase 2: capture taken behind a real SF")->type_name("FILE");
  app.add_option("--state-in", o.state_in, "Phase 2: the state saved by --state-out")->type_name("FILE");
  app.add_option("--unmatched", o.unmatched, "Write SF-side frames whose key is unknown (pcap)")
      ->type_name("FILE");
  app.add_option("--rejected", o.rejected, "Write malformed input frames (pcap)")->type_name("FILE");
  app.add_option("--proxy-mac", c.proxy_mac,
                 "Source MAC of new L2 and vxlan outer headers (default 02:00:00:00:5f:01)");
  app.add_option("--sf-mac", c.sf_mac,
                 "Destination MAC of new L2 and vxlan outer headers (default 02:00:00:00:5f:02)");
  app.add_flag("--forward-oam", c.forward_oam, "Forward NSH O-bit packets (RFC 8300 §2.2; off by default)");
  app.add_flag("--json", c.json, "Report as JSON");
  auto& lo = c.live_opt;
  app.add_flag("--live", c.live, "Run between real interfaces (--sff-if, --sf-if) instead of over captures");
  app.add_option("--sff-if", lo.sff_if, "Live: interface toward the SFF (NSH in and out)")->type_name("IF");
  app.add_option("--sf-if", lo.sf_ifs, "Live: interface toward the SF, or LEFT,RIGHT (forward out of LEFT)")
      ->delimiter(',')
      ->type_name("IF[,IF2]");
  app.add_option("--stats-interval", lo.stats_interval_s, "Live: print counters every SEC seconds (stderr)")
      ->type_name("SEC");
  app.add_option("--count", lo.count, "Live: stop after N frames from the SFF (and --linger for returns)")
      ->type_name("N");
  app.add_option("--linger", lo.linger_s, "Live: with --count, seconds to wait for the SF's last returns")
      ->type_name("SEC");
  app.add_option("--duration", lo.duration_s, "Live: stop after SEC seconds")->type_name("SEC");
  app.add_option("--user", lo.user, "Live: drop privileges to NAME once the interfaces are open")
      ->type_name("NAME");
  app.add_flag(
      "--keep-outer", lo.keep_outer,
      "Live: send restored frames with the outer headers as received (default: addressed to the SFF)");
  app.add_option("--buffer", lo.buffer_kib, "Live: kernel ring size per interface in KiB (default 4096)")
      ->type_name("KIB");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (c.live) {
    if (lo.sff_if.empty() || lo.sf_ifs.empty() || !o.input.empty() || !o.from_sf.empty()) {
      std::fprintf(stderr,
                   "sfcproxy-replay: --live needs --sff-if IF and --sf-if IF[,IF2] (and no -r/--from-sf)\n");
      return kExitUsage;
    }
    try {
      return run(c);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "sfcproxy-replay: %s\n", e.what());
      return kExitUsage;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sfcproxy-replay: %s\n", e.what());
      return kExitInput;
    }
  }
  const bool phase2 = !o.from_sf.empty();
  if (phase2 == !o.input.empty()) {
    std::fprintf(stderr, "sfcproxy-replay: give -r FILE, or --from-sf FILE with --state-in (see --help)\n");
    return kExitUsage;
  }
  if (phase2 && o.state_in.empty()) {
    std::fprintf(stderr, "sfcproxy-replay: --from-sf needs --state-in\n");
    return kExitUsage;
  }
  // Phase 1 writes what goes to the real SF and stops there.
  if (!phase2 && !o.state_out.empty()) o.emulate_sf = !o.out.empty();
  try {
    return run(c);
  } catch (const SetupError& e) {
    std::fprintf(stderr, "sfcproxy-replay: %s\n", e.what());
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sfcproxy-replay: %s\n", e.what());
    return kExitInput;
  }
}
