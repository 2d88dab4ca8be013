// HTTP/1.x head parsing over one segment (see http_head.hpp).
#include "pktmap/capport/http_head.hpp"

#include <array>
#include <charconv>

namespace pktmap::capport {

namespace {

constexpr std::array<std::string_view, 9> kMethods = {"GET",     "HEAD",  "POST",    "PUT",  "DELETE",
                                                      "OPTIONS", "PATCH", "CONNECT", "TRACE"};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_version(std::string_view v) {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && v[5] == '1' && v[6] == '.' && v[7] >= '0' &&
         v[7] <= '9';
}

bool is_token_char(char c) {
  return (c >= '!' && c <= '~') && c != ':' && c != '(' && c != ')' && c != ',' && c != '/' && c != ';' &&
         c != '<' && c != '=' && c != '>' && c != '?' && c != '@' && c != '[' && c != '\\' && c != ']' &&
         c != '{' && c != '}' && c != '"';
}

// A line ends at LF; a preceding CR is dropped (RFC 9112 §2.2 lets recipients accept bare LF).
bool next_line(std::string_view& rest, std::string_view& line) {
  auto lf = rest.find('\n');
  if (lf == std::string_view::npos) return false;
  line = rest.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  rest.remove_prefix(lf + 1);
  return true;
}

bool looks_like_http(std::string_view data) {
  if (data.substr(0, 5) == "HTTP/") return true;
  for (auto m : kMethods) {
    if (data.size() > m.size() && data.substr(0, m.size()) == m && data[m.size()] == ' ') return true;
  }
  return false;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool icontains(std::string_view s, std::string_view needle) {
  if (needle.empty()) return true;
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i)
    if (iequals(s.substr(i, needle.size()), needle)) return true;
  return false;
}

std::string_view media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  return trim(content_type.substr(0, semi));
}

std::string_view HttpHead::field(std::string_view name) const {
  for (std::size_t i = 0; i < field_count; ++i)
    if (iequals(fields[i].name, name)) return fields[i].value;
  return {};
}

bool HttpHead::has_field(std::string_view name) const {
  for (std::size_t i = 0; i < field_count; ++i)
    if (iequals(fields[i].name, name)) return true;
  return false;
}

long long HttpHead::content_length() const {
  auto v = field("Content-Length");
  if (v.empty()) return -1;
  long long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 0) return -1;
  return n;
}

Result<HttpHead> parse_http_head(std::string_view data) {
  HttpHead h;
  if (!looks_like_http(data)) return Result<HttpHead>(h, invalid("http_not_http"));
  std::string_view rest = data;
  std::string_view line;
  if (!next_line(rest, line)) return Result<HttpHead>(h, truncated("http_head_incomplete"));

  // RFC 9112 §3 / §4: three parts separated by single spaces (the reason phrase may hold spaces).
  auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return Result<HttpHead>(h, invalid("http_start_line_invalid"));
  auto first = line.substr(0, sp1);
  auto after = line.substr(sp1 + 1);
  if (is_version(first)) {
    h.version = first;
    auto sp2 = after.find(' ');
    auto code = after.substr(0, sp2);
    h.reason = sp2 == std::string_view::npos ? std::string_view{} : after.substr(sp2 + 1);
    int status = 0;
    auto [p, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
    if (code.size() != 3 || ec != std::errc() || p != code.data() + code.size() || status < 100 ||
        status > 599)
      return Result<HttpHead>(h, invalid("http_status_invalid"));
    h.status = status;
  } else {
    h.is_request = true;
    h.method = first;
    auto sp2 = after.rfind(' ');
    if (sp2 == std::string_view::npos || sp2 == 0)
      return Result<HttpHead>(h, invalid("http_start_line_invalid"));
    h.target = after.substr(0, sp2);
    h.version = after.substr(sp2 + 1);
    if (!is_version(h.version) || h.target.find(' ') != std::string_view::npos)
      return Result<HttpHead>(h, invalid("http_start_line_invalid"));
  }

  // RFC 9112 §5: field lines until an empty line.
  while (true) {
    if (!next_line(rest, line)) return Result<HttpHead>(h, truncated("http_head_incomplete"));
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Result<HttpHead>(h, invalid("http_field_invalid"));
    auto name = line.substr(0, colon);
    for (char c : name)
      if (!is_token_char(c)) return Result<HttpHead>(h, invalid("http_field_invalid"));
    if (h.field_count < HttpHead::kMaxHeaders) {
      h.fields[h.field_count++] = HttpField{name, trim(line.substr(colon + 1))};
    } else {
      h.fields_dropped = true;
    }
  }
  h.body = rest;
  return h;
}

}  // namespace pktmap::capport
