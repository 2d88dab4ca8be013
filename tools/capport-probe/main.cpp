// capport-probe: is this network captive? Asks the RFC 8908 API and fetches connectivity canaries (live),
// reads the same evidence out of a capture (-r FILE), or emulates a captive portal (`serve`).
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "pktmap/capport/capture_analysis.hpp"
#include "pktmap/capport/enforce_run.hpp"
#include "pktmap/capport/live_probe.hpp"
#include "pktmap/capport/portal_server.hpp"
#include "pktmap/capport/verdict.hpp"
#include "pktmap/error.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/report/version.hpp"

namespace {

using namespace pktmap;
using namespace pktmap::capport;

constexpr const char* kExamples = R"(
Examples:
  capport-probe                                discover the API on the default route's interface, ask it, canaries
  capport-probe -i wlan0                       discover the API (DHCP 114, DHCPv6 103, RA 37, OS state)
  capport-probe -i wlan0 --discovery passive   listen and read OS state only, send nothing
  capport-probe --discovery files --lease-file /var/lib/dhcp/dhclient.wlan0.leases
  capport-probe --api https://portal.example.net/api     ask this RFC 8908 API (no discovery)
  capport-probe --api https://capport.test:8443/api --ca-file lab-ca.pem \
      --canary http://connectivitycheck.gstatic.com/generate_204 \
      --resolve capport.test:127.0.0.1 --resolve connectivitycheck.gstatic.com:80:127.0.0.1
  capport-probe --json | jq .verdict
  capport-probe -i wlan0 --signal-time 3       also listen 3 s for ICMP admin-prohibited / captive-portal ICMP
  capport-probe --json | jq '.signals.messages[] | select(.accepted)'
  capport-probe -r hotel.pcap                  verdict and evidence with packet numbers, from a capture
  capport-probe -r hotel.pcap --json 'host 192.0.2.10'
  capport-probe serve --config portal.yaml     emulate a portal: API + portal page (HTTPS), canaries (HTTP)
  capport-probe enforce --config portal.yaml -r ue.pcap -w out.pcap --rejected bad.pcap
                                               offline enforcement: block, ICMP 3/13 and 1/1, HTTP redirects
  capport-probe enforce --config portal.yaml -r ue.pcap -w out.pcap --internet-out up.pcap --json
  capport-probe -r out.pcap                    ... then read the result as a client would

Exit status: 0 open, 10 captive, 11 partial, 12 unknown, 1 usage error, 2 error (unreadable capture,
bad configuration, set-up failure). enforce: 0 done, 3 done but some packets rejected, 1 usage,
2 error. See capport-probe(1).
)";

struct Options {
  std::string read_file;
  std::vector<std::string> filter_words;
  bool json = false;
  std::string api;
  std::vector<std::string> canaries;
  std::vector<std::string> resolve;
  std::string ca_file;
  bool insecure = false;
  std::string interface;
  double timeout = 5.0;
  double signal_time = 1.0;
  double requery_interval = 2.0;
  std::string discovery = "full";
  double discovery_time = 1.5;
  std::string networkd_dir{kNetworkdLinksDir};
  std::vector<std::string> lease_files;
  std::string config;
  std::string cert_out;
  int https_port = -2;  // -2: as configured
  int http_port = -2;
  EnforceRunOptions enforce;
};

int run_offline(const Options& opt) {
  std::string filter;
  for (const auto& w : opt.filter_words)
    filter += (filter.empty() ? "" : " ") + w;
  report::install_interrupt_handlers();
  auto run = analyze_capture_file(opt.read_file, filter, true);
  auto text = opt.json ? format_capture_report_json(run.report, opt.read_file)
                       : format_capture_report(run.report, opt.read_file);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (run.interrupted)
    std::fprintf(stderr, "capport-probe: interrupted after %llu packets; verdict covers those\n",
                 static_cast<unsigned long long>(run.report.packets));
  if (!run.read_error.empty()) {
    std::fprintf(stderr, "capport-probe: %s\n", run.read_error.c_str());
    return kExitError;
  }
  return verdict_exit_code(run.report.verdict);
}

