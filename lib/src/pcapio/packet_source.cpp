#include "pktmap/pcapio/packet_source.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

#include "helper_thread.hpp"
#include "pktmap/error.hpp"
#include "stream_input.hpp"
#include "window_ahead.hpp"

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

// Standard input is a regular file read from its first byte, and /dev/stdin names that same file.
bool stdin_is_whole_file() {
  struct stat in {};
  struct stat dev {};
  return ::fstat(STDIN_FILENO, &in) == 0 && S_ISREG(in.st_mode) && ::lseek(STDIN_FILENO, 0, SEEK_CUR) == 0 &&
         ::stat("/dev/stdin", &dev) == 0 && dev.st_dev == in.st_dev && dev.st_ino == in.st_ino;
}
}  // namespace

PacketSource PacketSource::open_file(const std::string& path, const std::string& bpf_filter) {
  PacketSource s;
  s.name_ = path;
  // "-" is standard input, as in tcpdump -r -. Redirected from a regular file at its start (`-r - <x.pcap`),
  // it is the same file opened again through /dev/stdin, and mapped like a named one.
  const std::string file = path == "-" && stdin_is_whole_file() ? "/dev/stdin" : path;
  bool stream = file == "-";
  if (!stream) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
      throw SetupError(path + ": cannot open: no such file or not readable");
    if (S_ISDIR(st.st_mode)) throw SetupError(path + ": is a directory, not a capture file");
    // A FIFO, a device or <(zcat x.pcap.gz): each byte can be read once, so it is opened once.
    stream = !S_ISREG(st.st_mode);
    if (!stream) {
      s.file_size_ = static_cast<std::uint64_t>(st.st_size);
      s.pcapng_ = is_pcapng(file);
    }
  }
  char err[PCAP_ERRBUF_SIZE] = {};
  if (stream) {
    std::FILE* f = detail::StreamInput::open(path, s.stream_);
    const std::uint8_t* h = s.stream_->head();
    s.pcapng_ = s.stream_->head_len() >= 4 && h[0] == 0x0a && h[1] == 0x0d && h[2] == 0x0d && h[3] == 0x0a;
    s.pcap_ = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
    if (!s.pcap_) {
      std::fclose(f);
      s.stream_ = nullptr;
    }
  } else {
    s.pcap_ = pcap_open_offline_with_tstamp_precision(file.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  }
  if (!s.pcap_) throw SetupError(path + ": not a readable pcap or pcapng file: " + err);
  s.linktype_ = pcap_datalink(s.pcap_);
  s.nano_ = true;
  s.offset_ = 24;  // classic pcap global header
  s.set_filter(bpf_filter);
  if (stream && !s.pcapng_) s.start_stream();
  if (!stream && !s.pcapng_) s.start_mapped(file);
  return s;
}

namespace {
constexpr std::size_t kWindow = std::size_t{8} << 20;  // bounds memory on any file size (RSS counts the map)
// With read-ahead two windows are mapped at a time: each is half as long, for the same bound. Each starts
// kAheadOverlap before the end of the one before, so a record that straddles that end (at most 16 + 262144
// bytes) is whole in it.
constexpr std::size_t kAheadWindow = kWindow / 2;
constexpr std::size_t kAheadOverlap = std::size_t{512} << 10;
constexpr std::uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr std::uint32_t kMagicNano = 0xa1b23c4d;
}  // namespace

namespace {
// Seconds and fraction to nanoseconds, saturated: a pcapng timestamp can lie beyond what 64-bit nanoseconds
// hold (the year 2262), and the overflow would be undefined (fuzz_pcap_reader found one).
std::int64_t to_ns(std::int64_t sec, std::int64_t frac_ns) {
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(sec, std::int64_t{1000000000}, &ns) || __builtin_add_overflow(ns, frac_ns, &ns))
    return sec < 0 ? INT64_MIN : INT64_MAX;
  return ns;
}

// Only the plain case is read without libpcap: host byte order, version 2.4, and link types libpcap hands
// out untouched (it rewrites some headers of other types, e.g. Linux USB). Anything else stays with libpcap.
bool plain_linktype(int lt) {
  return lt == linktype::ethernet || lt == linktype::raw || lt == linktype::ipv4 || lt == linktype::ipv6;
}
bool plain_header(const std::uint8_t* h, bool& nano) {
  std::uint32_t magic = 0;
  std::uint16_t major = 0, minor = 0;
  std::memcpy(&magic, h, 4);
  std::memcpy(&major, h + 4, 2);
  std::memcpy(&minor, h + 6, 2);
  nano = magic == kMagicNano;
  return (magic == kMagicMicro || magic == kMagicNano) && major == 2 && minor == 4;
}
}  // namespace

