// Proxy round trips on every NSH frame of the committed sample: what comes back from a transparent SF is the
// input frame with SI-1 (and, for IP tunnels, a new outer IPv4 id/checksum), in every mode.
#include <catch2/catch.hpp>
#include <cstring>

#include "pktmap/codec/vlan.hpp"
#include "pktmap/error.hpp"
#include "pktmap/sfc/nsh_locate.hpp"
#include "pktmap/sfc/proxy.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {
std::vector<std::vector<std::uint8_t>> sample() {
  return test::read_pcap_frames(std::string(PKTMAP_CAPTURES) + "/sfc-sample.pcap");
}

// The input with what a proxy legitimately changes patched in: SI-1 and the outer IPv4 id + checksum.
std::vector<std::uint8_t> expected(const std::vector<std::uint8_t>& in,
                                   const std::vector<std::uint8_t>& out) {
  auto loc = locate_nsh(test::view(in));
  std::vector<std::uint8_t> e = in;
  e[loc->nsh_offset + 7] = static_cast<std::uint8_t>(e[loc->nsh_offset + 7] - 1);
  if (loc->ip_version == 4 && out.size() > loc->ip_off + 12u) {
    std::memcpy(e.data() + loc->ip_off + 4, out.data() + loc->ip_off + 4, 2);
    std::memcpy(e.data() + loc->ip_off + 10, out.data() + loc->ip_off + 10, 2);
  }
  return e;
}
}  // namespace

TEST_CASE("proxy: transparent round trip restores every NSH frame of the sample with SI-1") {
  const auto frames = sample();
  for (auto [mode, per] : {std::pair{ModeKind::mac, Granularity::packet},
                           {ModeKind::mac_pair, Granularity::packet},
                           {ModeKind::vlan, Granularity::packet},
                           {ModeKind::qinq, Granularity::flow}}) {
    ProxyConfig pc;
    pc.mode.kind = mode;
    pc.mode.per = per;
    pc.mode.max_in_flight = 1;
    Proxy proxy(pc);
    FrameBuffer buf;
    std::size_t restored = 0;
    std::uint64_t serial = 0;
    for (const auto& f : frames) {
      ++serial;
      const SffResult r =
          proxy.from_sff(test::view(f), static_cast<std::int64_t>(serial) * 1000, serial, buf, false);
      if (r.verdict != SffVerdict::to_sf) continue;
      INFO(mode_name(mode) << " frame " << serial);
      if (mode == ModeKind::vlan) CHECK(load_be16(buf.data() + 12) == 0x8100);
      if (mode == ModeKind::qinq) CHECK(load_be16(buf.data() + 12) == 0x88A8);
      const SfResult s = proxy.to_sff(buf, r.side, static_cast<std::int64_t>(serial) * 1000);
      REQUIRE(s.outcome.ok());
      const std::vector<std::uint8_t> out(buf.data(), buf.data() + buf.size());
      CHECK(out == expected(f, out));
      ++restored;
    }
    CHECK(restored == 1988);  // 1,992 NSH minus 4 congruent-metadata frames
  }
}

TEST_CASE("proxy: congruent metadata is relayed, not-NSH passed through, OAM dropped by default") {
  const auto frames = sample();
  ProxyConfig pc;
  Proxy proxy(pc);
  FrameBuffer buf;
  CHECK(proxy.from_sff(test::view(frames[0]), 0, 1, buf, false).verdict == SffVerdict::relay_not_nsh);  // ARP
  CHECK(proxy.from_sff(test::view(frames[250]), 0, 251, buf, false).verdict == SffVerdict::relay_congruent);
  // Set the O bit on an Ethernet/NSH frame.
  std::vector<std::uint8_t> oam;
  for (const auto& f : frames)
    if (f.size() > 20 && load_be16(f.data() + 12) == 0x894F && f[17] == 1) {
      oam = f;
      break;
    }
  REQUIRE(!oam.empty());
  oam[14] |= 0x20;
  const SffResult r = proxy.from_sff(test::view(oam), 0, 9, buf, false);
  CHECK(r.verdict == SffVerdict::drop);
  CHECK(r.outcome.name == "nsh_oam");
  pc.policy.forward_oam = true;
  Proxy forwarding(pc);
  CHECK(forwarding.from_sff(test::view(oam), 0, 9, buf, false).verdict == SffVerdict::to_sf);
}

TEST_CASE("proxy: malformed frames are rejected by name at every truncation, never a crash") {
  const auto frames = sample();
  ProxyConfig pc;
  pc.mode.kind = ModeKind::vlan;
  pc.mode.per = Granularity::flow;
  Proxy proxy(pc);
  FrameBuffer buf;
  std::size_t rejected = 0;
  for (std::size_t i : {2u, 3u, 4u, 9u}) {
    test::for_each_truncation(frames[i], [&](ByteView cut) {
      const SffResult r = proxy.from_sff(cut, 0, 1, buf, false);
      if (r.verdict == SffVerdict::reject || r.verdict == SffVerdict::drop) {
        CHECK(!r.outcome.name.empty());
        CHECK(r.outcome.name != "ok");
        rejected += r.verdict == SffVerdict::reject;
      }
    });
  }
  CHECK(rejected > 0);
}

TEST_CASE("proxy: unknown keys from the SF are named misses") {
  ProxyConfig pc;
  pc.mode.kind = ModeKind::vlan;
  Proxy proxy(pc);
  FrameBuffer buf;
  const auto untagged =
      test::hex("020000005f02 020000005f01 0800 4500001c000040004011000001020304050607080001000200080000");
  buf.assign(test::view(untagged));
  CHECK(proxy.to_sff(buf, kSideForward, 0).outcome.name == "vlan_tag_missing");
  buf.assign(test::view(untagged));
  buf.set_start(codec::push_vlan_tag(buf.data(), {0x8100, 0, false, 77}));
  CHECK(proxy.to_sff(buf, kSideForward, 0).outcome.name == "key_unknown");
}

TEST_CASE("mode checks refuse what cannot work and name a mode that would") {
  ModeConfig c;
  c.kind = ModeKind::five_tuple;
  c.per = Granularity::packet;
  CHECK(check_mode_config(c).find("qinq") != std::string::npos);
  c.kind = ModeKind::vlan;
  c.max_in_flight = 5000;
  CHECK(check_mode_config(c).find("qinq") != std::string::npos);
  c.max_in_flight = 9;
  CHECK(check_mode_config(c).empty());
  ProxyConfig pc;
  pc.mode.kind = ModeKind::five_tuple;
  pc.mode.per = Granularity::packet;
  CHECK_THROWS_AS(Proxy(pc), SetupError);
}
