#pragma once
// Read-ahead for PacketSource's map window: the next window of the file is mapped (populated, so its page
// tables are built at once) and the finished one unmapped on a thread of their own, while the reader works
// through the current window. In a VM both calls cost about 15 ms of a 148 MB file, a tenth of an offline
// proxy run, which no longer waits for them.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace pktmap::pcapio::detail {

class WindowAhead {
 public:
  // fd stays owned by the caller and must outlive this object.
  explicit WindowAhead(int fd);
  WindowAhead(const WindowAhead&) = delete;
  WindowAhead& operator=(const WindowAhead&) = delete;
  ~WindowAhead();  // stops the thread; unmaps a window mapped and never taken

  // In the background: unmaps `old` (null: nothing) and maps [base, base + len) of the file.
  void request(const std::uint8_t* old, std::size_t old_len, std::uint64_t base, std::size_t len);
  // Whether the window requested last covers [at, at + need) of the file (known without waiting).
  [[nodiscard]] bool covers(std::uint64_t at, std::size_t need) const {
    return pending_ && at >= base_ && at + need <= base_ + len_;
  }
  // Waits for the window requested last and hands it over; null when its mmap failed.
  [[nodiscard]] const std::uint8_t* take(std::uint64_t& base, std::size_t& len);

 private:
  void run();
  void wait_done(std::unique_lock<std::mutex>& lock);

  int fd_;
  // The job, written by request() and read by the thread under mu_.
  const std::uint8_t* old_ = nullptr;
  std::size_t old_len_ = 0;
  std::uint64_t base_ = 0;
  std::size_t len_ = 0;
  bool pending_ = false;  // requested and not yet taken
  bool queued_ = false;   // requested and not yet done by the thread
  const std::uint8_t* mapped_ = nullptr;
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace pktmap::pcapio::detail
