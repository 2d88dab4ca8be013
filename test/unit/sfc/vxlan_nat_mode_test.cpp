// vxlan and nat modes: what goes to the SF (decoded with the codecs), round trips through the emulated SF
// on every frame of the committed sample, the NAT rule semantics and packet rewrite, and the refusals.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/codec/vxlan.hpp"
#include "pktmap/error.hpp"
#include "pktmap/sfc/nat_rules.hpp"
#include "pktmap/sfc/nsh_locate.hpp"
#include "pktmap/sfc/proxy.hpp"
#include "pktmap/sfc/proxy_config.hpp"
#include "pktmap/sfc/sf_model.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {

std::vector<std::vector<std::uint8_t>> sample() {
  return test::read_pcap_frames(std::string(PKTMAP_CAPTURES) + "/sfc-sample.pcap");
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("pktmap-sfc-" + name);
  std::ofstream(path) << text;
  return path.string();
}

NatRules rules_from_yaml(const std::string& text) {
  ProxyConfig pc;
  load_proxy_config(write_temp("rules.yaml", text), pc);
  REQUIRE(pc.mode.nat);
  return *pc.mode.nat;
}

flow::FiveTuple v4(const char* s, std::uint16_t sp, const char* d, std::uint16_t dp, std::uint8_t proto = 6) {
  codec::Ipv4Addr a, b;
  REQUIRE(codec::parse_ipv4_addr(s, a));
  REQUIRE(codec::parse_ipv4_addr(d, b));
  flow::FiveTuple t;
  t.set_v4(a, b);
  t.proto = proto;
  t.sport = sp;
  t.dport = dp;
  return t;
}

// Runs every sample frame through proxy -> emulated SF -> proxy; counts frames whose restored NSH is the
// input's with SI-1 and the right payload, and frames lost.
struct Tally {
  std::size_t to_sf = 0, exact = 0, lost = 0;
};
Tally round_trip(const ProxyConfig& pc, SfModelConfig sf) {
  if (pc.mode.kind == ModeKind::vxlan) sf.vtep_port = pc.mode.vxlan.port;
  Proxy proxy(pc);
  SfModel model(sf);
  Tally t;
  std::uint64_t serial = 0;
  for (const auto& f : sample()) {
    ++serial;
    SfFrame* fr = model.acquire();
    REQUIRE(fr);
    const auto ts = static_cast<std::int64_t>(serial) * 1000;
    const SffResult r = proxy.from_sff(test::view(f), ts, serial, fr->buf, false);
    if (r.verdict != SffVerdict::to_sf) {
      model.release(fr);
      continue;
    }
    ++t.to_sf;
    fr->side = r.side;
    fr->ts = ts;
    model.submit(fr);
    while (SfFrame* o = model.next_out()) {
      const SfResult s = proxy.to_sff(o->buf, o->side, o->ts);
      if (!s.outcome.ok()) {
        ++t.lost;
      } else {
        auto in = locate_nsh(test::view(f));
        const std::uint8_t* got = o->buf.data() + s.nsh_offset;
        const ByteView want = in->nsh.header;
        if (s.nsh_len == want.size() && std::memcmp(got, want.data(), 7) == 0 &&
            got[7] == static_cast<std::uint8_t>(want[7] - 1) &&
            std::memcmp(got + 8, want.data() + 8, want.size() - 8) == 0)
          ++t.exact;
      }
      model.release(o);
    }
  }
  return t;
}

}  // namespace

