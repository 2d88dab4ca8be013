#include "pktmap/codec/tcp.hpp"

#include <catch2/catch.hpp>

#include "pktmap/codec/transport_checksum.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// tcpreplay test.pcap frame 17: SYN/ACK 216.34.181.45:80 -> 172.16.11.12:64581, MSS 1460, NOP, WS 5,
// NOP NOP, TS 2867298248/444433464, SACK permitted, EOL; tshark checksum "Good".
const char* kSynAck =
    "0050 fc45 ecb9a379 e8b730bc b012 111c 71c1 0000"
    "020405b4 01030305 0101080a aae77fc8 1a7d8438 04020000";
const Ipv4Addr kSrc{216, 34, 181, 45};
const Ipv4Addr kDst{172, 16, 11, 12};
// capport-synth-enforcement.pcap frame 6: RST/ACK 203.0.113.6:993 -> 192.0.2.10:43003.
const char* kRst = "03e1 a7fb 00000000 00002329 5014 ffff e2b9 0000";
}  // namespace

TEST_CASE("TCP fixture fields, options and checksum", "[codec][tcp]") {
  auto b = test::hex(kSynAck);
  auto r = parse_tcp(test::view(b));
  REQUIRE(r.ok());
  CHECK(r->sport == 80);
  CHECK(r->dport == 64581);
  CHECK(r->seq == 3971588985u);
  CHECK(r->ack == 3904319676u);
  CHECK(r->data_offset == 11);
  CHECK(r->flags == (tcp_flag::syn | tcp_flag::ack));
  CHECK(r->syn());
  CHECK(r->ack_flag());
  CHECK_FALSE(r->rst());
  CHECK(r->window == 4380);
  CHECK(r->checksum == 0x71c1);
  CHECK(r->urgent_ptr == 0);
  CHECK(r->options.size() == 24);
  CHECK(r->payload.empty());
  CHECK(transport_checksum_ok(kSrc, kDst, ip_proto::tcp, test::view(b)));

  TcpOptionIterator it(r->options);
  TcpOption o;
  REQUIRE(it.next(o));
  CHECK(o.kind == tcp_opt::mss);
  CHECK(o.length == 4);
  CHECK(((o.data[0] << 8) | o.data[1]) == 1460);
  REQUIRE(it.next(o));
  CHECK(o.kind == tcp_opt::nop);
  REQUIRE(it.next(o));
  CHECK(o.kind == tcp_opt::window_scale);
  CHECK(o.data[0] == 5);
  REQUIRE(it.next(o));
  REQUIRE(it.next(o));
  REQUIRE(it.next(o));
  CHECK(o.kind == tcp_opt::timestamps);
  CHECK(o.length == 10);
  REQUIRE(it.next(o));
  CHECK(o.kind == tcp_opt::sack_permitted);
  CHECK_FALSE(it.next(o));  // EOL
  CHECK(it.outcome().ok());

  auto rst = test::hex(kRst);
  auto rr = parse_tcp(test::view(rst));
  REQUIRE(rr.ok());
  CHECK(rr->rst());
  CHECK(rr->ack == 9001);
  CHECK(transport_checksum_ok(Ipv4Addr{203, 0, 113, 6}, Ipv4Addr{192, 0, 2, 10}, ip_proto::tcp,
                              test::view(rst)));
}

TEST_CASE("TCP builder reproduces the fixture", "[codec][tcp]") {
  auto b = test::hex(kSynAck);
  auto r = parse_tcp(test::view(b));
  REQUIRE(r.ok());
  std::uint8_t buf[64];
  ByteWriter w(buf);
  write_tcp(w,
            {.sport = 80,
             .dport = 64581,
             .seq = r->seq,
             .ack = r->ack,
             .flags = r->flags,
             .window = 4380,
             .options = r->options.first(22)},  // the EOL padding comes from the builder
            {});
  REQUIRE(w.ok());
  REQUIRE(set_transport_checksum(w.written_mut(), kSrc, kDst, ip_proto::tcp));
  CHECK(to_hex(w.written()) == to_hex(test::view(b)));
  const std::uint8_t data[] = {1, 2, 3};
  ByteWriter w2(buf);
  write_tcp(w2, {.sport = 1, .dport = 2, .flags = tcp_flag::psh | tcp_flag::ack}, data);
  auto rt = parse_tcp(w2.written());
  REQUIRE(rt.ok());
  CHECK(rt->data_offset == 5);
  CHECK(rt->payload.size() == 3);
  CHECK(rt->has(tcp_flag::psh));
  std::uint8_t big[41] = {};
  ByteWriter w3(buf);
  write_tcp(w3, {.options = ByteView(big, 41)}, {});
  CHECK_FALSE(w3.ok());
}

TEST_CASE("TCP invalid and truncated headers", "[codec][tcp]") {
  auto b = test::hex(kSynAck);
  SECTION("data offset < 5") {
    b[12] = 0x40;
    CHECK(parse_tcp(test::view(b)).name() == "tcp_data_offset_too_short");
  }
  SECTION("options cut by the capture") {
    std::vector<std::uint8_t> cut(b.begin(), b.begin() + 30);
    auto r = parse_tcp(test::view(cut));
    CHECK(r.name() == "tcp_header_truncated");
    CHECK(r->window == 4380);
    CHECK(parse_tcp(test::view(cut), 30).name() == "tcp_data_offset_exceeds_wire");
  }
  SECTION("8-byte quote in an ICMP error still has ports and sequence") {
    std::vector<std::uint8_t> cut(b.begin(), b.begin() + 8);
    auto r = parse_tcp(test::view(cut));
    CHECK(r.name() == "tcp_truncated");
    CHECK(r->sport == 80);
    CHECK(r->seq == 3971588985u);
  }
  SECTION("malformed options") {
    TcpOption o;
    auto bad = test::hex("0201");
    TcpOptionIterator a(test::view(bad));
    CHECK_FALSE(a.next(o));
    CHECK(a.outcome().name == "tcp_option_length_invalid");
    auto cut = test::hex("080a0000");
    TcpOptionIterator c(test::view(cut));
    CHECK_FALSE(c.next(o));
    CHECK(c.outcome().name == "tcp_option_truncated");
  }
}

TEST_CASE("TCP truncation at every offset", "[codec][tcp]") {
  auto b = test::hex(kSynAck);
  test::for_each_truncation(b, [](ByteView cut) {
    auto r = parse_tcp(cut);
    CHECK(r.status() == Status::truncated);
    if (cut.size() < 20) CHECK(r.name() == "tcp_truncated");
    if (cut.size() >= 20) CHECK(r.name() == "tcp_header_truncated");
  });
}
