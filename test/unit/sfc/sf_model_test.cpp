// The emulated SF's delay line and same-direction copies (draft-04 §2 item 5, §4.1), and the replay's
// accounting of every frame an SF returns.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "pktmap/error.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/sfc/replay.hpp"
#include "pktmap/sfc/sf_model.hpp"
#include "pktmap/wire/checksum.hpp"
#include "pktmap/wire/short_bytes.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {

constexpr std::int64_t kMs = 1'000'000;

// Ethernet / IPv4 / TCP or UDP with 10 bytes of payload; the IPv4 header checksum is valid.
std::vector<std::uint8_t> frame(std::uint8_t proto, std::uint16_t dport, std::uint16_t ip_id) {
  std::vector<std::uint8_t> b(14 + 20 + (proto == 6 ? 20 : 8) + 10, 0);
  const std::uint8_t macs[12] = {2, 0, 0, 0, 0x5f, 2, 2, 0, 0, 0, 0x5f, 1};
  std::copy(std::begin(macs), std::end(macs), b.begin());
  store_be16(&b[12], 0x0800);
  std::uint8_t* ip = &b[14];
  ip[0] = 0x45;
  store_be16(ip + 2, static_cast<std::uint16_t>(b.size() - 14));
  store_be16(ip + 4, ip_id);
  ip[8] = 64;
  ip[9] = proto;
  store_be32(ip + 12, 0x0a000001);
  store_be32(ip + 16, 0xc6336401);
  store_be16(ip + 10, internet_checksum(ByteView(ip, 20)));
  store_be16(ip + 20, 40000);
  store_be16(ip + 22, dport);
  if (proto == 6) {
    ip[32] = 0x50;
    ip[33] = 0x10;  // ACK
  } else {
    store_be16(ip + 24, 18);
  }
  return b;
}

SfFrame* submit(SfModel& sf, const std::vector<std::uint8_t>& bytes, std::uint64_t pid, std::int64_t ts) {
  SfFrame* f = sf.acquire();
  REQUIRE(f != nullptr);
  REQUIRE(f->buf.assign(ByteView(bytes.data(), bytes.size())));
  f->pid = pid;
  f->ts = ts;
  f->spi = 100 + static_cast<std::uint32_t>(pid % 3);
  f->side = static_cast<std::uint8_t>(pid % 2);
  sf.submit(f);
  return f;
}

struct Out {
  std::uint64_t pid;
  std::int64_t ts;
  bool injected;
  std::vector<std::uint8_t> bytes;
  SfFrame copy_of_fields;
};

std::vector<Out> drain(SfModel& sf) {
  std::vector<Out> out;
  while (SfFrame* f = sf.next_out()) {
    out.push_back({f->pid,
                   f->ts,
                   f->injected,
                   std::vector<std::uint8_t>(f->buf.data(), f->buf.data() + f->buf.size()),
                   {}});
    out.back().copy_of_fields.spi = f->spi;
    out.back().copy_of_fields.side = f->side;
    out.back().copy_of_fields.reply = f->reply;
    out.back().copy_of_fields.answers_pid = f->answers_pid;
    sf.release(f);
  }
  return out;
}

void drain_into(SfModel& sf, std::vector<Out>& out) {
  for (auto& o : drain(sf))
    out.push_back(std::move(o));
}

SfModelConfig delayed(std::int64_t delay_ms, std::int64_t jitter_ms = 0, std::size_t limit = 1000) {
  SfModelConfig c;
  c.delay = true;
  c.delay_ns = delay_ms * kMs;
  c.jitter_ns = jitter_ms * kMs;
  c.delay_limit = limit;
  return c;
}

