#pragma once
// Raw ICMP and ICMPv6 sockets the live probe reads enforcement signals from while its requests run (needs
// CAP_NET_RAW; without it the listener reports why and the probe goes on without signals).
#include <chrono>
#include <string>
#include <vector>

#include "pktmap/capport/icmp_signal.hpp"

namespace pktmap::capport {

class SignalListener {
 public:
  SignalListener() = default;
  SignalListener(const SignalListener&) = delete;
  SignalListener& operator=(const SignalListener&) = delete;
  ~SignalListener();

  // Opens both sockets (bound to `interface` when given). False, with skip_reason(), when neither opens.
  bool open(const std::string& interface);
  [[nodiscard]] const std::string& skip_reason() const { return skip_reason_; }
  [[nodiscard]] std::vector<int> fds() const;
  // Reads every pending message and classifies it against `flows`; `at` is stamped on each.
  std::vector<IcmpSignal> drain(std::span<const ProbeFlow> flows, double at);

 private:
  int v4_ = -1;
  int v6_ = -1;
  std::string skip_reason_;
};

}  // namespace pktmap::capport
