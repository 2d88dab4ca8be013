// The SFC proxy's per-packet entry points: Proxy::from_sff on any frame (outer decap, NSH, policy, mode
// key), then Proxy::to_sff on what it sent to the SF and on the raw input as if the SF had sent it. A frame
// that went to the SF must come back restored as NSH with SI-1.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz_check.hpp"
#include "pktmap/sfc/nsh_locate.hpp"
#include "pktmap/sfc/proxy.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {
struct World {
  std::unique_ptr<Proxy> proxy[3];
  FrameBuffer buf;
  std::uint64_t serial = 0;
  World() {
    const std::pair<ModeKind, Granularity> modes[] = {{ModeKind::vlan, Granularity::flow},
                                                      {ModeKind::mac_pair, Granularity::packet},
                                                      {ModeKind::qinq, Granularity::path}};
    for (int i = 0; i < 3; ++i) {
      ProxyConfig pc;
      pc.mode.kind = modes[i].first;
      pc.mode.per = modes[i].second;
      pc.mode.limit = 64;  // small tables: eviction paths run too
      pc.mode.max_in_flight = 1;
      pc.header_capacity = 256;
      pc.path_pairs = {{101, 201}, {105, 205}};
      proxy[i] = std::make_unique<Proxy>(pc);
    }
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World w;
  const ByteView in(data, size);
  for (auto& proxy : w.proxy) {
    ++w.serial;
    const auto ts = static_cast<std::int64_t>(w.serial);
    const SffResult r = proxy->from_sff(in, ts, w.serial, w.buf, false);
    PKTMAP_FUZZ_CHECK(!r.outcome.name.empty());
    if (r.verdict == SffVerdict::to_sf) {
      const SfResult s = proxy->to_sff(w.buf, r.side, ts);
      PKTMAP_FUZZ_CHECK(s.outcome.ok());
      PKTMAP_FUZZ_CHECK(s.spi == r.spi);
      auto loc = locate_nsh(w.buf.view());
      PKTMAP_FUZZ_CHECK(loc.ok() && loc->transport != Transport::none);
      PKTMAP_FUZZ_CHECK(loc->nsh.spi == r.spi && loc->nsh.si == static_cast<std::uint8_t>(r.si - 1));
    }
    if (w.buf.assign(in)) {
      const SfResult s = proxy->to_sff(w.buf, kSideUnknown, ts);
      PKTMAP_FUZZ_CHECK(s.outcome.ok() || !s.outcome.name.empty());
    }
  }
  return 0;
}
