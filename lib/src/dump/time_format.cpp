#include <cstdio>
#include <ctime>

#include "pktmap/dump/packet_format.hpp"

namespace pktmap::dump {

namespace {
void split(std::int64_t ts_ns, std::time_t& sec, long& nsec) {
  std::int64_t s = ts_ns / 1000000000;
  std::int64_t n = ts_ns % 1000000000;
  if (n < 0) {
    n += 1000000000;
    --s;
  }
  sec = static_cast<std::time_t>(s);
  nsec = static_cast<long>(n);
}
}  // namespace

void format_time(std::int64_t ts_ns, bool utc, char (&out)[64]) {
  std::time_t sec;
  long nsec;
  split(ts_ns, sec, nsec);
  std::tm tm{};
  if (utc) {
    gmtime_r(&sec, &tm);
  } else {
    localtime_r(&sec, &tm);
  }
  std::snprintf(out, sizeof out, "%02d:%02d:%02d.%09ld", tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
}

void format_time_iso(std::int64_t ts_ns, char (&out)[80]) {
  std::time_t sec;
  long nsec;
  split(ts_ns, sec, nsec);
  std::tm tm{};
  gmtime_r(&sec, &tm);
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
}

const char* format_tcp_flags(std::uint8_t flags, char (&out)[12]) {
  int n = 0;
  if (flags & 0x02) out[n++] = 'S';
  if (flags & 0x01) out[n++] = 'F';
  if (flags & 0x04) out[n++] = 'R';
  if (flags & 0x08) out[n++] = 'P';
  if (flags & 0x20) out[n++] = 'U';
  if (flags & 0x40) out[n++] = 'E';
  if (flags & 0x80) out[n++] = 'W';
  if (flags & 0x10) out[n++] = '.';
  if (n == 0) out[n++] = '-';
  out[n] = '\0';
  return out;
}

}  // namespace pktmap::dump