int run_live(const Options& opt) {
  ProbeOptions p;
  if (!opt.api.empty()) p.api_uri = opt.api;
  p.canaries = opt.canaries;
  for (const auto& r : opt.resolve)
    p.resolve.push_back(parse_resolve_pin(r));
  p.ca_file = opt.ca_file;
  p.insecure = opt.insecure;
  p.interface = opt.interface;
  p.timeout = std::chrono::milliseconds(static_cast<long>(opt.timeout * 1000));
  p.signal_time = std::chrono::milliseconds(static_cast<long>(opt.signal_time * 1000));
  p.requery_interval = std::chrono::milliseconds(static_cast<long>(opt.requery_interval * 1000));
  DiscoveryOptions d;
  if (!parse_discovery_mode(opt.discovery, d.mode)) {
    std::fprintf(stderr, "capport-probe: --discovery %s: one of full, passive, files, off\n",
                 opt.discovery.c_str());
    return kExitUsage;
  }
  d.interface = opt.interface;
  d.window = std::chrono::milliseconds(static_cast<long>(opt.discovery_time * 1000));
  d.networkd_dir = opt.networkd_dir;
  d.lease_files = opt.lease_files;
  p.discovery = d;
  if (opt.insecure)
    std::fprintf(stderr, "capport-probe: warning: --insecure: certificates are not verified (RFC 8908 §4)\n");
  report::install_interrupt_handlers();
  auto r = run_live_probe(p);
  auto text = opt.json ? format_probe_report_json(r) : format_probe_report(r);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return verdict_exit_code(r.verdict);
}

int run_serve(const Options& opt) {
  PortalConfig cfg = opt.config.empty() ? PortalConfig{} : load_portal_config(opt.config);
  if (!opt.cert_out.empty()) cfg.cert_out = opt.cert_out;
  if (opt.https_port != -2) cfg.https_port = opt.https_port;
  if (opt.http_port != -2) cfg.http_port = opt.http_port;
  PortalServer server(cfg);
  server.start();
  std::printf("serving api %s portal %s", server.api_uri().c_str(), server.portal_uri().c_str());
  if (server.http_port() > 0) std::printf(" canaries http://%s:%d/", cfg.listen.c_str(), server.http_port());
  std::printf(" on %s\n", cfg.listen.c_str());
  std::fflush(stdout);
  report::install_interrupt_handlers();
  while (!report::interrupted())
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop();
  return kExitOpen;
}

