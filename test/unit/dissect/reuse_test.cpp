// A Dissection is reused from packet to packet: nothing of one packet may show in the next one's output.
#include <catch2/catch.hpp>
#include <string>

#include "pktmap/dissect/dissector.hpp"
#include "pktmap/dump/packet_format.hpp"
#include "pktmap/pcapio/packet.hpp"
#include "test_util.hpp"

using namespace pktmap;

namespace {

std::string json_of(const dissect::Dissection& d, ByteView frame) {
  pcapio::Packet p{
      .data = frame, .wire_len = static_cast<std::uint32_t>(frame.size()), .ts_ns = 0, .number = 1};
  report::JsonWriter j;
  dump::format_json(d, p, j);
  return j.str();
}

std::string text_of(const dissect::Dissection& d, ByteView frame) {
  pcapio::Packet p{
      .data = frame, .wire_len = static_cast<std::uint32_t>(frame.size()), .ts_ns = 0, .number = 1};
  std::string s;
  dump::format_text(d, p, {.verbosity = 1, .utc = true}, s);
  return s;
}

}  // namespace

TEST_CASE("a truncated DHCP message after a decoded one shows nothing of the first",
          "[dissect][regression]") {
  // capport-sample.pcap: frame 1 is a DHCPDISCOVER; cut inside the BOOTP header it cannot be decoded.
  auto frames = test::read_pcap_frames(std::string(PKTMAP_CAPTURES) + "/capport-sample.pcap");
  REQUIRE(frames.size() > 1);
  std::vector<std::uint8_t> full;
  for (const auto& f : frames) {
    if (f.size() > 300 && f[23] == 17 && f[36] == 0 && f[37] == 67) {  // IPv4/UDP to port 67
      full = f;
      break;
    }
  }
  REQUIRE(!full.empty());
  const std::vector<std::uint8_t> cut(full.begin(), full.begin() + 14 + 20 + 8 + 10);

  dissect::DispatchTable table;
  dissect::Dissector dissector(table);
  dissect::Dissection fresh, reused;
  dissector.dissect(test::view(cut), 1, fresh);
  dissector.dissect(test::view(full), 1, reused);
  REQUIRE(reused.app.has_dhcp);
  REQUIRE(reused.app.dhcp_xid != 0);
  dissector.dissect(test::view(cut), 1, reused);

  CHECK(reused.outcome.name == "dhcp_truncated");
  CHECK(json_of(reused, test::view(cut)) == json_of(fresh, test::view(cut)));
  CHECK(text_of(reused, test::view(cut)) == text_of(fresh, test::view(cut)));
  // Not decoded, so not shown as an all-zero message.
  CHECK(json_of(fresh, test::view(cut)).find("\"dhcp\":null") != std::string::npos);
}
