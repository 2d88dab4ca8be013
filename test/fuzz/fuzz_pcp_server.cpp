// The PCP emulator's request handling (pcp::Server::handle) and the client's response decoding.
// Input: byte 0 picks the source (one of four clients) and advances the clock; the rest is one datagram.
// The server is kept across inputs so sequences reach refresh, overlap, quota and expiry paths.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/server.hpp"

using namespace pktmap;
using namespace pktmap::pcp;

namespace {

ServerPolicy fuzz_policy() {
  ServerPolicy p;
  p.external_ips = {codec::pcp_ipv4_mapped(0xC0000203), *parse_address("2001:db8::3")};
  p.port_min = 40000;
  p.port_max = 40999;
  p.min_lifetime = 1;
  p.max_lifetime = 600;
  p.ports_per_client = 300;
  p.max_set_size = 200;
  p.allow_third_party = true;
  p.max_filters = 4;
  p.rate_per_second = 1000;
  p.rate_burst = 1000;
  p.max_mappings = 2000;
  StatelessRule r;
  r.prefix = codec::pcp_ipv4_mapped(0x0A090000);  // 10.9.0.0/24
  r.prefix_len = 96 + 24;
  r.external_ip = codec::pcp_ipv4_mapped(0xC0000205);
  r.first_port = 16384;
  r.ports_per_client = 2048;
  p.stateless.push_back(r);
  return p;
}

const Endpoint kSources[4] = {
    {codec::pcp_ipv4_mapped(0x0A000002), 40000},
    {codec::pcp_ipv4_mapped(0x0A000003), 40001},
    {codec::pcp_ipv4_mapped(0x0A090005), 40002},
    {*parse_address("2001:db8::2"), 40003},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::uint64_t now = 1000;
  static Server server(fuzz_policy(), now);
  static ResponseBatch out;
  static std::uint64_t inputs = 0;
  if (++inputs % 5000 == 0) server.restart(now);
  if (size == 0) return 0;
  const Endpoint& from = kSources[data[0] & 3];
  now += data[0] >> 5;
  if (data[0] & 0x10) server.expire(now);
  ByteView req(data + 1, size - 1);

  server.handle(req, from, now, out);
  PKTMAP_FUZZ_CHECK(out.count <= ResponseBatch::kMax);
  for (std::size_t i = 0; i < out.count; ++i) {
    ByteView a = out.out[i].view();
    PKTMAP_FUZZ_CHECK(a.size() <= codec::kPcpMaxLen && a.size() % 4 == 0 && a.size() >= 8);
    if (a[0] == 0) {  // the NAT-PMP "unsupported version" answer
      PKTMAP_FUZZ_CHECK(a.size() == 8 && req.size() >= 2 && req[0] == 0);
      continue;
    }
    auto v = codec::parse_pcp(a);
    PKTMAP_FUZZ_CHECK(v->version == 2 && v->response && v->opcode == (req[1] & 0x7F));
    if (!v.ok() || v->result_code != codec::pcp_result::success || v->opcode != codec::pcp_op::map) continue;
    std::string_view why;
    auto r = decode_response(a, why);
    PKTMAP_FUZZ_CHECK(r.has_value());
    // RFC 7753 §4.2: PORT_SET only for a real set, never larger than the policy's maximum (the stateless
    // rule's 2048-port sets for 10.9.0.0/24). The rule follows the internal host: the THIRD_PARTY address
    // when the request named one (RFC 6887 §13.1; the answer echoes it), else the sender.
    const PcpAddress& internal = r->third_party ? *r->third_party : from.addr;
    const bool stateless = in_prefix(internal, codec::pcp_ipv4_mapped(0x0A090000), 96 + 24);
    if (r->port_set)
      PKTMAP_FUZZ_CHECK(r->port_set->size >= 2 && r->port_set->size <= (stateless ? 2048 : 200));
    if (!stateless && r->lifetime != 0)
      PKTMAP_FUZZ_CHECK(r->external_port >= 40000 && r->external_port + r->granted_ports() - 1 <= 40999);
  }
  // The client side: decoding arbitrary bytes as an answer never crashes.
  std::string_view why;
  (void)decode_response(req, why);
  return 0;
}
