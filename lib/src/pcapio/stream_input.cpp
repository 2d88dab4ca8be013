#include "stream_input.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "pktmap/error.hpp"

namespace pktmap::pcapio::detail {

namespace {
constexpr std::size_t kBuffer = std::size_t{1} << 20;  // well above libpcap's largest record (256 KiB)
constexpr std::size_t kStdioBuffer = std::size_t{64} << 10;

// One read(2); 0 at end of input, -1 on error (EINTR included: the tools' Ctrl-C handlers do not restart
// reads, so that a run blocked on a silent pipe still stops).
ssize_t read_some(int fd, std::uint8_t* out, std::size_t size) {
  return ::read(fd, out, size);
}
}  // namespace

std::FILE* StreamInput::open(const std::string& path, StreamInput*& out) {
  const int fd = path == "-" ? ::fcntl(0, F_DUPFD_CLOEXEC, 0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw SetupError(path + ": cannot open: " + std::strerror(errno));
  // A larger pipe means fewer wake-ups of reader and writer (needs no privilege up to 1 MiB; best effort).
  (void)::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
  auto* s = new StreamInput;
  s->fd_ = fd;
  while (s->head_len_ < sizeof s->head_) {
    const ssize_t n = read_some(fd, s->head_ + s->head_len_, sizeof s->head_ - s->head_len_);
    if (n < 0 && errno == EINTR) {
      ::close(fd);
      delete s;
      throw SetupError(path + ": interrupted while waiting for the file header");
    }
    if (n <= 0) break;  // a short or unreadable input: libpcap's open names what is wrong with it
    s->head_len_ += static_cast<std::size_t>(n);
  }
  s->pending_ = s->head_;
  s->pending_len_ = s->head_len_;
  s->buf_.resize(kBuffer);
  s->stdio_buf_.resize(kStdioBuffer);
  cookie_io_functions_t io{};
  io.read = read_cookie;
  io.seek = seek_cookie;
  io.close = close_cookie;
  std::FILE* f = ::fopencookie(s, "rb", io);
  if (!f) {
    ::close(fd);
    delete s;
    throw SetupError(path + ": cannot open: " + std::strerror(errno));
  }
  std::setvbuf(f, s->stdio_buf_.data(), _IOFBF, s->stdio_buf_.size());
  out = s;
  return f;
}

void StreamInput::hand_over(const std::uint8_t* rest, std::size_t len) {
  owned_ = false;
  pending_ = rest;
  pending_len_ = len;
}

bool StreamInput::refill(std::size_t keep_from, std::size_t need) {
  if (keep_from > filled_) return false;
  std::memmove(buf_.data(), buf_.data() + keep_from, filled_ - keep_from);
  filled_ -= keep_from;
  if (need > buf_.size()) return false;
  while (filled_ < need) {
    const ssize_t n = read_some(fd_, buf_.data() + filled_, buf_.size() - filled_);
    if (n < 0 && errno == EINTR) interrupted_ = true;
    if (n <= 0) return false;
    filled_ += static_cast<std::size_t>(n);
  }
  return true;
}

ssize_t StreamInput::read_cookie(void* cookie, char* out, std::size_t size) {
  auto* s = static_cast<StreamInput*>(cookie);
  if (s->pending_len_ > 0) {
    const std::size_t n = std::min(size, s->pending_len_);
    std::memcpy(out, s->pending_, n);
    s->pending_ += n;
    s->pending_len_ -= n;
    s->given_ += n;
    return static_cast<ssize_t>(n);
  }
  if (s->owned_) return 0;
  const ssize_t n = read_some(s->fd_, reinterpret_cast<std::uint8_t*>(out), size);
  if (n > 0) s->given_ += static_cast<std::uint64_t>(n);
  if (n < 0 && errno == EINTR) s->interrupted_ = true;
  return n;
}

// Only "where am I" (ftell: SEEK_CUR by 0), for byte offsets in libpcap's errors; nothing can seek a pipe.
int StreamInput::seek_cookie(void* cookie, off64_t* pos, int whence) {
  const auto* s = static_cast<const StreamInput*>(cookie);
  if (whence != SEEK_CUR || *pos != 0) return -1;
  *pos = static_cast<off64_t>(s->given_);
  return 0;
}

int StreamInput::close_cookie(void* cookie) {
  auto* s = static_cast<StreamInput*>(cookie);
  ::close(s->fd_);
  delete s;
  return 0;
}

}  // namespace pktmap::pcapio::detail
