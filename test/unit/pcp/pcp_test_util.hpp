#pragma once
// Helpers for the PCP module tests: an emulator driven in-process, and request builders.
#include <vector>

#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/server.hpp"

namespace pktmap::test {

inline pcp::PcpAddress addr(const char* text) {
  return *pcp::parse_address(text);
}

inline pcp::PcpNonce nonce(std::uint8_t fill) {
  pcp::PcpNonce n;
  n.fill(fill);
  return n;
}

// A MAP request from 10.0.0.2 for UDP `port`, lifetime 3600, nonce 0x11...
inline pcp::Request map_request(std::uint16_t port, std::uint16_t set_size = 0, bool parity = false) {
  pcp::Request r;
  r.opcode = codec::pcp_op::map;
  r.lifetime = 3600;
  r.client_ip = addr("10.0.0.2");
  r.nonce = nonce(0x11);
  r.protocol = 17;
  r.internal_port = port;
  r.external_ip = codec::pcp_ipv4_mapped(0);
  if (set_size) r.port_set = pcp::PcpPortSet{set_size, port, parity, 0};
  return r;
}

inline std::vector<std::uint8_t> encode(const pcp::Request& r) {
  std::vector<std::uint8_t> b(codec::kPcpMaxLen);
  b.resize(pcp::build_request(r, b));
  return b;
}

struct Emulator {
  explicit Emulator(pcp::ServerPolicy p = {}, std::uint64_t start = 1000)
      : server(std::move(p), start), now(start) {}

  // Sends raw bytes from `from` (default 10.0.0.2:40000); returns the decoded answers. An answer that does
  // not decode fails the caller's check through `undecodable`.
  std::vector<pcp::Response> send_raw(const std::vector<std::uint8_t>& bytes,
                                      pcp::Endpoint from = {addr("10.0.0.2"), 40000}) {
    server.handle(ByteView(bytes.data(), bytes.size()), from, now, out);
    std::vector<pcp::Response> rs;
    undecodable = 0;
    for (std::size_t i = 0; i < out.count; ++i) {
      std::string_view why;
      if (auto r = pcp::decode_response(out.out[i].view(), why))
        rs.push_back(*r);
      else
        ++undecodable;
    }
    return rs;
  }
  std::vector<pcp::Response> send(const pcp::Request& r, pcp::Endpoint from = {addr("10.0.0.2"), 40000}) {
    return send_raw(encode(r), from);
  }

  pcp::Server server;
  pcp::ResponseBatch out;
  std::uint64_t now;
  std::size_t undecodable = 0;
};

inline pcp::ServerPolicy policy_with(std::uint16_t lo, std::uint16_t hi) {
  pcp::ServerPolicy p;
  p.external_ips = {addr("192.0.2.3")};
  p.port_min = lo;
  p.port_max = hi;
  p.announce_on_start = false;
  return p;
}

}  // namespace pktmap::test
