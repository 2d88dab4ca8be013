#include "pktmap/report/json_writer.hpp"

#include <charconv>
#include <cstdio>

namespace pktmap::report {

void JsonWriter::separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_[depth_]) buf_.push_back(',');
  first_[depth_] = false;
}

JsonWriter& JsonWriter::begin_object() {
  separator();
  buf_.push_back('{');
  if (depth_ + 1 < first_.size()) ++depth_;
  first_[depth_] = true;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  buf_.push_back('}');
  if (depth_ > 0) --depth_;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separator();
  buf_.push_back('[');
  if (depth_ + 1 < first_.size()) ++depth_;
  first_[depth_] = true;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  buf_.push_back(']');
  if (depth_ > 0) --depth_;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  separator();
  escaped(k);
  buf_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  separator();
  escaped(s);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  separator();
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf_.append(tmp, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  separator();
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf_.append(tmp, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  separator();
  char tmp[32];
  int n = std::snprintf(tmp, sizeof tmp, "%.6g", v);
  buf_.append(tmp, static_cast<std::size_t>(n));
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  separator();
  buf_.append(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separator();
  buf_.append("null");
  return *this;
}

JsonWriter& JsonWriter::hex(ByteView bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  separator();
  buf_.push_back('"');
  for (std::uint8_t b : bytes) {
    buf_.push_back(kDigits[b >> 4]);
    buf_.push_back(kDigits[b & 0xf]);
  }
  buf_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separator();
  buf_.append(json);
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
  buf_.push_back('"');
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        buf_.append("\\\"");
        break;
      case '\\':
        buf_.append("\\\\");
        break;
      case '\n':
        buf_.append("\\n");
        break;
      case '\r':
        buf_.append("\\r");
        break;
      case '\t':
        buf_.append("\\t");
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          buf_.append("\\u00");
          buf_.push_back(kDigits[u >> 4]);
          buf_.push_back(kDigits[u & 0xf]);
        } else if (u < 0x80) {
          buf_.push_back(c);
        } else if (std::size_t n = utf8_sequence(s, i)) {
          buf_.append(s.substr(i, n));
          i += n - 1;
        } else {
          // Packet strings are untrusted: an invalid byte becomes U+FFFD so the output stays valid JSON.
          buf_.append("\\ufffd");
        }
    }
  }
  buf_.push_back('"');
}

}  // namespace pktmap::report
