#pragma once
// The probe's answer, shared by live probing and capture analysis, and the exit status each one maps to
// (man/capport-probe.1, EXIT STATUS).
#include <string_view>

namespace pktmap::capport {

enum class Verdict : unsigned char {
  open,     // the Internet is reachable without conditions
  captive,  // a captive portal holds the client (API says so, canary redirected or rewritten, DNS hijacked)
  partial,  // some traffic passes and some does not (HTTP works but HTTPS fails; flows administratively
            // blocked)
  unknown,  // not enough evidence, or the evidence could not be trusted (e.g. an API certificate that fails)
};

constexpr std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::open:
      return "open";
    case Verdict::captive:
      return "captive";
    case Verdict::partial:
      return "partial";
    case Verdict::unknown:
      return "unknown";
  }
  return "unknown";
}

inline constexpr int kExitOpen = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitError = 2;
inline constexpr int kExitCaptive = 10;
inline constexpr int kExitPartial = 11;
inline constexpr int kExitUnknown = 12;

constexpr int verdict_exit_code(Verdict v) {
  switch (v) {
    case Verdict::open:
      return kExitOpen;
    case Verdict::captive:
      return kExitCaptive;
    case Verdict::partial:
      return kExitPartial;
    case Verdict::unknown:
      return kExitUnknown;
  }
  return kExitUnknown;
}

}  // namespace pktmap::capport
