#pragma once
// PCP client (RFC 6887 §8): sends one request, retransmits it on the §8.1.1 schedule until answered,
// ignores datagrams that are not the answer (wrong source, opcode, nonce, protocol, port range: counted),
// checks the epoch (§8.5), and collects every answer to a PORT_SET request until a short settle time,
// because one request can refresh several overlapping mappings (RFC 7753 §4.4.1).
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/timers.hpp"
#include "pktmap/pcp/udp_socket.hpp"
#include "pktmap/report/counters.hpp"

namespace pktmap::pcp {

struct ClientOptions {
  Endpoint server;
  std::optional<PcpAddress> bind_address;  // default: the source address the kernel picks for the server
  std::uint16_t bind_port = 0;
  RetransmitParams retransmit;
  Millis settle{250};  // how long to wait for further answers to a PORT_SET request
  std::uint64_t seed = std::random_device{}();
};

struct Exchange {
  std::vector<Response> responses;  // in arrival order; empty when unanswered
  unsigned transmissions = 0;
  Millis elapsed{0};
  bool epoch_valid = true;  // false when an answer's epoch showed the server lost state (§8.5)
  [[nodiscard]] bool answered() const { return !responses.empty(); }
  // SUCCESS in every answer.
  [[nodiscard]] bool success() const;
  // The first non-SUCCESS result code, or 0.
  [[nodiscard]] std::uint8_t first_error() const;
};

class Client {
 public:
  // Opens a socket of the server's family bound to the source address used to reach it. Throws SetupError.
  explicit Client(ClientOptions o);

  // The local endpoint; its address is the default PCP Client's IP Address.
  [[nodiscard]] const Endpoint& local() const { return local_; }
  [[nodiscard]] const ClientOptions& options() const { return opt_; }
  Exchange exchange(const Request& r);

  // Keeps a MAP alive (RFC 6887 §11.2.1): renews at half the granted lifetime, with the assigned external
  // address and port suggested and the granted PORT_SET (if any) asked for again; renews at once when an
  // answer or an unsolicited message from the server shows state loss. Stops after `duration` (0: until
  // interrupted), on an error answer, or when unanswered. Calls on_exchange after every exchange.
  // Returns the last exchange.
  Exchange keep(Request r, Millis duration,
                const std::function<void(const Exchange&, bool renewal)>& on_exchange);

  // Validation and epoch counters: rsp_accepted, rsp_wrong_source, rsp_wrong_nonce, rsp_duplicate, ...
  [[nodiscard]] const report::Counters& counters() const { return counters_; }
  [[nodiscard]] unsigned recreated() const { return recreated_; }

 private:
  bool matches(const Request& r, const Response& rsp);
  std::int64_t clock_s() const;
  // Handles a datagram arriving between renewals; true if it shows the server lost state.
  bool unsolicited_shows_loss(ByteView data, const Endpoint& from);

  ClientOptions opt_;
  UdpSocket sock_;
  Endpoint local_;
  EpochTracker epoch_;
  report::Counters counters_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::uint64_t seed_;
  unsigned recreated_ = 0;
};

// The source address the kernel would use to reach `server` (a connected throwaway socket). Throws
// SetupError.
PcpAddress source_address_for(const Endpoint& server);

}  // namespace pktmap::pcp
