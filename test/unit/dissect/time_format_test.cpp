// mapdump's timestamp text, which no longer goes through strftime/snprintf, against the C library.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "pktmap/dump/packet_format.hpp"

using pktmap::dump::format_time;
using pktmap::dump::format_time_iso;

namespace {

// The C library's rendering, for comparison.
std::string reference(std::int64_t ts_ns, bool iso, bool utc) {
  std::int64_t sec = ts_ns / 1000000000, nsec = ts_ns % 1000000000;
  if (nsec < 0) {
    nsec += 1000000000;
    --sec;
  }
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  char buf[96];
  if (iso) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(nsec));
  } else {
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%09lld", tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(nsec));
  }
  return buf;
}

}  // namespace

TEST_CASE("timestamps format like gmtime/localtime, across leap years and before 1970", "[dump]") {
  const std::int64_t s = 1000000000;
  const std::int64_t samples[] = {0,
                                  1,
                                  999999999,
                                  -1,
                                  -s,
                                  951782400 * s + 123,         // 2000-02-29
                                  1709164800 * s + 5,          // 2024-02-29
                                  1767268800 * s,              // 2026-01-01T12:00:00
                                  4102444799 * s + 999999999,  // 2099-12-31T23:59:59
                                  4294967295 * s + 999999,     // the largest pcap second
                                  -2208988800 * s};            // 1900-01-01
  // A zone with half-hour offsets and DST, then UTC.
  const char* old_tz = std::getenv("TZ");
  std::string saved = old_tz ? old_tz : "";
  for (const char* tz : {"Australia/Adelaide", "UTC"}) {
    setenv("TZ", tz, 1);
    tzset();
    for (std::int64_t ts : samples) {
      for (std::int64_t step : {std::int64_t{0}, 1800 * s, 86400 * s * 100}) {
        const std::int64_t t = ts + step;
        char a[64], b[80];
        format_time(t, true, a);
        CHECK(std::string(a) == reference(t, false, true));
        format_time(t, false, a);
        CHECK(std::string(a) == reference(t, false, false));
        format_time_iso(t, b);
        CHECK(std::string(b) == reference(t, true, true));
      }
    }
  }
  if (old_tz) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}
