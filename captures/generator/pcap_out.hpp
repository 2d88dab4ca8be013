#pragma once
// Deterministic pcap output over pktmap's PcapWriter: atomic for files (a run that fails half-way leaves
// the previous file untouched), and "-" streams to standard output in bounded memory, so a capture of any
// size can be piped into a tool without touching the disk.
#include <cstdint>
#include <string>

#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::gencap {

// 2026-01-01T12:00:00Z: every capture starts here so regenerated files are byte-identical.
inline constexpr std::uint64_t kStartEpochUs = 1'767'268'800ull * 1'000'000ull;

// Fixed-step packet clock in microseconds (pcap v2.4 stores microseconds).
class Clock {
 public:
  explicit Clock(std::uint32_t step_us, std::uint64_t start_us = kStartEpochUs)
      : now_us_(start_us), step_us_(step_us) {}
  // The current time; the next call returns it plus step (or plus `extra_us` more, for visible gaps).
  std::uint64_t tick(std::uint32_t extra_us = 0) {
    std::uint64_t t = now_us_;
    now_us_ += step_us_ + extra_us;
    return t;
  }

 private:
  std::uint64_t now_us_;
  std::uint32_t step_us_;
};

class PcapOut {
 public:
  // LINKTYPE_ETHERNET, microsecond timestamps (the classic 0xa1b2c3d4 magic every tool reads). Throws
  // SetupError (a std::runtime_error) when the output cannot be created.
  explicit PcapOut(std::string path);

  // caplen = len = frame.size(): the generator never truncates.
  void write(std::uint64_t ts_us, ByteView frame);
  // Flushes and, for a file, renames it onto the target. Throws on any I/O error.
  void commit() { out_.commit(); }
  [[nodiscard]] std::uint64_t packets() const { return out_.count(); }

 private:
  pcapio::PcapWriter out_;
};

}  // namespace pktmap::gencap
