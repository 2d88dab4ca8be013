#pragma once
// `capport-probe enforce`: an offline captive-portal Enforcement Device (RFC 8952 §2.4; the -00 draft's
// §2.4-2.5 for ICMP notifications) run over a capture taken at the client (UE) side.
//
// Each packet is placed relative to the device: sent by a client toward the Internet, sent from the
// Internet toward a client, or local (client link only: both ends on the client side, multicast,
// link-local, non-IP). Then:
//   - allowed clients (the `allowed` list, or a request to accept_url seen in the capture, valid for
//     session_seconds) and walled-garden destinations (portal, API, DNS) pass unchanged;
//   - port-80 TCP of other clients is intercepted: each HTTP request is answered with a redirect to the
//     portal (a TCP segment whose seq/ack the client accepts), the server's SYN-ACK stands for the
//     interceptor's;
//   - everything else a blocked client sends is not forwarded and is answered with ICMP 3/13 (ICMPv6 1/1)
//     quoting it, at most `burst` at once and `rate` per second per client (token bucket on packet time);
//     ICMP errors, later fragments and non-unicast sources are never answered (RFC 1122 §3.2.2,
//     RFC 4443 §2.4(e));
//   - packets from the Internet toward a blocked client are dropped, silently: nothing is ever sent
//     toward the Internet side.
//
// Outputs: the client side (what a capture at the UE would show behind the device: every packet the
// clients sent, what the device let through toward them, and its answers right after the packet they
// answer), the Internet side (what the device forwards upstream), and rejected frames. The per-packet path
// reuses one answer buffer and a preallocated client table: no allocation.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pktmap/capport/enforce_config.hpp"
#include "pktmap/capport/enforce_frame.hpp"
#include "pktmap/pcapio/packet.hpp"
#include "pktmap/report/counters.hpp"

namespace pktmap::capport {

enum class Direction : unsigned char { to_internet, from_internet, local };

enum class Action : unsigned char {
  pass,       // forwarded (or local)
  block,      // a client's packet not forwarded; it stays in the client-side view
  drop,       // toward a blocked client: never delivered
  intercept,  // port-80 TCP of a blocked client, handled by the device's HTTP interceptor
  reject,     // the tool cannot handle it (reason: a named outcome)
};
std::string_view action_name(Action a);

struct Decision {
  Action action = Action::reject;
  Direction dir = Direction::local;
  std::string_view reason;     // allowed_client, walled_garden, dns, local, non_ip, blocked, blocked_inbound,
                               // intercepted_http, or the outcome that made it a reject
  bool notify = false;         // an ICMP notification is due (before the rate limit)
  std::string_view no_notify;  // blocked but not answered: icmp_error, later_fragment, table_full
  bool redirect = false;       // an HTTP request of a blocked client: answer with the redirect
  bool accepted = false;       // a request to accept_url: the client is allowed from this packet on
  int client = -1;             // index into clients(), -1 when none
};

struct ClientStats {
  std::uint64_t allowed_out = 0;  // forwarded toward the Internet because the client is allowed
  std::uint64_t allowed_in = 0;
  std::uint64_t garden_out = 0;  // walled garden (portal, API, DNS), whatever the client's state
  std::uint64_t garden_in = 0;
  std::uint64_t blocked_out = 0;
  std::uint64_t dropped_in = 0;
  std::uint64_t intercepted = 0;  // port-80 TCP segments handled by the interceptor
  std::uint64_t notifications = 0;
  std::uint64_t suppressed = 0;  // notifications the rate limit held back
  std::uint64_t unanswered = 0;  // blocked packets that must not be answered (ICMP errors, fragments)
  std::uint64_t redirects = 0;
};

struct ClientEntry {
  std::uint8_t version = 0;
  std::array<std::uint8_t, 16> addr{};
  bool has_mac = false;
  codec::MacAddr mac{};
  std::int64_t accepted_until_ns = kNoTime;
  std::uint64_t accepted_packet = 0;  // record number of the last accept request, 0 when none
  double tokens = 0;
  std::int64_t bucket_ns = kNoTime;  // time of the last refill
  ClientStats stats;
};

struct EnforceTotals {
  std::uint64_t packets = 0;
  std::uint64_t to_internet = 0;  // written to the Internet side
  std::uint64_t client_side = 0;  // written to the client side (answers included)
  std::uint64_t local = 0;
  std::uint64_t blocked = 0;
  std::uint64_t dropped = 0;
  std::uint64_t intercepted = 0;
  std::uint64_t notifications = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t redirects = 0;
  std::uint64_t rejected = 0;
  std::uint64_t untracked = 0;  // packets of clients beyond max_clients (decided, not counted per client)
  report::Counters reject_reasons;
  report::Counters unanswered_reasons;
};

// Where the frames go. The file runner writes pcaps; tests collect them.
class EnforceSink {
 public:
  virtual ~EnforceSink() = default;
  virtual void client_side(ByteView frame, std::uint32_t wire_len, std::int64_t ts_ns) = 0;
  virtual void internet_side(ByteView frame, std::uint32_t wire_len, std::int64_t ts_ns) = 0;
  virtual void rejected(ByteView frame, std::uint32_t wire_len, std::int64_t ts_ns) = 0;
};

// The HTTP response the interceptor sends (status per redirect.status; see enforce_answers.cpp).
std::string make_redirect_response(const EnforceConfig& config);

// Answers are stamped this long after the packet they answer.
inline constexpr std::int64_t kAnswerDelayNs = 1000;

class Enforcer {
 public:
  // Throws SetupError for a link type it cannot answer on (see enforce_linktype_supported).
  Enforcer(const EnforceConfig& config, int linktype);

  // Decides one packet and updates client state (acceptance, counters); writes nothing.
  Decision decide(const EnforceFrame& f, std::int64_t ts_ns, std::uint64_t number);
  // Decides, applies the rate limit and writes the packet and any answer to the sink.
  void process(const pcapio::Packet& p, EnforceSink& sink);

  // Answer builders (into an internal buffer, valid until the next call); empty when the frame cannot be
  // answered (no TCP ACK to take the seq from, too big).
  ByteView build_notification(const EnforceFrame& f);
  ByteView build_redirect(const EnforceFrame& f);

  [[nodiscard]] const std::vector<ClientEntry>& clients() const { return clients_; }
  [[nodiscard]] const EnforceTotals& totals() const { return totals_; }
  [[nodiscard]] const EnforceConfig& config() const { return cfg_; }
  [[nodiscard]] std::string_view redirect_response() const { return http_; }

 private:
  int find_client(const EnforceFrame& f, bool outbound);
  bool allowed(const ClientEntry* c, const EnforceFrame& f, bool outbound, std::int64_t ts) const;
  bool in_garden(std::uint8_t version, const std::uint8_t* addr, std::uint8_t proto, std::uint16_t port,
                 bool has_port) const;
  bool is_accept_request(const EnforceFrame& f) const;
  bool take_token(ClientEntry& c, std::int64_t ts);
  std::size_t write_l2(const EnforceFrame& f, std::uint8_t* out) const;

  EnforceConfig cfg_;
  int linktype_;
  std::string http_;         // the redirect response, built once
  std::string accept_host_;  // lower case, no port
  std::string accept_path_;
  std::vector<ClientEntry> clients_;  // reserved to max_clients: never reallocates
  std::vector<std::int32_t> slots_;   // open addressing into clients_, -1 empty
  std::vector<std::uint8_t> buf_;     // answer buffer
  std::uint16_t ip_id_ = 0;
  EnforceTotals totals_;
};

}  // namespace pktmap::capport
