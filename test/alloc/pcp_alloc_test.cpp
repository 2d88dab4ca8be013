// Proves the PCP emulator's request path allocates nothing in steady state: a server with 10,000 live MAP
// mappings and some PEER mappings handles refreshes, ANNOUNCEs and refused requests (ADDRESS_MISMATCH, a
// wrong nonce, UNSUPP_OPTION) once to warm up, then again with operator new counting: zero allocations.
#include <cstdio>
#include <vector>

#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/server.hpp"

#include "counting_new.hpp"

using namespace pktmap;
using namespace pktmap::pcp;

namespace {

std::vector<std::uint8_t> encode(const Request& r) {
  std::vector<std::uint8_t> b(codec::kPcpMaxLen);
  b.resize(build_request(r, b));
  return b;
}

}  // namespace

int main() {
  const PcpAddress client = *parse_address("10.0.0.2");
  const Endpoint from{client, 40000};
  ServerPolicy policy;
  policy.announce_on_start = false;
  Server server(policy, 1000);
  std::vector<std::vector<std::uint8_t>> reqs;
  for (unsigned i = 0; i < 10000; ++i) {
    Request r;
    r.lifetime = 3600;
    r.client_ip = client;
    r.nonce.fill(0x42);
    r.internal_port = static_cast<std::uint16_t>(2000 + i);
    r.external_ip = any_address_like(client);
    reqs.push_back(encode(r));
    if (i < 100) {  // PEER flows from the same internal ports
      r.opcode = codec::pcp_op::peer;
      r.protocol = 6;
      r.remote_peer = {*parse_address("203.0.113.9"), 443};
      reqs.push_back(encode(r));
    }
  }
  Request announce;
  announce.opcode = codec::pcp_op::announce;
  announce.client_ip = client;
  reqs.push_back(encode(announce));
  Request bad;
  bad.lifetime = 3600;
  bad.client_ip = *parse_address("10.9.9.9");  // ADDRESS_MISMATCH
  bad.internal_port = 2000;
  reqs.push_back(encode(bad));
  bad.client_ip = client;
  bad.nonce.fill(0x11);  // NOT_AUTHORIZED: the mapping has another nonce
  reqs.push_back(encode(bad));
  bad.third_party = *parse_address("10.0.0.3");  // UNSUPP_OPTION (third party not allowed)
  reqs.push_back(encode(bad));

  ResponseBatch out;
  std::size_t answers = 0;
  for (int pass = 0; pass < 3; ++pass) {  // pass 0 creates, pass 1 warms up, pass 2 counts
    g_allocs = 0;
    g_counting = pass == 2;
    for (const auto& r : reqs) {
      server.handle(r, from, 1000 + static_cast<std::uint64_t>(pass), out);
      answers += out.count;
    }
    g_counting = false;
  }
  const std::size_t refused = server.counters().get("NOT_AUTHORIZED") +
                              server.counters().get("ADDRESS_MISMATCH") +
                              server.counters().get("UNSUPP_OPTION");
  std::printf(
      "pcp_alloc_test: %zu requests per pass, %zu mappings, %zu answers, %zu refusals, %zu allocations in "
      "the counted pass\n",
      reqs.size(), server.table().size(), answers, refused, g_allocs);
  if (server.table().size() != 10100 || refused != 9) {
    std::printf("FAIL: expected 10100 mappings and 9 refusals\n");
    return 1;
  }
  return g_allocs == 0 ? 0 : 1;
}
