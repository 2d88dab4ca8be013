#include <cstdint>
#include <cstdio>
#include <ctime>

#include "pktmap/dump/packet_format.hpp"

namespace pktmap::dump {

namespace {
void split(std::int64_t ts_ns, std::int64_t& sec, long& nsec) {
  std::int64_t s = ts_ns / 1000000000;
  std::int64_t n = ts_ns % 1000000000;
  if (n < 0) {
    n += 1000000000;
    --s;
  }
  sec = s;
  nsec = static_cast<long>(n);
}

// Proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's days_from_civil inverse): pure
// arithmetic, unlike gmtime_r, and valid for every day an int64 nanosecond timestamp can name.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

char* put2(char* o, unsigned v) {
  o[0] = static_cast<char>('0' + v / 10 % 10);
  o[1] = static_cast<char>('0' + v % 10);
  return o + 2;
}

char* put_nsec(char* o, long nsec) {
  for (int i = 8; i >= 0; --i) {
    o[i] = static_cast<char>('0' + nsec % 10);
    nsec /= 10;
  }
  return o + 9;
}

// Seconds of the day in local time. localtime_r takes a lock and walks the zone rules on every call, while
// consecutive packets mostly share their second: the last second's answer is kept per thread.
unsigned local_seconds_of_day(std::int64_t sec) {
  thread_local std::int64_t cached_sec = INT64_MIN;
  thread_local unsigned cached_sod = 0;
  if (sec != cached_sec) {
    std::time_t t = static_cast<std::time_t>(sec);
    std::tm tm{};
    localtime_r(&t, &tm);
    cached_sod = static_cast<unsigned>(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
    cached_sec = sec;
  }
  return cached_sod;
}

unsigned utc_seconds_of_day(std::int64_t sec) {
  const std::int64_t r = sec % 86400;
  return static_cast<unsigned>(r < 0 ? r + 86400 : r);
}
}  // namespace

void format_time(std::int64_t ts_ns, bool utc, char (&out)[64]) {
  std::int64_t sec;
  long nsec;
  split(ts_ns, sec, nsec);
  const unsigned sod = utc ? utc_seconds_of_day(sec) : local_seconds_of_day(sec);
  char* o = put2(out, sod / 3600);
  *o++ = ':';
  o = put2(o, sod / 60 % 60);
  *o++ = ':';
  o = put2(o, sod % 60);
  *o++ = '.';
  o = put_nsec(o, nsec);
  *o = '\0';
}

void format_time_iso(std::int64_t ts_ns, char (&out)[80]) {
  std::int64_t sec;
  long nsec;
  split(ts_ns, sec, nsec);
  const std::int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  const unsigned sod = utc_seconds_of_day(sec);
  if (y < 0 || y > 9999) {  // outside RFC 3339's four digits: say so rather than print a wrong date
    std::snprintf(out, sizeof out, "%lld-%02u-%02uT%02u:%02u:%02u.%09ldZ", static_cast<long long>(y), m, d,
                  sod / 3600, sod / 60 % 60, sod % 60, nsec);
    return;
  }
  char* o = put2(out, static_cast<unsigned>(y / 100));
  o = put2(o, static_cast<unsigned>(y % 100));
  *o++ = '-';
  o = put2(o, m);
  *o++ = '-';
  o = put2(o, d);
  *o++ = 'T';
  o = put2(o, sod / 3600);
  *o++ = ':';
  o = put2(o, sod / 60 % 60);
  *o++ = ':';
  o = put2(o, sod % 60);
  *o++ = '.';
  o = put_nsec(o, nsec);
  *o++ = 'Z';
  *o = '\0';
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
