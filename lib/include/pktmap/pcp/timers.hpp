#pragma once
// Client timers: retransmission (RFC 6887 §8.1.1) and epoch validation (§8.5).
#include <chrono>
#include <cstdint>
#include <random>

namespace pktmap::pcp {

using Millis = std::chrono::milliseconds;

struct RetransmitParams {
  Millis irt{3000};     // initial retransmission time
  Millis mrt{1024000};  // maximum retransmission time
  unsigned mrc = 0;     // maximum retransmission count; 0 = unlimited
  Millis mrd{0};        // maximum retransmission duration; 0 = unlimited
  double jitter = 0.1;  // RAND is uniform in [-jitter, +jitter]
};

// §8.1.1, in the RFC 3315 style: RT = (1+RAND)*IRT, then RT = (1+RAND)*2*RTprev, and once that passes
// MRT, RT = (1+RAND)*MRT. The same request (same nonce) is sent again after each RT.
class RetransmitSchedule {
 public:
  explicit RetransmitSchedule(RetransmitParams p, std::uint64_t seed = std::random_device{}());
  // The wait after the next transmission.
  Millis next();
  // True when another retransmission is allowed: `sent` transmissions so far, `elapsed` since the first.
  [[nodiscard]] bool may_retransmit(unsigned sent, Millis elapsed) const;
  [[nodiscard]] const RetransmitParams& params() const { return p_; }

 private:
  double rand_factor();

  RetransmitParams p_;
  std::mt19937_64 rng_;
  double prev_ms_ = 0;
};

// §8.5 epoch validation; the first response from a server is always valid.
class EpochTracker {
 public:
  // `client_s`: the client's monotonic clock in seconds when the response arrived. Returns false when the
  // server's epoch shows it lost state (the client then renews all its mappings).
  bool update(std::uint32_t server_epoch, std::int64_t client_s);
  void reset() { have_ = false; }
  [[nodiscard]] bool seen() const { return have_; }

 private:
  bool have_ = false;
  std::int64_t prev_client_ = 0;
  std::uint32_t prev_server_ = 0;
};

}  // namespace pktmap::pcp