void PacketSource::start_mapped(const std::string& path) {
  if (!plain_linktype(linktype_)) return;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return;
  struct stat st {};
  std::uint8_t h[24];
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || ::pread(fd_, h, sizeof h, 0) != sizeof h ||
      !plain_header(h, map_nano_)) {
    unmap();
    return;
  }
  snaplen_ = static_cast<std::uint32_t>(pcap_snapshot(pcap_));
  file_size_ = static_cast<std::uint64_t>(st.st_size);
  mapped_ = true;
}

// libpcap must have taken the file header and nothing more: the records are ours until hand_over().
void PacketSource::start_stream() {
  if (!plain_linktype(linktype_) || stream_->head_len() != 24 || stream_->given() != 24 ||
      !plain_header(stream_->head(), map_nano_))
    return;
  snaplen_ = static_cast<std::uint32_t>(pcap_snapshot(pcap_));
  stream_->take_over();
  map_ = stream_->data();
  map_off_ = 24;
  map_len_ = 0;
  mapped_ = true;
}

// Makes [at, at + need) readable, moving the window when it is not. False past the end of the file.
bool PacketSource::map_window(std::uint64_t at, std::size_t need) {
  if (map_ && at >= map_off_ && at + need <= map_off_ + map_len_) return true;
  if (stream_) {  // the unread rest moves to the front of the buffer (at never goes back)
    const bool ok = stream_->refill(static_cast<std::size_t>(at - map_off_), need);
    map_ = stream_->data();
    map_off_ = at;
    map_len_ = stream_->filled();
    return ok;
  }
  if (ahead_ && ahead_->covers(at, need)) {
    std::uint64_t base = 0;
    std::size_t len = 0;
    if (const std::uint8_t* m = ahead_->take(base, len)) {
      const std::uint8_t* old = std::exchange(map_, m);
      const std::size_t old_len = std::exchange(map_len_, len);
      map_off_ = base;
      read_ahead(old, old_len);
      return true;
    }
  }
  if (map_) ::munmap(const_cast<std::uint8_t*>(map_), map_len_);
  map_ = nullptr;
  if (at + need > file_size_) return false;
  if (!ahead_ && !no_ahead_ && file_size_ > kWindow && detail::second_core()) {
    try {
      ahead_ = new detail::WindowAhead(fd_);
    } catch (const std::exception&) {  // no thread to be had (limits): every window mapped here instead
      no_ahead_ = true;
    }
  }
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t base = at / page * page;
  const std::uint64_t len = std::min<std::uint64_t>(
      std::max<std::uint64_t>(ahead_ ? kAheadWindow : kWindow, at + need - base), file_size_ - base);
  // Populated at once: one page fault per 16 pages cost a sixth of sfcproxy-replay's CPU time in a VM
  // (bench/run-sfc-bench.sh, 0.67 -> 0.53 s median).
  void* m = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, static_cast<off_t>(base));
  if (m == MAP_FAILED) return false;
  ::madvise(m, len, MADV_SEQUENTIAL);
  map_ = static_cast<const std::uint8_t*>(m);
  map_off_ = base;
  map_len_ = len;
  if (ahead_) read_ahead(nullptr, 0);
  return true;
}

// Asks for the window after the current one, and for `old` to be unmapped, in the background.
void PacketSource::read_ahead(const std::uint8_t* old, std::size_t old_len) {
  const std::uint64_t end = map_off_ + map_len_;
  if (end >= file_size_) {  // the current window reaches the end of the file
    if (old) ::munmap(const_cast<std::uint8_t*>(old), old_len);
    return;
  }
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t base = (end - std::min<std::uint64_t>(kAheadOverlap, end - map_off_)) / page * page;
  const std::uint64_t len = std::min<std::uint64_t>(kAheadWindow, file_size_ - base);
  ahead_->request(old, old_len, base, static_cast<std::size_t>(len));
}

// libpcap reads on from the next record's offset (its FILE was only used for the file header so far).
void PacketSource::leave_mapped() {
  mapped_ = false;
  if (stream_) {  // a stream cannot seek: libpcap gets the buffered rest first
    const auto at = static_cast<std::size_t>(offset_ - map_off_);
    stream_->hand_over(map_ + at, map_len_ - at);
    map_ = nullptr;
    map_len_ = 0;
    return;
  }
  unmap();
  if (std::FILE* f = pcap_file(pcap_)) std::fseek(f, static_cast<long>(offset_), SEEK_SET);
}

