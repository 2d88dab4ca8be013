// The SFC proxy's per-packet entry points: Proxy::from_sff on any frame (outer decap, NSH, policy, mode
// key), then Proxy::to_sff on what it sent to the SF and on the raw input as if the SF had sent it (vxlan
// mode: the return-side VXLAN decap). A frame that went to the SF must come back restored as NSH with SI-1
// (nat mode: after an emulated SF has applied the same NAT rules; its keys may collide, so the path is not
// checked there).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz_check.hpp"
#include "pktmap/sfc/nsh_locate.hpp"
#include "pktmap/sfc/proxy.hpp"
#include "pktmap/sfc/sf_model.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {
struct World {
  std::unique_ptr<Proxy> proxy[5];
  std::unique_ptr<SfModel> nat_sf;
  FrameBuffer buf;
  std::uint64_t serial = 0;
  World() {
    const std::pair<ModeKind, Granularity> modes[] = {{ModeKind::vlan, Granularity::flow},
                                                      {ModeKind::mac_pair, Granularity::packet},
                                                      {ModeKind::qinq, Granularity::path},
                                                      {ModeKind::vxlan, Granularity::packet},
                                                      {ModeKind::nat, Granularity::flow}};
    auto rules = std::make_shared<NatRules>();
    NatRule r;
    parse_addr_field("10.0.0.0/8", r.src);
    parse_addr_field("100.64.0.0/16", r.to_src);
    rules->rules.push_back(r);
    for (int i = 0; i < 5; ++i) {
      ProxyConfig pc;
      pc.mode.nat = rules;
      pc.mode.kind = modes[i].first;
      pc.mode.per = modes[i].second;
      pc.mode.limit = 64;  // small tables: eviction paths run too
      pc.mode.max_in_flight = 1;
      pc.header_capacity = 256;
      pc.path_pairs = {{101, 201}, {105, 205}};
      proxy[i] = std::make_unique<Proxy>(pc);
    }
    SfModelConfig sf;
    sf.nat = rules;
    nat_sf = std::make_unique<SfModel>(sf);
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
      const bool nat = proxy->mode().kind() == ModeKind::nat;
      SfFrame* f = nullptr;
      if (nat) {  // through the NATing SF
        f = w.nat_sf->acquire();
        f->buf.assign(w.buf.view());
        w.nat_sf->submit(f);
        f = w.nat_sf->next_out();
        PKTMAP_FUZZ_CHECK(f != nullptr && w.nat_sf->next_out() == nullptr);
      }
      FrameBuffer& back = f ? f->buf : w.buf;
      const SfResult s = proxy->to_sff(back, r.side, ts);
      PKTMAP_FUZZ_CHECK(s.outcome.ok());
      auto loc = locate_nsh(back.view());
      PKTMAP_FUZZ_CHECK(loc.ok() && loc->transport != Transport::none);
      if (!nat) {
        PKTMAP_FUZZ_CHECK(s.spi == r.spi);
        PKTMAP_FUZZ_CHECK(loc->nsh.spi == r.spi && loc->nsh.si == static_cast<std::uint8_t>(r.si - 1));
      }
      if (f) w.nat_sf->release(f);
    }
    if (w.buf.assign(in)) {
      const SfResult s = proxy->to_sff(w.buf, kSideUnknown, ts);
      PKTMAP_FUZZ_CHECK(s.outcome.ok() || !s.outcome.name.empty());
    }
  }
  return 0;
}
