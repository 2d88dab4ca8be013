// PCP decoding of test/data/pcp-miniupnpd231-netns-probe.pcap (specs/pcp.md §3). Every asserted value was
// cross-checked with tshark 4.0.17:
//   tshark -r test/data/pcp-miniupnpd231-netns-probe.pcap -T fields -e portcontrol.version
//     -e portcontrol.opcode -e portcontrol.result_code -e portcontrol.option.code -e
//     portcontrol.option.length
#include <catch2/catch.hpp>

#include "pktmap/codec/pcp.hpp"
#include "test_util.hpp"
#include "udp_fixture.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {

const std::vector<std::vector<std::uint8_t>>& frames() {
  static const auto f = test::read_pcap_frames(test::data_path("pcp-miniupnpd231-netns-probe.pcap"));
  return f;
}

// The PCP payload of frame n (1-based, as tshark numbers them).
ByteView payload(std::size_t n) {
  auto u = test::udp_fixture(frames().at(n - 1));
  REQUIRE(u.ok);
  return u.payload;
}

std::string addr_text(const PcpAddress& a) {
  char buf[kPcpAddressStrLen];
  return std::string(format_pcp_address(a, buf));
}

struct Expect {
  int frame;
  int version;
  int opcode;
  int result;        // -1: request
  int first_option;  // -1: none
};

}  // namespace

TEST_CASE("PCP corpus: every frame's header matches tshark", "[codec][pcp][fixture]") {
  REQUIRE(frames().size() == 61);
  // Frames 15 (version 0) and 36 (version 3) are not PCP to tshark; they are checked below.
  const Expect table[] = {
      {1, 2, 0, 0, -1},   {2, 2, 0, -1, -1},   {3, 2, 0, 0, -1},    {4, 2, 1, -1, -1},   {5, 2, 1, 0, -1},
      {10, 2, 1, -1, -1}, {11, 2, 1, 0, -1},   {12, 2, 1, -1, 130}, {13, 2, 1, 6, 130},  {16, 2, 1, -1, 130},
      {17, 2, 1, 0, 130}, {18, 2, 1, -1, 128}, {19, 2, 1, 0, 128},  {20, 2, 1, -1, 128}, {21, 2, 1, 6, 128},
      {22, 2, 1, -1, 2},  {23, 2, 1, 0, 2},    {26, 2, 1, -1, 1},   {27, 2, 1, 5, 1},    {28, 2, 1, -1, 3},
      {29, 2, 1, 0, 3},   {30, 2, 1, -1, 99},  {31, 2, 1, 5, 99},   {32, 2, 1, -1, 200}, {33, 2, 1, 0, 200},
      {34, 2, 1, -1, -1}, {35, 2, 1, 12, -1},  {37, 2, 1, 1, -1},   {38, 1, 1, -1, -1},  {39, 1, 1, 0, -1},
      {42, 2, 1, -1, -1}, {43, 2, 1, 3, -1},   {48, 2, 2, -1, -1},  {49, 2, 2, 0, -1},   {50, 2, 1, -1, -1},
      {51, 2, 1, 2, -1},  {55, 2, 2, -1, 3},   {56, 2, 1, -1, 2},   {57, 2, 1, -1, 130}, {58, 2, 1, 2, -1},
      {59, 2, 2, 3, 3},   {60, 2, 1, 6, 2},    {61, 2, 1, 0, 130},  {6, 2, 1, -1, -1},   {7, 2, 1, 0, -1},
      {8, 2, 1, -1, -1},  {9, 2, 1, 0, -1},    {24, 2, 1, -1, 2},   {25, 2, 1, 0, 2},    {44, 2, 1, -1, -1},
      {45, 2, 1, 0, -1},  {54, 2, 1, -1, -1},
  };
  for (const Expect& e : table) {
    INFO("frame " << e.frame);
    auto r = parse_pcp(payload(e.frame));
    CHECK(r.ok());
    CHECK(r->version == e.version);
    CHECK(r->opcode == e.opcode);
    CHECK(r->response == (e.result >= 0));
    if (e.result >= 0) CHECK(r->result_code == e.result);
    if (e.first_option >= 0) {
      REQUIRE(r->option_count >= 1);
      CHECK(r->options[0].code == e.first_option);
    } else {
      CHECK(r->option_count == 0);
    }
  }
}