std::string error_of(const std::string& yaml) {
  try {
    (void)parse_sf_model(yaml, "m.yaml");
  } catch (const SetupError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("SF delay: frames leave in capture time, stamped with the time they leave", "[sfc]") {
  SfModel sf(delayed(10));
  const auto udp = frame(17, 53, 1);
  submit(sf, udp, 1, 0);
  submit(sf, udp, 2, 1 * kMs);
  submit(sf, udp, 3, 1 * kMs);  // the same time as 2: leaves after it
  CHECK(drain(sf).empty());
  sf.advance(10 * kMs - 1);
  CHECK(drain(sf).empty());
  sf.advance(10 * kMs);
  auto out = drain(sf);
  REQUIRE(out.size() == 1);
  CHECK(out[0].pid == 1);
  CHECK(out[0].ts == 10 * kMs);
  sf.advance(50 * kMs);
  out = drain(sf);
  REQUIRE(out.size() == 2);
  CHECK(out[0].pid == 2);
  CHECK(out[1].pid == 3);
  CHECK(out[0].ts == 11 * kMs);
  CHECK(out[1].ts == 11 * kMs);
  CHECK(out[0].bytes == udp);
}

TEST_CASE("SF delay: jitter stays within its bound and reorders; flush lets everything out", "[sfc]") {
  SfModelConfig c = delayed(10, 5);
  c.seed = 11;
  SfModel sf(c);
  const auto udp = frame(17, 53, 1);
  std::vector<Out> out;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const std::int64_t now = static_cast<std::int64_t>(i) * kMs;
    sf.advance(now);
    drain_into(sf, out);
    submit(sf, udp, i, now);
  }
  sf.flush();
  drain_into(sf, out);
  REQUIRE(out.size() == 200);
  bool reordered = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t in = static_cast<std::int64_t>(out[i].pid) * kMs;
    CHECK(out[i].ts >= in + 5 * kMs);
    CHECK(out[i].ts <= in + 15 * kMs);
    if (i > 0) {
      CHECK(out[i].ts >= out[i - 1].ts);  // out in the order they are due
      reordered = reordered || out[i].pid < out[i - 1].pid;
    }
  }
  CHECK(reordered);
}

TEST_CASE("SF reorder: contents reordered, timestamps in order, each no earlier than it came in", "[sfc]") {
  SfModelConfig c;
  c.reorder_window = 8;
  c.seed = 3;
  SfModel sf(c);
  const auto udp = frame(17, 53, 1);
  std::vector<Out> out;
  for (std::uint64_t i = 0; i < 300; ++i) {
    submit(sf, udp, i, static_cast<std::int64_t>(i) * kMs);
    drain_into(sf, out);
  }
  sf.flush();
  drain_into(sf, out);
  REQUIRE(out.size() == 300);
  bool reordered = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    CHECK(out[i].ts >= static_cast<std::int64_t>(out[i].pid) * kMs);
    if (i > 0) {
      CHECK(out[i].ts >= out[i - 1].ts);
      reordered = reordered || out[i].pid < out[i - 1].pid;
    }
  }
  CHECK(reordered);
  CHECK(out.back().ts == 299 * kMs);  // what the window still held leaves when the input ends
}

TEST_CASE("SF delay: a full line drops what comes next, and counts it", "[sfc]") {
  SfModel sf(delayed(10, 0, 3));
  const auto udp = frame(17, 53, 1);
  for (std::uint64_t i = 0; i < 5; ++i)
    submit(sf, udp, i, 0);
  CHECK(sf.counters().dropped == 2);
  CHECK(sf.counters().delay_full == 2);
  sf.flush();
  const auto out = drain(sf);
  REQUIRE(out.size() == 3);
  CHECK(out[0].pid == 0);
  CHECK(out[2].pid == 2);
}

TEST_CASE("SF pool: reorder, delay and copies together never run out of frames", "[sfc]") {
  SfModelConfig c = delayed(3, 2, 8);
  c.reorder_window = 4;
  c.inject_every = 1;
  SfModel sf(c);
  const auto tcp = frame(6, 80, 7);
  std::size_t out = 0;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const std::int64_t now = static_cast<std::int64_t>(i) * kMs / 4;
    sf.advance(now);
    out += drain(sf).size();
    submit(sf, tcp, i, now);  // REQUIREs a frame
    out += drain(sf).size();
  }
  sf.flush();
  out += drain(sf).size();
  CHECK(out + sf.counters().dropped == 2000 + sf.counters().injected);
  CHECK(sf.counters().dropped == sf.counters().delay_full);
  CHECK(sf.counters().delay_full > 0);  // 4 packets a millisecond held 3-5 ms: more than 8 at once
}

