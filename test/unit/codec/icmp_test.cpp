#include "pktmap/codec/icmp.hpp"

#include <catch2/catch.hpp>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/checksum.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {
constexpr std::size_t kPpp = 4;  // both tcpdump captures are PPP: ff 03 00 21

// The ICMP message inside an IPv4 packet, with the IP layer's idea of its wire length.
struct Inner {
  ByteView icmp;
  std::size_t wire_len;
};
Inner icmp_of(const std::vector<std::uint8_t>& frame) {
  auto ip = parse_ipv4(test::view(frame).subspan(kPpp));
  REQUIRE(ip.ok());
  REQUIRE(ip->protocol == ip_proto::icmp);
  return {ip->payload, std::size_t{ip->total_length} - ip->header_len()};
}

// capport-synth-enforcement.pcap frame 2 after Ethernet and IPv4: type 3 code 13 quoting a TCP SYN.
const char* kAdminProhibited =
    "030d 37e6 00000000 45000028 00010000 40067cbf c000020a cb007105 a7f901bb 00001b58";
}  // namespace

TEST_CASE("ICMP Time Exceeded with an RFC 5837 object (pre-RFC 4884 sender)", "[codec][icmp]") {
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-icmp-rfc5837.pcap"));
  REQUIRE(frames.size() == 1);
  auto [msg, wire] = icmp_of(frames[0]);
  auto r = parse_icmp(msg, wire);
  REQUIRE(r.ok());
  // tshark: icmp.type 11, code 0, checksum 0xccff (good), no icmp.length.
  CHECK(r->type == icmp_type::time_exceeded);
  CHECK(r->code == 0);
  CHECK(r->checksum == 0xccff);
  CHECK(icmp_checksum_ok(msg));
  CHECK(r->is_error());
  CHECK(r->length_attr == 0);
  // The sender quoted exactly 128 bytes and appended the extension: the §5 probe finds it.
  REQUIRE(r->has_extension);
  CHECK(r->ext.legacy);
  CHECK(r->quoted.size() == 128);
  // tshark: icmp.ext.version 2, icmp.ext.checksum 0x246c (good), one object: length 80, class 2, c-type 14.
  CHECK(r->ext.version == 2);
  CHECK(r->ext.checksum == 0x246c);
  CHECK(r->ext.checksum_ok);
  CHECK(r->ext.object_count == 1);
  IcmpExtObjectIterator it(r->ext.objects);
  IcmpExtObject o;
  REQUIRE(it.next(o));
  CHECK(o.length == 80);
  CHECK(o.class_num == 2);
  CHECK(o.c_type == 14);
  // RFC 5837 payload: ifIndex 15, IP address sub-object AFI 1 10.10.10.10, name sub-object length 64.
  ByteReader p(o.payload);
  CHECK(p.be32() == 15u);
  CHECK(p.be16() == 1);
  CHECK(p.be16() == 0);
  CHECK(p.be32() == 0x0a0a0a0au);
  auto name_len = p.u8();
  REQUIRE(name_len == 64);
  auto name = p.bytes(63);
  REQUIRE(name);
  CHECK(std::string(name->begin(), name->end()) ==
        "This-is-the-name-of-the-Interface-that-we-are-looking-for-[:-)]");
  CHECK_FALSE(it.next(o));
  // What did it quote? A UDP traceroute probe 12.4.4.4:42315 -> 12.1.1.1:33440.
  auto q = parse_ipv4(r->quoted);
  REQUIRE(q.ok());
  CHECK(q->src == Ipv4Addr{12, 4, 4, 4});
  CHECK(q->dst == Ipv4Addr{12, 1, 1, 1});
  CHECK(q->ttl == 1);
  auto u = parse_udp(q->payload);
  REQUIRE(u.ok());
  CHECK(u->sport == 42315);
  CHECK(u->dport == 33440);
}

