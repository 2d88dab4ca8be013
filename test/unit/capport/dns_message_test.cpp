// DNS question and A/AAAA answers: the hijacked answer in capport-synth-legacy-captive.pcap (frame 2;
// tshark: dns.qry.name connectivitycheck.gstatic.com, dns.a 10.0.0.1) and hand-built messages.
#include "pktmap/capport/dns_message.hpp"

#include <catch2/catch.hpp>

#include "codec/udp_fixture.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::capport;

namespace {

std::vector<std::uint8_t> hijacked_answer() {
  auto frames = test::read_pcap_frames(test::data_path("capport-synth-legacy-captive.pcap"));
  auto u = test::udp_fixture(frames.at(1));
  REQUIRE(u.ok);
  return {u.payload.begin(), u.payload.end()};
}

}  // namespace

TEST_CASE("dns: the hijacked canary answer from the synthetic capture") {
  auto bytes = hijacked_answer();
  auto m = parse_dns_message(test::view(bytes));
  REQUIRE(m.ok());
  CHECK(m->id == 0x1111);
  CHECK(m->response);
  CHECK(m->qname() == "connectivitycheck.gstatic.com");
  CHECK(m->qtype == dns_type::a);
  REQUIRE(m->address_count == 1);
  CHECK(m->addresses[0].version == 4);
  CHECK(m->addresses[0].addr[0] == 10);
  CHECK(m->addresses[0].addr[3] == 1);
}

TEST_CASE("dns: every truncation is a named outcome") {
  auto bytes = hijacked_answer();
  test::for_each_truncation(bytes, [](ByteView cut) {
    auto m = parse_dns_message(cut);
    CHECK_FALSE(m.ok());
    CHECK(m.name() == "dns_truncated");
  });
}

TEST_CASE("dns: compression loops, forward pointers and bad rdata are invalid") {
  // Header: id 1, response, 1 question, 1 answer.
  std::vector<std::uint8_t> base = {0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
  auto loop = base;
  loop.insert(loop.end(), {0xc0, 12, 0, 1, 0, 1});  // the name points at itself
  CHECK(parse_dns_message(test::view(loop)).name() == "dns_name_invalid");
  auto fwd = base;
  fwd.insert(fwd.end(), {0xc0, 40, 0, 1, 0, 1});
  CHECK(parse_dns_message(test::view(fwd)).name() == "dns_name_invalid");
  auto label_type = base;
  label_type.insert(label_type.end(), {0x41, 'a', 0, 0, 1, 0, 1});
  CHECK(parse_dns_message(test::view(label_type)).name() == "dns_name_invalid");
  // Question "A.example" (upper case is folded), answer by pointer with a 3-byte A record.
  auto bad_a = base;
  bad_a.insert(bad_a.end(), {1, 'A', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1});
  bad_a.insert(bad_a.end(), {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 1, 2, 3});
  auto m = parse_dns_message(test::view(bad_a));
  CHECK(m.name() == "dns_rdata_length_invalid");
  CHECK(m->qname() == "a.example");
  std::vector<std::uint8_t> no_q = {0, 1, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(parse_dns_message(test::view(no_q)).name() == "dns_no_question");
}

TEST_CASE("dns: AAAA answers after a CNAME") {
  std::vector<std::uint8_t> m = {0, 2, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, 1, 'x', 0, 0, 28, 0, 1};
  m.insert(m.end(), {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 1, 0, 2, 0xc0, 12});  // CNAME x -> x (skipped)
  m.insert(m.end(), {0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 1, 0, 16});
  for (int i = 0; i < 16; ++i)
    m.push_back(i == 0 ? 0xfd : static_cast<std::uint8_t>(i));
  auto r = parse_dns_message(test::view(m));
  REQUIRE(r.ok());
  REQUIRE(r->address_count == 1);
  CHECK(r->addresses[0].version == 6);
  CHECK(r->addresses[0].addr[0] == 0xfd);
}