TEST_CASE("vxlan mode: the frame toward the SF is Ethernet/IPv4/UDP 4789/VXLAN with the key as VNI",
          "[sfc][vxlan]") {
  const auto frames = sample();
  ProxyConfig pc;
  pc.mode.kind = ModeKind::vxlan;
  pc.mode.per = Granularity::flow;
  Proxy proxy(pc);
  FrameBuffer buf;
  std::size_t checked = 0;
  std::uint64_t serial = 0;
  for (const auto& f : frames) {
    ++serial;
    const SffResult r = proxy.from_sff(test::view(f), 0, serial, buf, false);
    if (r.verdict != SffVerdict::to_sf) continue;
    INFO("frame " << serial);
    REQUIRE(load_be16(buf.data() + 12) == codec::ethertype::ipv4);
    auto ip = codec::parse_ipv4(buf.view().subspan(14));
    REQUIRE(ip.ok());
    CHECK(codec::ipv4_header_checksum_ok(ip->header));
    CHECK(ip->src == codec::Ipv4Addr{198, 18, 0, 1});
    CHECK(ip->dst == codec::Ipv4Addr{198, 18, 0, 2});
    CHECK(ip->total_length == buf.size() - 14);
    auto udp = codec::parse_udp(ip->payload);
    REQUIRE(udp.ok());
    CHECK(udp->dport == 4789);
    CHECK(udp->sport >= 49152);
    auto vx = codec::parse_vxlan(udp->payload);
    REQUIRE(vx.ok());
    CHECK(vx->i_flag);
    CHECK(vx->vni >= 1);
    CHECK(proxy.mode().table().live(vx->vni - 1));
    // The inner frame is the payload L2 frame, or a new L2 header in front of an L3 payload.
    auto loc = locate_nsh(test::view(f));
    const ByteView payload = loc->nsh.payload;
    const ByteView inner = vx->payload;
    if (loc->nsh.next_proto == codec::nsh_np::ethernet)
      CHECK(std::equal(inner.begin(), inner.end(), payload.begin(), payload.end()));
    else
      CHECK(std::equal(inner.begin() + 14, inner.end(), payload.begin(), payload.end()));
    // Straight back (a VTEP that echoes): restored.
    CHECK(proxy.to_sff(buf, r.side, 0).outcome.ok());
    ++checked;
  }
  CHECK(checked == 1988);
}

TEST_CASE("vxlan mode: return frames that are not this tunnel are named misses", "[sfc][vxlan]") {
  ProxyConfig pc;
  pc.mode.kind = ModeKind::vxlan;
  Proxy proxy(pc);
  FrameBuffer buf;
  // Ethernet / IPv4 / UDP to port 4790 (not ours) / VXLAN VNI 77 / inner Ethernet header.
  std::vector<std::uint8_t> frame(14 + 20 + 8 + 8 + 14, 0);
  store_be16(frame.data() + 12, 0x0800);
  frame[14] = 0x45;
  store_be16(frame.data() + 16, static_cast<std::uint16_t>(frame.size() - 14));
  frame[23] = 17;
  store_be16(frame.data() + 36, 4790);
  store_be16(frame.data() + 38, static_cast<std::uint16_t>(frame.size() - 34));
  frame[42] = 0x08;
  frame[48] = 77;
  buf.assign(test::view(frame));
  CHECK(proxy.to_sff(buf, kSideForward, 0).outcome.name == "vxlan_port_mismatch");
  store_be16(frame.data() + 36, 4789);
  buf.assign(test::view(frame));
  CHECK(proxy.to_sff(buf, kSideForward, 0).outcome.name == "key_unknown");
  frame[42] = 0;
  buf.assign(test::view(frame));
  CHECK(proxy.to_sff(buf, kSideForward, 0).outcome.name == "vxlan_i_flag_clear");
  const auto arp = test::hex("ffffffffffff 020000000001 0806 0001080006040001");
  buf.assign(test::view(arp));
  CHECK(proxy.to_sff(buf, kSideForward, 0).outcome.name == "vxlan_not_ipv4");
}

TEST_CASE("vxlan mode through a VTEP SF that rewrites the inner L2 and strips tags: every frame exact",
          "[sfc][vxlan]") {
  ProxyConfig pc;
  pc.mode.kind = ModeKind::vxlan;
  pc.mode.per = Granularity::packet;
  pc.mode.max_in_flight = 1;
  SfModelConfig sf;
  sf.rewrite_src = codec::MacAddr{0x02, 0xaa, 0, 0, 0, 1};
  sf.rewrite_dst = codec::MacAddr{0x02, 0xaa, 0, 0, 0, 2};
  sf.strip_vlan = true;
  const Tally t = round_trip(pc, sf);
  CHECK(t.to_sf == 1988);
  CHECK(t.exact == t.to_sf);
  // The same SF in front of mac keys loses everything.
  pc.mode.kind = ModeKind::mac;
  const Tally m = round_trip(pc, sf);
  CHECK(m.lost == m.to_sf);
}

