#pragma once
// Captive-portal evidence in a capture (`capport-probe -r FILE`): provisioning options (RFC 8910), canary
// exchanges and the DNS answers for canary names, cleartext RFC 8908 API exchanges, TLS ClientHellos toward
// the provisioned API host, and enforcement signals (ICMP administratively-prohibited, ICMPv6 1/1, the
// experimental capport ICMP type 253) that quote a flow seen in the capture. finish() weighs them into a
// Verdict with reasons.
//
// Per packet, add() reads the decode chain's views and allocates nothing for packets that carry no
// evidence; it copies only what it keeps (URIs, host names, first header values) for packets that do, and
// keeps at most kMaxFindings per kind (the rest are counted).
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pktmap/capport/api_status.hpp"
#include "pktmap/capport/canary.hpp"
#include "pktmap/capport/http_head.hpp"
#include "pktmap/capport/verdict.hpp"
#include "pktmap/dissect/dissection.hpp"
#include "pktmap/flow/five_tuple.hpp"
#include "pktmap/report/counters.hpp"

namespace pktmap::capport {

inline constexpr std::size_t kMaxFindings = 256;

struct ProvisionedUri {
  std::uint64_t packet = 0;
  std::string source;  // "dhcpv4-114", "dhcpv4-160", "dhcpv6-103", "ra-37"
  std::string uri;
  std::string sender;                 // IP source of the DHCP/RA message
  bool legacy = false;                // DHCPv4 160: RFC 7710's code, also used by Polycom
  bool unrestricted = false;          // urn:ietf:params:capport:unrestricted: "not captive"
  std::vector<std::string> problems;  // not https, IP literal, not a URI ...
};

struct OptionRequest {
  std::uint64_t packet = 0;
  std::string what;  // "dhcpv4 PRL 114", "dhcpv4 PRL 160", "dhcpv6 ORO 103"
};

struct DnsFinding {
  std::uint64_t packet = 0;
  std::string name;
  std::vector<std::string> addresses;
  bool hijacked = false;
  std::string why;  // which address and why it is unexpected
};

struct CanaryFinding {
  std::uint64_t request_packet = 0;
  std::uint64_t response_packet = 0;  // 0: no response seen
  std::string url;
  std::string vendor;
  int status = 0;
  std::string location;
  CanaryResult result = CanaryResult::error;
  std::string detail;
};

struct ApiFinding {
  std::uint64_t request_packet = 0;
  std::uint64_t response_packet = 0;
  std::string url;  // http://host/path as requested
  int status = 0;
  std::string content_type;
  std::optional<ApiStatus> body;  // when the response body was in the segment
  std::vector<std::string> problems;
};

struct TlsFinding {
  std::uint64_t packet = 0;
  std::string server_name;
  std::string server;  // destination address:port
};

struct SignalFinding {
  std::uint64_t packet = 0;
  std::string kind;  // "icmp 3/13 admin-prohibited", "icmpv6 1/1 admin-prohibited", "icmp 253 capport"
  std::string sender;
  std::string quoted;  // "tcp 192.0.2.10:43001 > 203.0.113.5:443", or what went wrong
  bool quotes_seen_flow = false;
};

struct CaptureReport {
  Verdict verdict = Verdict::unknown;
  std::vector<std::string> reasons;
  std::vector<std::string> config_errors;  // RFC 8910 §3 mismatches and similar
  std::vector<ProvisionedUri> provisioning;
  std::vector<OptionRequest> requests;
  std::vector<DnsFinding> dns;
  std::vector<CanaryFinding> canaries;
  std::vector<ApiFinding> api;
  std::vector<TlsFinding> tls;  // ClientHellos toward a provisioned API host
  std::vector<SignalFinding> signals;
  std::uint64_t packets = 0;
  std::uint64_t dropped_findings = 0;  // beyond kMaxFindings per kind
  report::Counters outcomes;           // parse outcomes of the HTTP/DNS/TLS readers (non-ok only)
};

class CaptureAnalyzer {
 public:
  CaptureAnalyzer();
  // One decoded packet; `number` is its record number in the capture.
  void add(const dissect::Dissection& d, std::uint64_t number);
  // Weighs the evidence. Call once, after the last packet.
  CaptureReport finish();

 private:
  struct PendingRequest {
    std::uint64_t packet = 0;
    std::string host;
    std::string target;
    std::string accept;
  };
  void on_provisioning(const dissect::Dissection& d, std::uint64_t number);
  void on_dns(ByteView payload, std::uint64_t number);
  void on_tcp_payload(const flow::FiveTuple& t, ByteView payload, std::uint64_t number);
  void on_http_response(const PendingRequest& req, const HttpHead& head, std::uint64_t number);
  void on_tls(const flow::FiveTuple& t, ByteView payload, std::uint64_t number);
  void on_signal(const dissect::Dissection& d, const dissect::L4Summary& l4, int ip_slot,
                 std::uint64_t number);
  template <class T>
  bool room(const std::vector<T>& v) {
    if (v.size() < kMaxFindings) return true;
    ++r_.dropped_findings;
    return false;
  }

  CaptureReport r_;
  std::unordered_set<flow::FiveTuple> seen_flows_;
  std::unordered_map<flow::FiveTuple, PendingRequest> pending_;  // HTTP requests awaiting a response
  std::unordered_set<std::string> seen_sni_;
};

// Text rendering (the verdict line first, then reasons and evidence with packet numbers) and JSON.
std::string format_capture_report(const CaptureReport& r, const std::string& file);
std::string format_capture_report_json(const CaptureReport& r, const std::string& file);

// Address checks used for DNS answers: RFC 1918, RFC 6598 shared, loopback, link-local, unspecified, IPv6
// ULA/link-local/loopback. Returns the reason text or empty.
std::string_view unexpected_address_reason(std::uint8_t version, const std::uint8_t* addr);

// Host part of an http(s) URI ("https://a.example:8443/x" -> "a.example"), or empty.
std::string uri_host(std::string_view uri);

}  // namespace pktmap::capport

namespace pktmap::capport {

struct CaptureRun {
  CaptureReport report;
  std::string read_error;  // non-empty when the file ended in a corrupt record (file, record, offset)
  bool interrupted = false;
};

// Reads a pcap/pcapng file (optionally through a BPF filter) through the decode chain into a
// CaptureAnalyzer. Stops early on SIGINT/SIGTERM (report::interrupted()) with the report so far. Throws
// SetupError when the file cannot be opened.
CaptureRun analyze_capture_file(const std::string& path, const std::string& bpf_filter, bool show_progress);

}  // namespace pktmap::capport
