#include "pktmap/pcp/server.hpp"

#include "server_ctx.hpp"

#include <algorithm>

namespace pktmap::pcp {

namespace c = codec;
namespace res = codec::pcp_result;
using server_detail::is_zero;

namespace {

bool long_error(std::uint8_t r) {
  return r != res::network_failure && r != res::no_resources && r != res::user_ex_quota &&
         r != res::cannot_provide_external;
}

std::size_t hash_addr(const PcpAddress& a) {
  std::size_t h = 1469598103934665603ull;
  for (auto b : a)
    h = (h ^ b) * 1099511628211ull;
  return h;
}

}  // namespace

Server::Server(ServerPolicy policy, std::uint64_t now_s) : policy_(std::move(policy)), start_s_(now_s) {
  // Answers name addresses by index: the stateful pool first, then the stateless rules' addresses.
  addresses_ = policy_.external_ips;
  for (const auto& r : policy_.stateless) {
    auto it = std::find(addresses_.begin(), addresses_.end(), r.external_ip);
    stateless_index_.push_back(static_cast<std::uint16_t>(it - addresses_.begin()));
    if (it == addresses_.end()) addresses_.push_back(r.external_ip);
  }
}

void Server::restart(std::uint64_t now_s) {
  table_.clear();
  buckets_.clear();
  start_s_ = now_s;
}

Datagram Server::announce(std::uint64_t now_s) const {
  Datagram d;
  c::PcpResponseFields f;
  f.opcode = c::pcp_op::announce;
  f.epoch = epoch(now_s);
  ByteWriter w(d.bytes);
  c::write_pcp_response(w, f);
  d.len = w.size();
  return d;
}

std::uint32_t Server::clamp_lifetime(std::uint32_t requested) const {
  if (requested == 0) return 0;
  return std::clamp(requested, policy_.min_lifetime, policy_.max_lifetime);
}

void Server::count_result(std::uint8_t result) {
  counters_.add(c::pcp_result_name(result));
}

bool Server::rate_limited(const PcpAddress& src, std::uint64_t now_s) {
  if (buckets_.size() > 65536) buckets_.clear();  // bounded memory under spoofed floods
  auto [it, fresh] = buckets_.try_emplace(src);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = policy_.rate_burst;
    b.last_s = now_s;
  }
  b.tokens = std::min<double>(policy_.rate_burst,
                              b.tokens + static_cast<double>(now_s - b.last_s) * policy_.rate_per_second);
  b.last_s = now_s;
  if (b.tokens < 1) return true;
  b.tokens -= 1;
  return false;
}

void Server::handle(ByteView request, const Endpoint& from, std::uint64_t now_s, ResponseBatch& out) {
  out.clear();
  counters_.add("requests");
  // §8.3: too short to hold version and opcode, or a response (R=1): silently dropped.
  if (request.size() < 2) return counters_.add("dropped_short");
  if (request[1] & 0x80) return counters_.add("dropped_response");
  if (policy_.rate_per_second > 0 && rate_limited(from.addr, now_s))
    return counters_.add("dropped_rate_limited");
  Ctx ctx(request, from, now_s, out);
  process(ctx);
}

// Writes a response carrying only the common header (for requests whose layout is unknown or unusable):
// built with ANNOUNCE's layout (no opcode data), then given the request's opcode.
static void header_only(Datagram& d, std::uint8_t opcode, std::uint8_t result, std::uint32_t lifetime,
                        std::uint32_t epoch) {
  c::PcpResponseFields f;
  f.opcode = c::pcp_op::announce;
  f.result_code = result;
  f.lifetime = lifetime;
  f.epoch = epoch;
  ByteWriter w(d.bytes);
  c::write_pcp_response(w, f);
  w.patch_u8(1, static_cast<std::uint8_t>(0x80 | opcode));
  d.len = w.size();
}