TEST_CASE("nat rules: NETMAP prefixes, port ranges, first match wins", "[sfc][nat]") {
  const NatRules rules = rules_from_yaml(
      "nat:\n"
      "  - match: {proto: tcp, src: 10.0.0.0/8, dport: 80}\n"
      "    rewrite: {src: 198.51.100.0/24, sport: 20000-20999}\n"
      "  - match: {src: 10.0.0.0/8}\n"
      "    rewrite: {src: 203.0.113.7}\n");
  flow::FiveTuple out;
  REQUIRE(rules.translate(v4("10.1.2.3", 40000, "192.0.2.9", 80), out));
  CHECK(out == v4("198.51.100.3", 20000 + 40000 % 1000, "192.0.2.9", 80));
  REQUIRE(rules.translate(v4("10.1.2.3", 40000, "192.0.2.9", 443), out));
  CHECK(out == v4("203.0.113.7", 40000, "192.0.2.9", 443));
  CHECK_FALSE(rules.translate(v4("172.16.0.1", 1, "192.0.2.9", 80), out));
  CHECK(out == v4("172.16.0.1", 1, "192.0.2.9", 80));
}

TEST_CASE("nat rules: the packet rewrite keeps IPv4 and TCP/UDP checksums valid", "[sfc][nat]") {
  const NatRules rules = rules_from_yaml(
      "nat:\n"
      "  - match: {proto: udp}\n"
      "    rewrite: {src: 100.64.0.0/10, dst: 192.0.2.0/24, sport: 7000, dport: 9000-9009}\n");
  for (const bool tcp : {false, true}) {
    // IPv4 + TCP/UDP with valid checksums, built by hand.
    std::vector<std::uint8_t> p(20 + (tcp ? 20 : 8) + 5, 0);
    p[0] = 0x45;
    store_be16(p.data() + 2, static_cast<std::uint16_t>(p.size()));
    p[8] = 64;
    p[9] = tcp ? 6 : 17;
    const codec::Ipv4Addr s{10, 20, 30, 40}, d{198, 51, 100, 77};
    std::memcpy(p.data() + 12, s.data(), 4);
    std::memcpy(p.data() + 16, d.data(), 4);
    store_be16(p.data() + 10, codec::ipv4_header_checksum(ByteView(p.data(), 20)));
    store_be16(p.data() + 20, 5555);
    store_be16(p.data() + 22, 53);
    if (tcp) p[32] = 0x50;
    if (!tcp) store_be16(p.data() + 24, static_cast<std::uint16_t>(p.size() - 20));
    std::memcpy(p.data() + p.size() - 5, "hello", 5);
    MutableByteView seg(p.data() + 20, p.size() - 20);
    codec::set_transport_checksum(seg, s, d, p[9]);
    flow::FiveTuple from, to;
    const bool matched = translate_packet(rules, test::view(p), from, to);
    CHECK(matched == !tcp);  // the rule is for UDP only
    if (!matched) continue;
    REQUIRE(rewrite_ip_packet(MutableByteView(p.data(), p.size()), from, to));
    auto t = flow::extract_five_tuple(test::view(p));
    REQUIRE(t.ok());
    CHECK(t->tuple == to);
    CHECK(to == v4("100.84.30.40", 7000, "192.0.2.77", 9000 + 53 % 10, 17));
    CHECK(codec::ipv4_header_checksum_ok(ByteView(p.data(), 20)));
    CHECK(codec::transport_checksum_ok(to.src_v4(), to.dst_v4(), 17, ByteView(p.data() + 20, p.size() - 20)));
  }
}

