// TLS ClientHello SNI extraction on a hand-built hello (RFC 8446 §4.1.2, RFC 6066 §3).
#include "pktmap/capport/tls_client_hello.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::capport;

namespace {

void put16(std::vector<std::uint8_t>& v, std::size_t n) {
  v.push_back(static_cast<std::uint8_t>(n >> 8));
  v.push_back(static_cast<std::uint8_t>(n));
}

std::vector<std::uint8_t> client_hello(const std::string& sni) {
  std::vector<std::uint8_t> ext;
  put16(ext, 0x000a);  // supported_groups first, so the parser has to skip an extension
  put16(ext, 4);
  put16(ext, 2);
  put16(ext, 0x001d);
  if (!sni.empty()) {
    put16(ext, 0);  // server_name
    put16(ext, sni.size() + 5);
    put16(ext, sni.size() + 3);
    ext.push_back(0);
    put16(ext, sni.size());
    ext.insert(ext.end(), sni.begin(), sni.end());
  }
  // Version 3,3 then the random, sized at once: resizing a 2-byte vector trips GCC 12's -O3 -Warray-bounds.
  std::vector<std::uint8_t> body(2 + 32, 0xab);
  body[0] = 3;
  body[1] = 3;
  body.push_back(0);  // session id
  put16(body, 2);
  put16(body, 0x1301);
  body.push_back(1);
  body.push_back(0);
  put16(body, ext.size());
  body.insert(body.end(), ext.begin(), ext.end());
  std::vector<std::uint8_t> hs = {1, 0, static_cast<std::uint8_t>(body.size() >> 8),
                                  static_cast<std::uint8_t>(body.size())};
  hs.insert(hs.end(), body.begin(), body.end());
  std::vector<std::uint8_t> rec = {22, 3, 1};
  put16(rec, hs.size());
  rec.insert(rec.end(), hs.begin(), hs.end());
  return rec;
}

}  // namespace

TEST_CASE("tls: SNI of a ClientHello") {
  auto rec = client_hello("capport.example.net");
  auto h = parse_tls_client_hello(test::view(rec));
  REQUIRE(h.ok());
  CHECK(h->server_name == "capport.example.net");
  CHECK(h->record_version == 0x0301);
  CHECK(h->hello_version == 0x0303);
  auto none = client_hello("");
  auto n = parse_tls_client_hello(test::view(none));
  REQUIRE(n.ok());
  CHECK(n->server_name.empty());
}

TEST_CASE("tls: not a hello, and every truncation before the name") {
  std::vector<std::uint8_t> app_data = {23, 3, 3, 0, 1, 0};
  CHECK(parse_tls_client_hello(test::view(app_data)).name() == "tls_not_handshake");
  std::vector<std::uint8_t> server_hello = {22, 3, 3, 0, 4, 2, 0, 0, 0};
  CHECK(parse_tls_client_hello(test::view(server_hello)).name() == "tls_not_client_hello");
  auto rec = client_hello("capport.example.net");
  test::for_each_truncation(rec, [](ByteView cut) {
    auto h = parse_tls_client_hello(cut);
    // A prefix never yields a name (it is the last thing in the hello); a failure is truncation, except an
    // input too short to show the record type.
    CHECK(h->server_name.empty());
    if (!h.ok() && cut.size() >= 3) CHECK(h.status() == Status::truncated);
  });
}

TEST_CASE("tls: an extension length that overruns is invalid") {
  auto rec = client_hello("a.example");
  rec[rec.size() - 16] = 0xff;  // the server_name extension's length, high byte
  CHECK(parse_tls_client_hello(test::view(rec)).name() == "tls_hello_invalid");
}
