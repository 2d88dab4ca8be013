// MAP (RFC 6887 §11, RFC 7753) and PEER (§12) processing of the emulator; dispatch, options and answer
// building are in server.cpp.
#include <algorithm>

#include "pktmap/pcp/server.hpp"
#include "server_ctx.hpp"

namespace pktmap::pcp {

namespace c = codec;
namespace res = codec::pcp_result;
using server_detail::is_zero;

namespace {

bool protocol_allowed(const ServerPolicy& p, std::uint8_t proto) {
  return std::find(p.protocols.begin(), p.protocols.end(), proto) != p.protocols.end();
}

// The low bits of `a` below the prefix length: the client's number inside a stateless rule's prefix.
std::uint64_t host_part(const PcpAddress& a, unsigned prefix_len) {
  std::uint64_t v = 0;
  for (std::size_t i = 8; i < 16; ++i)
    v = v << 8 | a[i];
  unsigned host_bits = 128 - prefix_len;
  return host_bits >= 64 ? v : v & ((std::uint64_t{1} << host_bits) - 1);
}

}  // namespace

void Server::process_map(Ctx& ctx) {
  const auto& m = ctx.v.map;
  if (stateless_map(ctx)) return;
  if (!protocol_allowed(policy_, m.protocol)) return error(ctx, res::unsupp_protocol);
  const std::uint32_t lifetime = clamp_lifetime(ctx.v.lifetime);
  if (m.internal_port == 0) {
    // §11.1: port 0 means "all ports"; the emulator only accepts it to delete all of a client's mappings.
    if (lifetime != 0) return error(ctx, res::malformed_request);
  }
  const std::uint32_t span = m.internal_port == 0 ? 65536
                             : ctx.port_set       ? std::max<std::uint32_t>(ctx.port_set->size, 1)
                                                  : 1;
  auto hits = table_.overlapping(ctx.internal_ip, m.protocol, m.internal_port,
                                 std::min<std::uint32_t>(span, 65536 - m.internal_port));
  if (hits.empty()) {
    if (lifetime == 0)
      return error(ctx, res::success, false);  // deleting nothing succeeds (§15); no mapping, no options
    return create_map(ctx);
  }
  // RFC 7753 §4.4.1: each overlapped mapping is refreshed (or deleted) on its own, with its own answer.
  // §11.3 / §15: a nonce that does not match the mapping's is refused. Deletes are answered first and
  // erased after the walk, so the pointers in `hits` stay valid.
  bool refused = false;
  bool deleted = false;
  for (Mapping* hit : hits) {
    if (hit->nonce != m.nonce) {
      refused = true;
      continue;
    }
    if (lifetime == 0) {
      answer_mapping(ctx, *hit, res::success, 0);
      deleted = true;
      continue;
    }
    hit->expires = ctx.now + lifetime;
    hit->lifetime = lifetime;
    answer_mapping(ctx, *hit, res::success, lifetime);
  }
  if (deleted) {
    // Deletion is rare: copying the matching mappings out (an allocation) is fine here.
    std::vector<Mapping> gone;
    for (const Mapping* hit : hits)
      if (hit->nonce == m.nonce) gone.push_back(*hit);
    for (const Mapping& g : gone)
      table_.erase(g);
  }
  if (refused) error(ctx, res::not_authorized);
}

void Server::create_map(Ctx& ctx) {
  const auto& rq = ctx.v.map;
  if (table_.size() >= policy_.max_mappings) return error(ctx, res::no_resources);
  const std::uint32_t requested = ctx.port_set ? ctx.port_set->size : 1;
  const std::uint32_t used = table_.client_ports(ctx.v.client_ip);
  if (used >= policy_.ports_per_client) return error(ctx, res::user_ex_quota);
  // RFC 7753 §4.2: never more than asked, never internal ports past the requested range.
  const std::uint32_t want =
      std::min({requested, policy_.max_set_size, policy_.ports_per_client - used, 65536u - rq.internal_port});
  int pool = pool_for(ctx);
  if (pool == -2) return error(ctx, res::cannot_provide_external);
  if (pool < 0) return error(ctx, res::no_resources);
  const auto idx = static_cast<std::uint16_t>(pool);
  const int parity =
      ctx.port_set && ctx.port_set->parity && policy_.preserve_parity ? rq.internal_port % 2 : -1;
  const std::uint32_t lo = policy_.port_min, hi = policy_.port_max;
  const std::uint32_t sug = rq.external_port;
  std::uint32_t start = 0, granted = want;
  const bool sug_fits =
      sug >= lo && sug + want - 1 <= hi && (parity < 0 || static_cast<int>(sug % 2) == parity);
  const bool pool_kept = is_zero(rq.external_ip) || rq.external_ip == policy_.external_ips[idx];
  if (sug != 0 && sug_fits && table_.run_free(idx, rq.protocol, sug, want)) {
    start = sug;
  } else if (ctx.prefer_failure && (sug != 0 || !pool_kept)) {
    return error(ctx, res::cannot_provide_external);  // §13.2: exactly what was suggested, or nothing
  } else {
    start = table_.find_run(idx, rq.protocol, want, lo, hi, parity);
  }
  if (start == 0) {
    // Not enough contiguous ports: map as many as possible (RFC 7753 §4.2).
    auto [len, at] = table_.longest_run(idx, rq.protocol, lo, hi, parity);
    if (len == 0) return error(ctx, res::no_resources);
    granted = len;
    start = at;
  }
  if (granted < requested) counters_.add("port_set_partial");
  Mapping mp;
  mp.opcode = c::pcp_op::map;
  mp.internal_ip = ctx.internal_ip;
  mp.client_ip = ctx.v.client_ip;
  mp.protocol = rq.protocol;
  mp.internal_port = rq.internal_port;
  mp.size = granted;
  mp.pool_index = idx;
  mp.external_port = static_cast<std::uint16_t>(start);
  mp.nonce = rq.nonce;
  mp.lifetime = clamp_lifetime(ctx.v.lifetime);
  mp.expires = ctx.now + mp.lifetime;
  mp.parity = ctx.port_set && ctx.port_set->parity;
  mp.filters = static_cast<std::uint8_t>(ctx.filter_count);
  if (ctx.description)
    mp.description.assign(reinterpret_cast<const char*>(ctx.description->value.data()),
                          ctx.description->length);
  table_.insert(mp);
  answer_mapping(ctx, mp, res::success, mp.lifetime);
}

// RFC 7753 §5.2: a client inside a stateless rule owns an algorithmic port set; any MAP (protocol 0
// included) learns the part of that set inside the requested internal range. No state is kept.
bool Server::stateless_map(Ctx& ctx) {
  const StatelessRule* rule = nullptr;
  for (const auto& r : policy_.stateless)
    if (in_prefix(ctx.internal_ip, r.prefix, r.prefix_len)) rule = &r;
  if (!rule) return false;
  const auto& rq = ctx.v.map;
  const std::uint64_t n = host_part(ctx.internal_ip, rule->prefix_len);
  const std::uint64_t first = rule->first_port + n * rule->ports_per_client;
  const std::uint64_t last = first + rule->ports_per_client;  // exclusive
  const std::uint32_t span = ctx.port_set ? std::max<std::uint32_t>(ctx.port_set->size, 1) : 1;
  const std::uint64_t a = std::max<std::uint64_t>(first, rq.internal_port);
  const std::uint64_t b = std::min<std::uint64_t>({last, std::uint64_t{rq.internal_port} + span, 65536});
  if (first > 65535 || a >= b) {
    error(ctx, res::not_authorized);  // those internal ports are not this client's
    return true;
  }
  Mapping mp;
  mp.internal_ip = ctx.internal_ip;
  mp.protocol = rq.protocol;
  mp.internal_port = static_cast<std::uint16_t>(a);
  mp.size = static_cast<std::uint32_t>(b - a);
  mp.external_port = static_cast<std::uint16_t>(a);  // stateless: ports are not rewritten
  mp.parity = ctx.port_set && ctx.port_set->parity;
  mp.pool_index = stateless_index_[static_cast<std::size_t>(rule - policy_.stateless.data())];
  counters_.add("stateless_answers");
  answer_mapping(ctx, mp, res::success, ctx.v.lifetime == 0 ? 0 : policy_.max_lifetime, true);
  return true;
}

void Server::process_peer(Ctx& ctx) {
  const auto& rq = ctx.v.map;
  const auto& peer = ctx.v.peer;
  if (!protocol_allowed(policy_, rq.protocol)) return error(ctx, res::unsupp_protocol);
  // §12.1: PEER names one flow: internal port, remote port and remote address are required.
  if (rq.internal_port == 0 || peer.remote_peer_port == 0 || is_zero(peer.remote_peer_ip))
    return error(ctx, res::malformed_request);
  const std::uint32_t lifetime = clamp_lifetime(ctx.v.lifetime);
  MappingTable::PeerKey key{ctx.internal_ip, rq.protocol, rq.internal_port, peer.remote_peer_ip,
                            peer.remote_peer_port};
  if (Mapping* hit = table_.find_peer(key)) {
    if (hit->nonce != rq.nonce) return error(ctx, res::not_authorized);
    if (lifetime == 0) {
      Mapping gone = *hit;
      table_.erase(gone);
      return answer_mapping(ctx, gone, res::success, 0);
    }
    hit->expires = ctx.now + lifetime;
    hit->lifetime = lifetime;
    return answer_mapping(ctx, *hit, res::success, lifetime);
  }
  if (lifetime == 0) return error(ctx, res::success, false);
  if (table_.size() >= policy_.max_mappings) return error(ctx, res::no_resources);
  Mapping mp;
  mp.opcode = c::pcp_op::peer;
  mp.internal_ip = ctx.internal_ip;
  mp.client_ip = ctx.v.client_ip;
  mp.protocol = rq.protocol;
  mp.internal_port = rq.internal_port;
  mp.nonce = rq.nonce;
  mp.remote_peer = {peer.remote_peer_ip, peer.remote_peer_port};
  mp.lifetime = lifetime;
  mp.expires = ctx.now + lifetime;
  if (const Mapping* map = table_.map_covering(ctx.internal_ip, rq.protocol, rq.internal_port)) {
    // §12: the flow leaves through the external port of the MAP that covers the internal port.
    mp.pool_index = map->pool_index;
    mp.external_port =
        static_cast<std::uint16_t>(map->external_port + (rq.internal_port - map->internal_port));
    mp.owns_ports = false;
  } else {
    int pool = pool_for(ctx);
    if (pool < 0) return error(ctx, res::no_resources);
    mp.pool_index = static_cast<std::uint16_t>(pool);
    const std::uint32_t sug = rq.external_port;
    std::uint32_t port = 0;
    if (sug >= policy_.port_min && sug <= policy_.port_max &&
        table_.port_free(mp.pool_index, rq.protocol, static_cast<std::uint16_t>(sug)))
      port = sug;
    else
      port = table_.find_run(mp.pool_index, rq.protocol, 1, policy_.port_min, policy_.port_max, -1);
    if (port == 0) return error(ctx, res::no_resources);
    mp.external_port = static_cast<std::uint16_t>(port);
  }
  table_.insert(mp);
  answer_mapping(ctx, mp, res::success, lifetime);
}

}  // namespace pktmap::pcp