TEST_CASE("nat rules: bad rules are refused with file:line:col and key", "[sfc][nat]") {
  auto err = [](const std::string& text) {
    ProxyConfig pc;
    const std::string path = write_temp("bad.yaml", text);
    try {
      load_proxy_config(path, pc);
    } catch (const SetupError& e) {
      const std::string m = e.what();
      return m.substr(m.rfind('/') + 1);
    }
    return std::string("no error");
  };
  CHECK(err("nat:\n  - match: {src: 10.0.0.0/33}\n    rewrite: {src: 1.2.3.4}\n") ==
        "pktmap-sfc-bad.yaml:2:18: nat[0].match.src: IPv4 prefix length above 32");
  CHECK(err("nat:\n  - match: {colour: red}\n    rewrite: {src: 1.2.3.4}\n") ==
        "pktmap-sfc-bad.yaml:2:13: nat[0].match.colour: unknown key (proto, src, dst, sport, dport)");
  CHECK(err("nat:\n  - match: {src: 10.0.0.0/8}\n")
            .rfind("pktmap-sfc-bad.yaml:2:5: nat[0].rewrite: missing", 0) == 0);
  CHECK(err("nat:\n  - match: {src: 10.0.0.0/8}\n    rewrite: {src: '2001:db8::1'}\n")
            .find("mixes IPv4 and IPv6") != std::string::npos);
  CHECK(err("nat:\n  - match: {src: 10.0.0.0/8}\n    rewrite: {sport: 9000}\n").find("ports need proto") !=
        std::string::npos);
  CHECK(err("nat:\n  - match: {proto: tcp}\n    rewrite: {sport: 9-1}\n").find("nat[0].rewrite.sport") !=
        std::string::npos);
  CHECK(err("vxlan: {sf_ip: 198.18.0.1}\n").find("vxlan: proxy_ip and sf_ip must differ") !=
        std::string::npos);
  CHECK(err("vxlan: {port: 0}\n") == "pktmap-sfc-bad.yaml:1:15: vxlan.port: must be in 1..65535");
  CHECK(err("vxlan: {sf_ip: 300.1.1.1}\n") == "pktmap-sfc-bad.yaml:1:16: vxlan.sf_ip: not an IPv4 address");
  CHECK(err("vxlan: {sf_ip: 10.0.0.01}\n") ==
        "pktmap-sfc-bad.yaml:1:16: vxlan.sf_ip: not an IPv4 address: \"01\" has a leading zero (octal to "
        "inet_aton and ping)");
  CHECK(err("vxlan_gpe: {}\n") ==
        "pktmap-sfc-bad.yaml:1:1: vxlan_gpe: unknown key (mac, vlan, qinq, vxlan, nat, pairs)");
}

TEST_CASE("nat mode through a NATing SF keeps every IP flow; 5tuple loses the translated ones",
          "[sfc][nat]") {
  auto rules =
      std::make_shared<NatRules>(rules_from_yaml("nat:\n"
                                                 "  - match: {proto: tcp, src: 10.0.0.0/8}\n"
                                                 "    rewrite: {src: 100.64.0.0/16, sport: 20000-29999}\n"
                                                 "  - match: {src: 10.0.0.0/8}\n"
                                                 "    rewrite: {src: 100.64.0.0/16}\n"
                                                 "  - match: {dst: 10.0.0.0/8}\n"
                                                 "    rewrite: {dst: 100.64.0.0/16}\n"
                                                 "  - match: {src: '2001:db8::/32'}\n"
                                                 "    rewrite: {src: '2001:db8:ffff::/48'}\n"));
  ProxyConfig pc;
  pc.mode.kind = ModeKind::nat;
  pc.mode.per = Granularity::flow;
  pc.mode.nat = rules;
  SfModelConfig sf;
  sf.nat = rules;
  const Tally n = round_trip(pc, sf);
  CHECK(n.to_sf > 1900);
  CHECK(n.lost == 0);
  CHECK(n.exact > 0);
  pc.mode.kind = ModeKind::five_tuple;
  const Tally f = round_trip(pc, sf);
  CHECK(f.to_sf == n.to_sf);
  CHECK(f.lost == f.to_sf);
}

