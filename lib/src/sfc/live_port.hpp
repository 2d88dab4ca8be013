#pragma once
// One interface of the live proxy: a libpcap handle in immediate, non-blocking mode that sees only frames
// arriving on the interface (PACKET_IGNORE_OUTGOING in the kernel where available, else libpcap's
// direction check), so the proxy never reacts to its own transmissions. Sends with pcap_inject.
#include <pcap/pcap.h>

#include <cstdint>
#include <string>

#include "pktmap/sfc/live.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::sfc {

class LivePort {
 public:
  // Throws SetupError naming the interface and libpcap's reason.
  LivePort(const std::string& iface, int buffer_kib);
  LivePort(const LivePort&) = delete;
  LivePort& operator=(const LivePort&) = delete;
  ~LivePort();

  [[nodiscard]] int fd() const { return fd_; }
  // Up to max frames to the handler; returns how many (0 when none are waiting).
  int dispatch(int max, pcap_handler handler, u_char* user) {
    return pcap_dispatch(pcap_, max, handler, user);
  }
  bool send(ByteView frame) {
    if (pcap_inject(pcap_, frame.data(), frame.size()) == static_cast<int>(frame.size())) {
      ++report_.tx;
      return true;
    }
    ++report_.tx_failed;
    return false;
  }
  void count_rx() { ++report_.rx; }
  // The counters, with the kernel's drop count read now.
  const PortReport& report();

 private:
  pcap_t* pcap_ = nullptr;
  int fd_ = -1;
  PortReport report_;
};

}  // namespace pktmap::sfc
