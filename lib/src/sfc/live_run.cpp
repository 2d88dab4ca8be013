// The live driver: poll() over the SFF handle and the SF handles; each ready handle is drained in batches
// through the Proxy. One FrameBuffer is reused for every frame; counters are named by string literals.
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>

#include "live_port.hpp"
#include "pktmap/error.hpp"
#include "pktmap/report/interrupt.hpp"
#include "pktmap/sfc/live.hpp"

namespace pktmap::sfc {

namespace {

constexpr int kBatch = 64;                           // frames per handle per wake-up (fairness)
constexpr std::int64_t kExpiryTickNs = 100'000'000;  // idle tables expire even without traffic
constexpr std::int64_t kNsPerSec = 1'000'000'000;

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * kNsPerSec + ts.tv_nsec;
}

std::int64_t seconds_to_ns(double s) {
  return static_cast<std::int64_t>(s * 1e9);
}

// The restored frame goes back toward the SFF: swap the outer MACs (and the inner Ethernet of the
// VXLAN-GPE NP=3 form) and the outer IP addresses, so it is addressed from the proxy to the SFF. UDP
// ports stay (destination 4790; the source carries the flow entropy). The IPv4 header checksum and the
// UDP pseudo-header sum do not change when two summed fields trade places (RFC 1071).
void swap_bytes(std::uint8_t* a, std::uint8_t* b, std::size_t n) {
  std::uint8_t tmp[16];
  std::memcpy(tmp, a, n);
  std::memcpy(a, b, n);
  std::memcpy(b, tmp, n);
}

void turn_outer(FrameBuffer& f) {
  NshLocation found;
  if (!locate_nsh(f.view(), found).ok() || found.transport == Transport::none) return;
  const NshLocation* loc = &found;
  std::uint8_t* p = f.data();
  swap_bytes(p, p + 6, 6);
  if (loc->ip_version == 4) swap_bytes(p + loc->ip_off + 12, p + loc->ip_off + 16, 4);
  if (loc->ip_version == 6) swap_bytes(p + loc->ip_off + 8, p + loc->ip_off + 24, 16);
  if (loc->transport == Transport::vxlan_gpe_eth && loc->nsh_offset >= 14) {
    std::uint8_t* e = p + loc->nsh_offset - 14;
    swap_bytes(e, e + 6, 6);
  }
}

class LiveRun;

struct SfHandler {
  LiveRun* run = nullptr;
  std::uint8_t side = kSideUnknown;  // the direction a frame arriving on this interface travels
  LivePort* port = nullptr;
};

class LiveRun {
 public:
  LiveRun(const LiveOptions& opt, LiveReport& rep) : opt_(opt), rep_(rep), proxy_(opt.proxy) {
    if (opt.sf_ifs.empty() || opt.sf_ifs.size() > 2)
      throw UsageError("--sf-if: give one interface, or two (left,right)");
    for (const auto& s : opt.sf_ifs)
      if (s == opt.sff_if) throw UsageError("--sf-if " + s + ": the SF and SFF interfaces must differ");
    if (opt.sf_ifs.size() == 2 && opt.sf_ifs[0] == opt.sf_ifs[1])
      throw UsageError("--sf-if: left and right must differ");
    sff_ = std::make_unique<LivePort>(opt.sff_if, opt.buffer_kib);
    for (const auto& s : opt.sf_ifs)
      sf_.push_back(std::make_unique<LivePort>(s, opt.buffer_kib));
    // Two interfaces: forward frames leave by the left and come back on the right (and the reverse).
    const bool pair = sf_.size() == 2;
    for (std::size_t i = 0; i < sf_.size(); ++i)
      handlers_[i] = {this, pair ? (i == 1 ? kSideForward : kSideReverse) : kSideUnknown, sf_[i].get()};
  }

  void run(const LiveStatsSink& on_stats);

 private:
  static void on_sff(u_char* user, const pcap_pkthdr* h, const u_char* bytes);
  static void on_sf(u_char* user, const pcap_pkthdr* h, const u_char* bytes);
  void from_sff(ByteView frame, std::uint32_t wire_len);
  void from_sf(const SfHandler& h, ByteView frame, std::uint32_t wire_len);
  void count_nsh(const SffResult& r);
  void to_sff(FrameBuffer& f);
  void snapshot();
  std::string failed_interface(const pollfd* fds, std::size_t nfds) const {
    for (std::size_t i = 0; i < nfds; ++i)
      if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) return i == 0 ? opt_.sff_if : opt_.sf_ifs[i - 1];
    return {};
  }

  const LiveOptions& opt_;
  LiveReport& rep_;
  Proxy proxy_;
  std::unique_ptr<LivePort> sff_;
  std::vector<std::unique_ptr<LivePort>> sf_;
  SfHandler handlers_[2];
  FrameBuffer buf_;
  std::int64_t now_ = 0;
  std::uint64_t serial_ = 0;
};

void LiveRun::count_nsh(const SffResult& r) {
  ++rep_.nsh;
  if (r.md_type == 1) ++rep_.md1;
  if (r.md_type == 2) ++rep_.md2;
  rep_.transports.add(transport_name(r.transport));
}

void LiveRun::to_sff(FrameBuffer& f) {
  if (!opt_.keep_outer) turn_outer(f);
  sff_->send(f.view());
}

