#pragma once
// Packet sources over libpcap: pcap/pcapng files (nanosecond timestamps kept) and live interfaces, each with
// an optional BPF filter. A corrupt or truncated file ends the stream with an error that names the file,
// record number and byte offset; the packets before it have already been delivered.
// Classic pcap files in host byte order are read through a sliding read-only memory map instead of libpcap's
// fread path (specs/perf.md §2.2: libpcap's read loop is most of a lean tool's cost); libpcap still opens and
// checks the file, and takes over at the first record that is anything but plain (truncated, longer than
// the snapshot length, ...) so errors and edge cases behave exactly as libpcap's. Standard input ("-"), FIFOs
// and devices are read once into a record buffer instead of the map, with the same hand-over to libpcap.
#include <cstdint>
#include <cstring>
#include <string>

#include "pktmap/pcapio/packet.hpp"

struct pcap;

namespace pktmap::pcapio {

namespace detail {
class StreamInput;
class WindowAhead;
}  // namespace detail

// timeout: nothing yet, call again after checking for Ctrl-C (an idle live interface, or a signal that
// interrupted the read of a stream).
enum class ReadStatus : std::uint8_t { packet, end, timeout, error };

struct LiveOptions {
  int snaplen = 262144;
  bool immediate = true;
  bool promiscuous = true;
  int timeout_ms = 100;  // next() returns `timeout` after at most this long on an idle interface
};

class PacketSource {
 public:
  // Throws SetupError (unreadable file, bad filter, unknown interface).
  static PacketSource open_file(const std::string& path, const std::string& bpf_filter = "");
  static PacketSource open_live(const std::string& iface, const std::string& bpf_filter = "",
                                const LiveOptions& options = {});
  PacketSource(PacketSource&& other) noexcept;
  PacketSource& operator=(PacketSource&& other) noexcept;
  PacketSource(const PacketSource&) = delete;
  PacketSource& operator=(const PacketSource&) = delete;
  ~PacketSource();

  // Next packet matching the filter. On `error`, error() says what and where.
  [[nodiscard]] ReadStatus next(Packet& out) {
    // Inline, the common case: an unfiltered record wholly inside the current map window.
    if (mapped_ && !filter_ && map_ && offset_ >= map_off_) {
      const std::uint64_t at = offset_ - map_off_;
      if (at + 16 <= map_len_) {
        std::uint32_t rec[4];
        std::memcpy(rec, map_ + at, sizeof rec);
        if (rec[2] <= snaplen_ && at + 16 + rec[2] <= map_len_) {
          ++records_;
          offset_ += 16 + std::uint64_t{rec[2]};
          out.data = ByteView(map_ + at + 16, rec[2]);
          out.wire_len = rec[3];
          // libpcap's reading of the same fields: 32-bit signed seconds and fraction, scaled to nanoseconds.
          out.ts_ns = std::int64_t{static_cast<std::int32_t>(rec[0])} * 1000000000 +
                      std::int64_t{static_cast<std::int32_t>(rec[1])} * (map_nano_ ? 1 : 1000);
          out.number = records_;
          // The records a few packets on, fetched non-temporally: a stream read once should not push a
          // proxy's mapping table out of L2 (the table's misses were a tenth of its time). Three lines
          // keep up with records of up to 192 bytes; longer ones are left to the hardware prefetcher.
          // (As an integer: the address may lie past the window, where no pointer may be formed.)
          const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(map_) + at + kPrefetchAhead;
          __builtin_prefetch(reinterpret_cast<const void*>(ahead), 0, 0);
          __builtin_prefetch(reinterpret_cast<const void*>(ahead + 64), 0, 0);
          __builtin_prefetch(reinterpret_cast<const void*>(ahead + 128), 0, 0);
          return ReadStatus::packet;
        }
      }
    }
    return next_slow(out);
  }
  [[nodiscard]] int linktype() const { return linktype_; }
  [[nodiscard]] bool nanosecond() const { return nano_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::uint64_t records_read() const { return records_; }
  // Bytes of the file consumed so far (files only), for progress lines.
  [[nodiscard]] std::uint64_t bytes_read() const;
  [[nodiscard]] std::uint64_t file_size() const { return file_size_; }
  [[nodiscard]] bool is_live() const { return live_; }
  // Makes a blocked next() return (signal-safe: only calls pcap_breakloop).
  void interrupt();
  [[nodiscard]] pcap* handle() const { return pcap_; }

 private:
  struct OfflineFilter;
  PacketSource() = default;
  ReadStatus next_slow(Packet& out);
  void set_filter(const std::string& bpf_filter);
  void start_mapped(const std::string& path);
  void start_stream();
  bool map_window(std::uint64_t at, std::size_t need);
  void read_ahead(const std::uint8_t* old, std::size_t old_len);
  void leave_mapped();
  void unmap();
  [[nodiscard]] bool wait_readable() const;

  static constexpr std::size_t kPrefetchAhead = 768;  // bytes: about five small records, a microsecond

  pcap* pcap_ = nullptr;
  OfflineFilter* filter_ = nullptr;  // files only; live filters run in the kernel
  std::string name_;
  std::string error_;
  int linktype_ = 0;
  bool nano_ = true;
  bool live_ = false;
  bool pcapng_ = false;
  std::uint64_t records_ = 0;  // records read from the file (including filtered-out ones)
  std::uint64_t offset_ = 0;   // byte offset of the next record (classic pcap)
  std::uint64_t file_size_ = 0;
  // Memory-mapped reading (files only): a window of the file and where it starts.
  int fd_ = -1;
  const std::uint8_t* map_ = nullptr;
  std::size_t map_len_ = 0;
  std::uint64_t map_off_ = 0;
  std::uint32_t snaplen_ = 0;
  bool mapped_ = false;
  bool map_nano_ = false;
  detail::WindowAhead* ahead_ = nullptr;  // maps the next window in the background (files of many windows)
  bool no_ahead_ = false;                 // its thread could not be started
  // Stream input: the map fields describe its record buffer (owned by libpcap's stream, freed with it).
  detail::StreamInput* stream_ = nullptr;
  bool stream_broken_ = false;  // a signal interrupted libpcap mid-record: only the error is left
  // Live handles: the non-blocking handle's descriptor (-1 when libpcap offers none) and the idle wait.
  int live_fd_ = -1;
  int timeout_ms_ = 0;
};

const char* linktype_name(int linktype);

}  // namespace pktmap::pcapio
