// WriteBehind's ring itself (lib/src/pcapio/write_behind.hpp, not a public header): the producer refills the
// buffer written last, which is still in the caches, and a writer that cannot keep up still gets every
// buffer once and in the order submitted.
#include <fcntl.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pcapio/write_behind.hpp"

using pktmap::pcapio::WriteBehind;

namespace {
// A pipe whose read end a thread drains into `got` until end of file, once `go` is set.
struct Drain {
  int fds[2] = {-1, -1};
  std::string got;
  std::atomic<bool> go{true};
  std::thread reader;
  explicit Drain(bool start = true) : go(start) {
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    reader = std::thread([this] {
      while (!go.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      char b[4096];
      for (ssize_t n; (n = ::read(fds[0], b, sizeof b)) > 0;)
        got.append(b, static_cast<std::size_t>(n));
    });
  }
  std::string finish() {  // closes the write end and waits for everything
    go.store(true);
    ::close(fds[1]);
    reader.join();
    ::close(fds[0]);
    return got;
  }
};

void fill(std::uint8_t* p, char c, std::size_t n) {
  std::memset(p, c, n);
}
}  // namespace

TEST_CASE("WriteBehind hands the producer back the buffer written last", "[pcapio]") {
  Drain d;
  std::string want;
  {
    WriteBehind wb(d.fds[1], 4096, 4);
    std::uint8_t* first = wb.acquire();
    std::set<const std::uint8_t*> seen;
    for (char c = 'a'; c <= 'h'; ++c) {
      std::uint8_t* p = c == 'a' ? first : wb.acquire();
      seen.insert(p);
      fill(p, c, 100);
      want.append(100, c);
      wb.submit(100);
      REQUIRE(wb.drain() == 0);  // written: the next acquire() can take this very buffer again
    }
    CHECK(seen.size() == 1);  // a ring taken in turn would have cycled through all four
  }
  CHECK(d.finish() == want);
}

TEST_CASE("WriteBehind with a stalled writer uses every buffer and keeps the order", "[pcapio]") {
  Drain d(false);
  std::string want;
  {
    constexpr std::size_t kSize = 256 * 1024;  // more than the pipe holds: the first write blocks
    WriteBehind wb(d.fds[1], kSize, 4);
    std::set<const std::uint8_t*> seen;
    // Nothing reads the pipe until four buffers are in flight, so the producer must have had all four;
    // then 28 more go through as the reader drains, and each comes out once, in the order submitted.
    for (int k = 0; k < 32; ++k) {
      if (k == 4) d.go.store(true);
      std::uint8_t* p = wb.acquire();
      seen.insert(p);
      const char c = static_cast<char>('A' + k % 26);
      fill(p, c, kSize);
      want.append(kSize, c);
      wb.submit(kSize);
    }
    REQUIRE(wb.drain() == 0);
    CHECK(seen.size() == 4);
  }
  CHECK(d.finish() == want);
}
