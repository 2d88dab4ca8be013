#include "pktmap/report/json_writer.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace pktmap::report {

namespace {
// Bytes copied into a JSON string as they are: printable ASCII except '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7f; ++c)
    t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

}  // namespace

void JsonWriter::grow(std::size_t n) {
  // Straight to the capacity already owned (no allocation once warm), doubling when that is not enough.
  std::size_t want = buf_.capacity();
  if (want < len_ + n) want = 2 * (len_ + n);
  buf_.resize(want);
}

bool JsonWriter::take_comma() {
  if (after_key_) {
    after_key_ = false;
    return false;
  }
  const bool comma = !first_[depth_];
  first_[depth_] = false;
  return comma;
}

void JsonWriter::separator() {
  if (take_comma()) put(',');
}

JsonWriter& JsonWriter::open(char bracket) {
  separator();
  put(bracket);
  if (depth_ + 1 < first_.size()) ++depth_;
  first_[depth_] = true;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  put(bracket);
  if (depth_ > 0) --depth_;
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  return open('{');
}
JsonWriter& JsonWriter::end_object() {
  return close('}');
}
JsonWriter& JsonWriter::begin_array() {
  return open('[');
}
JsonWriter& JsonWriter::end_array() {
  return close(']');
}

// Writes s quoted, preceded by the separator and followed by `tail` (':' for keys, 0 for none), copying
// and checking in one pass. Returns false, having written nothing, when s needs escaping.
bool JsonWriter::quoted_plain(std::string_view s, char tail) {
  const std::size_t start = len_;
  const bool after_key = after_key_;
  const bool first = first_[depth_];
  const bool comma = take_comma();
  char* o = space(s.size() + 2 + comma + (tail != 0));
  if (comma) *o++ = ',';
  *o++ = '"';
  for (char c : s) {
    if (!kPlain[static_cast<unsigned char>(c)]) {
      len_ = start;  // undo: the caller takes the escaping path
      after_key_ = after_key;
      first_[depth_] = first;
      return false;
    }
    *o++ = c;
  }
  *o++ = '"';
  if (tail != 0) *o = tail;
  return true;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  if (!quoted_plain(k, ':')) {
    separator();
    escaped(k);
    put(':');
  }
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  if (!quoted_plain(s, 0)) {
    separator();
    escaped(s);
  }
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  char tmp[24];
  std::size_t n = take_comma() ? 1 : 0;
  tmp[0] = ',';
  auto r = std::to_chars(tmp + n, tmp + sizeof tmp, v);
  put(tmp, static_cast<std::size_t>(r.ptr - tmp));
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  char tmp[24];
  std::size_t n = take_comma() ? 1 : 0;
  tmp[0] = ',';
  auto r = std::to_chars(tmp + n, tmp + sizeof tmp, v);
  put(tmp, static_cast<std::size_t>(r.ptr - tmp));
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  separator();
  char tmp[32];
  int n = std::snprintf(tmp, sizeof tmp, "%.6g", v);
  put(tmp, static_cast<std::size_t>(n));
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  separator();
  put(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separator();
  put("null");
  return *this;
}

JsonWriter& JsonWriter::hex(ByteView bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  separator();
  char* o = space(2 * bytes.size() + 2);
  *o++ = '"';
  for (std::uint8_t b : bytes) {
    *o++ = kDigits[b >> 4];
    *o++ = kDigits[b & 0xf];
  }
  *o = '"';
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separator();
  put(json);
  return *this;
}

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid (RFC 3629 §4).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n = c >= 0xf0 && c <= 0xf4   ? 4
                  : c >= 0xe0 && c <= 0xef ? 3
                  : c >= 0xc2 && c <= 0xdf ? 2
                                           : 0;  // 0x80-0xc1 and 0xf5-0xff never start a sequence
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  }
  if (c == 0xe0 && b(i + 1) < 0xa0) return 0;  // overlong
  if (c == 0xed && b(i + 1) > 0x9f) return 0;  // surrogates
  if (c == 0xf0 && b(i + 1) < 0x90) return 0;  // overlong
  if (c == 0xf4 && b(i + 1) > 0x8f) return 0;  // > U+10FFFF
  return n;
}
}  // namespace

void JsonWriter::escaped(std::string_view s) {
  constexpr char kDigits[] = "0123456789abcdef";
  put('"');
  std::size_t i = 0;
  while (i < s.size()) {
    // Printable ASCII other than '"' and '\\' (nearly every key and value) is copied a run at a time.
    std::size_t run = i;
    while (run < s.size() && kPlain[static_cast<unsigned char>(s[run])])
      ++run;
    if (run > i) put(s.data() + i, run - i);
    if (run == s.size()) break;
    i = run;
    char c = s[i];
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        put("\\\"");
        break;
      case '\\':
        put("\\\\");
        break;
      case '\n':
        put("\\n");
        break;
      case '\r':
        put("\\r");
        break;
      case '\t':
        put("\\t");
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          put("\\u00");
          put(kDigits[u >> 4]);
          put(kDigits[u & 0xf]);
        } else if (std::size_t n = utf8_sequence(s, i)) {
          put(s.substr(i, n));
          i += n - 1;
        } else {
          // Packet strings are untrusted: an invalid byte becomes U+FFFD so the output stays valid JSON.
          put("\\ufffd");
        }
    }
    ++i;
  }
  put('"');
}

}  // namespace pktmap::report