void Server::process(Ctx& ctx) {
  const std::uint8_t version = ctx.req[0];
  const std::uint8_t opcode = ctx.req[1] & 0x7F;
  const std::uint32_t epoch_now = epoch(ctx.now);
  auto header_error = [&](std::uint8_t result) {
    count_result(result);
    if (Datagram* d = ctx.out.add())
      header_only(*d, opcode, result,
                  long_error(result) ? policy_.long_error_lifetime : policy_.short_error_lifetime, epoch_now);
  };
  if (version == 0) {
    // §9: a server without NAT-PMP answers a version-0 request in NAT-PMP form with result 1
    // (RFC 6886 §3.5 "Unsupported Version"): version 0, opcode+128, result (16 bits), epoch (32 bits).
    Datagram* d = ctx.out.add();
    if (!d) return;
    ByteWriter w(d->bytes);
    w.u8(0);
    w.u8(static_cast<std::uint8_t>(0x80 | opcode));
    w.be16(1);
    w.be32(epoch_now);
    d->len = w.size();
    return counters_.add("natpmp_unsupp_version");
  }
  if (version != c::kPcpVersion) return header_error(res::unsupp_version);  // answered as version 2 (§9)
  auto parsed = c::parse_pcp(ctx.req);
  ctx.v = parsed.value();
  if (ctx.req.size() < c::kPcpHeaderLen || ctx.req.size() > c::kPcpMaxLen || ctx.req.size() % 4 != 0) {
    // Echo the MAP/PEER data when it is all there, so the client can match the answer; not the options.
    if (parsed.status() == Status::truncated || parsed.name() == "pcp_opcode_unknown")
      return header_error(res::malformed_request);
    return error(ctx, res::malformed_request, false);
  }
  if (!parsed.ok()) {
    const auto name = parsed.name();
    if (name == "pcp_opcode_unknown") return error(ctx, res::unsupp_opcode);
    if (name == "pcp_option_overrun") return error(ctx, res::malformed_option);
    if (name == "pcp_options_too_many") return error(ctx, res::malformed_request);
    return header_error(res::malformed_request);  // opcode data cut short
  }
  if (ctx.v.client_ip != ctx.from.addr) return error(ctx, res::address_mismatch);
  if (!check_options(ctx)) return;
  switch (ctx.v.opcode) {
    case c::pcp_op::announce:
      count_result(res::success);
      if (Datagram* d = ctx.out.add()) header_only(*d, c::pcp_op::announce, res::success, 0, epoch_now);
      return;
    case c::pcp_op::map:
      return process_map(ctx);
    default:
      return process_peer(ctx);
  }
}

// §7.3 and the option definitions (§13, RFC 7220, RFC 7753 §4.2). Answers and returns false on a problem.
bool Server::check_options(Ctx& ctx) {
  const std::uint8_t op = ctx.v.opcode;
  const bool map_or_peer = op == c::pcp_op::map || op == c::pcp_op::peer;
  for (const c::PcpOption& o : ctx.v.option_list()) {
    switch (o.code) {
      case c::pcp_opt::third_party: {
        auto tp = c::parse_pcp_third_party(o);
        if (!map_or_peer || ctx.third_party || !tp.ok()) return error(ctx, res::malformed_option), false;
        if (!policy_.allow_third_party) return error(ctx, res::unsupp_option), false;
        ctx.third_party = *tp;
        break;
      }
      case c::pcp_opt::prefer_failure:
        if (op != c::pcp_op::map || ctx.prefer_failure || !c::check_pcp_prefer_failure(o).ok())
          return error(ctx, res::malformed_option), false;
        ctx.prefer_failure = true;
        break;
      case c::pcp_opt::filter: {
        auto f = c::parse_pcp_filter(o);
        if (op != c::pcp_op::map || !f.ok()) return error(ctx, res::malformed_option), false;
        // §13.3: for an IPv4 peer the prefix length counts the 96 bits of the mapped prefix.
        unsigned min_len = c::pcp_is_ipv4_mapped(f->remote_peer_ip) ? 96 : 0;
        if (f->prefix_length > 128 || (f->prefix_length != 0 && f->prefix_length < min_len))
          return error(ctx, res::malformed_option), false;
        ctx.filters[ctx.filter_count++] = &o;
        if (ctx.filter_count > policy_.max_filters) return error(ctx, res::excessive_remote_peers), false;
        break;
      }
      case c::pcp_opt::description:
        if (!map_or_peer) break;
        if (ctx.description || !c::parse_pcp_description(o).ok())
          return error(ctx, res::malformed_option), false;
        ctx.description = &o;
        break;
      case c::pcp_opt::port_set: {
        if (op != c::pcp_op::map) break;  // optional-to-process and MAP-only: ignored elsewhere
        auto ps = c::parse_pcp_port_set(o);
        if (ctx.port_set || !ps.ok() || (ps->size == 0 && ctx.v.lifetime != 0))
          return error(ctx, res::malformed_option), false;
        ctx.port_set = *ps;
        break;
      }
      default:
        if (o.mandatory()) return error(ctx, res::unsupp_option), false;
        counters_.add("option_ignored");
    }
  }
  // RFC 7753 §4: PREFER_FAILURE MUST NOT appear with PORT_SET.
  if (ctx.prefer_failure && ctx.port_set) return error(ctx, res::malformed_option), false;
  ctx.internal_ip = ctx.third_party.value_or(ctx.v.client_ip);
  return true;
}

