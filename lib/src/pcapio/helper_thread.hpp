#pragma once
// Helper threads of the readers and writers (write-behind, window read-ahead).
#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace pktmap::pcapio::detail {

// Helper threads only pay off with a second core to run on.
inline bool second_core() {
  return std::thread::hardware_concurrency() >= 2;
}

// Starts fn on a thread with every signal blocked: SIGINT keeps reaching the thread that checks for it, and
// never interrupts a helper's system call.
template <class Fn>
std::thread start_helper(Fn&& fn) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  std::thread t(std::forward<Fn>(fn));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

}  // namespace pktmap::pcapio::detail
