#include "pktmap/pcapio/packet_source.hpp"

#include <pcap/pcap.h>
#include <sys/stat.h>

#include <cstdio>
#include <utility>

#include "pktmap/error.hpp"

namespace pktmap::pcapio {

// The offline BPF program is applied here rather than inside libpcap so every record is counted (exact record
// numbers and byte offsets in errors, like tshark's frame numbers) even when the filter skips it.
struct PacketSource::OfflineFilter {
  bpf_program prog{};
};

namespace {
bool is_pcapng(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  unsigned char m[4] = {};
  bool ng = std::fread(m, 1, 4, f) == 4 && m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a;
  std::fclose(f);
  return ng;
}
}  // namespace

PacketSource PacketSource::open_file(const std::string& path, const std::string& bpf_filter) {
  PacketSource s;
  s.name_ = path;
  if (path != "-") {  // "-" is standard input, as in tcpdump -r -
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
      throw SetupError(path + ": cannot open: no such file or not readable");
    if (S_ISDIR(st.st_mode)) throw SetupError(path + ": is a directory, not a capture file");
    s.file_size_ = static_cast<std::uint64_t>(st.st_size);
    s.pcapng_ = is_pcapng(path);
  }
  char err[PCAP_ERRBUF_SIZE] = {};
  s.pcap_ = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  if (!s.pcap_) throw SetupError(path + ": not a readable pcap or pcapng file: " + err);
  s.linktype_ = pcap_datalink(s.pcap_);
  s.nano_ = true;
  s.offset_ = 24;  // classic pcap global header
  s.set_filter(bpf_filter);
  return s;
}

PacketSource PacketSource::open_live(const std::string& iface, const std::string& bpf_filter,
                                     const LiveOptions& options) {
  PacketSource s;
  s.name_ = iface;
  s.live_ = true;
  char err[PCAP_ERRBUF_SIZE] = {};
  s.pcap_ = pcap_create(iface.c_str(), err);
  if (!s.pcap_) throw SetupError(iface + ": cannot open interface: " + err);
  pcap_set_snaplen(s.pcap_, options.snaplen);
  pcap_set_promisc(s.pcap_, options.promiscuous ? 1 : 0);
  pcap_set_timeout(s.pcap_, options.timeout_ms);
  pcap_set_immediate_mode(s.pcap_, options.immediate ? 1 : 0);
  if (pcap_set_tstamp_precision(s.pcap_, PCAP_TSTAMP_PRECISION_NANO) != 0) s.nano_ = false;
  int rc = pcap_activate(s.pcap_);
  if (rc < 0) {
    std::string msg = iface + ": cannot capture: " + pcap_geterr(s.pcap_);
    pcap_close(s.pcap_);
    s.pcap_ = nullptr;
    throw SetupError(msg);
  }
  s.nano_ = pcap_get_tstamp_precision(s.pcap_) == PCAP_TSTAMP_PRECISION_NANO;
  s.linktype_ = pcap_datalink(s.pcap_);
  s.set_filter(bpf_filter);
  return s;
}

void PacketSource::set_filter(const std::string& bpf_filter) {
  if (bpf_filter.empty()) return;
  bpf_program prog{};
  if (pcap_compile(pcap_, &prog, bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    std::string msg = name_ + ": bad filter '" + bpf_filter + "': " + pcap_geterr(pcap_);
    throw UsageError(msg);
  }
  if (live_) {
    int rc = pcap_setfilter(pcap_, &prog);
    pcap_freecode(&prog);
    if (rc != 0) throw SetupError(name_ + ": cannot set filter: " + pcap_geterr(pcap_));
    return;
  }
  filter_ = new OfflineFilter{prog};
}

PacketSource::PacketSource(PacketSource&& o) noexcept {
  *this = std::move(o);
}

PacketSource& PacketSource::operator=(PacketSource&& o) noexcept {
  if (this == &o) return *this;
  if (pcap_) pcap_close(pcap_);
  if (filter_) {
    pcap_freecode(&filter_->prog);
    delete filter_;
  }
  pcap_ = std::exchange(o.pcap_, nullptr);
  filter_ = std::exchange(o.filter_, nullptr);
  name_ = std::move(o.name_);
  error_ = std::move(o.error_);
  linktype_ = o.linktype_;
  nano_ = o.nano_;
  live_ = o.live_;
  pcapng_ = o.pcapng_;
  records_ = o.records_;
  offset_ = o.offset_;
  file_size_ = o.file_size_;
  return *this;
}

PacketSource::~PacketSource() {
  if (filter_) {
    pcap_freecode(&filter_->prog);
    delete filter_;
  }
  if (pcap_) pcap_close(pcap_);
}

ReadStatus PacketSource::next(Packet& out) {
  for (;;) {
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    int rc = pcap_next_ex(pcap_, &h, &d);
    if (rc == 0) return ReadStatus::timeout;  // live only
    if (rc == PCAP_ERROR_BREAK) return live_ ? ReadStatus::timeout : ReadStatus::end;
    if (rc < 0) {
      std::uint64_t at = offset_;
      if (pcapng_ || live_) {
        std::FILE* f = live_ ? nullptr : pcap_file(pcap_);
        at = f ? static_cast<std::uint64_t>(std::ftell(f)) : 0;
      }
      error_ = name_ + ": record " + std::to_string(records_ + 1) + " at byte offset " + std::to_string(at) +
               ": " + pcap_geterr(pcap_);
      return ReadStatus::error;
    }
    ++records_;
    offset_ += 16 + h->caplen;
    if (filter_ && pcap_offline_filter(&filter_->prog, h, d) == 0) continue;
    out.data = ByteView(d, h->caplen);
    out.wire_len = h->len;
    out.ts_ns = static_cast<std::int64_t>(h->ts.tv_sec) * 1000000000 +
                static_cast<std::int64_t>(h->ts.tv_usec) * (nano_ ? 1 : 1000);
    out.number = records_;
    return ReadStatus::packet;
  }
}

std::uint64_t PacketSource::bytes_read() const {
  if (live_) return 0;
  if (!pcapng_) return offset_;
  std::FILE* f = pcap_file(pcap_);
  return f ? static_cast<std::uint64_t>(std::ftell(f)) : 0;
}

void PacketSource::interrupt() {
  if (pcap_) pcap_breakloop(pcap_);
}

const char* linktype_name(int linktype) {
  switch (linktype) {
    case linktype::null_bsd:
      return "null";
    case linktype::ethernet:
      return "ethernet";
    case linktype::raw:
      return "raw";
    case linktype::linux_sll:
      return "linux_sll";
    case linktype::ipv4:
      return "ipv4";
    case linktype::ipv6:
      return "ipv6";
    case linktype::linux_sll2:
      return "linux_sll2";
    default:
      return "unknown";
  }
}

}  // namespace pktmap::pcapio