void LiveRun::from_sff(ByteView frame, std::uint32_t wire_len) {
  ++rep_.sff_frames;
  sff_->count_rx();
  if (frame.size() < wire_len) {
    rep_.rejected.add("frame_larger_than_snaplen");
    return;
  }
  const SffResult r = proxy_.from_sff(frame, now_, ++serial_, buf_, false);
  switch (r.verdict) {
    case SffVerdict::reject:
      rep_.rejected.add(r.outcome.name);
      break;
    case SffVerdict::relay_not_nsh:
      ++rep_.not_nsh;
      break;
    case SffVerdict::relay_congruent:
      count_nsh(r);
      ++rep_.congruent;
      if (buf_.assign(frame)) to_sff(buf_);
      break;
    case SffVerdict::drop:
      count_nsh(r);
      rep_.drops.add(r.outcome.name);
      break;
    case SffVerdict::to_sf: {
      count_nsh(r);
      ++rep_.to_sf;
      LivePort& out = (r.side == kSideReverse && sf_.size() == 2) ? *sf_[1] : *sf_[0];
      out.send(buf_.view());
      break;
    }
  }
}

void LiveRun::from_sf(const SfHandler& h, ByteView frame, std::uint32_t wire_len) {
  ++rep_.sf_frames;
  h.port->count_rx();
  if (frame.size() < wire_len || !buf_.assign(frame)) {
    rep_.sf_unmapped.add("frame_too_large");
    return;
  }
  const SfResult r = proxy_.to_sff(buf_, h.side, now_);
  if (!r.outcome.ok()) {
    rep_.sf_unmapped.add(r.outcome.name);
    return;
  }
  ++rep_.restored;
  to_sff(buf_);
}

void LiveRun::on_sff(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* self = reinterpret_cast<LiveRun*>(user);
  self->from_sff(ByteView(bytes, h->caplen), h->len);
}

void LiveRun::on_sf(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  const auto* handler = reinterpret_cast<const SfHandler*>(user);
  handler->run->from_sf(*handler, ByteView(bytes, h->caplen), h->len);
}

void LiveRun::snapshot() {
  rep_.congruent_kept = proxy_.congruent_kept();
  rep_.table = proxy_.mode().table().counters();
  rep_.table_size = proxy_.mode().table().size();
  rep_.table_capacity = proxy_.mode().table().capacity();
  rep_.headers_peak = proxy_.nsh_store().peak();
  rep_.sff = sff_->report();
  rep_.sf.clear();
  for (auto& p : sf_)
    rep_.sf.push_back(p->report());
}

void LiveRun::run(const LiveStatsSink& on_stats) {
  if (!opt_.user.empty()) drop_privileges(opt_.user);
  pollfd fds[3];
  const std::size_t nfds = 1 + sf_.size();
  fds[0] = {sff_->fd(), POLLIN, 0};
  for (std::size_t i = 0; i < sf_.size(); ++i)
    fds[1 + i] = {sf_[i]->fd(), POLLIN, 0};
  const std::int64_t start = monotonic_ns();
  const std::int64_t end = opt_.duration_s > 0 ? start + seconds_to_ns(opt_.duration_s) : 0;
  const std::int64_t stats_every = opt_.stats_interval_s > 0 ? seconds_to_ns(opt_.stats_interval_s) : 0;
  std::int64_t next_stats = stats_every ? start + stats_every : 0;
  std::int64_t next_expiry = start + kExpiryTickNs;
  std::int64_t count_reached = 0;
  now_ = start;
  while (true) {
    if (report::interrupted()) {
      rep_.stopped_by = "signal";
      break;
    }
    if (end && now_ >= end) {
      rep_.stopped_by = "duration";
      break;
    }
    if (opt_.count && !count_reached && rep_.sff_frames >= opt_.count) count_reached = now_;
    if (count_reached && now_ - count_reached >= seconds_to_ns(opt_.linger_s)) {
      rep_.stopped_by = "count";
      break;
    }
    if (report::take_usr1() || (next_stats && now_ >= next_stats)) {
      if (next_stats && now_ >= next_stats)
        next_stats += stats_every * ((now_ - next_stats) / stats_every + 1);
      snapshot();
      rep_.seconds = static_cast<double>(now_ - start) / 1e9;
      if (on_stats) on_stats(rep_);
    }
    if (now_ >= next_expiry) {
      proxy_.mode().expire(now_);
      proxy_.paths().expire(now_);
      next_expiry = now_ + kExpiryTickNs;
    }
    std::int64_t wait = next_expiry - now_;
    if (end) wait = std::min(wait, end - now_);
    if (next_stats) wait = std::min(wait, next_stats - now_);
    if (count_reached) wait = std::min(wait, count_reached + seconds_to_ns(opt_.linger_s) - now_);
    const int timeout_ms = static_cast<int>(std::max<std::int64_t>(wait / 1'000'000, 0)) + 1;
    const int n = ::poll(fds, nfds, timeout_ms);
    now_ = monotonic_ns();
    if (n < 0) {
      if (errno == EINTR) continue;
      rep_.stopped_by = std::string("poll: ") + std::strerror(errno);
      break;
    }
    if (n == 0) continue;
    if (fds[0].revents & POLLIN) sff_->dispatch(kBatch, &LiveRun::on_sff, reinterpret_cast<u_char*>(this));
    for (std::size_t i = 0; i < sf_.size(); ++i)
      if (fds[1 + i].revents & POLLIN)
        sf_[i]->dispatch(kBatch, &LiveRun::on_sf, reinterpret_cast<u_char*>(&handlers_[i]));
    if (const std::string gone = failed_interface(fds, nfds); !gone.empty()) {
      rep_.stopped_by = gone + ": the interface went away";
      break;
    }
  }
  snapshot();
  rep_.seconds = static_cast<double>(monotonic_ns() - start) / 1e9;
}

}  // namespace

LiveReport run_live(const LiveOptions& opt, const LiveStatsSink& on_stats) {
  LiveReport rep;
  rep.mode = mode_name(opt.proxy.mode.kind);
  rep.per = granularity_name(opt.proxy.mode.per);
  LiveRun run(opt, rep);
  run.run(on_stats);
  return rep;
}

}  // namespace pktmap::sfc
