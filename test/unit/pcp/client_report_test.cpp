// pcp-cli's report of server deviations (man/pcp-cli.1, SERVER DEVIATIONS): PREFER_FAILURE answered with
// another port, and MALFORMED_OPTION for a request with an option whose length is not a multiple of 4.
#include "pktmap/pcp/client_report.hpp"

#include <catch2/catch.hpp>

using namespace pktmap;
using namespace pktmap::pcp;
namespace res = codec::pcp_result;

namespace {

Request map_request() {
  Request rq;
  rq.lifetime = 7200;
  rq.client_ip = *parse_address("10.77.0.2");
  rq.internal_port = 40041;
  rq.external_ip = any_address_like(rq.client_ip);
  return rq;
}

Exchange answer(std::uint8_t result, std::uint16_t external_port) {
  Response r;
  r.version = 2;
  r.opcode = codec::pcp_op::map;
  r.result = result;
  r.protocol = 17;
  r.internal_port = 40041;
  r.external_port = external_port;
  Exchange ex;
  ex.responses.push_back(r);
  ex.transmissions = 1;
  return ex;
}

std::string json(const ReportContext& ctx, const Exchange& ex) {
  report::JsonWriter j;
  format_exchange_json(ctx, ex, j);
  return j.str();
}

}  // namespace

TEST_CASE("report: PREFER_FAILURE answered with another port is named", "[pcp][report]") {
  Request rq = map_request();
  rq.prefer_failure = true;
  rq.external_port = 40040;
  ReportContext ctx{&rq, Endpoint{*parse_address("10.77.0.1"), 5351}, false, nullptr};
  const Exchange other = answer(res::success, 40041);
  CHECK(format_exchange_text(ctx, other).find("RFC 6887 section 13.2") != std::string::npos);
  CHECK(json(ctx, other).find(R"("deviations":["prefer_failure_ignored"])") != std::string::npos);
  // The suggested port granted: nothing to say.
  const Exchange same = answer(res::success, 40040);
  CHECK(format_exchange_text(ctx, same).find("note:") == std::string::npos);
  CHECK(json(ctx, same).find(R"("deviations":[])") != std::string::npos);
  // Without PREFER_FAILURE another port is fine.
  rq.prefer_failure = false;
  CHECK(json(ctx, other).find(R"("deviations":[])") != std::string::npos);
}

TEST_CASE("report: MALFORMED_OPTION for an unpadded-length option hints at the padding bug",
          "[pcp][report]") {
  Request rq = map_request();
  ReportContext ctx{&rq, Endpoint{*parse_address("10.77.0.1"), 5351}, false, nullptr};
  const Exchange refused = answer(res::malformed_option, 0);
  rq.description = "voip";  // 4 bytes: nothing unpadded in the request
  CHECK(json(ctx, refused).find(R"("deviations":[])") != std::string::npos);
  rq.description = "hello";
  CHECK(json(ctx, refused).find(R"("deviations":["unpadded_option_refused"])") != std::string::npos);
  rq.description.reset();
  rq.port_set = PcpPortSet{10, 40041, false, 0};
  CHECK(format_exchange_text(ctx, refused).find("miniupnpd before 2.3.11") != std::string::npos);
  // Another error is not explained this way.
  CHECK(json(ctx, answer(res::unsupp_option, 0)).find(R"("deviations":[])") != std::string::npos);
}
