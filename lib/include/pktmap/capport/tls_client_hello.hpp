#pragma once
// The server name a TLS ClientHello asks for (RFC 8446 §4.1.2, RFC 6066 §3), read from the first record of
// a TCP segment without copying. Used to see whether a client contacted the provisioned API host.
//
//   TLSPlaintext: type(22) | legacy_version(2) | length(2) | Handshake
//   Handshake: msg_type(1 = client_hello) | length(3) | legacy_version(2) | random(32) |
//              session_id<0..32> | cipher_suites<2..2^16-2> | compression_methods<1..2^8-1> |
//              extensions<8..2^16-1>
//   server_name (type 0): server_name_list<1..2^16-1> of { name_type(0 = host_name) | HostName<1..2^16-1> }
#include <string_view>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::capport {

struct ClientHello {
  std::uint16_t record_version = 0;
  std::uint16_t hello_version = 0;
  std::string_view server_name;  // empty when no SNI extension
};

// Outcomes: tls_not_handshake (not a handshake record: the caller's cue to ignore the segment),
// tls_not_client_hello, tls_truncated (the hello continues past this segment before the SNI was found),
// tls_hello_invalid (a length field that overruns its container).
Result<ClientHello> parse_tls_client_hello(ByteView segment);

}  // namespace pktmap::capport
