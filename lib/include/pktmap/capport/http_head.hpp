#pragma once
// HTTP/1.x message heads (RFC 9112 §2-§5) read from one TCP segment, without copying: the start line, up
// to kMaxHeaders header fields and whatever body bytes follow the blank line in the same segment. Enough
// for canary and captive-portal exchanges, whose heads fit one segment; there is no reassembly.
//
//   request-line = method SP request-target SP HTTP-version CRLF
//   status-line  = HTTP-version SP status-code SP [ reason-phrase ] CRLF
//   field-line   = field-name ":" OWS field-value OWS CRLF
//   ... CRLF [ message-body ]
#include <array>
#include <cstdint>
#include <string_view>

#include "pktmap/codec/outcome.hpp"

namespace pktmap::capport {

struct HttpField {
  std::string_view name;
  std::string_view value;  // optional whitespace trimmed
};

struct HttpHead {
  static constexpr std::size_t kMaxHeaders = 32;

  bool is_request = false;
  std::string_view method;   // requests
  std::string_view target;   // requests: origin-form "/path?q" or absolute-form
  std::string_view version;  // "HTTP/1.1"
  int status = 0;            // responses: 100-599
  std::string_view reason;
  std::array<HttpField, kMaxHeaders> fields{};
  std::uint8_t field_count = 0;
  bool fields_dropped = false;  // more than kMaxHeaders fields; the rest are not kept
  std::string_view body;        // bytes after the head in this segment (may be a prefix of the body)

  // First field with this name (case-insensitive), or empty.
  [[nodiscard]] std::string_view field(std::string_view name) const;
  [[nodiscard]] bool has_field(std::string_view name) const;
  // Content-Length when present and a valid decimal, else -1.
  [[nodiscard]] long long content_length() const;
};

// Parses the head at the start of `data`.
// Outcomes: http_not_http (does not start like an HTTP/1.x request or status line; the caller's cue to
// ignore the segment), http_head_incomplete (no blank line within the data: the head spans segments),
// http_start_line_invalid, http_status_invalid, http_field_invalid (a line without ':' or an empty name).
Result<HttpHead> parse_http_head(std::string_view data);

// ASCII case-insensitive comparisons (field names, media types, host names).
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool icontains(std::string_view s, std::string_view needle);
// The media type of a Content-Type value without parameters and whitespace ("application/captive+json").
std::string_view media_type(std::string_view content_type);

}  // namespace pktmap::capport
