#include "pktmap/pcp/message.hpp"

#include <random>

#include "pktmap/wire/hex.hpp"

namespace pktmap::pcp {

namespace c = codec;

std::size_t build_request(const Request& r, std::span<std::uint8_t> out) {
  std::array<std::uint8_t, c::kPcpMaxLen> opts;
  ByteWriter ow(opts);
  if (r.third_party) c::write_pcp_third_party(ow, *r.third_party);
  if (r.prefer_failure) c::write_pcp_prefer_failure(ow);
  for (const auto& f : r.filters)
    c::write_pcp_filter(ow, f);
  if (r.description) c::write_pcp_description(ow, *r.description);
  if (r.port_set) c::write_pcp_port_set(ow, *r.port_set);
  if (!ow.ok()) return 0;

  c::PcpRequestFields f;
  f.opcode = r.opcode;
  f.lifetime = r.lifetime;
  f.client_ip = r.client_ip;
  f.map.nonce = r.nonce;
  f.map.protocol = r.protocol;
  f.map.internal_port = r.internal_port;
  f.map.external_port = r.external_port;
  f.map.external_ip = r.external_ip;
  f.peer.remote_peer_port = r.remote_peer.port;
  f.peer.remote_peer_ip = r.remote_peer.addr;
  f.options = ow.written();
  ByteWriter w(out);
  c::write_pcp_request(w, f);
  return w.ok() ? w.size() : 0;
}

std::uint32_t Response::granted_ports() const {
  if (result != c::pcp_result::success || opcode != c::pcp_op::map) return 0;
  return port_set ? port_set->size : 1;
}

std::optional<Response> decode_response(ByteView data, std::string_view& why) {
  auto v = c::parse_pcp(data);
  if (!v.ok()) {
    why = v.name();
    return std::nullopt;
  }
  if (!v->response) {
    why = "pcp_not_a_response";
    return std::nullopt;
  }
  if (v->version != c::kPcpVersion) {
    why = "pcp_version_not_2";
    return std::nullopt;
  }
  Response r;
  r.version = v->version;
  r.opcode = v->opcode;
  r.result = v->result_code;
  r.lifetime = v->lifetime;
  r.epoch = v->epoch;
  r.nonce = v->map.nonce;
  r.protocol = v->map.protocol;
  r.internal_port = v->map.internal_port;
  r.external_port = v->map.external_port;
  r.external_ip = v->map.external_ip;
  r.remote_peer = {v->peer.remote_peer_ip, v->peer.remote_peer_port};
  for (const auto& o : v->option_list()) {
    switch (o.code) {
      case c::pcp_opt::port_set:
        // Longer-than-5 encodings (miniupnpd-era) still carry the fields in their first bytes.
        r.port_set = c::parse_pcp_port_set(o).value();
        if (o.length < c::kPcpPortSetLen) r.port_set.reset();
        break;
      case c::pcp_opt::third_party:
        if (auto tp = c::parse_pcp_third_party(o)) r.third_party = *tp;
        break;
      case c::pcp_opt::description: {
        auto d = c::parse_pcp_description(o);
        r.description = std::string(d.value());
        break;
      }
      case c::pcp_opt::filter:
        if (auto f = c::parse_pcp_filter(o)) r.filters.push_back(*f);
        break;
      case c::pcp_opt::prefer_failure:
        r.prefer_failure = true;
        break;
      default:
        r.unknown_options.push_back(o.code);
    }
  }
  return r;
}

PcpNonce random_nonce() {
  std::random_device rd;
  PcpNonce n;
  for (std::size_t i = 0; i < n.size(); i += 4) {
    std::uint32_t v = rd();
    for (std::size_t k = 0; k < 4; ++k)
      n[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
  return n;
}

std::optional<PcpNonce> parse_nonce(std::string_view hex) {
  auto v = parse_hex(hex);
  if (!v || v->size() != c::kPcpNonceLen) return std::nullopt;
  PcpNonce n;
  std::copy(v->begin(), v->end(), n.begin());
  return n;
}

std::string format_nonce(const PcpNonce& n) {
  return to_hex(n);
}

std::optional<std::uint8_t> parse_protocol(std::string_view text) {
  if (text == "udp") return 17;
  if (text == "tcp") return 6;
  if (text == "all") return 0;
  if (text.empty() || text.size() > 3) return std::nullopt;
  unsigned v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(ch - '0');
  }
  if (v > 255) return std::nullopt;
  return static_cast<std::uint8_t>(v);
}

std::string protocol_name(std::uint8_t p) {
  switch (p) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 0:
      return "all";
    default:
      return std::to_string(p);
  }
}

PcpAddress any_address_like(const PcpAddress& client) {
  return c::pcp_is_ipv4_mapped(client) ? c::pcp_ipv4_mapped(0) : PcpAddress{};
}

}  // namespace pktmap::pcp
