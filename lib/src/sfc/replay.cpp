// The offline driver: capture -> Proxy -> emulated SF -> Proxy -> outputs, with a per-packet side record
// (packet id -> the NSH it entered with) to measure how exactly each returned packet was restored.
#include "pktmap/sfc/replay.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/pcapio/read_loop.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/wire/short_bytes.hpp"

namespace pktmap::sfc {

std::uint64_t ReplayReport::unmapped() const {
  return accuracy.lost + accuracy.injected_lost() + (accuracy_measured ? 0 : drops.total());
}

namespace {

using Writer = std::unique_ptr<pcapio::PcapWriter>;

// main: an output about the input's size (-w, --to-sf), whose write-behind helper may start at once; the
// others (--unmatched, --rejected) usually get a few packets and start it only if they grow.
Writer open_writer(const std::string& path, const pcapio::PacketSource& src, bool main = false) {
  if (path.empty()) return nullptr;
  return std::make_unique<pcapio::PcapWriter>(path, src.linktype(), src.nanosecond(),
                                              pcapio::PcapWriter::kDefaultSnaplen,
                                              main ? src.file_size() : 0);
}

void require_ethernet(const pcapio::PacketSource& src) {
  if (src.linktype() != pcapio::linktype::ethernet)
    throw SetupError(src.name() + ": link type " + pcapio::linktype_name(src.linktype()) +
                     ": sfcproxy-replay needs Ethernet captures");
}

class Run {
 public:
  Run(const ReplayOptions& opt, ReplayReport& rep) : opt_(opt), rep_(rep) {}

  void emulated();
  void phase2();

 private:
  [[gnu::always_inline]] void count_nsh(const SffResult& r);
  void finish_counts();
  void drain();
  void returned(SfFrame* f);
  [[gnu::always_inline]] SfResult deliver(FrameBuffer& buf, std::uint8_t side, std::int64_t ts);
  void classify(SfFrame& f, const SfResult& r);
  [[gnu::always_inline]] void classify_against(ByteView in, const FrameBuffer& buf, const SfResult& r);

