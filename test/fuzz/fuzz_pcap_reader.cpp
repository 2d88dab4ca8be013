// The capture reader (PacketSource) on any bytes, twice: as a file (memory-mapped records, libpcap from
// the first record that is not plain) and as a pipe (the stream's record buffer, the same hand-over to
// libpcap). Both must give the same records and end the same way: with the same error text after the name.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"

using namespace pktmap;
using namespace pktmap::pcapio;

namespace {
struct Run {
  bool opened = false;
  std::vector<std::uint64_t> records;  // number, wire length, timestamp, size and bytes folded per record
  std::string end;                     // "end" or the error after the input's name
  bool operator==(const Run&) const = default;
};

Run read_all(const std::string& path) {
  Run r;
  try {
    auto src = PacketSource::open_file(path);
    r.opened = true;
    Packet p;
    for (int guard = 0; guard < 100000; ++guard) {
      const ReadStatus s = src.next(p);
      if (s == ReadStatus::end) {
        r.end = "end";
        break;
      }
      if (s == ReadStatus::error) {
        r.end = src.error().substr(path.size());
        break;
      }
      std::uint64_t h = 1469598103934665603ULL;
      for (std::uint8_t b : p.data)
        h = (h ^ b) * 1099511628211ULL;
      r.records.insert(r.records.end(),
                       {p.number, p.wire_len, static_cast<std::uint64_t>(p.ts_ns), p.data.size(), h});
    }
  } catch (const SetupError&) {
  }
  return r;
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 60000) return 0;  // the pipe (64 KiB) takes the whole input before it is read: no thread
  const int file = ::memfd_create("fuzz-pcap", MFD_CLOEXEC);
  int pipe_fds[2];
  if (file < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) return 0;
  const bool written = write_all(file, data, size) && write_all(pipe_fds[1], data, size);
  ::close(pipe_fds[1]);
  if (written) {
    const Run as_file = read_all("/proc/self/fd/" + std::to_string(file));
    const Run as_pipe = read_all("/proc/self/fd/" + std::to_string(pipe_fds[0]));
    PKTMAP_FUZZ_CHECK(as_file.opened == as_pipe.opened);
    PKTMAP_FUZZ_CHECK(as_file.records == as_pipe.records);
    PKTMAP_FUZZ_CHECK(as_file.end == as_pipe.end);
  }
  ::close(file);
  ::close(pipe_fds[0]);
  return 0;
}
