#pragma once
// Receives unsolicited PCP messages on the client port (RFC 6887 §8.2 / §14.1): the ANNOUNCE a server
// multicasts to 224.0.0.1:5350 and [ff02::1]:5350 after losing state, and mapping updates (§14.2).
#include <optional>
#include <string>
#include <vector>

#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/timers.hpp"
#include "pktmap/pcp/udp_socket.hpp"

namespace pktmap::pcp {

struct Heard {
  Endpoint from;
  std::optional<Response> response;  // nullopt when the datagram is not a PCP response
  std::string_view problem;          // the decode outcome then
  std::size_t length = 0;
};

class Listener {
 public:
  // Binds 0.0.0.0:port (joining 224.0.0.1) and, when v6 is available, [::]:port (joining ff02::1).
  // Throws SetupError when neither family can be bound. Failures of one family are kept in warnings().
  Listener(std::uint16_t port, bool want_v4 = true, bool want_v6 = true);
  // Waits up to `timeout` (negative: forever). nullopt on timeout or interrupt.
  std::optional<Heard> next(Millis timeout);
  [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<UdpSocket> socks_;
  std::vector<std::string> warnings_;
};

}  // namespace pktmap::pcp