TEST_CASE("SF inject: every Nth matching packet is followed by a copy of it, with the next IPv4 ID",
          "[sfc]") {
  SfModelConfig c;
  c.inject_every = 3;
  c.inject_match.proto = 6;
  c.inject_match.dport = 80;
  SfModel sf(c);
  std::vector<Out> out;
  for (std::uint64_t i = 0; i < 9; ++i) {
    submit(sf, i % 3 == 2 ? frame(17, 80, 500) : frame(6, 80, static_cast<std::uint16_t>(0xffff - i)), i, 0);
    drain_into(sf, out);
  }
  // TCP packets 0 1 3 4 6 7 match; the 3rd and 6th of them (pids 3 and 7) are copied.
  REQUIRE(out.size() == 11);
  CHECK(sf.counters().injected == 2);
  std::size_t copies = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].injected) continue;
    ++copies;
    REQUIRE(i > 0);
    const Out& ex = out[i - 1];  // right behind its exemplar
    CHECK_FALSE(ex.injected);
    CHECK((ex.pid == 3 || ex.pid == 7));
    CHECK(out[i].copy_of_fields.answers_pid == ex.pid);
    CHECK_FALSE(out[i].copy_of_fields.reply);
    CHECK(out[i].copy_of_fields.spi == ex.copy_of_fields.spi);
    CHECK(out[i].copy_of_fields.side == ex.copy_of_fields.side);
    REQUIRE(out[i].bytes.size() == ex.bytes.size());
    const std::uint16_t id = load_be16(&ex.bytes[18]);
    CHECK(load_be16(&out[i].bytes[18]) == static_cast<std::uint16_t>(id + 1));  // 0xfffc -> 0xfffd, wraps too
    CHECK(internet_checksum(ByteView(&out[i].bytes[14], 20)) == 0);
    std::vector<std::uint8_t> a = ex.bytes, b = out[i].bytes;
    for (auto* v : {&a, &b})
      std::fill(v->begin() + 18, v->begin() + 20, 0), std::fill(v->begin() + 24, v->begin() + 26, 0);
    CHECK(a == b);  // L2 header, five-tuple and payload cloned
  }
  CHECK(copies == 2);
}

TEST_CASE("SF model YAML: delay and inject, and unknown keys inside a behaviour", "[sfc]") {
  const SfModelConfig c = parse_sf_model(
      "delay: {ms: 2.5, jitter_ms: 1, limit: 64}\ninject: {every: 4, match: {proto: udp}}\n", "m.yaml");
  CHECK(c.delay);
  CHECK(c.delay_ns == 2'500'000);
  CHECK(c.jitter_ns == 1'000'000);
  CHECK(c.delay_limit == 64);
  CHECK(c.inject_every == 4);
  CHECK(c.inject_match.proto == 17);
  CHECK(c.max_in_flight() == 65);
  CHECK_FALSE(c.transparent());
  CHECK(parse_sf_model("delay: {ms: 0}\n", "m.yaml").delay_limit == 1000);
  CHECK(error_of("delay: {ms: -1}\n") == "m.yaml:1:13: delay.ms: must be in 0..3600000 (milliseconds)");
  CHECK(error_of("delay: {ms: .nan}\n") == "m.yaml:1:13: delay.ms: must be in 0..3600000 (milliseconds)");
  CHECK(error_of("delay: {jitter_ms: 3}\n") ==
        "m.yaml:1:8: delay: expected {ms: N, jitter_ms: J, limit: FRAMES}");
  CHECK(error_of("delay: {ms: 1, limit: 0}\n") == "m.yaml:1:23: delay.limit: must be in 1..65536");
  CHECK(error_of("inject: {every: 0}\n") == "m.yaml:1:17: inject.every: must be in 1..4294967296");
  CHECK(error_of("inject: {every: 2, match: {port: 80}}\n") ==
        "m.yaml:1:28: inject.match.port: unknown key (proto, sport, dport)");
  CHECK(error_of("reorder: {window: 8, windw: 2}\n") == "m.yaml:1:22: reorder.windw: unknown key (window)");
  CHECK(error_of("rewrite_l2: {src: \"02:00:00:00:00:01\", sorce: x}\n") ==
        "m.yaml:1:40: rewrite_l2.sorce: unknown key (src, dst)");
  CHECK(error_of("delay: {ms: 1, jiter_ms: 2}\n") ==
        "m.yaml:1:16: delay.jiter_ms: unknown key (ms, jitter_ms, limit)");
}

// Each returned frame carries the reference to the header its packet entered with. Before, a ring of 4x the
// SF's pool held them by packet number, and a frame that a reorder window held for longer than the ring
// found its slot reused: it was restored but counted nowhere.
TEST_CASE("replay: every frame the SF returns is classified, however long the reorder window held it",
          "[sfc]") {
  for (std::uint64_t seed : {1, 2, 3}) {
    for (std::size_t window : {4, 8}) {
      ReplayOptions o;
      o.input = std::string(PKTMAP_CAPTURES) + "/sfc-sample.pcap";
      o.proxy.mode.kind = ModeKind::mac;
      o.proxy.mode.per = Granularity::packet;
      o.sf.seed = seed;
      o.sf.reorder_window = window;
      o.show_progress = false;
      const ReplayReport r = run_replay(o);
      INFO("seed " << seed << ", window " << window);
      CHECK(r.sf_returned == r.to_sf);
      CHECK(r.accuracy.returned() == r.sf_returned);
      CHECK(r.accuracy.exact == r.sf_returned);  // per-packet keys carry every packet's own header
    }
  }
}

