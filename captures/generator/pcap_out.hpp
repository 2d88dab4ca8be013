#pragma once
// Atomic, deterministic pcap writer: records go to a temporary file beside the target, which is renamed
// over the target only by commit(). A run that fails half-way leaves the previous file untouched.
#include <cstdint>
#include <cstdio>
#include <string>

#include <pcap/pcap.h>

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
  // Opens `path`.tmp.<pid> for LINKTYPE_ETHERNET output. Throws std::runtime_error on failure.
  explicit PcapOut(std::string path);
  ~PcapOut();
  PcapOut(const PcapOut&) = delete;
  PcapOut& operator=(const PcapOut&) = delete;

  // caplen = len = frame.size(): the generator never truncates.
  void write(std::uint64_t ts_us, ByteView frame);
  // Flushes, closes and renames onto the target. Throws on any I/O error.
  void commit();
  [[nodiscard]] std::uint64_t packets() const { return packets_; }

 private:
  void discard();

  std::string path_;
  std::string tmp_;
  pcap_t* dead_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  std::uint64_t packets_ = 0;
};

}  // namespace pktmap::gencap
