#include "pktmap/codec/icmpv6.hpp"

#include <catch2/catch.hpp>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
// Ethernet / IPv6 / ICMPv6 frame from a fixture, with the IPv6 view for the pseudo-header.
struct Frame {
  Ipv6View ip;
  ByteView icmp;
};
Frame icmpv6_of(const std::vector<std::uint8_t>& frame) {
  auto eth = parse_ethernet(test::view(frame));
  REQUIRE(eth.ok());
  REQUIRE(eth->ethertype == ethertype::ipv6);
  auto ip = parse_ipv6(eth->payload);
  REQUIRE(ip.ok());
  REQUIRE(ip->upper_proto == ip_proto::icmpv6);
  return {ip.value(), ip->upper};
}

// capport-synth-enforcement.pcap frame 4 after Ethernet: 2001:db8::1 -> 2001:db8::10, type 1 code 1
// quoting an IPv6 TCP SYN.
const char* kProhibited =
    "6000 0000 0044 3a40 20010db8000000000000000000000001 20010db8000000000000000000000010"
    "0101 3cc3 00000000"
    "6000 0000 0014 0640 20010db8000000000000000000000010 20010db8ffff00000000000000000005"
    "a7fa01bb00001f4000000000 5002ffff8b660000";
}  // namespace

TEST_CASE("ICMPv6 Router Advertisements with PREF64 (tcpdump icmpv6-ra-pref64.pcap)", "[codec][icmpv6]") {
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-icmpv6-ra-pref64.pcap"));
  REQUIRE(frames.size() == 4);
  // tshark -e icmpv6.checksum -e icmpv6.opt.pref64.scaled_lifetime -e icmpv6.opt.pref64.plc
  const std::uint16_t checksums[] = {0x15e8, 0x0edb, 0x1e19, 0x15f0};
  const std::uint16_t lifetimes[] = {0, 225, 225, 8191};
  const std::uint8_t plcs[] = {0, 6, 0, 0};
  for (std::size_t i = 0; i < frames.size(); ++i) {
    auto [ip, msg] = icmpv6_of(frames[i]);
    auto r = parse_icmpv6(msg);
    REQUIRE(r.ok());
    CHECK(r->type == icmpv6_type::router_advert);
    CHECK(r->checksum == checksums[i]);
    CHECK(transport_checksum_ok(ip.src, ip.dst, ip_proto::icmpv6, msg));
    // tshark: cur_hop_limit 80, M 0, O 1, router_lifetime 500, reachable 0, retrans 0.
    CHECK(r->ra.cur_hop_limit == 80);
    CHECK_FALSE(r->ra.managed);
    CHECK(r->ra.other);
    CHECK(r->ra.router_lifetime == 500);
    CHECK(r->ra.reachable_time == 0);
    CHECK(r->ra.retrans_timer == 0);
    // Options 1, 3, 38 with lengths 1, 4, 2.
    NdOptionIterator it(r->nd_options);
    NdOption o;
    REQUIRE(it.next(o));
    CHECK(o.type == nd_opt::source_lladdr);
    CHECK(o.length == 1);
    CHECK(to_hex(o.value) == "e21581b4b945");
    REQUIRE(it.next(o));
    CHECK(o.type == nd_opt::prefix_info);
    CHECK(o.length == 4);
    ByteReader pr(o.value);
    CHECK(pr.u8() == 64);       // prefix length
    CHECK(pr.u8() == 0x80);     // L
    CHECK(pr.be32() == 3600u);  // valid lifetime
    CHECK(pr.be32() == 1800u);  // preferred lifetime
    REQUIRE(it.next(o));
    CHECK(o.type == nd_opt::pref64);
    CHECK(o.length == 2);
    ByteReader p64(o.value);
    auto sl = p64.be16();
    REQUIRE(sl);
    CHECK(*sl >> 3 == lifetimes[i]);
    CHECK((*sl & 7) == plcs[i]);
    CHECK_FALSE(it.next(o));
    CHECK(it.outcome().ok());
    CHECK_FALSE(nd_captive_portal_uri(r->nd_options).has_value());
  }
  // Frame 1's PREF64 prefix: tshark 2001:db8:1:64:ff9b::.
  auto [ip, msg] = icmpv6_of(frames[0]);
  auto r = parse_icmpv6(msg);
  NdOptionIterator it(r->nd_options);
  NdOption o;
  while (it.next(o) && o.type != nd_opt::pref64) {
  }
  Ipv6Addr prefix{};
  for (int i = 0; i < 12; ++i)
    prefix[i] = o.value[2 + i];
  char s[46];
  CHECK(std::string(format_ipv6_addr(prefix, s)) == "2001:db8:1:64:ff9b::");
}

