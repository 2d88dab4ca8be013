#pragma once
// Bidirectional inner flows of the default SFC mix: TCP connections (SYN, SYN-ACK, ACK, request/response
// data, FIN-ACK each way, last ACK) and UDP request/response exchanges, so 5-tuples and directions
// mean what a proxy expects.
#include <cstdint>

#include "frames.hpp"
#include "rng.hpp"
#include "sfc_paths.hpp"

namespace pktmap::gencap {

struct Flow {
  std::uint32_t id = 0;
  std::uint32_t pair = 0;
  std::uint32_t length = 0;  // packets, both directions
  std::uint32_t sent = 0;
  std::uint32_t client_next = 0;  // next TCP sequence number of each side
  std::uint32_t server_next = 0;
  std::uint16_t client_ip_id = 0;
  std::uint16_t server_ip_id = 0;

  [[nodiscard]] bool done() const { return sent >= length; }
  // Value of per-flow metadata (MD1 word 2, MD2 flow cookie); never 0.
  [[nodiscard]] std::uint32_t cookie() const { return id + 1; }
};

// Shortest flow that still shows both directions: a TCP open + close, or one UDP request and reply.
constexpr std::uint32_t min_flow_length(const PairSpec& s) {
  return s.tcp ? 6 : 2;
}

Flow make_flow(std::uint32_t id, std::uint32_t pair, std::uint32_t length, Rng& rng);

struct InnerPacket {
  bool reverse = false;       // server -> client, carried on the reverse path
  std::uint8_t next_proto{};  // NSH next protocol for `bytes`
  Bytes bytes;                // IP packet, or Ethernet frame for InnerL2 != none
};
InnerPacket next_inner_packet(Flow& f, const PathPair& pair, Rng& rng);

}  // namespace pktmap::gencap
