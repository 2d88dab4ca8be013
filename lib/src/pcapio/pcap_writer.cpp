#include "pktmap/pcapio/pcap_writer.hpp"

#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "pktmap/error.hpp"

namespace pktmap::pcapio {

namespace {
// Creates PATH.tmp.XXXXXX beside the target so the final rename stays on one filesystem.
std::FILE* open_temp(const std::string& path, std::string& tmp_path) {
  tmp_path = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp_path.data());
  if (fd < 0) throw SetupError(path + ": cannot create output: " + std::strerror(errno));
  // mkstemp makes 0600; give the output the mode a plain open() would (0666 less the umask).
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    ::unlink(tmp_path.c_str());
    throw SetupError(path + ": cannot open output: " + std::strerror(errno));
  }
  return f;
}

void rename_into_place(const std::string& tmp_path, const std::string& path) {
  if (std::rename(tmp_path.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp_path.c_str());
    throw SetupError(path + ": cannot rename output into place: " + std::strerror(e));
  }
}
}  // namespace

PcapWriter::PcapWriter(std::string path, int linktype, bool nanosecond, int snaplen)
    : path_(std::move(path)), nano_(nanosecond) {
  dead_ = pcap_open_dead_with_tstamp_precision(
      linktype, snaplen, nano_ ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  if (!dead_) throw SetupError(path_ + ": cannot set up pcap writer");
  if (path_ == "-") {
    dumper_ = pcap_dump_fopen(dead_, stdout);
  } else {
    std::FILE* f = open_temp(path_, tmp_path_);
    dumper_ = pcap_dump_fopen(dead_, f);
    if (!dumper_) std::fclose(f);
  }
  if (!dumper_) {
    std::string msg = path_ + ": cannot write pcap: " + pcap_geterr(dead_);
    if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
    pcap_close(dead_);
    throw SetupError(msg);
  }
}

PcapWriter::~PcapWriter() {
  if (dumper_) {
    if (path_ == "-") {
      pcap_dump_flush(dumper_);
    } else {
      pcap_dump_close(dumper_);
      if (!committed_) ::unlink(tmp_path_.c_str());
    }
  }
  if (dead_) pcap_close(dead_);
}

void PcapWriter::write(ByteView data, std::uint32_t wire_len, std::int64_t ts_ns) {
  pcap_pkthdr h{};
  std::int64_t sec = ts_ns / 1000000000;
  std::int64_t frac = ts_ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --sec;
  }
  h.ts.tv_sec = static_cast<time_t>(sec);
  h.ts.tv_usec = static_cast<suseconds_t>(nano_ ? frac : frac / 1000);
  h.caplen = static_cast<bpf_u_int32>(data.size());
  h.len = wire_len < data.size() ? static_cast<bpf_u_int32>(data.size()) : wire_len;
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, data.data());
  ++count_;
}

void PcapWriter::commit() {
  if (committed_ || !dumper_) return;
  if (path_ == "-") {
    pcap_dump_flush(dumper_);
    committed_ = true;
    return;
  }
  std::FILE* f = pcap_dump_file(dumper_);
  bool ok = pcap_dump_flush(dumper_) == 0 && !std::ferror(f) && ::fsync(fileno(f)) == 0;
  pcap_dump_close(dumper_);
  dumper_ = nullptr;
  if (!ok) {
    ::unlink(tmp_path_.c_str());
    throw SetupError(path_ + ": write failed: " + std::strerror(errno));
  }
  rename_into_place(tmp_path_, path_);
  committed_ = true;
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdout;
  } else {
    file_ = open_temp(path_, tmp_path_);
  }
}

AtomicFile::~AtomicFile() {
  if (file_ && file_ != stdout) {
    std::fclose(file_);
    if (!committed_) ::unlink(tmp_path_.c_str());
  }
}

void AtomicFile::commit() {
  if (committed_) return;
  committed_ = true;
  if (file_ == stdout) {
    std::fflush(stdout);
    return;
  }
  bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) {
    ::unlink(tmp_path_.c_str());
    throw SetupError(path_ + ": write failed: " + std::strerror(errno));
  }
  rename_into_place(tmp_path_, path_);
}

}  // namespace pktmap::pcapio
