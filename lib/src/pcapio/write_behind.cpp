#include "write_behind.hpp"

#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "helper_thread.hpp"

namespace pktmap::pcapio {

namespace {
// Writes all of [p, p + n) or returns the errno that stopped it.
int write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t k = ::write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (k == 0) return EIO;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return 0;
}

// Between buffers the helper sleeps this long per poll: a 256 KiB buffer takes the proxy about 0.25 ms to
// fill. After kQuietPolls polls without work (about 20 ms) it sleeps until woken.
constexpr long kPollNs = 50'000;
constexpr int kQuietPolls = 400;

void nap() {
  timespec ts{0, kPollNs};
  ::nanosleep(&ts, nullptr);
}
}  // namespace

WriteBehind::WriteBehind(int fd, std::size_t buffer_size, std::size_t buffers)
    : fd_(fd), buffer_size_(buffer_size), slots_(buffers) {
  bufs_.reserve(buffers);
  free_.reserve(buffers);
  for (std::size_t i = 0; i < buffers; ++i) {
    bufs_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(buffer_size));  // populate() maps them
    free_.push_back(buffers - 1 - i);
  }
  thread_ = detail::start_helper([this] { run(); });
}

WriteBehind::~WriteBehind() {
  stop_.store(true);
  {
    std::lock_guard lock(mu_);  // a helper about to sleep either sees stop_ or is woken below
  }
  cv_.notify_all();
  thread_.join();
}

void WriteBehind::wait_written(std::uint64_t at_least) {
  if (written_.load() >= at_least) return;
  std::unique_lock lock(mu_);
  producer_waiting_.store(true);
  cv_.wait(lock, [&] { return written_.load() >= at_least; });
  producer_waiting_.store(false);
}

void WriteBehind::reclaim() {
  for (const std::uint64_t w = written_.load(); reclaimed_ < w; ++reclaimed_)
    free_.push_back(slots_[reclaimed_ % slots_.size()].buf);
}

std::uint8_t* WriteBehind::acquire() {
  reclaim();
  if (free_.empty()) {
    wait_written(reclaimed_ + 1);
    reclaim();
  }
  current_ = free_.back();
  free_.pop_back();
  return bufs_[current_].get();
}

void WriteBehind::submit(std::size_t used) {
  const std::uint64_t s = submitted_.load();
  slots_[s % slots_.size()] = {current_, used};
  submitted_.store(s + 1);
  if (helper_asleep_.load()) {
    std::lock_guard lock(mu_);
    cv_.notify_all();
  }
}

int WriteBehind::drain() {
  wait_written(submitted_.load());
  return error_;
}

// Every buffer made resident at the start, here, rather than by the producer as it first fills each one: the
// packet thread takes none of those page faults, and the memory taken is the same on every run (with the
// buffers reused last-written-first, how many got touched depended on how often the writer fell behind).
// The producer may already be filling the first buffer: populating maps pages and writes no byte.
void WriteBehind::populate() const {
#ifdef MADV_POPULATE_WRITE
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  for (const auto& b : bufs_) {
    const auto at = reinterpret_cast<std::uintptr_t>(b.get());
    const std::uintptr_t begin = (at + page - 1) & ~(page - 1);
    const std::uintptr_t end = (at + buffer_size_) & ~(page - 1);
    if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
  }
#endif
}

void WriteBehind::run() {
  populate();  // best effort: kernels before 5.14 refuse the advice, and the producer faults pages in
  int quiet = 0;
  for (;;) {
    if (stop_.load()) return;  // the owner gave up on the output: drop the rest
    const std::uint64_t w = written_.load();
    if (w < submitted_.load()) {
      const Slot& slot = slots_[w % slots_.size()];
      if (error_ == 0) error_ = write_all(fd_, bufs_[slot.buf].get(), slot.used);
      written_.store(w + 1);
      if (producer_waiting_.load()) {
        std::lock_guard lock(mu_);
        cv_.notify_all();
      }
      quiet = 0;
      continue;
    }
    if (++quiet < kQuietPolls) {
      nap();
      continue;
    }
    std::unique_lock lock(mu_);
    helper_asleep_.store(true);
    cv_.wait(lock, [&] { return stop_.load() || has_work(); });
    helper_asleep_.store(false);
    quiet = 0;
  }
}

}  // namespace pktmap::pcapio