void PacketSource::unmap() {
  if (stream_) {  // the record buffer belongs to libpcap's stream
    map_ = nullptr;
    map_len_ = 0;
    return;
  }
  delete std::exchange(ahead_, nullptr);  // its thread uses fd_
  if (map_) ::munmap(const_cast<std::uint8_t*>(map_), map_len_);
  map_ = nullptr;
  map_len_ = 0;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
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
  // In immediate mode libpcap 1.10 polls again after its read timeout instead of returning, so an idle
  // interface would block next() for good (no Ctrl-C check, no --duration). Non-blocking reads plus a poll
  // of our own bound each idle next() to timeout_ms; a ring with packets in it never reaches the poll.
  const int fd = pcap_get_selectable_fd(s.pcap_);
  if (fd >= 0 && pcap_setnonblock(s.pcap_, 1, err) == 0) {
    s.live_fd_ = fd;
    s.timeout_ms_ = options.timeout_ms;
  }
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
  unmap();
  stream_ = std::exchange(o.stream_, nullptr);
  stream_broken_ = o.stream_broken_;
  fd_ = std::exchange(o.fd_, -1);
  ahead_ = std::exchange(o.ahead_, nullptr);
  no_ahead_ = o.no_ahead_;
  map_ = std::exchange(o.map_, nullptr);
  map_len_ = std::exchange(o.map_len_, 0);
  map_off_ = o.map_off_;
  snaplen_ = o.snaplen_;
  mapped_ = std::exchange(o.mapped_, false);
  map_nano_ = o.map_nano_;
  live_fd_ = std::exchange(o.live_fd_, -1);
  timeout_ms_ = o.timeout_ms_;
  return *this;
}

PacketSource::~PacketSource() {
  unmap();
  if (filter_) {
    pcap_freecode(&filter_->prog);
    delete filter_;
  }
  if (pcap_) pcap_close(pcap_);
}

ReadStatus PacketSource::next_slow(Packet& out) {
  while (mapped_) {
    // The end of the file as it was at open, or any record that is not plain: libpcap takes over from here.
    if ((!stream_ && offset_ + 16 > file_size_) || !map_window(offset_, 16)) {
      if (stream_ && stream_->take_interrupted()) return ReadStatus::timeout;
      leave_mapped();
      break;
    }
    std::uint32_t rec[4];
    std::memcpy(rec, map_ + (offset_ - map_off_), sizeof rec);
    const std::uint32_t caplen = rec[2];
    if (caplen > snaplen_ || !map_window(offset_, 16 + std::size_t{caplen})) {
      if (stream_ && stream_->take_interrupted()) return ReadStatus::timeout;
      leave_mapped();
      break;
    }
    const std::uint8_t* d = map_ + (offset_ - map_off_) + 16;
    ++records_;
    offset_ += 16 + caplen;
    // libpcap's reading of the same fields: 32-bit signed seconds and fraction, scaled to nanoseconds.
    const std::int64_t sec = static_cast<std::int32_t>(rec[0]);
    const std::int64_t frac = static_cast<std::int32_t>(rec[1]);
    if (filter_) {
      pcap_pkthdr ph{};
      ph.ts.tv_sec = static_cast<time_t>(sec);
      ph.ts.tv_usec = static_cast<suseconds_t>(frac);
      ph.caplen = caplen;
      ph.len = rec[3];
      if (pcap_offline_filter(&filter_->prog, &ph, d) == 0) continue;
    }
    out.data = ByteView(d, caplen);
    out.wire_len = rec[3];
    out.ts_ns = sec * 1000000000 + frac * (map_nano_ ? 1 : 1000);
    out.number = records_;
    return ReadStatus::packet;
  }
  if (stream_broken_) return ReadStatus::error;
  for (;;) {
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    int rc = pcap_next_ex(pcap_, &h, &d);
    if (rc == 0 && live_fd_ >= 0 && wait_readable()) rc = pcap_next_ex(pcap_, &h, &d);
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
      // A signal (Ctrl-C) cut libpcap's read of a stream short: the caller's loop sees its flag first; the
      // stream is left mid-record, so a caller that reads on gets the error.
      if (stream_ && stream_->take_interrupted()) {
        stream_broken_ = true;
        return ReadStatus::timeout;
      }
      return ReadStatus::error;
    }
    ++records_;
    offset_ += 16 + h->caplen;
    if (filter_ && pcap_offline_filter(&filter_->prog, h, d) == 0) continue;
    out.data = ByteView(d, h->caplen);
    out.wire_len = h->len;
    out.ts_ns = to_ns(h->ts.tv_sec, static_cast<std::int64_t>(h->ts.tv_usec) * (nano_ ? 1 : 1000));
    out.number = records_;
    return ReadStatus::packet;
  }
}

// One wait of at most timeout_ms for the non-blocking live handle; a signal (Ctrl-C) ends it early.
bool PacketSource::wait_readable() const {
  pollfd pfd{live_fd_, POLLIN, 0};
  return ::poll(&pfd, 1, timeout_ms_) > 0;
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
