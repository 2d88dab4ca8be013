#pragma once
// A one-line progress display on stderr for long offline runs, shown only when stderr is a terminal (so
// scripts and CI logs stay clean). tick() is cheap: it looks at the clock every 16384 packets.
#include <chrono>
#include <cstdint>

namespace pktmap::report {

class Progress {
 public:
  // total_bytes 0 = unknown (no percentage). force_enable is for tests.
  explicit Progress(std::uint64_t total_bytes, bool force_enable = false);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void tick(std::uint64_t packets, std::uint64_t bytes_done) {
    if (!enabled_ || (packets & 16383) != 0) return;
    update(packets, bytes_done);
  }
  // Erases the line (call before printing the final report).
  void finish();
  [[nodiscard]] bool enabled() const { return enabled_; }

 private:
  void update(std::uint64_t packets, std::uint64_t bytes_done);

  std::uint64_t total_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace pktmap::report
