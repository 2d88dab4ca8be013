#pragma once
// Write-behind for PcapWriter: full output buffers go to the file from a thread of its own, so the kernel's
// copy of the output (most of an offline proxy run's system time, 0.07-0.08 s per 148 MB on tmpfs) runs on
// the second core while the first fills the next buffer. The buffers are allocated once; a full ring makes
// the producer wait, so memory stays bounded by buffers x size whatever the output's length.
//
// Buffers are handed over through two counters, without a system call while the helper is busy: between
// buffers it polls for the next one (sleeping a little each time) and only after a quiet spell does it
// sleep on the condition variable, so the producer wakes it (a futex call, and an inter-processor interrupt
// that costs a VM the most) only after such a spell, not once per buffer.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace pktmap::pcapio {

class WriteBehind {
 public:
  // fd stays owned by the caller and must outlive this object.
  WriteBehind(int fd, std::size_t buffer_size, std::size_t buffers);
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;
  ~WriteBehind();  // stops the thread; buffers submitted but not yet written are dropped

  // The buffer to fill next (waits while every other buffer is still being written).
  [[nodiscard]] std::uint8_t* acquire();
  // Hands the buffer acquire() returned, with `used` bytes filled, to the writing thread.
  void submit(std::size_t used);
  // Waits until everything submitted is written: 0, or the errno of the first write that failed (writing
  // stops at a failure; the rest is dropped and the error reported here, as stdio reports it at fflush).
  [[nodiscard]] int drain();

 private:
  void run();
  bool has_work() const { return written_.load() < submitted_.load(); }
  void wait_written(std::uint64_t at_least);

  void reclaim();
  void populate() const;

  int fd_;
  std::size_t buffer_size_;
  std::vector<std::unique_ptr<std::uint8_t[]>> bufs_;
  // The k-th submitted buffer is slot k % bufs_.size(): which buffer, and how much of it is filled.
  struct Slot {
    std::size_t buf = 0;
    std::size_t used = 0;
  };
  std::vector<Slot> slots_;
  // Producer side only: buffers known to be written, the one written last at the back, so the producer
  // refills the buffer that is still in the caches rather than the one written longest ago.
  std::vector<std::size_t> free_;
  std::uint64_t reclaimed_ = 0;  // slots before this one have their buffer in free_ (or in use again)
  std::size_t current_ = 0;      // the buffer acquire() handed out
  // Counters of buffers submitted and written. They are sequentially consistent: each side
  // publishes its counter and then reads the other's sleeping flag, so that one of them always sees the
  // other.
  std::atomic<std::uint64_t> submitted_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<bool> helper_asleep_{false};
  std::atomic<bool> producer_waiting_{false};
  std::atomic<bool> stop_{false};
  int error_ = 0;  // written by the helper before the written_ that follows it
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace pktmap::pcapio
