// Counters of a live run, as text (final report and one-line periodic stats) and JSON.
#include <cinttypes>
#include <string>

#include "pktmap/sfc/live.hpp"

namespace pktmap::sfc {

namespace {
void print_counters(std::FILE* out, const char* prefix, const report::Counters& c) {
  for (const auto& e : c)
    std::fprintf(out, " %s%.*s %" PRIu64 ";", prefix, static_cast<int>(e.name.size()), e.name.data(),
                 e.value);
}

void port_line(std::FILE* out, const char* role, const PortReport& p) {
  std::fprintf(out,
               "  %-9s %-12s rx %" PRIu64 ", tx %" PRIu64 ", tx failed %" PRIu64 ", kernel dropped %" PRIu64
               "%s\n",
               role, p.name.c_str(), p.rx, p.tx, p.tx_failed, p.kernel_dropped,
               p.kernel_direction_filter ? "" : " (outgoing frames filtered in user space)");
}

void port_json(report::JsonWriter& j, const PortReport& p) {
  j.begin_object()
      .field("name", p.name)
      .field("rx", p.rx)
      .field("tx", p.tx)
      .field("tx_failed", p.tx_failed)
      .field("kernel_dropped", p.kernel_dropped)
      .field("ignore_outgoing", p.kernel_direction_filter)
      .end_object();
}

void counters_json(report::JsonWriter& j, const char* name, const report::Counters& c) {
  j.key(name).begin_object();
  for (const auto& e : c)
    j.field(e.name, e.value);
  j.end_object();
}
}  // namespace

void print_live_report(const LiveReport& r, std::FILE* out) {
  std::fprintf(out,
               "from SFF %" PRIu64 " frames: %" PRIu64 " NSH (MD1 %" PRIu64 ", MD2 %" PRIu64 "), %" PRIu64
               " not NSH (ignored), %" PRIu64 " congruent metadata (sent back%s)\n",
               r.sff_frames, r.nsh, r.md1, r.md2, r.not_nsh, r.congruent,
               r.congruent_kept
                   ? ("; " + std::to_string(r.congruent_kept) + " kept for injected replies").c_str()
                   : "");
  std::fprintf(
      out, "mode %s per %s: to SF %" PRIu64 ", from SF %" PRIu64 " -> restored toward the SFF %" PRIu64 "\n",
      r.mode.c_str(), r.per.c_str(), r.to_sf, r.sf_frames, r.restored);
  std::fprintf(out,
               "table: %zu keys now, %zu at peak (limit %zu), %" PRIu64 " evicted, %" PRIu64
               " expired, %" PRIu64 " refused; %zu distinct NSH headers at peak\n",
               r.table_size, r.table.peak, r.table_capacity, r.table.evicted, r.table.expired,
               r.table.refused, r.headers_peak);
  if (r.drops.size() == 0 && r.rejected.size() == 0 && r.sf_unmapped.size() == 0) {
    std::fprintf(out, "drops: none\n");
  } else {
    std::fprintf(out, "drops:");
    print_counters(out, "", r.drops);
    print_counters(out, "rejected ", r.rejected);
    print_counters(out, "from SF ", r.sf_unmapped);
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "interfaces:\n");
  port_line(out, "SFF", r.sff);
  for (std::size_t i = 0; i < r.sf.size(); ++i)
    port_line(out, r.sf.size() == 1 ? "SF" : (i == 0 ? "SF left" : "SF right"), r.sf[i]);
  std::fprintf(out, "ran %.2f s, stopped by %s\n", r.seconds, r.stopped_by.c_str());
}

void print_live_stats_line(const LiveReport& r, std::FILE* out) {
  std::uint64_t kdrop = r.sff.kernel_dropped;
  for (const auto& p : r.sf)
    kdrop += p.kernel_dropped;
  std::fprintf(out,
               "[%.1f s] from SFF %" PRIu64 " (NSH %" PRIu64 "), to SF %" PRIu64 ", from SF %" PRIu64
               ", restored %" PRIu64 ", dropped %" PRIu64 ", unmapped %" PRIu64
               ", keys %zu, kernel dropped %" PRIu64 "\n",
               r.seconds, r.sff_frames, r.nsh, r.to_sf, r.sf_frames, r.restored,
               r.drops.total() + r.rejected.total(), r.sf_unmapped.total(), r.table_size, kdrop);
  std::fflush(out);
}

void write_live_report_json(const LiveReport& r, report::JsonWriter& j) {
  j.begin_object().field("mode", r.mode).field("per", r.per).field("sff_frames", r.sff_frames);
  j.key("nsh").begin_object().field("total", r.nsh).field("md1", r.md1).field("md2", r.md2).end_object();
  j.field("not_nsh_ignored", r.not_nsh)
      .field("congruent_sent_back", r.congruent)
      .field("congruent_kept", r.congruent_kept);
  counters_json(j, "transports", r.transports);
  j.field("to_sf", r.to_sf).field("sf_frames", r.sf_frames).field("restored", r.restored);
  counters_json(j, "drops", r.drops);
  counters_json(j, "rejected", r.rejected);
  counters_json(j, "sf_unmapped", r.sf_unmapped);
  j.key("table")
      .begin_object()
      .field("size", static_cast<std::uint64_t>(r.table_size))
      .field("peak", static_cast<std::uint64_t>(r.table.peak))
      .field("capacity", static_cast<std::uint64_t>(r.table_capacity))
      .field("inserted", r.table.inserted)
      .field("evicted", r.table.evicted)
      .field("expired", r.table.expired)
      .field("refused", r.table.refused)
      .field("headers_peak", static_cast<std::uint64_t>(r.headers_peak))
      .end_object();
  j.key("sff");
  port_json(j, r.sff);
  j.key("sf").begin_array();
  for (const auto& p : r.sf)
    port_json(j, p);
  j.end_array();
  j.field("seconds", r.seconds).field("stopped_by", r.stopped_by).end_object();
}

}  // namespace pktmap::sfc
