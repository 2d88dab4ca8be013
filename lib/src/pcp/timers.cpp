#include "pktmap/pcp/timers.hpp"

#include <algorithm>

namespace pktmap::pcp {

RetransmitSchedule::RetransmitSchedule(RetransmitParams p, std::uint64_t seed) : p_(p), rng_(seed) {}

double RetransmitSchedule::rand_factor() {
  std::uniform_real_distribution<double> d(-p_.jitter, p_.jitter);
  return 1.0 + d(rng_);
}

Millis RetransmitSchedule::next() {
  const double mrt = static_cast<double>(p_.mrt.count());
  double rt;
  if (prev_ms_ == 0) {
    rt = rand_factor() * static_cast<double>(p_.irt.count());
  } else {
    rt = rand_factor() * 2 * prev_ms_;
    if (p_.mrt.count() > 0 && rt > mrt) rt = rand_factor() * mrt;
  }
  prev_ms_ = std::max(rt, 1.0);
  return Millis(static_cast<std::int64_t>(prev_ms_));
}

bool RetransmitSchedule::may_retransmit(unsigned sent, Millis elapsed) const {
  if (p_.mrc > 0 && sent > p_.mrc) return false;  // the first transmission is not a retransmission
  if (p_.mrd.count() > 0 && elapsed >= p_.mrd) return false;
  return true;
}

// §8.5: invalid if the server went back more than 1 s, or if the two clocks advanced by amounts that differ
// by more than 2 s plus 1/16 of the elapsed time (clock drift allowance).
bool EpochTracker::update(std::uint32_t server_epoch, std::int64_t client_s) {
  bool valid = true;
  if (have_) {
    if (static_cast<std::int64_t>(server_epoch) < static_cast<std::int64_t>(prev_server_) - 1) {
      valid = false;
    } else {
      std::int64_t client_delta = client_s - prev_client_;
      std::int64_t server_delta = static_cast<std::int64_t>(server_epoch) - prev_server_;
      if (client_delta + 2 < server_delta - server_delta / 16 ||
          server_delta + 2 < client_delta - client_delta / 16)
        valid = false;
    }
  }
  have_ = true;
  prev_client_ = client_s;
  prev_server_ = server_epoch;
  return valid;
}

}  // namespace pktmap::pcp
