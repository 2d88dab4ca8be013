#include "pktmap/report/interrupt.hpp"

#include <csignal>

namespace pktmap::report {

std::atomic<bool> detail::interrupted_flag{false};

namespace {
std::atomic<bool> g_usr1{false};
std::atomic<void (*)(void*)> g_callback{nullptr};
std::atomic<void*> g_arg{nullptr};

extern "C" void on_signal(int sig) {
  if (sig == SIGUSR1) {
    g_usr1.store(true);
    return;
  }
  detail::interrupted_flag.store(true);
  if (auto cb = g_callback.load()) cb(g_arg.load());
}
}  // namespace

void install_interrupt_handlers(bool want_usr1) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR and the loop sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (want_usr1) sigaction(SIGUSR1, &sa, nullptr);
}

bool take_usr1() {
  return g_usr1.exchange(false);
}

void set_interrupt_callback(void (*callback)(void*), void* arg) {
  g_arg.store(arg);
  g_callback.store(callback);
}

}  // namespace pktmap::report
