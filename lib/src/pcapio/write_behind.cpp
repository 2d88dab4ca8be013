#include "write_behind.hpp"

#include <unistd.h>

#include <cerrno>

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
}  // namespace

WriteBehind::WriteBehind(int fd, std::size_t buffer_size, std::size_t buffers) : fd_(fd), used_(buffers, 0) {
  bufs_.reserve(buffers);
  for (std::size_t i = 0; i < buffers; ++i)
    bufs_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(buffer_size));  // untouched until filled
  thread_ = detail::start_helper([this] { run(); });
}

WriteBehind::~WriteBehind() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::uint8_t* WriteBehind::acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return submitted_ - written_ < bufs_.size(); });
  return bufs_[submitted_ % bufs_.size()].get();
}

void WriteBehind::submit(std::size_t used) {
  {
    std::lock_guard lock(mu_);
    used_[submitted_ % bufs_.size()] = used;
    ++submitted_;
  }
  cv_.notify_all();
}

int WriteBehind::drain() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return written_ == submitted_; });
  return error_;
}

void WriteBehind::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || written_ < submitted_; });
    if (written_ == submitted_) return;  // stopping, nothing left
    if (stop_) return;                   // the owner gave up on the output: drop the rest
    const std::size_t k = written_ % bufs_.size();
    const int failed = error_;
    lock.unlock();
    int e = failed ? failed : write_all(fd_, bufs_[k].get(), used_[k]);
    lock.lock();
    if (!failed) error_ = e;
    ++written_;
    cv_.notify_all();
  }
}

}  // namespace pktmap::pcapio
