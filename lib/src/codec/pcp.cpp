#include "pktmap/codec/pcp.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::codec {

namespace {

template <std::size_t N>
std::array<std::uint8_t, N> load_array(const std::uint8_t* p) {
  std::array<std::uint8_t, N> a;
  std::copy(p, p + N, a.begin());
  return a;
}

// MAP §11.1 / PEER §12.1 data; `d` has been bounds-checked to the full opcode-data length.
void decode_map(const std::uint8_t* d, bool nonce, PcpMapData& m) {
  if (nonce) {
    m.nonce = load_array<kPcpNonceLen>(d);
    d += kPcpNonceLen;
  }
  m.protocol = d[0];
  m.reserved = load_be24(d + 1);
  m.internal_port = load_be16(d + 4);
  m.external_port = load_be16(d + 6);
  m.external_ip = load_array<16>(d + 8);
}

void decode_peer(const std::uint8_t* d, PcpPeerData& p) {
  p.remote_peer_port = load_be16(d);
  p.reserved = load_be16(d + 2);
  p.remote_peer_ip = load_array<16>(d + 4);
}

// Opcode-data length for a known opcode, or 0 with known=false.
std::size_t opcode_data_len(std::uint8_t version, std::uint8_t opcode, bool& known) {
  known = true;
  switch (opcode) {
    case pcp_op::announce:
      return 0;
    case pcp_op::map:
      return version == 1 ? kPcpV1MapLen : kPcpMapLen;
    case pcp_op::peer:
      return version == 1 ? kPcpV1PeerLen : kPcpPeerLen;
    default:
      known = false;
      return 0;
  }
}

void write_opcode_data(ByteWriter& w, std::uint8_t version, std::uint8_t opcode, const PcpMapData& m,
                       const PcpPeerData& p, ByteView raw) {
  if (opcode != pcp_op::map && opcode != pcp_op::peer) {
    if (opcode != pcp_op::announce) w.bytes(raw);
    return;
  }
  if (version != 1) w.bytes(m.nonce);
  w.u8(m.protocol);
  w.be24(m.reserved & 0xFFFFFFu);
  w.be16(m.internal_port);
  w.be16(m.external_port);
  w.bytes(m.external_ip);
  if (opcode == pcp_op::peer) {
    w.be16(p.remote_peer_port);
    w.be16(p.reserved);
    w.bytes(p.remote_peer_ip);
  }
}

void check_max_len(ByteWriter& w, std::size_t start) {
  if (w.ok() && w.size() - start > kPcpMaxLen) w.zeros(w.remaining() + 1);  // sticky failure
}

}  // namespace

const PcpOption* PcpView::find_option(std::uint8_t code) const {
  for (const PcpOption& o : option_list())
    if (o.code == code) return &o;
  return nullptr;
}

std::size_t PcpView::count_option(std::uint8_t code) const {
  return static_cast<std::size_t>(std::count_if(option_list().begin(), option_list().end(),
                                                [&](const PcpOption& o) { return o.code == code; }));
}

// RFC 6887 §7.1/§7.2 headers (diagrams in pcp.hpp), §11.1 MAP, §12.1 PEER, §7.3 options.
// Server-side validation order follows §8.3: too short is dropped, too long or not a multiple of 4 is
// MALFORMED_REQUEST. We still parse those so a decoder can show what was sent.
Result<PcpView> parse_pcp(ByteView data) {
  PcpView v;
  ByteReader r(data);
  auto ver = r.peek_u8();
  if (!ver) return {v, truncated("pcp_truncated")};
  v.version = *ver;
  if (auto op = r.peek_u8(1)) {
    v.response = (*op & 0x80) != 0;
    v.opcode = *op & 0x7F;
  }
  // NAT-PMP (RFC 6886) messages are 2-16 bytes with a different layout: only the first two bytes are shared.
  if (v.version == 0) return {v, unsupported("pcp_version_natpmp")};

  auto hdr = r.bytes(kPcpHeaderLen);
  if (!hdr) return {v, truncated("pcp_truncated")};
  const std::uint8_t* h = hdr->data();
  v.lifetime = load_be32(h + 4);
  if (v.response) {
    v.reserved = h[2];
    v.result_code = h[3];
    v.epoch = load_be32(h + 8);
    v.rsp_reserved = hdr->subspan(12);
  } else {
    v.reserved = load_be16(h + 2);
    v.client_ip = load_array<16>(h + 8);
  }
  // A server answers UNSUPP_VERSION from the common header alone (§9), so expose it for any version.
  if (v.version > kPcpVersion) {
    v.opcode_data = r.rest();
    return {v, unsupported("pcp_version_unsupported")};
  }

  bool known = false;
  std::size_t need = opcode_data_len(v.version, v.opcode, known);
  if (!known) {
    v.opcode_data = r.rest();
    return {v, unsupported("pcp_opcode_unknown")};
  }
  auto od = r.bytes(need);
  if (!od) {
    v.opcode_data = r.rest();
    return {v, truncated("pcp_opcode_data_truncated")};
  }
  v.opcode_data = *od;
  if (v.opcode != pcp_op::announce) decode_map(od->data(), v.has_nonce(), v.map);
  if (v.opcode == pcp_op::peer) decode_peer(od->data() + (need - 20), v.peer);

  v.options_data = r.rest();
  PcpOptionIterator it(v.options_data);
  PcpOption opt;
  std::size_t total = 0;
  while (it.next(opt)) {
    if (v.option_count < kPcpMaxOptions) v.options[v.option_count++] = opt;
    ++total;
  }

  // Message-level length problems explain any option-level ones (an unpadded final option, a dangling
  // byte), so they are reported first.
  if (data.size() > kPcpMaxLen) return {v, invalid("pcp_message_too_long")};
  if (data.size() % 4 != 0) return {v, invalid("pcp_length_not_multiple_of_4")};
  if (!it.outcome().ok()) return {v, it.outcome()};
  if (total > kPcpMaxOptions) return {v, unsupported("pcp_options_too_many")};
  return v;
}

