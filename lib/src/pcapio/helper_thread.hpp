#pragma once
// Helper threads of the readers and writers (write-behind, window read-ahead).
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace pktmap::pcapio::detail {

// Helper threads only pay off with a second core to run on.
inline bool second_core() {
  return std::thread::hardware_concurrency() >= 2;
}

// Starts fn on a thread with every signal blocked: SIGINT keeps reaching the thread that checks for it, and
// never interrupts a helper's system call. The thread runs as SCHED_BATCH (no privilege needed): a helper
// waking from its nap or its mmap must not preempt the thread doing the packet work. As SCHED_OTHER they
// preempted an offline proxy's main thread 8-126 times a run; as batch threads, 3-11 times.
template <class Fn>
std::thread start_helper(Fn&& fn) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  std::thread t([f = std::forward<Fn>(fn)]() mutable {
    const sched_param none{};
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &none);  // best effort
    f();
  });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

}  // namespace pktmap::pcapio::detail
