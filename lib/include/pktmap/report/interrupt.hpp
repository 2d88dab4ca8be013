#pragma once
// SIGINT/SIGTERM handling for tools: the handler only sets a flag (async-signal-safe); loops poll it between
// packets, stop reading, and still flush outputs and print the report.
#include <atomic>

namespace pktmap::report {

// Installs handlers for SIGINT and SIGTERM (and SIGUSR1 when want_usr1). Idempotent.
void install_interrupt_handlers(bool want_usr1 = false);
namespace detail {
extern std::atomic<bool> interrupted_flag;  // set by the handler; read through interrupted()
}
// Inline: offline loops ask once per packet.
[[nodiscard]] inline bool interrupted() {
  return detail::interrupted_flag.load(std::memory_order_relaxed);
}
// True once per SIGUSR1 received (then cleared).
[[nodiscard]] bool take_usr1();
// Called from the signal handler too: e.g. a pcap_breakloop wrapper. Must be async-signal-safe.
void set_interrupt_callback(void (*callback)(void*), void* arg);

}  // namespace pktmap::report