// Error (and "nothing to do") answers echo the request's opcode data and as many whole options as fit.
void Server::error(Ctx& ctx, std::uint8_t result, bool echo_options) {
  Datagram* d = ctx.out.add();
  if (!d) return counters_.add("overlap_answers_dropped");
  count_result(result);
  c::PcpResponseFields f;
  f.opcode = ctx.v.opcode;
  f.result_code = result;
  f.lifetime = result == res::success ? 0
               : long_error(result)   ? policy_.long_error_lifetime
                                      : policy_.short_error_lifetime;
  f.epoch = epoch(ctx.now);
  f.map = ctx.v.map;
  f.peer = ctx.v.peer;
  const std::size_t room = c::kPcpMaxLen - c::kPcpHeaderLen;
  f.opcode_data = ctx.v.opcode_data.subspan(0, std::min(ctx.v.opcode_data.size(), room) & ~std::size_t{3});
  std::size_t opt_room = room - std::min(room, ctx.v.opcode_data.size());
  ByteView opts = echo_options ? ctx.v.options_data : ByteView{};
  c::PcpOptionIterator it(opts);
  c::PcpOption o;
  std::size_t keep = 0;
  while (it.next(o) && it.offset() <= opt_room)
    keep = it.offset();
  f.options = opts.subspan(0, keep & ~std::size_t{3});
  ByteWriter w(d->bytes);
  c::write_pcp_response(w, f);
  d->len = w.size();
}

void Server::answer_mapping(Ctx& ctx, const Mapping& m, std::uint8_t result, std::uint32_t lifetime,
                            bool request_port) {
  Datagram* d = ctx.out.add();
  if (!d) return counters_.add("overlap_answers_dropped");
  count_result(result);
  std::array<std::uint8_t, c::kPcpMaxLen> opts;
  ByteWriter ow(opts);
  if (ctx.third_party) c::write_pcp_third_party(ow, *ctx.third_party);
  if (ctx.prefer_failure) c::write_pcp_prefer_failure(ow);
  for (std::size_t i = 0; i < ctx.filter_count; ++i)
    c::write_pcp_option(ow, c::pcp_opt::filter, ctx.filters[i]->value);
  if (ctx.description) c::write_pcp_option(ow, c::pcp_opt::description, ctx.description->value);
  // RFC 7753 §4.2: a single-port mapping is answered without PORT_SET.
  if (m.opcode == c::pcp_op::map && m.size > 1)
    c::write_pcp_port_set(ow, PcpPortSet{static_cast<std::uint16_t>(m.size), m.internal_port, m.parity, 0});
  c::PcpResponseFields f;
  f.opcode = ctx.v.opcode;
  f.result_code = result;
  f.lifetime = lifetime;
  f.epoch = epoch(ctx.now);
  f.map = ctx.v.map;
  f.map.protocol = m.protocol;
  // The request's Internal Port when it lies in the mapping (RFC 7753 §6.3) or for a stateless answer
  // (§5.2), else the mapping's first (§5.3).
  const std::uint16_t rq = ctx.v.map.internal_port;
  const bool inside = rq >= m.internal_port && rq < m.internal_port + m.size;
  f.map.internal_port = inside || request_port ? rq : m.internal_port;
  f.map.external_port = m.external_port;
  f.map.external_ip = addresses_[m.pool_index];
  f.peer = ctx.v.peer;
  f.options = ow.written();
  ByteWriter w(d->bytes);
  c::write_pcp_response(w, f);
  d->len = w.size();
}

int Server::pool_for(Ctx& ctx) {
  const PcpAddress& sug = ctx.v.map.external_ip;
  const bool want_v4 = c::pcp_is_ipv4_mapped(sug);
  if (!is_zero(sug)) {
    for (std::size_t i = 0; i < policy_.external_ips.size(); ++i)
      if (policy_.external_ips[i] == sug) return static_cast<int>(i);
    if (ctx.prefer_failure) return -2;
  }
  int prev = table_.client_pool(ctx.v.client_ip);
  if (prev >= 0 && c::pcp_is_ipv4_mapped(policy_.external_ips[prev]) == want_v4) return prev;
  std::vector<int> family;
  for (std::size_t i = 0; i < policy_.external_ips.size(); ++i)
    if (c::pcp_is_ipv4_mapped(policy_.external_ips[i]) == want_v4) family.push_back(static_cast<int>(i));
  if (family.empty()) return -1;
  return family[hash_addr(ctx.v.client_ip) % family.size()];
}

}  // namespace pktmap::pcp
