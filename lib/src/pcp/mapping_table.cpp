#include "pktmap/pcp/mapping_table.hpp"

namespace pktmap::pcp {

namespace {
std::uint64_t load_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = v << 8 | p[i];
  return v;
}
}  // namespace

MappingTable::MapKey::MapKey(const PcpAddress& ip, std::uint8_t protocol, std::uint16_t port)
    : hi(load_be64(ip.data())),
      lo(load_be64(ip.data() + 8)),
      proto_port(std::uint32_t{protocol} << 16 | port) {}

std::span<Mapping* const> MappingTable::overlapping(const PcpAddress& ip, std::uint8_t protocol,
                                                    std::uint16_t first, std::uint32_t count) {
  hits_.clear();
  const MapKey key(ip, protocol, first);
  const std::uint32_t end = std::uint32_t{first} + count;
  auto it = maps_.upper_bound(key);
  // The mapping starting at or before `first` may reach into the range.
  if (it != maps_.begin()) {
    auto prev = std::prev(it);
    const Mapping& m = prev->second;
    if (prev->first.same_owner(key) && m.internal_port + m.size > first) hits_.push_back(&prev->second);
  }
  for (; it != maps_.end(); ++it) {
    if (!it->first.same_owner(key) || it->second.internal_port >= end) break;
    hits_.push_back(&it->second);
  }
  return hits_;
}

Mapping* MappingTable::map_covering(const PcpAddress& ip, std::uint8_t protocol, std::uint16_t port) {
  const MapKey key(ip, protocol, port);
  auto it = maps_.upper_bound(key);
  if (it == maps_.begin()) return nullptr;
  --it;
  const Mapping& m = it->second;
  return it->first.same_owner(key) && m.internal_port + m.size > port ? &it->second : nullptr;
}

Mapping* MappingTable::find_peer(const PeerKey& k) {
  auto it = peers_.find(k);
  return it == peers_.end() ? nullptr : &it->second;
}

void MappingTable::mark(const Mapping& m, bool used) {
  if (!m.owns_ports) return;
  Bitmap& b = ports_[{m.pool_index, m.protocol}];
  for (std::uint32_t p = m.external_port; p < std::uint32_t{m.external_port} + m.size && p < 65536; ++p) {
    std::uint64_t bit = std::uint64_t{1} << (p % 64);
    if (used)
      b.words[p / 64] |= bit;
    else
      b.words[p / 64] &= ~bit;
  }
}

void MappingTable::insert(const Mapping& m) {
  mark(m, true);
  if (m.opcode == codec::pcp_op::peer) {
    peers_[PeerKey{m.internal_ip, m.protocol, m.internal_port, m.remote_peer.addr, m.remote_peer.port}] = m;
    return;
  }
  maps_.insert_or_assign(MapKey(m.internal_ip, m.protocol, m.internal_port), m);
  ClientUse& c = clients_[m.client_ip];
  c.ports += m.size;
  ++c.mappings;
  c.pool_index = m.pool_index;
}

void MappingTable::erase(const Mapping& m) {
  mark(m, false);
  if (m.opcode == codec::pcp_op::peer) {
    peers_.erase(PeerKey{m.internal_ip, m.protocol, m.internal_port, m.remote_peer.addr, m.remote_peer.port});
    return;
  }
  auto c = clients_.find(m.client_ip);
  if (c != clients_.end()) {
    c->second.ports -= std::min(c->second.ports, m.size);
    if (--c->second.mappings == 0) clients_.erase(c);
  }
  maps_.erase(MapKey(m.internal_ip, m.protocol, m.internal_port));  // m may live in maps_: erase last
}

std::size_t MappingTable::expire(std::uint64_t now) {
  std::vector<Mapping> gone;
  for (const auto& [k, m] : maps_)
    if (m.expires <= now) gone.push_back(m);
  for (const auto& [k, m] : peers_)
    if (m.expires <= now) gone.push_back(m);
  for (const auto& m : gone)
    erase(m);
  return gone.size();
}

void MappingTable::clear() {
  maps_.clear();
  peers_.clear();
  ports_.clear();
  clients_.clear();
}

const MappingTable::Bitmap* MappingTable::bitmap(std::uint16_t pool_index, std::uint8_t protocol) const {
  auto it = ports_.find({pool_index, protocol});
  return it == ports_.end() ? nullptr : &it->second;
}

bool MappingTable::port_free(std::uint16_t pool_index, std::uint8_t protocol, std::uint16_t port) const {
  const Bitmap* b = bitmap(pool_index, protocol);
  return !b || !(b->words[port / 64] >> (port % 64) & 1);
}

bool MappingTable::run_free(std::uint16_t pool_index, std::uint8_t protocol, std::uint32_t first,
                            std::uint32_t count) const {
  if (first + count > 65536) return false;
  for (std::uint32_t p = first; p < first + count; ++p)
    if (!port_free(pool_index, protocol, static_cast<std::uint16_t>(p))) return false;
  return true;
}

std::uint32_t MappingTable::find_run(std::uint16_t pool_index, std::uint8_t protocol, std::uint32_t count,
                                     std::uint32_t lo, std::uint32_t hi, int parity) {
  if (count == 0 || hi < lo || hi - lo + 1 < count) return 0;
  Bitmap& b = ports_[{pool_index, protocol}];
  const std::uint32_t span = hi - lo + 1;
  std::uint32_t start = b.cursor >= lo && b.cursor <= hi ? b.cursor : lo;
  // Walk the range once from the cursor, wrapping; `run` counts free ports ending at p.
  std::uint32_t run = 0;
  std::uint32_t run_start = 0;
  for (std::uint32_t i = 0; i < span + count; ++i) {
    std::uint32_t p = lo + (start - lo + i) % span;
    if (p == lo) run = 0;  // runs do not wrap around the range end
    bool is_free = !(b.words[p / 64] >> (p % 64) & 1);
    if (!is_free) {
      run = 0;
      continue;
    }
    if (run == 0) {
      if (parity >= 0 && static_cast<int>(p % 2) != parity) continue;
      run_start = p;
    }
    if (++run == count) {
      b.cursor = run_start + count > hi ? lo : run_start + count;
      return run_start;
    }
  }
  return 0;
}

std::pair<std::uint32_t, std::uint32_t> MappingTable::longest_run(std::uint16_t pool_index,
                                                                  std::uint8_t protocol, std::uint32_t lo,
                                                                  std::uint32_t hi, int parity) const {
  const Bitmap* b = bitmap(pool_index, protocol);
  std::uint32_t best = 0, best_start = 0, run = 0, run_start = 0;
  for (std::uint32_t p = lo; p <= hi; ++p) {
    bool is_free = !b || !(b->words[p / 64] >> (p % 64) & 1);
    if (!is_free) {
      run = 0;
      continue;
    }
    if (run == 0) {
      if (parity >= 0 && static_cast<int>(p % 2) != parity) continue;
      run_start = p;
    }
    if (++run > best) {
      best = run;
      best_start = run_start;
    }
  }
  return {best, best_start};
}

std::uint32_t MappingTable::client_ports(const PcpAddress& client) const {
  auto it = clients_.find(client);
  return it == clients_.end() ? 0 : it->second.ports;
}

int MappingTable::client_pool(const PcpAddress& client) const {
  auto it = clients_.find(client);
  return it == clients_.end() ? -1 : it->second.pool_index;
}

}  // namespace pktmap::pcp