TEST_CASE("ICMPv6 RA option 37: captive portal URI (capport-synth-provisioning.pcap)", "[codec][icmpv6]") {
  auto frames = test::read_pcap_frames(test::data_path("capport-synth-provisioning.pcap"));
  REQUIRE(frames.size() == 7);
  // tshark -e icmpv6.opt.length -e icmpv6.opt.captive_portal: frame 4 len 5, frame 7 len 3.
  struct Want {
    std::size_t frame;
    std::uint8_t len;
    const char* uri;
  };
  for (Want want : {Want{4, 5, "https://capport.example.net/api"}, Want{7, 3, "https://cp.example/api"}}) {
    auto [ip, msg] = icmpv6_of(frames[want.frame - 1]);
    auto r = parse_icmpv6(msg);
    REQUIRE(r.ok());
    CHECK(transport_checksum_ok(ip.src, ip.dst, ip_proto::icmpv6, msg));
    CHECK(r->ra.cur_hop_limit == 64);
    CHECK(r->ra.router_lifetime == 1800);
    NdOptionIterator it(r->nd_options);
    NdOption o;
    REQUIRE(it.next(o));
    CHECK(o.type == nd_opt::captive_portal);
    CHECK(o.length == want.len);
    auto uri = nd_captive_portal_uri(r->nd_options);
    REQUIRE(uri.has_value());
    CHECK(*uri == want.uri);
    // A view into the packet, not a copy.
    CHECK(reinterpret_cast<const std::uint8_t*>(uri->data()) == o.value.data());

    // The builder reproduces the message, checksum and NUL padding included.
    std::uint8_t opts[64];
    ByteWriter ow(opts);
    write_nd_captive_portal(ow, want.uri);
    REQUIRE(ow.ok());
    CHECK(ow.size() == std::size_t{want.len} * 8);
    std::uint8_t buf[128];
    ByteWriter w(buf);
    write_router_advert(w, {.cur_hop_limit = 64, .router_lifetime = 1800}, ow.written(), ip.src, ip.dst);
    REQUIRE(w.ok());
    CHECK(to_hex(w.written()) == to_hex(msg));
  }
}

TEST_CASE("ICMPv6 1/1 quoting a TCP SYN (capport-synth-enforcement.pcap)", "[codec][icmpv6]") {
  auto b = test::hex(kProhibited);
  auto ip = parse_ipv6(test::view(b));
  REQUIRE(ip.ok());
  auto r = parse_icmpv6(ip->upper);
  REQUIRE(r.ok());
  CHECK(transport_checksum_ok(ip->src, ip->dst, ip_proto::icmpv6, ip->upper));
  CHECK(r->is_error());
  CHECK(r->is_admin_prohibited());
  CHECK(r->length_attr == 0);
  CHECK(r->quoted.size() == 60);
  auto q = parse_ipv6(r->quoted);
  REQUIRE(q.ok());
  auto t = parse_tcp(q->upper);
  REQUIRE(t.ok());
  CHECK(t->sport == 43002);
  CHECK(t->dport == 443);
  CHECK(t->syn());
}

TEST_CASE("ICMPv6 echo, packet too big, NS/NA and redirect fields", "[codec][icmpv6]") {
  auto echo = test::hex("8000 0000 abcd 0001 6869");
  auto e = parse_icmpv6(test::view(echo));
  REQUIRE(e.ok());
  CHECK_FALSE(e->is_error());
  CHECK(e->id() == 0xabcd);
  CHECK(e->seq() == 1);
  auto ptb = test::hex("0200 0000 000005dc 6000");
  CHECK(parse_icmpv6(test::view(ptb))->mtu() == 1500);
  auto na = test::hex("8800 0000 e0000000 fe800000000000000000000000000001 0201 020000000001");
  auto n = parse_icmpv6(test::view(na));
  REQUIRE(n.ok());
  CHECK(n->na_router());
  CHECK(n->na_solicited());
  CHECK(n->na_override());
  char s[46];
  CHECK(std::string(format_ipv6_addr(n->target, s)) == "fe80::1");
  auto rd = test::hex("8900 0000 00000000 fe800000000000000000000000000001 20010db8000000000000000000000009");
  auto d = parse_icmpv6(test::view(rd));
  REQUIRE(d.ok());
  CHECK(std::string(format_ipv6_addr(d->redirect_dst, s)) == "2001:db8::9");
  auto rs = test::hex("8500 0000 00000000 0101 020000000001");
  auto rsv = parse_icmpv6(test::view(rs));
  REQUIRE(rsv.ok());
  CHECK(rsv->nd_options.size() == 8);
}

