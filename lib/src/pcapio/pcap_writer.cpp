#include "pktmap/pcapio/pcap_writer.hpp"

#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "helper_thread.hpp"
#include "pktmap/error.hpp"
#include "write_behind.hpp"

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

// An existing path that is not a regular file (/dev/null, a FIFO, a terminal) is written in place, as
// tcpdump -w does: a temporary beside it renamed over it would replace the device node or FIFO itself (root
// may create files in /dev), and a reader of the FIFO would never see the data. tmp_path stays empty then.
std::FILE* open_output(const std::string& path, std::string& tmp_path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return open_temp(path, tmp_path);
  if (S_ISDIR(st.st_mode)) throw SetupError(path + ": is a directory, not an output file");
  tmp_path.clear();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw SetupError(path + ": cannot open output: " + std::strerror(errno));
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

PcapWriter::PcapWriter(std::string path, int linktype, bool nanosecond, int snaplen,
                       std::uint64_t expected_bytes)
    : path_(std::move(path)), nano_(nanosecond) {
  dead_ = pcap_open_dead_with_tstamp_precision(
      linktype, snaplen, nano_ ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  if (!dead_) throw SetupError(path_ + ": cannot set up pcap writer");
  if (path_ == "-") {
    dumper_ = pcap_dump_fopen(dead_, stdout);
  } else {
    std::FILE* f = nullptr;
    try {
      f = open_output(path_, tmp_path_);
    } catch (...) {
      pcap_close(dead_);  // the destructor does not run for a constructor that throws
      throw;
    }
    dumper_ = pcap_dump_fopen(dead_, f);
    if (!dumper_) std::fclose(f);
  }
  if (!dumper_) {
    std::string msg = path_ + ": cannot write pcap: " + pcap_geterr(dead_);
    if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
    pcap_close(dead_);
    throw SetupError(msg);
  }
  // Standard output gets smaller blocks so that a reader of a pipe sees packets sooner. Files get 256 KiB:
  // a buffer that stays in the L2 cache until the kernel copies it out (1 MiB was measurably slower).
  // Only the temporary file we created is written behind: a pipe, FIFO or device written in place keeps
  // its writes (and their SIGPIPE) on the thread that runs the tool.
  const std::size_t block = path_ == "-" ? 64 * 1024 : 256 * 1024;
  may_go_behind_ = !tmp_path_.empty() && detail::second_core();
  own_.resize(block);
  buf_ = own_.data();
  cap_ = block;
  if (may_go_behind_ && expected_bytes >= kInPlaceBytes) go_behind();
}

// The helper starts once the output has passed kInPlaceBytes: a small output (a sample capture, the few
// packets of an --unmatched or --rejected file) is written by this thread, since the helper's start (a
// thread, 4 MiB made resident) costs 2-3 ms, several times the in-place writes it would save.
// Sixteen buffers (4 MiB) carry the main thread through the milliseconds in which the helper does not run:
// a loaded host gives a VM one vCPU more readily than two, and with four (1 ms of a proxy's output) the
// proxy's main thread waited for a free buffer at 72-146 of its 548 hand-overs in such an hour.
void PcapWriter::go_behind() {
  constexpr std::size_t kBehindBuffers = 16;
  may_go_behind_ = false;
  std::FILE* f = pcap_dump_file(dumper_);
  if (std::fflush(f) != 0) return;  // written in place from here on; commit() reports the error
  try {
    // Everything so far is out: the raw descriptor from here on.
    behind_ = std::make_unique<WriteBehind>(fileno(f), cap_, kBehindBuffers);
  } catch (const std::exception&) {  // no thread to be had (limits): written by this one instead
    behind_.reset();
    return;
  }
  buf_ = behind_->acquire();
  std::vector<std::uint8_t>().swap(own_);
}

PcapWriter::~PcapWriter() {
  if (dumper_) {
    // A temporary written behind is removed below: stop its thread (before the file closes), drop the rest.
    if (behind_)
      behind_.reset();
    else
      flush_buffer(false);
    if (path_ == "-") {
      pcap_dump_flush(dumper_);
    } else {
      pcap_dump_close(dumper_);
      if (!committed_ && !tmp_path_.empty()) ::unlink(tmp_path_.c_str());
    }
  }
  if (dead_) pcap_close(dead_);
}

void PcapWriter::flush_buffer(bool more) {
  if (used_ == 0) return;
  if (behind_) {
    behind_->submit(used_);
    buf_ = behind_->acquire();
  } else {
    std::fwrite(buf_, 1, used_, pcap_dump_file(dumper_));
    in_place_ += used_;
    if (more && may_go_behind_ && in_place_ >= kInPlaceBytes) go_behind();
  }
  used_ = 0;
}

// A record larger than the whole buffer goes straight out (the buffer was just flushed; behind a thread,
// after everything before it is written).
void PcapWriter::write_large(const std::uint32_t (&rec)[4], ByteView data) {
  std::FILE* f = pcap_dump_file(dumper_);
  if (behind_ && behind_->drain() != 0) return;  // the error is reported by commit()
  std::fwrite(rec, 1, sizeof rec, f);
  std::fwrite(data.data(), 1, data.size(), f);
  if (behind_) std::fflush(f);  // before the next block goes to the raw fd
  ++count_;
}

void PcapWriter::commit() {
  if (committed_ || !dumper_) return;
  flush_buffer(false);
  if (path_ == "-") {
    pcap_dump_flush(dumper_);
    committed_ = true;
    return;
  }
  std::FILE* f = pcap_dump_file(dumper_);
  const int behind_error = behind_ ? behind_->drain() : 0;
  // fsync is for the file the rename publishes; a device or FIFO written in place may not support it.
  const bool in_place = tmp_path_.empty();
  bool ok = behind_error == 0 && pcap_dump_flush(dumper_) == 0 && !std::ferror(f) &&
            (in_place || ::fsync(fileno(f)) == 0);
  const int e = behind_error ? behind_error : errno;
  behind_.reset();
  pcap_dump_close(dumper_);
  dumper_ = nullptr;
  if (!ok) {
    if (!in_place) ::unlink(tmp_path_.c_str());
    throw SetupError(path_ + ": write failed: " + std::strerror(e));
  }
  if (!in_place) rename_into_place(tmp_path_, path_);
  committed_ = true;
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdout;
  } else {
    file_ = open_output(path_, tmp_path_);
  }
}

AtomicFile::~AtomicFile() {
  if (file_ && file_ != stdout) {
    std::fclose(file_);
    if (!committed_ && !tmp_path_.empty()) ::unlink(tmp_path_.c_str());
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
  const int e = errno;
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) {
    if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
    throw SetupError(path_ + ": write failed: " + std::strerror(e));
  }
  if (!tmp_path_.empty()) rename_into_place(tmp_path_, path_);
}

}  // namespace pktmap::pcapio
