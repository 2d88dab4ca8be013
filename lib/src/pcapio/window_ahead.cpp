#include "window_ahead.hpp"

#include <sys/mman.h>

#include "helper_thread.hpp"

namespace pktmap::pcapio::detail {

WindowAhead::WindowAhead(int fd) : fd_(fd) {
  thread_ = start_helper([this] { run(); });
}

WindowAhead::~WindowAhead() {
  {
    std::unique_lock lock(mu_);
    wait_done(lock);
    stop_ = true;
    if (pending_ && mapped_) ::munmap(const_cast<std::uint8_t*>(mapped_), len_);
  }
  cv_.notify_all();
  thread_.join();
}

void WindowAhead::wait_done(std::unique_lock<std::mutex>& lock) {
  cv_.wait(lock, [&] { return !queued_; });
}

void WindowAhead::request(const std::uint8_t* old, std::size_t old_len, std::uint64_t base, std::size_t len) {
  {
    std::unique_lock lock(mu_);
    wait_done(lock);
    // A window mapped ahead but never taken (the reader went elsewhere) goes now.
    if (pending_ && mapped_) ::munmap(const_cast<std::uint8_t*>(mapped_), len_);
    old_ = old;
    old_len_ = old_len;
    base_ = base;
    len_ = len;
    mapped_ = nullptr;
    pending_ = queued_ = true;
  }
  cv_.notify_all();
}

const std::uint8_t* WindowAhead::take(std::uint64_t& base, std::size_t& len) {
  std::unique_lock lock(mu_);
  wait_done(lock);
  pending_ = false;
  base = base_;
  len = len_;
  return mapped_;
}

void WindowAhead::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || queued_; });
    if (stop_) return;
    const std::uint8_t* old = old_;
    const std::size_t old_len = old_len_;
    const std::uint64_t base = base_;
    const std::size_t len = len_;
    lock.unlock();
    if (old) ::munmap(const_cast<std::uint8_t*>(old), old_len);
    void* m = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, static_cast<off_t>(base));
    if (m != MAP_FAILED) ::madvise(m, len, MADV_SEQUENTIAL);
    lock.lock();
    mapped_ = m == MAP_FAILED ? nullptr : static_cast<const std::uint8_t*>(m);
    queued_ = false;
    cv_.notify_all();
  }
}

}  // namespace pktmap::pcapio::detail