int run_enforce(const Options& opt) {
  auto cfg = load_enforce_config(opt.config);
  report::install_interrupt_handlers();
  auto o = opt.enforce;
  o.show_progress = true;
  auto r = run_enforce_file(cfg, o);
  auto text = opt.json ? format_enforce_report_json(r, o) : format_enforce_report(r, o);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!r.read_error.empty()) std::fprintf(stderr, "capport-probe: %s\n", r.read_error.c_str());
  return enforce_exit_code(r);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capport-probe: is this network captive? (RFC 8908 API, RFC 8910 provisioning, canaries)"};
  app.footer(kExamples);
  app.set_version_flag(
      "--version", pktmap::report::version_text("capport-probe", pktmap::capport::https_library_version()));
  Options opt;
  app.add_option("-r,--read", opt.read_file, "Analyse a pcap or pcapng capture instead of probing live")
      ->type_name("FILE");
  app.add_flag("--json", opt.json, "Print the verdict and evidence as one JSON object");
  app.add_option("--api", opt.api, "RFC 8908 API URI to ask (https only)")->type_name("URI");
  app.add_option("--canary", opt.canaries,
                 "Canary URL (repeatable; default: Android's HTTP and HTTPS probes)")
      ->type_name("URL");
  app.add_option("--resolve", opt.resolve, "Pin a name: HOST:ADDR or HOST:PORT:ADDR (repeatable)")
      ->type_name("PIN");
  app.add_option("--ca-file", opt.ca_file, "Trust this CA bundle (PEM) for the API and HTTPS canaries")
      ->type_name("FILE");
  app.add_flag("--insecure", opt.insecure, "Do not verify certificates (reported; RFC 8908 says not to)");
  app.add_option("-i,--interface", opt.interface,
                 "Discover on this interface and send probes from it (default: the default route's)")
      ->type_name("IFACE");
  app.add_option("--discovery", opt.discovery,
                 "API URI discovery without --api: full (RS, DHCPINFORM, DHCPv6 Information-Request, listen, "
                 "OS state), passive (listen, OS state), files (OS state), off")
      ->type_name("MODE");
  app.add_option("--discovery-time", opt.discovery_time,
                 "Listening window in seconds (default 1.5, at most 40% of --timeout)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.05, 30.0));
  app.add_option("--networkd-dir", opt.networkd_dir,
                 "systemd-networkd link state directory (default /run/systemd/netif/links)")
      ->type_name("DIR");
  app.add_option("--lease-file", opt.lease_files,
                 "dhclient lease file to read (repeatable; default /var/lib/dhcp/dhclient*.leases)")
      ->type_name("FILE");
  app.add_option("--timeout", opt.timeout, "Whole-probe time limit in seconds (default 5)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.1, 60.0));
  app.add_option("--signal-time", opt.signal_time,
                 "Listen this long for ICMP 3/9, 3/10, 3/13, ICMPv6 1/1 and captive-portal ICMP 253 quoting "
                 "the probe's flows (default 1, 0: off; needs root; bounded by --timeout)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 60.0));
  app.add_option("--requery-interval", opt.requery_interval,
                 "At most one API re-query per this many seconds after accepted signals (default 2)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("filter", opt.filter_words, "BPF filter for -r, as in tcpdump")->type_name("EXPRESSION");

  auto* serve =
      app.add_subcommand("serve", "Emulate a captive portal: RFC 8908 API + portal (HTTPS), canaries (HTTP)");
  serve->add_option("--config", opt.config, "Portal configuration (YAML, see capport-probe(1))")
      ->type_name("FILE");
  serve->add_option("--cert-out", opt.cert_out, "Write the generated certificate here (PEM)")
      ->type_name("FILE");
  serve->add_option("--https-port", opt.https_port, "HTTPS port (0: any free port)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--http-port", opt.http_port, "HTTP canary port (0: any free port, -1: off)")
      ->check(CLI::Range(-1, 65535));
  auto* enforce = app.add_subcommand(
      "enforce",
      "Offline enforcement device over a client-side capture: block, notify (ICMP), redirect (HTTP)");
  enforce->add_option("--config", opt.config, "portal.yaml with an enforce: section (see capport-probe(1))")
      ->type_name("FILE")
      ->required();
  enforce->add_option("-r,--read", opt.enforce.input, "Capture taken at the client side")
      ->type_name("FILE")
      ->required();
  enforce
      ->add_option("-w,--write", opt.enforce.output,
                   "Client-side view after enforcement (with the device's answers)")
      ->type_name("FILE")
      ->required();
  enforce
      ->add_option("--internet-out", opt.enforce.internet_out, "Also write what is forwarded to the Internet")
      ->type_name("FILE");
  enforce->add_option("--rejected", opt.enforce.rejected_out, "Write frames that could not be handled here")
      ->type_name("FILE");
  enforce->add_flag("--json", opt.json, "Print the report as one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOpen : kExitUsage;
  }
  try {
    if (serve->parsed()) return run_serve(opt);
    if (enforce->parsed()) return run_enforce(opt);
    if (!opt.read_file.empty()) {
      if (!opt.api.empty() || !opt.canaries.empty() || opt.insecure) {
        std::fprintf(
            stderr,
            "capport-probe: -r reads a capture; --api, --canary and --insecure are for live probes\n");
        return kExitUsage;
      }
      return run_offline(opt);
    }
    if (!opt.filter_words.empty()) {
      std::fprintf(stderr, "capport-probe: a filter expression needs -r FILE\n");
      return kExitUsage;
    }
    if (!opt.api.empty() && opt.api.rfind("https://", 0) != 0 && opt.api.rfind("HTTPS://", 0) != 0) {
      std::fprintf(stderr,
                   "capport-probe: --api %s: not an https URI (RFC 8908 §4: the API MUST use https)\n",
                   opt.api.c_str());
      return kExitUsage;
    }
    return run_live(opt);
  } catch (const SetupError& e) {
    std::fprintf(stderr, "capport-probe: %s\n", e.what());
    return kExitError;
  } catch (const InputError& e) {
    std::fprintf(stderr, "capport-probe: %s\n", e.what());
    return kExitError;
  }
}
