#pragma once
// The PCP server emulator's core: request bytes + source + clock -> response datagrams. No sockets, so
// every rule is unit-testable and fuzzable; server_loop.hpp is the thin socket layer around it.
//
// Rules (RFC 6887 unless noted): §8.3 length checks (MALFORMED_REQUEST for < 24 bytes, > 1100 bytes or not
// a multiple of 4; R=1 and < 2 bytes dropped), §9 UNSUPP_VERSION (a NAT-PMP version-0 answer for version 0),
// UNSUPP_OPCODE, ADDRESS_MISMATCH, §7.3 options (UNSUPP_OPTION for unknown 0-127, unknown 128-255 ignored
// and not echoed, MALFORMED_OPTION for bad lengths, repeats and options not valid for the opcode),
// §11 MAP and §12 PEER with lifetime clamps, nonce checks on refresh and delete (NOT_AUTHORIZED),
// PREFER_FAILURE (CANNOT_PROVIDE_EXTERNAL), FILTER (EXCESSIVE_REMOTE_PEERS), RFC 7753 PORT_SET (quota,
// maximum size, partial grants, parity, overlap = one refresh and one response per matching mapping,
// stateless discovery §5.2), a per-client token-bucket rate limit (excess is dropped), error responses
// that echo the request's opcode data and options (§8.3 / §7.2).
#include <array>
#include <cstdint>
#include <map>

#include "pktmap/pcp/mapping_table.hpp"
#include "pktmap/pcp/server_policy.hpp"
#include "pktmap/report/counters.hpp"

namespace pktmap::pcp {

struct Datagram {
  std::array<std::uint8_t, codec::kPcpMaxLen> bytes{};
  std::size_t len = 0;
  [[nodiscard]] ByteView view() const { return ByteView(bytes.data(), len); }
};

// The answers to one request. Fixed capacity, reused across requests: the request path does not allocate
// for responses. Overlap answers beyond kMax are not sent (counted "overlap_answers_dropped").
struct ResponseBatch {
  static constexpr std::size_t kMax = 32;
  std::array<Datagram, kMax> out{};
  std::size_t count = 0;
  void clear() { count = 0; }
  Datagram* add() { return count < kMax ? &out[count++] : nullptr; }
};

class Server {
 public:
  // now_s: the server clock in seconds (monotonic); the epoch counts from here (§8.5).
  Server(ServerPolicy policy, std::uint64_t now_s);

  // Handles one datagram from `from` at time now_s; fills `out` (cleared first) with the answers.
  void handle(ByteView request, const Endpoint& from, std::uint64_t now_s, ResponseBatch& out);
  // The unsolicited ANNOUNCE response (§14.1.3): opcode 0, R=1, SUCCESS, lifetime 0, current epoch.
  Datagram announce(std::uint64_t now_s) const;
  // Loses all state and restarts the epoch at 0 (an emulated reboot).
  void restart(std::uint64_t now_s);
  // Drops expired mappings; returns how many.
  std::size_t expire(std::uint64_t now_s) { return table_.expire(now_s); }

  [[nodiscard]] std::uint32_t epoch(std::uint64_t now_s) const {
    return static_cast<std::uint32_t>(now_s - start_s_);
  }
  [[nodiscard]] const MappingTable& table() const { return table_; }
  [[nodiscard]] const ServerPolicy& policy() const { return policy_; }
  // The external address behind a mapping's pool_index.
  [[nodiscard]] const PcpAddress& address(std::uint16_t index) const { return addresses_[index]; }
  // Per-result and per-drop counters: requests, result_SUCCESS, result_NOT_AUTHORIZED,
  // dropped_rate_limited...
  [[nodiscard]] const report::Counters& counters() const { return counters_; }
  // Counts an event of the socket layer (e.g. "send_failed") with the server's counters.
  void count(std::string_view name) { counters_.add(name); }

 private:
  struct Ctx;
  void process(Ctx& c);
  void process_map(Ctx& c);
  void process_peer(Ctx& c);
  bool check_options(Ctx& c);
  void create_map(Ctx& c);
  bool stateless_map(Ctx& c);
  void answer_mapping(Ctx& c, const Mapping& m, std::uint8_t result, std::uint32_t lifetime,
                      bool request_port = false);
  void error(Ctx& c, std::uint8_t result, bool echo_options = true);
  void count_result(std::uint8_t result);
  bool rate_limited(const PcpAddress& src, std::uint64_t now_s);
  std::uint32_t clamp_lifetime(std::uint32_t requested) const;
  int pool_for(Ctx& c);

  ServerPolicy policy_;
  std::vector<PcpAddress> addresses_;           // policy_.external_ips, then stateless-only addresses
  std::vector<std::uint16_t> stateless_index_;  // per stateless rule: its address in addresses_
  std::uint64_t start_s_;
  MappingTable table_;
  report::Counters counters_;
  struct Bucket {
    double tokens = 0;
    std::uint64_t last_s = 0;
  };
  std::map<PcpAddress, Bucket> buckets_;
};

}  // namespace pktmap::pcp
