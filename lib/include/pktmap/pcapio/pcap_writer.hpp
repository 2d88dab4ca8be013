#pragma once
// Writes a pcap file atomically: packets go to a temporary file beside the target, which is renamed over
// the target only by commit(). A writer destroyed without commit() (error, crash path) removes the temporary,
// so a reader never sees a half-written output under the final name. "-" writes to standard output, and an
// existing path that is not a regular file (/dev/null, a FIFO, a terminal) is written in place, as tcpdump -w
// does, never replaced.
// libpcap writes the file header; records are appended to a large buffer of our own and handed to stdio in
// big blocks (pcap_dump's two fwrite calls per packet cost more than the rest of a proxy's work on it). A
// temporary file (the usual case) is written behind once its first 512 KiB are out: full blocks go out from
// a second thread while the next fills (write_behind.hpp).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pktmap/pcapio/packet.hpp"

struct pcap;
struct pcap_dumper;

namespace pktmap::pcapio {

class WriteBehind;

class PcapWriter {
 public:
  static constexpr int kDefaultSnaplen = 262144;  // libpcap's MAXIMUM_SNAPLEN
  // Throws SetupError if the output cannot be created (or PATH is a directory). expected_bytes: how much
  // the caller expects to write, if it knows (a replay writes about its input's size); from 512 KiB on, the
  // write-behind helper starts at once instead of when the output gets there.
  PcapWriter(std::string path, int linktype, bool nanosecond = true, int snaplen = kDefaultSnaplen,
             std::uint64_t expected_bytes = 0);
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter();

  // Inline: called for every packet; only a full buffer's flush goes out of line.
  void write(ByteView data, std::uint32_t wire_len, std::int64_t ts_ns);
  void write(const Packet& p) { write(p.data, p.wire_len, p.ts_ns); }
  // Flushes, closes and renames into place. Throws SetupError on I/O failure (disk full).
  void commit();
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_path_;
  pcap* dead_ = nullptr;
  // more: records may follow (a full buffer), so the write-behind helper may start now; not at the end.
  void flush_buffer(bool more = true);
  void go_behind();
  void write_large(const std::uint32_t (&rec)[4], ByteView data);

  static constexpr std::uint64_t kInPlaceBytes = 512 * 1024;

  pcap_dumper* dumper_ = nullptr;
  std::uint8_t* buf_ = nullptr;  // pending records: own_, or the write-behind buffer being filled
  std::size_t cap_ = 0;
  std::size_t used_ = 0;
  std::vector<std::uint8_t> own_;
  std::unique_ptr<WriteBehind> behind_;
  std::uint64_t in_place_ = 0;  // bytes of records written by this thread
  bool may_go_behind_ = false;  // a temporary file, on a machine with a second core
  bool nano_ = true;
  bool committed_ = false;
  std::uint64_t count_ = 0;
};

// The record layout pcap_dump writes (struct pcap_sf_pkthdr): 32-bit seconds, 32-bit micro- or
// nanoseconds, caplen, len, all in host byte order like the file header libpcap wrote.
inline void PcapWriter::write(ByteView data, std::uint32_t wire_len, std::int64_t ts_ns) {
  std::int64_t sec = ts_ns / 1000000000;
  std::int64_t frac = ts_ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --sec;
  }
  const std::uint32_t caplen = static_cast<std::uint32_t>(data.size());
  const std::uint32_t rec[4] = {static_cast<std::uint32_t>(sec),
                                static_cast<std::uint32_t>(nano_ ? frac : frac / 1000), caplen,
                                wire_len < caplen ? caplen : wire_len};
  const std::size_t need = sizeof rec + data.size();
  if (used_ + need > cap_) {
    flush_buffer();
    if (need > cap_) {  // larger than the whole buffer
      write_large(rec, data);
      return;
    }
  }
  // Field by field: the array copied whole was a 16-byte load of four 4-byte stores just made, which store
  // forwarding cannot serve (a stall on every packet).
  std::uint8_t* d = buf_ + used_;
  for (std::size_t k = 0; k < 4; ++k)
    std::memcpy(d + 4 * k, &rec[k], 4);
  if (!data.empty()) std::memcpy(d + sizeof rec, data.data(), data.size());
  used_ += need;
  ++count_;
}

// Atomic text/JSON output with the same temp-then-rename rule (and the same in-place writing of "-",
// devices and FIFOs).
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  [[nodiscard]] std::FILE* file() const { return file_; }
  void commit();

 private:
  std::string path_;
  std::string tmp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

}  // namespace pktmap::pcapio