TEST_CASE("mode checks for vxlan and nat name a mode that would work", "[sfc][vxlan][nat]") {
  ModeConfig c;
  c.kind = ModeKind::nat;
  c.per = Granularity::flow;
  CHECK(check_mode_config(c).find("--mode 5tuple") != std::string::npos);  // no rules
  c.nat = std::make_shared<NatRules>(rules_from_yaml("nat: [{match: {proto: tcp}, rewrite: {dport: 80}}]\n"));
  CHECK(check_mode_config(c).empty());
  c.per = Granularity::packet;
  CHECK(check_mode_config(c).find("--mode vxlan") != std::string::npos);
  c.per = Granularity::path;
  CHECK(check_mode_config(c).find("--per flow") != std::string::npos);
  c = ModeConfig{};
  c.kind = ModeKind::vxlan;
  c.limit = kMaxVni + 1;
  CHECK(check_mode_config(c).find("16777215") != std::string::npos);
  c.limit = 100;
  c.per = Granularity::packet;
  c.max_in_flight = 101;
  CHECK(check_mode_config(c).find("qinq") != std::string::npos);
  c.max_in_flight = 100;
  CHECK(check_mode_config(c).empty());
  c.vxlan.sf_ip = c.vxlan.proxy_ip;
  CHECK_FALSE(check_mode_config(c).empty());
  for (ModeKind m : kAllModes) {
    ModeKind back{};
    CHECK(parse_mode(mode_name(m), back));
    CHECK(back == m);
  }
}

TEST_CASE("vxlan and nat modes: a returned frame cut at every offset is a named miss, never a crash",
          "[sfc][vxlan][nat]") {
  const auto frames = sample();
  for (ModeKind mode : {ModeKind::vxlan, ModeKind::nat}) {
    ProxyConfig pc;
    pc.mode.kind = mode;
    pc.mode.per = Granularity::flow;
    pc.mode.nat = std::make_shared<NatRules>(
        rules_from_yaml("nat: [{match: {proto: tcp}, rewrite: {src: 100.64.0.0/10, sport: 1000-1999}}]\n"));
    Proxy proxy(pc);
    FrameBuffer buf;
    REQUIRE(proxy.from_sff(test::view(frames[3]), 0, 1, buf, false).verdict == SffVerdict::to_sf);
    const std::vector<std::uint8_t> sent(buf.data(), buf.data() + buf.size());
    std::size_t misses = 0;
    test::for_each_truncation(sent, [&](ByteView cut) {
      buf.assign(cut);
      const SfResult s = proxy.to_sff(buf, kSideForward, 0);
      if (!s.outcome.ok()) {
        CHECK_FALSE(s.outcome.name.empty());
        ++misses;
      }
    });
    INFO(mode_name(mode));
    CHECK(misses > 0);
  }
}

TEST_CASE("vxlan mode: the emulated VTEP SF answers from its address with the same VNI", "[sfc][vxlan]") {
  const auto frames = sample();
  ProxyConfig pc;
  pc.mode.kind = ModeKind::vxlan;
  pc.mode.per = Granularity::flow;
  Proxy proxy(pc);
  SfModelConfig sfc;
  sfc.vtep_port = 4789;
  sfc.set_dscp = 10;  // acts on the inner packet only
  SfModel sf(sfc);
  SfFrame* f = sf.acquire();
  REQUIRE(proxy.from_sff(test::view(frames[3]), 0, 1, f->buf, false).verdict == SffVerdict::to_sf);
  const std::vector<std::uint8_t> sent(f->buf.data(), f->buf.data() + f->buf.size());
  sf.submit(f);
  SfFrame* o = sf.next_out();
  REQUIRE(o);
  const ByteView back = o->buf.view();
  REQUIRE(back.size() == sent.size());
  CHECK(std::equal(back.begin(), back.begin() + 6, sent.begin() + 6));  // MACs swapped
  auto ip = codec::parse_ipv4(back.subspan(14));
  REQUIRE(ip.ok());
  CHECK(codec::ipv4_header_checksum_ok(ip->header));
  CHECK(ip->src == codec::Ipv4Addr{198, 18, 0, 2});
  CHECK(ip->dst == codec::Ipv4Addr{198, 18, 0, 1});
  CHECK(ip->tos() == sent[15]);  // the outer header is the VTEP's, not the SF's to edit
  auto udp = codec::parse_udp(ip->payload);
  REQUIRE(udp.ok());
  CHECK(udp->dport == 4789);
  CHECK(udp->length == ip->payload.size());
  auto vx = codec::parse_vxlan(udp->payload);
  REQUIRE(vx.ok());
  CHECK(vx->vni == load_be24(sent.data() + 46));
  auto inner = codec::parse_ipv4(vx->payload.subspan(14));
  REQUIRE(inner.ok());
  CHECK(inner->dscp == 10);
  CHECK(codec::ipv4_header_checksum_ok(inner->header));
  sf.release(o);
}
