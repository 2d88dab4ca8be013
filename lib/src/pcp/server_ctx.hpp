#pragma once
// Shared between server.cpp (dispatch, options, answers) and server_map.cpp (MAP/PEER): the state of one
// request while it is processed.
#include <array>
#include <optional>

#include "pktmap/pcp/server.hpp"

namespace pktmap::pcp {

struct Server::Ctx {
  Ctx(ByteView r, const Endpoint& f, std::uint64_t n, ResponseBatch& o) : req(r), from(f), now(n), out(o) {}

  ByteView req;
  const Endpoint& from;
  std::uint64_t now;
  ResponseBatch& out;
  codec::PcpView v{};
  std::optional<PcpAddress> third_party;
  bool prefer_failure = false;
  std::array<const codec::PcpOption*, codec::kPcpMaxOptions> filters{};
  std::size_t filter_count = 0;
  const codec::PcpOption* description = nullptr;
  std::optional<PcpPortSet> port_set;
  PcpAddress internal_ip{};  // the client, or the THIRD_PARTY address
};

namespace server_detail {
// "No preference" addresses: :: and ::ffff:0.0.0.0.
inline bool is_zero(const PcpAddress& a) {
  return a == PcpAddress{} || a == codec::pcp_ipv4_mapped(0);
}
}  // namespace server_detail

}  // namespace pktmap::pcp
