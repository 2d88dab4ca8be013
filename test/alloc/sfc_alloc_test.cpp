// Proves the proxy's per-packet path (from_sff -> emulated SF -> to_sff) allocates nothing in steady state:
// global operator new is replaced by a counting one, the capture is replayed once in every mode to warm the
// tables, then replayed again with counting on; the second pass must make zero heap allocations.
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/sfc/proxy.hpp"
#include "pktmap/sfc/replay.hpp"
#include "pktmap/sfc/sf_model.hpp"

#include "counting_new.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: sfc_alloc_test CAPTURE [TEMP_DIR]\n");
    return 2;
  }
  auto src = pcapio::PacketSource::open_file(argv[1]);
  std::vector<std::vector<std::uint8_t>> frames;
  pcapio::Packet p;
  while (src.next(p) == pcapio::ReadStatus::packet)
    frames.emplace_back(p.data.begin(), p.data.end());
  // An SF that drops, reorders, delays, copies, answers SYNs and rewrites DSCP: every code path of the
  // emulation runs.
  SfModelConfig sfc;
  sfc.drop_probability = 0.02;
  sfc.reorder_window = 8;
  sfc.inject_rst = true;
  sfc.inject_every = 7;
  sfc.delay = true;
  sfc.delay_ns = 3'000'000;
  sfc.jitter_ns = 1'000'000;
  sfc.delay_limit = 64;
  sfc.set_dscp = 10;
  // NAT rules for nat mode (the SF translates, the proxy predicts): addresses and ports change.
  auto rules = std::make_shared<NatRules>();
  NatRule r;
  parse_proto_field("tcp", r.proto);
  parse_addr_field("10.0.0.0/8", r.src);
  parse_addr_field("100.64.0.0/16", r.to_src);
  parse_port_field("20000-29999", r.to_sport);
  rules->rules.push_back(r);
  int failures = 0;
  std::size_t packets = 0;
  for (auto [mode, per] : {std::pair{ModeKind::mac, Granularity::packet},
                           {ModeKind::mac_pair, Granularity::flow},
                           {ModeKind::vlan, Granularity::flow},
                           {ModeKind::qinq, Granularity::path},
                           {ModeKind::five_tuple, Granularity::flow},
                           {ModeKind::vxlan, Granularity::flow},
                           {ModeKind::nat, Granularity::flow}}) {
    ProxyConfig pc;
    pc.mode.kind = mode;
    pc.mode.per = per;
    SfModelConfig sfm = sfc;
    if (mode == ModeKind::vxlan) sfm.vtep_port = pc.mode.vxlan.port;  // a VXLAN-capable SF
    if (mode == ModeKind::nat) pc.mode.nat = sfm.nat = rules;
    pc.mode.max_in_flight = sfc.max_in_flight();
    for (std::uint32_t i = 0; i < 12; ++i)
      pc.path_pairs.emplace_back(101 + i, 201 + i);
    Proxy proxy(pc);
    SfModel sf(sfm);
    std::uint64_t serial = 0, restored = 0;
    for (int pass = 0; pass < 2; ++pass) {
      g_allocs = 0;
      g_counting = pass == 1;
      for (const auto& f : frames) {
        ++serial;
        const auto ts = static_cast<std::int64_t>(serial) * 1'000'000;
        sf.advance(ts);
        while (SfFrame* out = sf.next_out()) {
          restored += proxy.to_sff(out->buf, out->side, out->ts).outcome.ok();
          sf.release(out);
        }
        SfFrame* sff = sf.acquire();
        const SffResult r = proxy.from_sff(ByteView(f.data(), f.size()), ts, serial, sff->buf, false);
        if (r.verdict != SffVerdict::to_sf) {
          sf.release(sff);
          continue;
        }
        sff->pid = serial;
        sff->ts = ts;
        sff->side = r.side;
        sf.submit(sff);
        while (SfFrame* out = sf.next_out()) {
          restored += proxy.to_sff(out->buf, out->side, out->ts).outcome.ok();
          sf.release(out);
        }
      }
      g_counting = false;
    }
    packets += frames.size();
    std::printf("%s per %s: %zu packets, %llu restored, %zu allocations in the measured pass\n",
                mode_name(mode), granularity_name(per), frames.size(),
                static_cast<unsigned long long>(restored), g_allocs);
    if (g_allocs != 0 || restored == 0) ++failures;
  }
  // The I/O around the proxy: the memory-mapped reader and the buffered writer allocate nothing per packet.
  // The writer hands its blocks to the write-behind helper once 512 KiB are out (the helper's start
  // allocates, once): the capture is written twice first, so the counted pass runs through the helper.
  {
    const std::string out_path = std::string(argc > 2 ? argv[2] : "/tmp") + "/sfc_alloc_test.pcap";
    auto first = pcapio::PacketSource::open_file(argv[1]);
    pcapio::PcapWriter out(out_path, first.linktype(), first.nanosecond());
    std::size_t copied = 0;
    for (int pass = 0; pass < 3; ++pass) {
      auto in = pcapio::PacketSource::open_file(argv[1]);
      copied = 0;
      g_allocs = 0;
      g_counting = pass == 2;
      while (in.next(p) == pcapio::ReadStatus::packet) {
        out.write(p);
        ++copied;
      }
      g_counting = false;
    }
    std::printf("pcap read + write: %zu packets, %zu allocations\n", copied, g_allocs);
    if (g_allocs != 0 || copied != frames.size()) ++failures;
  }
  // Whole runs of sfcproxy-replay's engine (reader, proxy, SF, writer, report): a capture four times as long
  // must cost exactly as many allocations (set-up only), through the direct path of a transparent SF and
  // through the emulated SF's queue. Both outputs pass 512 KiB, so both start the write-behind helper.
  {
    const std::string dir = argc > 2 ? argv[2] : "/tmp";
    std::size_t allocs[2][2] = {};
    for (int copies : {2, 8}) {
      const std::string path = dir + "/sfc_alloc_test_x" + std::to_string(copies) + ".pcap";
      {
        pcapio::PcapWriter w(path, src.linktype(), true);
        std::int64_t ts = 1'700'000'000'000'000'000;
        for (int c = 0; c < copies; ++c)
          for (const auto& f : frames)
            w.write(ByteView(f.data(), f.size()), static_cast<std::uint32_t>(f.size()), ts += 1000);
        w.commit();
      }
      for (int queued = 0; queued < 2; ++queued) {
        ReplayOptions o;
        o.input = path;
        o.out = dir + "/sfc_alloc_test_out.pcap";
        o.proxy.mode.kind = ModeKind::vlan;
        o.proxy.mode.per = Granularity::flow;
        o.show_progress = false;
        if (queued) {
          o.sf.reorder_window = 4;
          o.sf.inject_every = 5;
          o.sf.delay = true;
          o.sf.delay_ns = 2'000;
        }
        g_allocs = 0;
        g_counting = true;
        const ReplayReport rep = run_replay(o);
        g_counting = false;
        allocs[copies == 8][queued] = g_allocs;
        if (rep.restored == 0) ++failures;
      }
    }
    for (int queued = 0; queued < 2; ++queued) {
      std::printf("run_replay (%s): %zu allocations for the capture twice over, %zu for it eight times\n",
                  queued ? "emulated SF queue" : "transparent SF, direct", allocs[0][queued],
                  allocs[1][queued]);
      if (allocs[0][queued] != allocs[1][queued]) ++failures;
    }
  }
  if (packets == 0) {
    std::printf("no packets: the test would prove nothing\n");
    return 1;
  }
  return failures ? 1 : 0;
}