TEST_CASE("ICMPv6 errors with RFC 4884 extensions", "[codec][icmpv6]") {
  std::uint8_t obj[16];
  ByteWriter ow(obj);
  const std::uint8_t lse[] = {0x18, 0x96, 0x01, 0x01};
  write_icmp_ext_object(ow, 1, 1, lse);
  std::vector<std::uint8_t> body(128, 0);
  body[0] = 0x60;
  const std::size_t ext_at = body.size();
  body.insert(body.end(), {0x20, 0x00, 0x00, 0x00});
  body.insert(body.end(), ow.written().begin(), ow.written().end());
  const std::uint16_t c = internet_checksum(test::view(body).subspan(ext_at));
  body[ext_at + 2] = static_cast<std::uint8_t>(c >> 8);
  body[ext_at + 3] = static_cast<std::uint8_t>(c);
  Ipv6Addr src{}, dst{};
  std::uint8_t buf[256];
  ByteWriter w(buf);
  write_icmpv6(w, {.type = icmpv6_type::time_exceeded, .rest = 16u << 24}, test::view(body), src, dst);
  REQUIRE(w.ok());
  CHECK(transport_checksum_ok(src, dst, ip_proto::icmpv6, w.written()));
  auto r = parse_icmpv6(w.written());
  REQUIRE(r.ok());
  CHECK(r->length_attr == 16);
  CHECK(r->quoted.size() == 128);
  REQUIRE(r->has_extension);
  CHECK(r->ext.checksum_ok);
  CHECK(r->ext.object_count == 1);

  std::vector<std::uint8_t> m(w.written().begin(), w.written().end());
  SECTION("short quote before an extension") {
    m[4] = 15;
    CHECK(parse_icmpv6(test::view(m)).name() == "icmpv6_original_datagram_too_short");
  }
  SECTION("Length past the end") {
    m[4] = 30;
    CHECK(parse_icmpv6(test::view(m)).name() == "icmpv6_length_exceeds_packet");
    CHECK(parse_icmpv6(test::view(m), m.size()).name() == "icmpv6_length_exceeds_message");
  }
  SECTION("extension version") {
    m[8 + 128] = 0x30;
    CHECK(parse_icmpv6(test::view(m)).name() == "icmp_ext_version_unsupported");
  }
}

TEST_CASE("ICMPv6 ND validity: code, option length 0, overrun", "[codec][icmpv6]") {
  auto frames = test::read_pcap_frames(test::data_path("capport-synth-provisioning.pcap"));
  auto [ip, msg] = icmpv6_of(frames[6]);
  std::vector<std::uint8_t> b(msg.begin(), msg.end());
  SECTION("code") {
    b[1] = 1;
    auto r = parse_icmpv6(test::view(b));
    CHECK(r.name() == "icmpv6_nd_code_not_zero");
    CHECK(r->ra.router_lifetime == 1800);
  }
  SECTION("option length 0") {
    b[17] = 0;
    CHECK(parse_icmpv6(test::view(b)).name() == "icmpv6_nd_option_length_zero");
    NdOptionIterator it(parse_icmpv6(test::view(b))->nd_options);
    NdOption o;
    CHECK_FALSE(it.next(o));
    CHECK(it.outcome().name == "icmpv6_nd_option_length_zero");
    CHECK_FALSE(nd_captive_portal_uri(parse_icmpv6(test::view(b))->nd_options).has_value());
  }
  SECTION("option past the end") {
    b[17] = 4;
    CHECK(parse_icmpv6(test::view(b)).name() == "icmpv6_nd_option_truncated");
    CHECK(parse_icmpv6(test::view(b), b.size()).name() == "icmpv6_nd_option_overrun");
  }
  SECTION("RA fixed part missing from a complete message") {
    std::vector<std::uint8_t> cut(b.begin(), b.begin() + 12);
    CHECK(parse_icmpv6(test::view(cut)).name() == "icmpv6_nd_truncated");
    CHECK(parse_icmpv6(test::view(cut), 12).name() == "icmpv6_nd_too_short");
  }
}

TEST_CASE("ICMPv6 truncation at every offset", "[codec][icmpv6]") {
  auto frames = test::read_pcap_frames(test::data_path("capport-synth-provisioning.pcap"));
  auto [ip, msg] = icmpv6_of(frames[3]);
  std::vector<std::uint8_t> b(msg.begin(), msg.end());
  test::for_each_truncation(b, [&](ByteView cut) {
    auto r = parse_icmpv6(cut, b.size());
    CHECK(r.status() == Status::truncated);
    auto u = parse_icmpv6(cut);
    if (cut.size() < 8) CHECK(u.name() == "icmpv6_truncated");
    if (cut.size() > 16) CHECK(u.name() == "icmpv6_nd_option_truncated");  // inside the one option
  });
}

TEST_CASE("ND option builder pads to 8 bytes and refuses oversize values", "[codec][icmpv6]") {
  std::uint8_t buf[16];
  ByteWriter w(buf);
  const std::uint8_t mac[] = {2, 0, 0, 0, 0, 1};
  write_nd_option(w, nd_opt::source_lladdr, mac);
  CHECK(to_hex(w.written()) == "0101020000000001");
  ByteWriter w2(buf);
  write_nd_captive_portal(w2, "https://x/");  // 2 + 10 -> 16
  CHECK(w2.size() == 16);
  CHECK(w2.written()[1] == 2);
  CHECK(w2.written()[15] == 0);
  std::vector<std::uint8_t> big(2039);
  std::vector<std::uint8_t> out(4096);
  ByteWriter w3{MutableByteView(out)};
  write_nd_option(w3, 99, test::view(big));
  CHECK_FALSE(w3.ok());
}