TEST_CASE("PCP corpus: ANNOUNCE, MAP and PEER values", "[codec][pcp][fixture]") {
  SECTION("frame 1: unsolicited ANNOUNCE to 224.0.0.1:5350, epoch 0") {
    auto u = test::udp_fixture(frames().at(0));
    CHECK(u.src_port == kPcpServerPort);
    CHECK(u.dst_port == kPcpClientPort);
    auto r = parse_pcp(u.payload);
    REQUIRE(r.ok());
    CHECK(r->response);
    CHECK(r->opcode == pcp_op::announce);
    CHECK(r->lifetime == 0);
    CHECK(r->epoch == 0);
    CHECK(r->opcode_data.empty());
  }
  SECTION("frames 4/5: MAP UDP 40000 and its SUCCESS") {
    auto q = parse_pcp(payload(4));
    REQUIRE(q.ok());
    CHECK(addr_text(q->client_ip) == "10.77.0.2");
    CHECK(q->lifetime == 600);
    CHECK(q->map.protocol == 17);
    CHECK(q->map.internal_port == 40000);
    CHECK(q->map.external_port == 40000);
    CHECK(addr_text(q->map.external_ip) == "0.0.0.0");
    auto a = parse_pcp(payload(5));
    REQUIRE(a.ok());
    CHECK(a->map.nonce == q->map.nonce);
    CHECK(a->lifetime == 600);
    CHECK(a->epoch == 16);
    CHECK(a->map.external_port == 40000);
    CHECK(addr_text(a->map.external_ip) == "100.128.0.1");
  }
  SECTION("frames 10/11: lifetime 30 clamped to 120") {
    CHECK(parse_pcp(payload(10))->lifetime == 30);
    CHECK(parse_pcp(payload(11))->lifetime == 120);
  }
  SECTION("frames 18/19: MAP TCP 42000 with DESCRIPTION 'pcp-test'") {
    auto q = parse_pcp(payload(18));
    REQUIRE(q.ok());
    CHECK(q->map.protocol == 6);
    CHECK(q->map.internal_port == 42000);
    auto d = parse_pcp_description(q->options[0]);
    REQUIRE(d.ok());
    CHECK(d.value() == "pcp-test");
    CHECK(parse_pcp(payload(19))->map.external_port == 42000);
  }
  SECTION("frames 48/49: PEER TCP to 100.128.0.2:443") {
    auto q = parse_pcp(payload(48));
    REQUIRE(q.ok());
    CHECK(q->map.internal_port == 48000);
    CHECK(q->peer.remote_peer_port == 443);
    CHECK(addr_text(q->peer.remote_peer_ip) == "100.128.0.2");
    auto a = parse_pcp(payload(49));
    CHECK(addr_text(a->map.external_ip) == "100.128.0.1");
  }
  SECTION("frames 34/35: wrong client IP gives ADDRESS_MISMATCH") {
    CHECK(addr_text(parse_pcp(payload(34))->client_ip) == "10.77.0.99");
    CHECK(std::string_view(pcp_result_name(parse_pcp(payload(35))->result_code)) == "ADDRESS_MISMATCH");
  }
  SECTION("frames 38/39: version 1 MAP without nonce") {
    auto q = parse_pcp(payload(38));
    REQUIRE(q.ok());
    CHECK_FALSE(q->has_nonce());
    CHECK(q->opcode_data.size() == kPcpV1MapLen);
    CHECK(q->map.protocol == 6);
    CHECK(q->map.internal_port == 47002);
    auto a = parse_pcp(payload(39));
    CHECK(a->map.external_port == 47002);
    CHECK(addr_text(a->map.external_ip) == "100.128.0.1");
  }
}