  const ReplayOptions& opt_;
  ReplayReport& rep_;
  std::unique_ptr<Proxy> proxy_;
  std::unique_ptr<SfModel> sf_;
  Writer out_, to_sf_, unmatched_, rejected_;
  // Packets per transport, counted in an array and named once at the end (in first-seen order).
  std::array<std::uint64_t, 8> transport_counts_{};
  std::array<std::uint8_t, 8> transport_order_{};
  std::size_t transports_seen_ = 0;
  FrameBuffer scratch_;
};

inline void Run::count_nsh(const SffResult& r) {
  ++rep_.nsh;
  if (r.md_type == 1) ++rep_.md1;
  if (r.md_type == 2) ++rep_.md2;
  const auto t = static_cast<std::size_t>(r.transport) & (transport_counts_.size() - 1);
  if (transport_counts_[t]++ == 0) transport_order_[transports_seen_++] = static_cast<std::uint8_t>(t);
}

void Run::finish_counts() {
  for (std::size_t i = 0; i < transports_seen_; ++i) {
    const std::uint8_t t = transport_order_[i];
    rep_.transports.add(transport_name(static_cast<Transport>(t)), transport_counts_[t]);
  }
}

void Run::emulated() {
  auto src = pcapio::PacketSource::open_file(opt_.input);
  require_ethernet(src);
  ProxyConfig pc = opt_.proxy;
  if (pc.mode.max_in_flight == 0 && opt_.emulate_sf) pc.mode.max_in_flight = opt_.sf.max_in_flight();
  proxy_ = std::make_unique<Proxy>(pc);
  out_ = open_writer(opt_.out, src, true);
  to_sf_ = open_writer(opt_.to_sf, src, true);
  unmatched_ = open_writer(opt_.unmatched, src);
  rejected_ = open_writer(opt_.rejected, src);
  const bool emulate = opt_.emulate_sf;
  // A transparent SF outside a tunnel hands every frame straight back, in order: no queue and no side
  // records; accuracy compares with the header still in the input frame.
  const bool direct = emulate && opt_.sf_direct && opt_.sf.transparent() && pc.mode.kind != ModeKind::vxlan;
  if (emulate) rep_.accuracy_measured = true;
  if (emulate && !direct) {
    SfModelConfig sf = opt_.sf;
    if (pc.mode.kind == ModeKind::vxlan) sf.vtep_port = pc.mode.vxlan.port;  // the SF terminates VXLAN
    sf_ = std::make_unique<SfModel>(sf);
  }
  const bool delays = sf_ && sf_->delays();
  FrameBuffer phase1;
  rep_.input_error = pcapio::read_all(src, opt_.show_progress, [&](const pcapio::Packet& p) {
    ++rep_.packets_in;
    if (delays) {  // what the SF lets out by this packet's time comes back before it enters
      sf_->advance(p.ts_ns);
      drain();
    }
    SfFrame* f = sf_ ? sf_->acquire() : nullptr;
    FrameBuffer& buf = f ? f->buf : phase1;
    const SffResult r = proxy_->from_sff(p.data, p.ts_ns, p.number, buf, f != nullptr);
    switch (r.verdict) {
      case SffVerdict::reject:
        rep_.rejected.add(r.outcome.name);
        if (rejected_) rejected_->write(p);
        break;
      case SffVerdict::relay_not_nsh:
        ++rep_.not_nsh;
        if (out_) out_->write(p);
        break;
      case SffVerdict::relay_congruent:
        count_nsh(r);
        ++rep_.congruent;
        if (out_) out_->write(p);
        break;
      case SffVerdict::drop:
        count_nsh(r);
        rep_.drops.add(r.outcome.name);
        break;
      case SffVerdict::to_sf:
        count_nsh(r);
        ++rep_.to_sf;
        if (to_sf_) to_sf_->write(buf.view(), static_cast<std::uint32_t>(buf.size()), p.ts_ns);
        if (direct) {
          const SfResult back = deliver(buf, r.side, p.ts_ns);
          classify_against(r.header, buf, back);
        }
        if (f) {
          // The frame carries its packet's header reference; one left from a frame the SF dropped (or from
          // a reply or copy, which take none) is let go here.
          proxy_->nsh_store().release(f->entered);
          f->entered = r.nsh;
          f->pid = p.number;
          f->ts = p.ts_ns;
          f->side = r.side;
          f->spi = r.spi;
          sf_->submit(f);
          f = nullptr;
          drain();
        }
        break;
    }
    if (f) sf_->release(f);
  });
  rep_.interrupted = report::interrupted();
  finish_counts();
  if (sf_) {
    sf_->flush();
    drain();
    for (SfFrame& f : sf_->frames()) {
      proxy_->nsh_store().release(f.entered);
      f.entered = kNoHeader;
    }
    rep_.sf_dropped = sf_->counters().dropped;
    rep_.sf_delay_full = sf_->counters().delay_full;
    rep_.sf_injected = sf_->counters().injected;
  }
  rep_.congruent_kept = proxy_->congruent_kept();
  rep_.table = proxy_->mode().table().counters();
  rep_.table_capacity = proxy_->mode().table().capacity();
  rep_.headers_peak = proxy_->nsh_store().peak();
  if (!opt_.state_out.empty()) save_state(*proxy_, opt_.state_out, opt_.input);
  for (Writer* w : {&out_, &to_sf_, &unmatched_, &rejected_})
    if (*w) (*w)->commit();
  if (out_) rep_.written = out_->count();
}

void Run::drain() {
  while (SfFrame* f = sf_->next_out()) {
    returned(f);
    sf_->release(f);
  }
}

void Run::returned(SfFrame* f) {
  const SfResult r = deliver(f->buf, f->side, f->ts);
  classify(*f, r);
}

inline SfResult Run::deliver(FrameBuffer& buf, std::uint8_t side, std::int64_t ts) {
  ++rep_.sf_returned;
  if (unmatched_) scratch_.assign(buf.view());
  const SfResult r = proxy_->to_sff(buf, side, ts);
  if (!r.outcome.ok()) {
    rep_.drops.add(r.outcome.name);
    if (unmatched_) unmatched_->write(scratch_.view(), static_cast<std::uint32_t>(scratch_.size()), ts);
  } else {
    ++rep_.restored;
    if (out_) out_->write(buf.view(), static_cast<std::uint32_t>(buf.size()), ts);
  }
  return r;
}

void Run::classify(SfFrame& f, const SfResult& r) {
  Accuracy& a = rep_.accuracy;
  if (f.injected) {  // a reply belongs on the reverse of the path it answers; a copy on its exemplar's path
    std::uint32_t expect = f.spi;
    InjectedAccuracy& i = f.reply ? a.replies : a.copies;
    if (!r.outcome.ok())
      ++i.lost;
    else if ((!f.reply || proxy_->reverse_of(f.spi, expect)) && r.spi == expect)
      ++i.mapped;
    else
      ++i.wrong;
    return;
  }
  classify_against(proxy_->nsh_store().get(f.entered), f.buf, r);
  proxy_->nsh_store().release(f.entered);
  f.entered = kNoHeader;
}

// `in` is the NSH the packet entered with; the restored one must be it with SI - 1.
inline void Run::classify_against(ByteView in, const FrameBuffer& buf, const SfResult& r) {
  Accuracy& a = rep_.accuracy;
  if (!r.outcome.ok()) {
    ++a.lost;
    return;
  }
  const std::uint8_t* got = buf.data() + r.nsh_offset;
  const std::size_t n = in.size();
  if (r.nsh_len == n && n >= 8) {  // the common case first, in word compares (MD1 is 24 bytes)
    std::uint8_t head[8];
    std::memcpy(head, in.data(), 8);
    head[7] = static_cast<std::uint8_t>(head[7] - 1);
    if (load_word(got) == load_word(head) && bytes_equal(got + 8, in.data() + 8, n - 8)) {
      ++a.exact;
      return;
    }
  }
  const bool same_path = r.nsh_len >= 8 && in.size() >= 8 && std::memcmp(got + 4, in.data() + 4, 3) == 0 &&
                         got[7] == static_cast<std::uint8_t>(in[7] - 1);
  const bool same_rest = r.nsh_len == in.size() && std::memcmp(got, in.data(), 7) == 0 &&
                         std::memcmp(got + 8, in.data() + 8, in.size() - 8) == 0;
  if (same_path && same_rest)
    ++a.exact;
  else if (same_path)
    ++a.path_only;
  else
    ++a.wrong_path;
}

void Run::phase2() {
  ProxyConfig pc = read_state_config(opt_.state_in);
  pc.mode.idle_ns = 0;        // the capture behind the SF has later timestamps than phase 1: keep every entry
  pc.mode.max_in_flight = 1;  // keys are already assigned; the check was made in phase 1
  proxy_ = std::make_unique<Proxy>(pc);
  load_state(*proxy_, opt_.state_in);
  rep_.mode = mode_name(pc.mode.kind);
  rep_.per = granularity_name(pc.mode.per);
  auto src = pcapio::PacketSource::open_file(opt_.from_sf);
  require_ethernet(src);
  out_ = open_writer(opt_.out, src, true);
  unmatched_ = open_writer(opt_.unmatched, src);
  FrameBuffer buf;
  rep_.input_error = pcapio::read_all(src, opt_.show_progress, [&](const pcapio::Packet& p) {
    ++rep_.packets_in;
    if (!buf.assign(p.data)) {
      rep_.drops.add("frame_too_large");
      return;
    }
    ++rep_.sf_returned;
    if (unmatched_) scratch_.assign(p.data);
    const SfResult r = proxy_->to_sff(buf, kSideUnknown, p.ts_ns);
    if (!r.outcome.ok()) {
      rep_.drops.add(r.outcome.name);
      if (unmatched_) unmatched_->write(p);
      return;
    }
    ++rep_.restored;
    if (out_) out_->write(buf.view(), static_cast<std::uint32_t>(buf.size()), p.ts_ns);
  });
  rep_.interrupted = report::interrupted();
  rep_.table = proxy_->mode().table().counters();
  rep_.table_capacity = proxy_->mode().table().capacity();
  rep_.headers_peak = proxy_->nsh_store().peak();
  for (Writer* w : {&out_, &unmatched_})
    if (*w) (*w)->commit();
  if (out_) rep_.written = out_->count();
}

}  // namespace

ReplayReport run_replay(const ReplayOptions& opt) {
  ReplayReport rep;
  const auto t0 = std::chrono::steady_clock::now();
  Run run(opt, rep);
  if (!opt.from_sf.empty()) {
    rep.input = opt.from_sf;
    run.phase2();
  } else {
    rep.input = opt.input;
    rep.mode = mode_name(opt.proxy.mode.kind);
    rep.per = granularity_name(opt.proxy.mode.per);
    run.emulated();
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace pktmap::sfc
