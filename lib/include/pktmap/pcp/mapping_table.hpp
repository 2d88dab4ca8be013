#pragma once
// The emulator's mapping state: MAP mappings as non-overlapping internal port ranges per (internal address,
// protocol), PEER mappings per 5-tuple, external port occupancy per (external address, protocol) as bitmaps,
// and per-client port counts for quotas.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "pktmap/pcp/endpoint.hpp"
#include "pktmap/pcp/message.hpp"

namespace pktmap::pcp {

struct Mapping {
  std::uint8_t opcode = codec::pcp_op::map;
  PcpAddress internal_ip{};  // the client, or the THIRD_PARTY address
  PcpAddress client_ip{};    // who asked (quota account)
  std::uint8_t protocol = 0;
  std::uint16_t internal_port = 0;
  std::uint32_t size = 1;  // ports in the set
  std::uint16_t pool_index = 0;
  std::uint16_t external_port = 0;
  PcpNonce nonce{};
  std::uint64_t expires = 0;   // server clock, seconds
  std::uint32_t lifetime = 0;  // last granted
  bool parity = false;
  Endpoint remote_peer{};  // PEER
  bool owns_ports = true;  // false for a PEER riding on a MAP's external port
  std::uint8_t filters = 0;
  std::string description;
};

class MappingTable {
 public:
  // Internal ip, protocol, first port. The address is held as two integers so that a lookup costs a few
  // integer compares per tree level, not a 16-byte memcmp; ports of one (ip, protocol) stay in order.
  struct MapKey {
    std::uint64_t hi = 0, lo = 0;
    std::uint32_t proto_port = 0;  // protocol << 16 | port
    MapKey(const PcpAddress& ip, std::uint8_t protocol, std::uint16_t port);
    [[nodiscard]] bool same_owner(const MapKey& o) const {
      return hi == o.hi && lo == o.lo && proto_port >> 16 == o.proto_port >> 16;
    }
    friend auto operator<=>(const MapKey&, const MapKey&) = default;
  };
  using PeerKey = std::tuple<PcpAddress, std::uint8_t, std::uint16_t, PcpAddress, std::uint16_t>;

  // MAP mappings of (ip, protocol) whose internal range meets [first, first+count), in port order. The
  // span is reused storage (valid until the next call or change); the request path does not allocate.
  std::span<Mapping* const> overlapping(const PcpAddress& ip, std::uint8_t protocol, std::uint16_t first,
                                        std::uint32_t count);
  Mapping* find_peer(const PeerKey& k);
  // The MAP mapping covering this internal port, or nullptr.
  Mapping* map_covering(const PcpAddress& ip, std::uint8_t protocol, std::uint16_t port);

  void insert(const Mapping& m);
  void erase(const Mapping& m);
  // Removes mappings whose expiry has passed. Returns how many.
  std::size_t expire(std::uint64_t now);
  void clear();

  // External port occupancy.
  [[nodiscard]] bool port_free(std::uint16_t pool_index, std::uint8_t protocol, std::uint16_t port) const;
  [[nodiscard]] bool run_free(std::uint16_t pool_index, std::uint8_t protocol, std::uint32_t first,
                              std::uint32_t count) const;
  // The first free run of `count` ports within [lo, hi], starting the search at the rotating cursor and
  // with first%2 == parity when parity >= 0. Returns 0 when there is none.
  std::uint32_t find_run(std::uint16_t pool_index, std::uint8_t protocol, std::uint32_t count,
                         std::uint32_t lo, std::uint32_t hi, int parity);
  // The length and start of the longest free run (parity-aligned start) within [lo, hi].
  std::pair<std::uint32_t, std::uint32_t> longest_run(std::uint16_t pool_index, std::uint8_t protocol,
                                                      std::uint32_t lo, std::uint32_t hi, int parity) const;

  [[nodiscard]] std::uint32_t client_ports(const PcpAddress& client) const;
  // The pool index already used by this client, or -1.
  [[nodiscard]] int client_pool(const PcpAddress& client) const;
  [[nodiscard]] std::size_t size() const { return maps_.size() + peers_.size(); }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [k, m] : maps_)
      fn(m);
    for (const auto& [k, m] : peers_)
      fn(m);
  }

 private:
  struct Bitmap {
    std::vector<std::uint64_t> words = std::vector<std::uint64_t>(1024);
    std::uint32_t cursor = 0;
  };
  using BitmapKey = std::pair<std::uint16_t, std::uint8_t>;
  void mark(const Mapping& m, bool used);
  const Bitmap* bitmap(std::uint16_t pool_index, std::uint8_t protocol) const;

  std::map<MapKey, Mapping> maps_;
  std::vector<Mapping*> hits_;  // overlapping()'s result
  std::map<PeerKey, Mapping> peers_;
  std::map<BitmapKey, Bitmap> ports_;
  struct ClientUse {
    std::uint32_t ports = 0;
    std::uint32_t mappings = 0;
    std::uint16_t pool_index = 0;
  };
  std::map<PcpAddress, ClientUse> clients_;
};

}  // namespace pktmap::pcp