TEST_CASE("ICMP MPLS traceroute: RFC 4950 label-stack objects", "[codec][icmp]") {
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-mpls-traceroute.pcap"));
  REQUIRE(frames.size() == 18);
  // tshark -e frame.number -e icmp.ext.length -e icmp.mpls.label -e icmp.mpls.ttl -e udp.dstport
  struct Want {
    int frame;
    std::uint32_t label;
    std::uint16_t dport;
  };
  for (Want want : {Want{2, 100704, 33435}, Want{8, 102672, 33438}, Want{12, 102672, 33440}}) {
    auto [msg, wire] = icmp_of(frames[want.frame - 1]);
    auto r = parse_icmp(msg, wire);
    REQUIRE(r.ok());
    CHECK(icmp_checksum_ok(msg));
    REQUIRE(r->has_extension);
    CHECK(r->ext.legacy);
    CHECK(r->ext.checksum_ok);
    IcmpExtObjectIterator it(r->ext.objects);
    IcmpExtObject o;
    REQUIRE(it.next(o));
    CHECK(o.length == 8);
    CHECK(o.class_num == 1);
    CHECK(o.c_type == 1);
    ByteReader p(o.payload);
    auto lse = p.be32();
    REQUIRE(lse);
    CHECK(*lse >> 12 == want.label);
    CHECK((*lse >> 8 & 1) == 1);  // bottom of stack
    CHECK((*lse & 0xff) == 1);    // TTL
    auto q = parse_ipv4(r->quoted);
    REQUIRE(q.ok());
    CHECK(parse_udp(q->payload)->dport == want.dport);
  }
  // Frame 14: a plain Port Unreachable quoting 28 bytes, no extension.
  auto [msg, wire] = icmp_of(frames[13]);
  auto r = parse_icmp(msg, wire);
  REQUIRE(r.ok());
  CHECK(r->type == icmp_type::dest_unreach);
  CHECK(r->code == icmp_unreach::port);
  CHECK(std::string(icmp_unreach_code_name(r->code)) == "port_unreachable");
  CHECK_FALSE(r->has_extension);
  CHECK(r->quoted.size() == 28);
  CHECK_FALSE(r->is_admin_prohibited());
}

TEST_CASE("ICMP 3/13 quoting a TCP SYN: admin prohibited, quoted flow", "[codec][icmp]") {
  auto b = test::hex(kAdminProhibited);
  auto r = parse_icmp(test::view(b));
  REQUIRE(r.ok());
  CHECK(icmp_checksum_ok(test::view(b)));
  CHECK(r->code == icmp_unreach::admin_prohibited);
  CHECK(r->is_admin_prohibited());
  CHECK(std::string(icmp_unreach_code_name(13)) == "admin_prohibited");
  CHECK(r->quoted.size() == 28);
  auto q = parse_ipv4(r->quoted);
  CHECK(q.name() == "ipv4_total_length_exceeds_packet");  // only IP header + 8 bytes were quoted
  auto t = parse_tcp(q->payload);
  CHECK(t.name() == "tcp_truncated");
  CHECK(t->sport == 43001);
  CHECK(t->dport == 443);
  for (std::uint8_t code : {icmp_unreach::net_prohibited, icmp_unreach::host_prohibited}) {
    IcmpView v = r.value();
    v.code = code;
    CHECK(v.is_admin_prohibited());
  }
}

TEST_CASE("ICMP echo, parameter problem, frag needed, redirect accessors", "[codec][icmp]") {
  auto echo = test::hex("0800 0000 1234 0007 6869");
  auto e = parse_icmp(test::view(echo));
  REQUIRE(e.ok());
  CHECK(e->id() == 0x1234);
  CHECK(e->seq() == 7);
  CHECK_FALSE(e->is_error());
  CHECK(e->quoted.empty());
  CHECK(e->payload.size() == 2);
  auto pp = test::hex("0c00 0000 14000000 45000028");
  auto p = parse_icmp(test::view(pp));
  REQUIRE(p.ok());
  CHECK(p->pointer() == 20);
  auto fn = test::hex("0304 0000 000005dc 45000028");
  CHECK(parse_icmp(test::view(fn))->next_hop_mtu() == 1500);
  auto rd = test::hex("0501 0000 c0000201 45000028");
  CHECK(parse_icmp(test::view(rd))->gateway() == Ipv4Addr{192, 0, 2, 1});
}

