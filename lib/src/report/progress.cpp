#include "pktmap/report/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pktmap::report {

Progress::Progress(std::uint64_t total_bytes, bool force_enable)
    : total_(total_bytes),
      enabled_(force_enable || ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::uint64_t packets, std::uint64_t bytes_done) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(packets) / secs : 0;
  if (total_ > 0) {
    double pct = 100.0 * static_cast<double>(bytes_done) / static_cast<double>(total_);
    double eta = pct > 0 ? secs * (100.0 - pct) / pct : 0;
    std::fprintf(stderr, "\r\033[K%5.1f %%  %llu packets  %.2f Mpps  eta %.0f s", pct,
                 static_cast<unsigned long long>(packets), rate / 1e6, eta);
  } else {
    std::fprintf(stderr, "\r\033[K%llu packets  %.2f Mpps", static_cast<unsigned long long>(packets),
                 rate / 1e6);
  }
  std::fflush(stderr);
  shown_ = true;
}

void Progress::finish() {
  if (shown_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }
}

}  // namespace pktmap::report
