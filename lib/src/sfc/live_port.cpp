#include "live_port.hpp"

#include <linux/if_packet.h>
#include <sys/socket.h>

#include <fstream>

#include "pktmap/error.hpp"

namespace pktmap::sfc {

namespace {
// In immediate mode libpcap uses TPACKET_V2, whose ring slots are snaplen-sized: a 64 KiB snaplen leaves a
// 4 MiB ring 62 slots, which a burst overruns. The interface MTU plus an Ethernet header and two tags is
// all a frame can be (larger ones are counted as frame_larger_than_snaplen).
constexpr int kMaxSnaplen = 65535 + 512;
int snaplen_for(const std::string& iface) {
  std::ifstream f("/sys/class/net/" + iface + "/mtu");
  int mtu = 0;
  if (!(f >> mtu) || mtu <= 0 || mtu > 65535) return kMaxSnaplen;
  return mtu + 14 + 8 + 8;
}

[[noreturn]] void fail(pcap_t* p, const std::string& iface, const std::string& what) {
  std::string msg = iface + ": " + what + (p ? std::string(": ") + pcap_geterr(p) : std::string());
  if (p) pcap_close(p);
  throw SetupError(msg);
}
}  // namespace

LivePort::LivePort(const std::string& iface, int buffer_kib) {
  report_.name = iface;
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(iface.c_str(), err);
  if (!p) throw SetupError(iface + ": " + err);
  pcap_set_snaplen(p, snaplen_for(iface));
  pcap_set_promisc(p, 1);  // frames to the SF carry key MACs, not ours
  pcap_set_immediate_mode(p, 1);
  pcap_set_timeout(p, 10);
  if (buffer_kib > 0) pcap_set_buffer_size(p, buffer_kib * 1024);
  const int rc = pcap_activate(p);
  if (rc < 0) fail(p, iface, "cannot open for live capture");
  if (pcap_datalink(p) != DLT_EN10MB) {
    pcap_close(p);
    throw SetupError(iface + ": not an Ethernet interface");
  }
  if (pcap_setnonblock(p, 1, err) != 0) {
    pcap_close(p);
    throw SetupError(iface + ": " + err);
  }
  fd_ = pcap_get_selectable_fd(p);
  if (fd_ < 0) fail(p, iface, "no selectable descriptor");
    // Linux 4.20+: the kernel does not even queue our own transmissions to this socket.
#ifdef PACKET_IGNORE_OUTGOING
  int one = 1;
  report_.kernel_direction_filter =
      setsockopt(pcap_fileno(p), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) == 0;
#endif
  if (pcap_setdirection(p, PCAP_D_IN) != 0 && !report_.kernel_direction_filter)
    fail(p, iface, "cannot restrict the capture to inbound frames");
  pcap_ = p;
}

LivePort::~LivePort() {
  if (pcap_) pcap_close(pcap_);
}

const PortReport& LivePort::report() {
  pcap_stat st{};
  if (pcap_stats(pcap_, &st) == 0) report_.kernel_dropped = st.ps_drop;  // libpcap keeps the running total
  return report_;
}

}  // namespace pktmap::sfc