TEST_CASE("ICMP builder: plain message and RFC 4884 error with extension", "[codec][icmp]") {
  std::uint8_t buf[512];
  ByteWriter w(buf);
  const std::uint8_t data[] = {'h', 'i'};
  write_icmp(w, {.type = icmp_type::echo, .rest = 0x12340007}, data);
  REQUIRE(w.ok());
  CHECK(icmp_checksum_ok(w.written()));
  CHECK(parse_icmp(w.written())->seq() == 7);

  // Rebuild the RFC 5837 message as a compliant sender would: same quote and object, Length set.
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-icmp-rfc5837.pcap"));
  auto [msg, wire] = icmp_of(frames[0]);
  auto orig = parse_icmp(msg, wire);
  REQUIRE(orig.ok());
  std::uint8_t obj[128];
  ByteWriter ow(obj);
  IcmpExtObjectIterator it(orig->ext.objects);
  IcmpExtObject o;
  REQUIRE(it.next(o));
  write_icmp_ext_object(ow, o.class_num, o.c_type, o.payload);
  REQUIRE(ow.ok());
  ByteWriter ew(buf);
  write_icmp_error(ew, {.type = icmp_type::time_exceeded}, orig->quoted.first(28), ow.written());
  REQUIRE(ew.ok());
  REQUIRE(ew.size() == msg.size());
  CHECK(icmp_checksum_ok(ew.written()));
  // Identical to the capture except the Length byte (32 words) and hence the ICMP checksum.
  CHECK(ew.written()[5] == 32);
  CHECK(to_hex(ew.written().subspan(8)) == to_hex(msg.subspan(8)));
  auto rt = parse_icmp(ew.written());
  REQUIRE(rt.ok());
  CHECK(rt->length_attr == 32);
  CHECK(rt->has_extension);
  CHECK_FALSE(rt->ext.legacy);
  CHECK(rt->ext.checksum_ok);
  CHECK(rt->ext.object_count == 1);
  CHECK(rt->quoted.size() == 128);

  // Without objects it is a classic error: no padding, no Length.
  ByteWriter cw(buf);
  write_icmp_error(cw, {.type = 3, .code = 13}, orig->quoted.first(28), {});
  CHECK(cw.size() == 36);
  CHECK(cw.written()[5] == 0);
  // A quote over 1020 bytes cannot be described by the 8-bit Length.
  std::vector<std::uint8_t> huge(1021);
  std::vector<std::uint8_t> big(2048);
  ByteWriter hw{MutableByteView(big)};
  write_icmp_error(hw, {.type = 3}, test::view(huge), ow.written());
  CHECK_FALSE(hw.ok());
}

TEST_CASE("ICMP extension and Length problems get named outcomes", "[codec][icmp]") {
  // A compliant Time Exceeded: Length 32 words, 128-byte quote, extension with one 8-byte object.
  std::vector<std::uint8_t> quote(28, 0x45);
  std::uint8_t obj[16];
  ByteWriter ow(obj);
  const std::uint8_t lse[] = {0x18, 0x96, 0x01, 0x01};
  write_icmp_ext_object(ow, 1, 1, lse);
  std::uint8_t buf[256];
  ByteWriter w(buf);
  write_icmp_error(w, {.type = 11}, test::view(quote), ow.written());
  REQUIRE(w.ok());
  std::vector<std::uint8_t> good(w.written().begin(), w.written().end());
  REQUIRE(good.size() == 8 + 128 + 4 + 8);
  REQUIRE(parse_icmp(test::view(good)).ok());

  SECTION("Length past the captured bytes / past the message") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 100);
    auto r = parse_icmp(test::view(cut));
    CHECK(r.name() == "icmp_length_exceeds_packet");
    CHECK(r->quoted.size() == 92);
    CHECK(parse_icmp(test::view(cut), 100).name() == "icmp_length_exceeds_message");
  }
  SECTION("extension after a short quote") {
    auto b = good;
    b[5] = 7;
    CHECK(parse_icmp(test::view(b)).name() == "icmp_original_datagram_too_short");
  }
  SECTION("extension version") {
    auto b = good;
    b[136] = 0x10;
    auto r = parse_icmp(test::view(b));
    CHECK(r.status() == Status::unsupported);
    CHECK(r.name() == "icmp_ext_version_unsupported");
    CHECK(r->quoted.size() == 128);
  }
  SECTION("object length below 4") {
    auto b = good;
    b[141] = 2;
    CHECK(parse_icmp(test::view(b)).name() == "icmp_ext_object_length_invalid");
  }
  SECTION("object past the end: truncated when snapped, invalid when complete") {
    auto b = good;
    b[141] = 12;
    CHECK(parse_icmp(test::view(b)).name() == "icmp_ext_object_truncated");
    CHECK(parse_icmp(test::view(b), b.size()).name() == "icmp_ext_object_overrun");
  }
  SECTION("extension header without objects") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 140);
    CHECK(parse_icmp(test::view(cut)).name() == "icmp_ext_object_truncated");
    CHECK(parse_icmp(test::view(cut), 140).name() == "icmp_ext_no_objects");
  }
  SECTION("extension header cut") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 138);
    CHECK(parse_icmp(test::view(cut)).name() == "icmp_ext_truncated");
    CHECK(parse_icmp(test::view(cut), 138).name() == "icmp_ext_too_short");
  }
  SECTION("no Length and a bad extension checksum: no extension, the whole body is the quote") {
    auto b = good;
    b[5] = 0;
    b[139] ^= 1;
    auto r = parse_icmp(test::view(b));
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_extension);
    CHECK(r->quoted.size() == b.size() - 8);
    b[139] ^= 1;
    auto l = parse_icmp(test::view(b));
    REQUIRE(l.ok());
    CHECK(l->ext.legacy);
  }
}