void write_pcp_request(ByteWriter& w, const PcpRequestFields& f) {
  std::size_t start = w.size();
  w.u8(f.version);
  w.u8(f.opcode & 0x7F);
  w.be16(0);
  w.be32(f.lifetime);
  w.bytes(f.client_ip);
  write_opcode_data(w, f.version, f.opcode & 0x7F, f.map, f.peer, f.opcode_data);
  w.bytes(f.options);
  check_max_len(w, start);
}

void write_pcp_response(ByteWriter& w, const PcpResponseFields& f) {
  std::size_t start = w.size();
  w.u8(f.version);
  w.u8(static_cast<std::uint8_t>(0x80 | (f.opcode & 0x7F)));
  w.u8(0);
  w.u8(f.result_code);
  w.be32(f.lifetime);
  w.be32(f.epoch);
  w.zeros(12);
  write_opcode_data(w, f.version, f.opcode & 0x7F, f.map, f.peer, f.opcode_data);
  w.bytes(f.options);
  check_max_len(w, start);
}

const char* pcp_opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case pcp_op::announce:
      return "ANNOUNCE";
    case pcp_op::map:
      return "MAP";
    case pcp_op::peer:
      return "PEER";
    case pcp_op::authentication:
      return "AUTHENTICATION";
    default:
      return "unknown";
  }
}

const char* pcp_result_name(std::uint8_t code) {
  static constexpr const char* kNames[] = {
      "SUCCESS",          "UNSUPP_VERSION",         "NOT_AUTHORIZED",   "MALFORMED_REQUEST",
      "UNSUPP_OPCODE",    "UNSUPP_OPTION",          "MALFORMED_OPTION", "NETWORK_FAILURE",
      "NO_RESOURCES",     "UNSUPP_PROTOCOL",        "USER_EX_QUOTA",    "CANNOT_PROVIDE_EXTERNAL",
      "ADDRESS_MISMATCH", "EXCESSIVE_REMOTE_PEERS",
  };
  return code < std::size(kNames) ? kNames[code] : "unknown";
}

PcpAddress pcp_ipv4_mapped(std::uint32_t ipv4) {
  PcpAddress a{};
  a[10] = 0xFF;
  a[11] = 0xFF;
  store_be32(a.data() + 12, ipv4);
  return a;
}

bool pcp_is_ipv4_mapped(const PcpAddress& a) {
  static constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  return std::equal(std::begin(kPrefix), std::end(kPrefix), a.begin());
}

std::uint32_t pcp_ipv4(const PcpAddress& a) {
  return load_be32(a.data() + 12);
}

std::string_view format_pcp_address(const PcpAddress& a, std::span<char> out) {
  if (out.empty()) return {};
  bool v4 = pcp_is_ipv4_mapped(a);
  const char* s = v4 ? inet_ntop(AF_INET, a.data() + 12, out.data(), static_cast<socklen_t>(out.size()))
                     : inet_ntop(AF_INET6, a.data(), out.data(), static_cast<socklen_t>(out.size()));
  if (!s) {
    out[0] = '\0';
    return {};
  }
  return std::string_view(out.data(), std::strlen(out.data()));
}

}  // namespace pktmap::codec
