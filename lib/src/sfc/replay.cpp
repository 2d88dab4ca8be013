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
#include "pktmap/report/interrupt.hpp"
#include "pktmap/report/progress.hpp"

namespace pktmap::sfc {

std::uint64_t ReplayReport::unmapped() const {
  return accuracy.lost + accuracy.injected_lost + (accuracy_measured ? 0 : drops.total());
}

namespace {

using Writer = std::unique_ptr<pcapio::PcapWriter>;

Writer open_writer(const std::string& path, const pcapio::PacketSource& src) {
  if (path.empty()) return nullptr;
  return std::make_unique<pcapio::PcapWriter>(path, src.linktype(), src.nanosecond());
}

void require_ethernet(const pcapio::PacketSource& src) {
  if (src.linktype() != pcapio::linktype::ethernet)
    throw SetupError(src.name() + ": link type " + pcapio::linktype_name(src.linktype()) +
                     ": sfcproxy-replay needs Ethernet captures");
}

struct Record {
  std::uint64_t pid = 0;
  HeaderId nsh = kNoHeader;
};

class Run {
 public:
  Run(const ReplayOptions& opt, ReplayReport& rep) : opt_(opt), rep_(rep) {}

  void emulated();
  void phase2();

 private:
  void count_nsh(const SffResult& r);
  void drain();
  void returned(SfFrame* f);
  void classify(const SfFrame& f, const SfResult& r);