TEST_CASE("ICMP truncation at every offset", "[codec][icmp]") {
  auto frames = test::read_pcap_frames(test::data_path("tcpdump-icmp-rfc5837.pcap"));
  auto [msg, wire] = icmp_of(frames[0]);
  std::vector<std::uint8_t> b(msg.begin(), msg.end());
  b[5] = 32;  // make it compliant so that every cut is detectable
  test::for_each_truncation(b, [&](ByteView cut) {
    auto r = parse_icmp(cut);
    // Cut exactly after the quote, nothing says an extension was there, unless the wire length is known.
    if (cut.size() != 8 + 128) CHECK(r.status() == Status::truncated);
    if (cut.size() < 8) CHECK(r.name() == "icmp_truncated");
    auto known = parse_icmp(cut, b.size());  // told the real size, still a snapped capture
    CHECK(known.status() == Status::truncated);
  });
}

TEST_CASE("ICMP builder: an extension checksum that computes to 0 is sent as 0xffff",
          "[codec][icmp][regression]") {
  // RFC 4884 §7: an all-zero checksum means "none sent", and the §5 probe for pre-RFC 4884 senders only
  // accepts a non-zero one. Header word 0x2000 + object words 0x0008, 0x0101, 0x0000, 0xdef6 sum to 0xffff.
  // (Found by fuzz_icmp's write_icmp_error round trip.)
  const std::uint8_t payload[] = {0x00, 0x00, 0xde, 0xf6};
  std::uint8_t objs[8];
  ByteWriter ow(objs);
  write_icmp_ext_object(ow, 1, 1, payload);
  REQUIRE(ow.ok());
  std::vector<std::uint8_t> quoted(128, 0);
  std::uint8_t buf[256];
  ByteWriter w(buf);
  write_icmp_error(w, {.type = icmp_type::time_exceeded}, test::view(quoted), ow.written());
  REQUIRE(w.ok());
  auto r = parse_icmp(w.written(), w.size());
  REQUIRE(r.ok());
  REQUIRE(r->has_extension);
  CHECK(r->ext.checksum == 0xffff);
  CHECK(r->ext.checksum_ok);
  CHECK(icmp_checksum_ok(w.written()));
  // Without the Length attribute the §5 probe now finds it too.
  buf[5] = 0;
  std::uint8_t* csum = buf + 2;
  csum[0] = csum[1] = 0;
  const std::uint16_t c = internet_checksum(w.written());
  csum[0] = static_cast<std::uint8_t>(c >> 8);
  csum[1] = static_cast<std::uint8_t>(c);
  auto legacy = parse_icmp(w.written(), w.size());
  CHECK(legacy.ok());
  CHECK(legacy->has_extension);
  CHECK(legacy->ext.legacy);
}