TEST_CASE("replay: an SF's copies map to their exemplar's path with flow keys, not with per-packet keys",
          "[sfc]") {
  for (auto [per, mapped] : {std::pair{Granularity::flow, true}, {Granularity::packet, false}}) {
    ReplayOptions o;
    o.input = std::string(PKTMAP_CAPTURES) + "/sfc-sample.pcap";
    o.proxy.mode.kind = ModeKind::vlan;
    o.proxy.mode.per = per;
    o.sf.inject_every = 5;
    o.show_progress = false;
    const ReplayReport r = run_replay(o);
    INFO(granularity_name(per));
    CHECK(r.sf_injected > 300);
    CHECK(r.accuracy.copies.total() == r.sf_injected);
    CHECK(r.accuracy.replies.total() == 0);
    CHECK(r.accuracy.copies.wrong == 0);
    CHECK(r.accuracy.copies.mapped == (mapped ? r.sf_injected : 0));
    CHECK(r.accuracy.returned() + r.sf_injected == r.sf_returned);
    CHECK(r.unmapped() == (mapped ? 0 : r.sf_injected));
  }
}

TEST_CASE("replay: an SF that holds packets past --idle loses their keys", "[sfc]") {
  for (auto [delay_ms, lost] : {std::pair{5, false}, {1500, true}}) {
    ReplayOptions o;
    o.input = std::string(PKTMAP_CAPTURES) + "/sfc-sample.pcap";  // 2000 packets in 2 s
    o.proxy.mode.kind = ModeKind::vlan;
    o.proxy.mode.per = Granularity::flow;
    o.proxy.mode.idle_ns = 1000 * kMs;
    o.sf.delay = true;
    o.sf.delay_ns = delay_ms * kMs;
    o.sf.delay_limit = 4000;
    o.show_progress = false;
    const ReplayReport r = run_replay(o);
    INFO(delay_ms << " ms");
    CHECK(r.sf_returned == r.to_sf);
    CHECK(r.accuracy.returned() == r.sf_returned);
    if (lost) CHECK(r.table.expired > 0);
    CHECK((r.accuracy.lost + r.accuracy.wrong_path > 0) == lost);
  }
}

// Congruent metadata (NSH without payload) on a paired path is saved for the replies an SF injects onto that
// path (draft-04 §3): the RST answering a SYN on 101 goes back on 201 with the metadata 201 last carried.
TEST_CASE("replay: an injected reply carries the congruent metadata its path last saw", "[sfc]") {
  const auto sample = test::read_pcap_frames(std::string(PKTMAP_CAPTURES) + "/sfc-sample.pcap");
  // Frames 23 (SPI 201, a SYN-ACK: the reverse path's data), 251 (congruent metadata, SPI 101) and 6 (a SYN
  // on 101); the congruent frame is moved to SPI 201, SI 250, with a context nothing else carries.
  std::vector<std::uint8_t> data = sample[22], congruent = sample[250], syn = sample[5];
  REQUIRE(load_be16(&congruent[12]) == 0x894F);
  REQUIRE(congruent.size() == 14 + 24);
  store_be32(&congruent[14 + 4], 201u << 8 | 250);
  const std::uint8_t marker[16] = {0xca, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  std::memcpy(&congruent[14 + 8], marker, 16);
  const auto dir = test::temp_dir("congruent");
  const std::string in = (dir / "in.pcap").string(), out = (dir / "out.pcap").string();
  {
    pcapio::PcapWriter w(in, 1);
    std::int64_t ts = 1'000'000'000;
    for (const auto* f : {&data, &congruent, &syn})
      w.write(ByteView(f->data(), f->size()), static_cast<std::uint32_t>(f->size()), ts += kMs);
    w.commit();
  }
  {
    ReplayOptions o;
    o.input = in;
    o.out = out;
    o.proxy.mode.kind = ModeKind::vlan;
    o.proxy.path_pairs = {{101, 201}};
    o.sf.inject_rst = true;
    o.show_progress = false;
    const ReplayReport r = run_replay(o);
    const auto frames = test::read_pcap_frames(out);
    REQUIRE(frames.size() == 3);  // the data frame, the congruent frame relayed, the RST (the SYN is dropped)
    const std::vector<std::uint8_t>& rst = frames[2];
    REQUIRE(rst.size() >= 14 + 24 + 20 + 20);
    CHECK(r.accuracy.replies.mapped == 1);
    CHECK(r.congruent_kept == 1);
    CHECK(load_be32(&rst[14 + 4]) == (201u << 8 | 249));  // SPI 201, the congruent SI less one
    CHECK(rst[14 + 3] == 1);  // next protocol IPv4: the path's data, not "unknown"
    CHECK(std::memcmp(&rst[14 + 8], marker, 16) == 0);
    CHECK(rst[14 + 24 + 20 + 13] == 0x14);  // RST|ACK
  }
}