TEST_CASE("PCP corpus: options", "[codec][pcp][fixture]") {
  SECTION("frames 12/13: PORT_SET length 5, padded; echoed with MALFORMED_OPTION") {
    for (int f : {12, 13}) {
      auto r = parse_pcp(payload(f));
      REQUIRE(r.ok());
      auto ps = parse_pcp_port_set(r->options[0]);
      REQUIRE(ps.ok());
      CHECK(ps->size == 10);
      CHECK(ps->first_internal_port == 41000);
      CHECK(ps->parity);
      CHECK(r->options[0].fully_padded());
    }
  }
  SECTION("frame 14: PORT_SET length 5 unpadded (69 bytes)") {
    // tshark decodes the option's fields and then flags the packet malformed; we keep the option (short
    // padding) and report the message length.
    auto r = parse_pcp(payload(14));
    CHECK(payload(14).size() == 69);
    CHECK(r.name() == "pcp_length_not_multiple_of_4");
    REQUIRE(r->option_count == 1);
    CHECK_FALSE(r->options[0].fully_padded());
    CHECK(r->options[0].padding.empty());
    auto ps = parse_pcp_port_set(r->options[0]);
    REQUIRE(ps.ok());
    CHECK(ps->size == 10);
    CHECK(ps->parity);
  }
  SECTION("frame 15: miniupnpd's version-0 reply, NAT-PMP to tshark") {
    auto r = parse_pcp(payload(15));
    CHECK(r.name() == "pcp_version_natpmp");
    CHECK(r->version == 0);
    CHECK(r->response);
    CHECK(r->opcode == 0);
  }
  SECTION("frames 16/57: PORT_SET length 8 (size 10, then size 0)") {
    auto r = parse_pcp(payload(16));
    REQUIRE(r.ok());
    CHECK(r->options[0].length == 8);
    auto ps = parse_pcp_port_set(r->options[0]);
    CHECK(ps.name() == "pcp_port_set_bad_length");
    CHECK(ps->size == 10);
    CHECK(ps->parity);
    auto z = parse_pcp_port_set(parse_pcp(payload(57))->options[0]);
    CHECK(z->size == 0);
    CHECK(z->first_internal_port == 48003);
    CHECK_FALSE(z->parity);
  }
  SECTION("frame 20: DESCRIPTION length 5, padded") {
    auto r = parse_pcp(payload(20));
    REQUIRE(r.ok());
    CHECK(parse_pcp_description(r->options[0]).value() == "hello");
    CHECK(r->options[0].padding.size() == 3);
  }
  SECTION("frames 22, 26, 28: PREFER_FAILURE, THIRD_PARTY, FILTER") {
    CHECK(check_pcp_prefer_failure(parse_pcp(payload(22))->options[0]).ok());
    auto tp = parse_pcp_third_party(parse_pcp(payload(26))->options[0]);
    REQUIRE(tp.ok());
    CHECK(addr_text(tp.value()) == "10.77.0.9");
    auto f = parse_pcp_filter(parse_pcp(payload(28))->options[0]);
    REQUIRE(f.ok());
    CHECK(f->prefix_length == 128);
    CHECK(f->remote_peer_port == 0);
    CHECK(addr_text(f->remote_peer_ip) == "100.128.0.2");
  }
  SECTION("frames 30/32: unknown mandatory 99 and optional 200") {
    auto m = parse_pcp(payload(30));
    CHECK(m->options[0].code == 99);
    CHECK(m->options[0].mandatory());
    CHECK(m->options[0].length == 0);
    auto o = parse_pcp(payload(32));
    CHECK(o->options[0].code == 200);
    CHECK_FALSE(o->options[0].mandatory());
    CHECK(o->options[0].value.size() == 4);
  }
  SECTION("frames 56/60: PREFER_FAILURE twice") {
    CHECK(parse_pcp(payload(56))->count_option(pcp_opt::prefer_failure) == 2);
    CHECK(parse_pcp(payload(60))->count_option(pcp_opt::prefer_failure) == 2);
  }
}

TEST_CASE("PCP corpus: malformed frames", "[codec][pcp][fixture]") {
  SECTION("frame 36: version 3") {
    auto r = parse_pcp(payload(36));
    CHECK(r.name() == "pcp_version_unsupported");
    CHECK(r->version == 3);
  }
  SECTION("frames 40/41: opcode 5") {
    auto q = parse_pcp(payload(40));
    CHECK(q.name() == "pcp_opcode_unknown");
    CHECK(q->opcode == 5);
    CHECK(q->lifetime == 600);
    auto a = parse_pcp(payload(41));
    CHECK(a.name() == "pcp_opcode_unknown");
    CHECK(a->response);
    CHECK(a->result_code == pcp_result::unsupp_opcode);
  }
  SECTION("frames 46/47: MAP data cut to 24 bytes") {
    CHECK(parse_pcp(payload(46)).name() == "pcp_opcode_data_truncated");
    auto a = parse_pcp(payload(47));
    CHECK(a.name() == "pcp_opcode_data_truncated");
    CHECK(a->result_code == pcp_result::malformed_request);
  }
  SECTION("frame 52: 1105-byte request") {
    auto r = parse_pcp(payload(52));
    CHECK(payload(52).size() == 1105);
    CHECK(r.name() == "pcp_message_too_long");
    REQUIRE(r->option_count == 1);  // the 1040-byte DESCRIPTION; one dangling byte after it
    CHECK(r->options[0].length == 1040);
    CHECK(parse_pcp_description(r->options[0]).value() == std::string(1040, 'x'));
  }
  SECTION("frame 53: reply cut at 1100 bytes") {
    auto r = parse_pcp(payload(53));
    CHECK(payload(53).size() == 1100);
    CHECK(r.name() == "pcp_option_overrun");
    CHECK(r->result_code == pcp_result::malformed_option);
    CHECK(r->option_count == 0);
  }
}
