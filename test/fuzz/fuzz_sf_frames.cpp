// The emulated SF (SfModel, sfcproxy-replay --sf) over arbitrary frames, with the behaviours chosen by the
// first bytes: reorder, delay with jitter and a small line, copies, RST replies, drops, VLAN stripping,
// L2/DSCP/TTL rewrites and a VXLAN VTEP. Every frame that goes in comes out once, or is counted as dropped;
// every frame that comes out went in or was counted as injected; the pool never runs dry.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/sfc/sf_model.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {
std::size_t drain(SfModel& sf, std::vector<std::uint8_t>& seen, std::uint64_t& injected_out) {
  std::size_t n = 0;
  while (SfFrame* f = sf.next_out()) {
    PKTMAP_FUZZ_CHECK(f->buf.size() <= FrameBuffer::kMaxFrame + FrameBuffer::kHeadroom);
    if (f->injected) {
      ++injected_out;
    } else {
      PKTMAP_FUZZ_CHECK(f->pid < seen.size() && seen[f->pid] == 1);  // went in, and is out only once
      seen[f->pid] = 2;
    }
    sf.release(f);
    ++n;
  }
  return n;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 6) return 0;
  const std::uint8_t a = data[0], b = data[1], d = data[3], e = data[4];
  SfModelConfig c;
  c.seed = data[2];
  c.reorder_window = a & 7;
  c.drop_probability = (a & 8) ? 0.25 : 0;
  c.inject_rst = (a & 16) != 0;
  c.inject_every = (a & 32) ? 1 + (b & 3) : 0;
  c.delay = (a & 64) != 0;
  c.delay_ns = ((b >> 2) & 7) * 1000;
  c.jitter_ns = (b >> 5) * 700;
  c.delay_limit = 1 + (d & 15);
  c.strip_vlan = (a & 128) != 0;
  c.set_dscp = (d >> 4) == 0 ? -1 : (d >> 4) * 4;
  c.ttl_decrement = e & 3;
  if (e & 4) c.rewrite_src = codec::MacAddr{2, 0, 0, 0, 0, 9};
  if (e & 8) c.rewrite_dst = codec::MacAddr{2, 0, 0, 0, 0, 10};
  if (e & 16) c.vtep_port = 4789;
  SfModel sf(c);

  std::vector<std::uint8_t> seen(size + 1, 0);  // by pid: 1 in the SF, 2 out
  std::uint64_t in = 0, out = 0, injected_out = 0;
  std::int64_t ts = 0;
  for (std::size_t i = 5; i < size;) {
    std::size_t n = data[i++];
    if (n > size - i) n = size - i;
    ts += 1000;
    sf.advance(ts);
    out += drain(sf, seen, injected_out);
    SfFrame* f = sf.acquire();
    PKTMAP_FUZZ_CHECK(f != nullptr);
    PKTMAP_FUZZ_CHECK(f->buf.assign(ByteView(data + i, n)));
    f->pid = ++in;
    f->ts = ts;
    f->side = static_cast<std::uint8_t>(in & 1);
    seen[f->pid] = 1;
    sf.submit(f);
    out += drain(sf, seen, injected_out);
    i += n;
  }
  sf.flush();
  out += drain(sf, seen, injected_out);
  const SfCounters& k = sf.counters();
  PKTMAP_FUZZ_CHECK(k.received == in);
  PKTMAP_FUZZ_CHECK(injected_out <= k.injected);
  PKTMAP_FUZZ_CHECK(out + k.dropped == in + k.injected);
  PKTMAP_FUZZ_CHECK(k.delay_full <= k.dropped);
  return 0;
}
