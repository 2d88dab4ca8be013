// HTTP head parsing: requests and responses as canaries and the RFC 8908 API send them.
#include "pktmap/capport/http_head.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace pktmap;
using namespace pktmap::capport;

TEST_CASE("http head: request line, fields, case-insensitive lookup") {
  std::string_view req =
      "GET /generate_204 HTTP/1.1\r\nHost: connectivitycheck.gstatic.com\r\naccept:  "
      "application/captive+json \r\n"
      "\r\n";
  auto h = parse_http_head(req);
  REQUIRE(h.ok());
  CHECK(h->is_request);
  CHECK(h->method == "GET");
  CHECK(h->target == "/generate_204");
  CHECK(h->version == "HTTP/1.1");
  CHECK(h->field("HOST") == "connectivitycheck.gstatic.com");
  CHECK(h->field("Accept") == "application/captive+json");
  CHECK(h->field("Location").empty());
  CHECK(h->body.empty());
}

TEST_CASE("http head: status line, reason with spaces, body in the segment, content length") {
  std::string_view resp =
      "HTTP/1.1 307 Temporary Redirect\r\nLocation: https://portal.example.net/\r\nContent-Length: "
      "5\r\n\r\nhello";
  auto h = parse_http_head(resp);
  REQUIRE(h.ok());
  CHECK_FALSE(h->is_request);
  CHECK(h->status == 307);
  CHECK(h->reason == "Temporary Redirect");
  CHECK(h->field("location") == "https://portal.example.net/");
  CHECK(h->content_length() == 5);
  CHECK(h->body == "hello");
  // Bare LF line ends are accepted (RFC 9112 §2.2).
  auto lf = parse_http_head("HTTP/1.0 204 No Content\nX-A: b\n\n");
  REQUIRE(lf.ok());
  CHECK(lf->status == 204);
  CHECK(lf->field("x-a") == "b");
}

TEST_CASE("http head: named outcomes for bad and partial input") {
  CHECK(parse_http_head("SSH-2.0-OpenSSH\r\n").name() == "http_not_http");
  CHECK(parse_http_head("").name() == "http_not_http");
  CHECK(parse_http_head("GET / HTTP/1.1\r\nHost: a\r\n").name() == "http_head_incomplete");
  CHECK(parse_http_head("HTTP/1.1 20 OK\r\n\r\n").name() == "http_status_invalid");
  CHECK(parse_http_head("HTTP/1.1 600 Odd\r\n\r\n").name() == "http_status_invalid");
  CHECK(parse_http_head("GET /a b HTTP/1.1\r\n\r\n").name() == "http_start_line_invalid");
  CHECK(parse_http_head("GET / HTTP/2.0\r\n\r\n").name() == "http_start_line_invalid");
  CHECK(parse_http_head("GET / HTTP/1.1\r\nno colon here\r\n\r\n").name() == "http_field_invalid");
  CHECK(parse_http_head("GET / HTTP/1.1\r\n: empty\r\n\r\n").name() == "http_field_invalid");
  CHECK(parse_http_head("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n")->content_length() == -1);
}

TEST_CASE("http head: more fields than kept are flagged, not fatal") {
  std::string s = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 40; ++i)
    s += "X-" + std::to_string(i) + ": v\r\n";
  s += "\r\nbody";
  auto h = parse_http_head(s);
  REQUIRE(h.ok());
  CHECK(h->field_count == HttpHead::kMaxHeaders);
  CHECK(h->fields_dropped);
  CHECK(h->body == "body");
}

TEST_CASE("http head: every prefix of a response parses without reading past it") {
  std::string full = "HTTP/1.1 302 Found\r\nLocation: http://portal.example.net/login\r\n\r\n";
  for (std::size_t n = 0; n < full.size(); ++n) {
    std::string cut = full.substr(0, n);
    auto h = parse_http_head(cut);
    CHECK_FALSE(h.ok());
  }
  CHECK(parse_http_head(full).ok());
}

TEST_CASE("http helpers: media type and case-insensitive matching") {
  CHECK(media_type("application/captive+json; charset=utf-8") == "application/captive+json");
  CHECK(media_type("  text/html ") == "text/html");
  CHECK(icontains("text/html, Application/Captive+JSON", "application/captive+json"));
  CHECK_FALSE(icontains("text/html", "json"));
  CHECK(istarts_with("HTTPS://x", "https://"));
}