  const ReplayOptions& opt_;
  ReplayReport& rep_;
  std::unique_ptr<Proxy> proxy_;
  std::unique_ptr<SfModel> sf_;
  Writer out_, to_sf_, unmatched_, rejected_;
  std::vector<Record> records_;
  // transport_name() as string_views, filled at first use: no strlen per packet.
  std::array<std::string_view, 8> transport_names_{};
  FrameBuffer scratch_;
};

void Run::count_nsh(const SffResult& r) {
  ++rep_.nsh;
  if (r.md_type == 1) ++rep_.md1;
  if (r.md_type == 2) ++rep_.md2;
  const auto t = static_cast<std::size_t>(r.transport);
  if (t >= transport_names_.size()) {
    rep_.transports.add(transport_name(r.transport));
    return;
  }
  if (transport_names_[t].empty()) transport_names_[t] = transport_name(r.transport);
  rep_.transports.add(transport_names_[t]);
}

void Run::emulated() {
  auto src = pcapio::PacketSource::open_file(opt_.input);
  require_ethernet(src);
  ProxyConfig pc = opt_.proxy;
  if (pc.mode.max_in_flight == 0 && opt_.emulate_sf) pc.mode.max_in_flight = opt_.sf.max_in_flight();
  proxy_ = std::make_unique<Proxy>(pc);
  out_ = open_writer(opt_.out, src);
  to_sf_ = open_writer(opt_.to_sf, src);
  unmatched_ = open_writer(opt_.unmatched, src);
  rejected_ = open_writer(opt_.rejected, src);
  const bool emulate = opt_.emulate_sf;
  if (emulate) {
    SfModelConfig sf = opt_.sf;
    if (pc.mode.kind == ModeKind::vxlan) sf.vtep_port = pc.mode.vxlan.port;  // the SF terminates VXLAN
    sf_ = std::make_unique<SfModel>(sf);
    std::size_t n = 16;
    while (n < 4 * sf_->pool_size())
      n <<= 1;
    records_.resize(n);
    rep_.accuracy_measured = true;
  }
  FrameBuffer phase1;
  report::Progress progress(opt_.show_progress ? src.file_size() : 0, false);
  pcapio::Packet p;
  while (!report::interrupted()) {
    const auto rs = src.next(p);
    if (rs == pcapio::ReadStatus::end) break;
    if (rs == pcapio::ReadStatus::error) {
      rep_.input_error = src.error();
      break;
    }
    if (rs != pcapio::ReadStatus::packet) continue;
    ++rep_.packets_in;
    if (opt_.show_progress) progress.tick(rep_.packets_in, src.bytes_read());
    SfFrame* f = emulate ? sf_->acquire() : nullptr;
    FrameBuffer& buf = f ? f->buf : phase1;
    const SffResult r = proxy_->from_sff(p.data, p.ts_ns, p.number, buf, emulate);
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
        if (f) {
          Record& rec = records_[p.number & (records_.size() - 1)];
          proxy_->nsh_store().release(rec.nsh);  // a packet the SF dropped: its record is simply replaced
          rec = {p.number, r.nsh};
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
  }
  rep_.interrupted = report::interrupted();
  progress.finish();
  if (emulate) {
    sf_->flush();
    drain();
    for (auto& rec : records_)
      proxy_->nsh_store().release(rec.nsh);
    rep_.sf_dropped = sf_->counters().dropped;
    rep_.sf_injected = sf_->counters().injected;
  }
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
  ++rep_.sf_returned;
  if (unmatched_) scratch_.assign(f->buf.view());
  const SfResult r = proxy_->to_sff(f->buf, f->side, f->ts);
  if (!r.outcome.ok()) {
    rep_.drops.add(r.outcome.name);
    if (unmatched_) unmatched_->write(scratch_.view(), static_cast<std::uint32_t>(scratch_.size()), f->ts);
  } else {
    ++rep_.restored;
    if (out_) out_->write(f->buf.view(), static_cast<std::uint32_t>(f->buf.size()), f->ts);
  }
  if (sf_) classify(*f, r);
}

void Run::classify(const SfFrame& f, const SfResult& r) {
  Accuracy& a = rep_.accuracy;
  if (f.injected) {
    std::uint32_t expect = 0;
    if (!r.outcome.ok())
      ++a.injected_lost;
    else if (proxy_->reverse_of(f.spi, expect) && r.spi == expect)
      ++a.injected_mapped;
    else
      ++a.injected_wrong;
    return;
  }
  Record& rec = records_[f.pid & (records_.size() - 1)];
  if (rec.pid != f.pid || rec.nsh == kNoHeader) return;
  if (!r.outcome.ok()) {
    ++a.lost;
  } else {
    const ByteView in = proxy_->nsh_store().get(rec.nsh);
    const std::uint8_t* got = f.buf.data() + r.nsh_offset;
    const bool same_path = r.nsh_len >= 8 && std::memcmp(got + 4, in.data() + 4, 3) == 0 &&
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
  proxy_->nsh_store().release(rec.nsh);
  rec = {};
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
  out_ = open_writer(opt_.out, src);
  unmatched_ = open_writer(opt_.unmatched, src);
  report::Progress progress(opt_.show_progress ? src.file_size() : 0, false);
  FrameBuffer buf;
  pcapio::Packet p;
  while (!report::interrupted()) {
    const auto rs = src.next(p);
    if (rs == pcapio::ReadStatus::end) break;
    if (rs == pcapio::ReadStatus::error) {
      rep_.input_error = src.error();
      break;
    }
    if (rs != pcapio::ReadStatus::packet) continue;
    ++rep_.packets_in;
    if (opt_.show_progress) progress.tick(rep_.packets_in, src.bytes_read());
    if (!buf.assign(p.data)) {
      rep_.drops.add("frame_too_large");
      continue;
    }
    ++rep_.sf_returned;
    if (unmatched_) scratch_.assign(p.data);
    const SfResult r = proxy_->to_sff(buf, kSideUnknown, p.ts_ns);
    if (!r.outcome.ok()) {
      rep_.drops.add(r.outcome.name);
      if (unmatched_) unmatched_->write(p);
      continue;
    }
    ++rep_.restored;
    if (out_) out_->write(buf.view(), static_cast<std::uint32_t>(buf.size()), p.ts_ns);
  }
  rep_.interrupted = report::interrupted();
  progress.finish();
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
