// TLS ClientHello SNI extraction (see tls_client_hello.hpp).
#include "pktmap/capport/tls_client_hello.hpp"

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::capport {

namespace {

// A vector with a length prefix of n bytes (RFC 8446 §3.4).
std::optional<ByteView> vec(ByteReader& r, int n) {
  std::optional<std::uint32_t> len;
  if (n == 1) {
    auto v = r.u8();
    if (v) len = *v;
  } else if (n == 2) {
    auto v = r.be16();
    if (v) len = *v;
  } else {
    len = r.be24();
  }
  if (!len) return std::nullopt;
  return r.bytes(*len);
}

}  // namespace

Result<ClientHello> parse_tls_client_hello(ByteView segment) {
  ClientHello h;
  ByteReader r(segment);
  auto type = r.u8();
  auto rec_version = r.be16();
  auto rec_len = r.be16();
  if (!type || *type != 22) return Result<ClientHello>(h, invalid("tls_not_handshake"));
  if (!rec_version || (*rec_version >> 8) != 3) return Result<ClientHello>(h, invalid("tls_not_handshake"));
  h.record_version = *rec_version;
  if (!rec_len) return Result<ClientHello>(h, truncated("tls_truncated"));
  // The record may be cut by the segment; read what is there and report truncation where it bites.
  ByteReader hs(r.rest().subspan(0, std::min<std::size_t>(*rec_len, r.remaining())));
  auto msg_type = hs.u8();
  if (!msg_type) return Result<ClientHello>(h, truncated("tls_truncated"));
  if (*msg_type != 1) return Result<ClientHello>(h, invalid("tls_not_client_hello"));
  if (!hs.be24()) return Result<ClientHello>(h, truncated("tls_truncated"));
  auto version = hs.be16();
  if (!version || !hs.skip(32)) return Result<ClientHello>(h, truncated("tls_truncated"));
  h.hello_version = *version;
  if (!vec(hs, 1) || !vec(hs, 2) || !vec(hs, 1)) return Result<ClientHello>(h, truncated("tls_truncated"));
  if (hs.empty()) return h;  // no extensions at all (RFC 8446 §4.1.2 allows it for TLS 1.2 and older)
  auto exts = vec(hs, 2);
  if (!exts) return Result<ClientHello>(h, truncated("tls_truncated"));
  ByteReader er(*exts);
  while (!er.empty()) {
    auto ext_type = er.be16();
    auto body = vec(er, 2);
    if (!ext_type || !body) return Result<ClientHello>(h, invalid("tls_hello_invalid"));
    if (*ext_type != 0) continue;
    ByteReader sr(*body);
    auto list = vec(sr, 2);
    if (!list) return Result<ClientHello>(h, invalid("tls_hello_invalid"));
    ByteReader lr(*list);
    while (!lr.empty()) {
      auto name_type = lr.u8();
      auto name = vec(lr, 2);
      if (!name_type || !name) return Result<ClientHello>(h, invalid("tls_hello_invalid"));
      if (*name_type == 0) {
        h.server_name = std::string_view(reinterpret_cast<const char*>(name->data()), name->size());
        return h;
      }
    }
  }
  return h;
}

}  // namespace pktmap::capport
