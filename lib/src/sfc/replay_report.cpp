// The end-of-run report of sfcproxy-replay, as text (journey 1 layout) and JSON.
#include <cinttypes>

#include "pktmap/sfc/replay.hpp"

namespace pktmap::sfc {

namespace {
double pct(std::uint64_t n, std::uint64_t d) {
  return d ? 100.0 * static_cast<double>(n) / static_cast<double>(d) : 0.0;
}
}  // namespace

void print_report(const ReplayReport& r, std::FILE* out) {
  std::fprintf(out,
               "%s: %" PRIu64 " packets, %" PRIu64 " NSH (MD1 %" PRIu64 ", MD2 %" PRIu64 "), %" PRIu64
               " not NSH (passed through), %" PRIu64 " congruent metadata (relayed%s)\n",
               r.input.c_str(), r.packets_in, r.nsh, r.md1, r.md2, r.not_nsh, r.congruent,
               r.congruent_kept
                   ? ("; " + std::to_string(r.congruent_kept) + " kept for injected replies").c_str()
                   : "");
  if (r.accuracy_measured) {
    const Accuracy& a = r.accuracy;
    std::fprintf(
        out,
        "to SF %" PRIu64 " -> returned %" PRIu64 " (SF dropped %" PRIu64 "%s, injected %" PRIu64
        ") -> restored %" PRIu64 "\n",
        r.to_sf, r.sf_returned, r.sf_dropped,
        r.sf_delay_full ? (", " + std::to_string(r.sf_delay_full) + " at a full delay line").c_str() : "",
        r.sf_injected, r.restored);
    const std::uint64_t n = a.returned();
    std::fprintf(out,
                 "accuracy (%s per %s): exact %" PRIu64 " (%.1f %%), path only %" PRIu64
                 ", wrong path %" PRIu64 ", lost %" PRIu64 "\n",
                 r.mode.c_str(), r.per.c_str(), a.exact, pct(a.exact, n), a.path_only, a.wrong_path, a.lost);
    if (a.replies.total() != 0)
      std::fprintf(out,
                   "injected replies: %" PRIu64 " on the reverse path, %" PRIu64 " wrong, %" PRIu64 " lost\n",
                   a.replies.mapped, a.replies.wrong, a.replies.lost);
    if (a.copies.total() != 0)
      std::fprintf(
          out, "injected copies: %" PRIu64 " on their exemplar's path, %" PRIu64 " wrong, %" PRIu64 " lost\n",
          a.copies.mapped, a.copies.wrong, a.copies.lost);
  } else {
    std::fprintf(out, "mode %s per %s: to SF %" PRIu64 ", from SF %" PRIu64 " -> restored %" PRIu64 "\n",
                 r.mode.c_str(), r.per.c_str(), r.to_sf, r.sf_returned, r.restored);
  }
  std::fprintf(out,
               "table: %zu keys at peak (limit %zu), %" PRIu64 " evicted, %" PRIu64 " expired, %" PRIu64
               " refused; %zu distinct NSH headers at peak\n",
               r.table.peak, r.table_capacity, r.table.evicted, r.table.expired, r.table.refused,
               r.headers_peak);
  if (r.drops.size() == 0 && r.rejected.size() == 0) {
    std::fprintf(out, "drops: none\n");
  } else {
    std::fprintf(out, "drops:");
    for (const auto& c : r.drops)
      std::fprintf(out, " %.*s %" PRIu64 ";", static_cast<int>(c.name.size()), c.name.data(), c.value);
    for (const auto& c : r.rejected)
      std::fprintf(out, " rejected %.*s %" PRIu64 ";", static_cast<int>(c.name.size()), c.name.data(),
                   c.value);
    std::fprintf(out, "\n");
  }
  if (!r.input_error.empty()) std::fprintf(out, "input error: %s\n", r.input_error.c_str());
  if (r.interrupted) std::fprintf(out, "interrupted: the counts cover the packets read so far\n");
}

void write_report_json(const ReplayReport& r, report::JsonWriter& j) {
  j.begin_object()
      .field("input", r.input)
      .field("mode", r.mode)
      .field("per", r.per)
      .field("packets_in", r.packets_in);
  j.key("nsh").begin_object().field("total", r.nsh).field("md1", r.md1).field("md2", r.md2).end_object();
  j.field("not_nsh_passed", r.not_nsh)
      .field("congruent_relayed", r.congruent)
      .field("congruent_kept", r.congruent_kept);
  j.key("transports").begin_object();
  for (const auto& c : r.transports)
    j.field(c.name, c.value);
  j.end_object();
  j.field("to_sf", r.to_sf)
      .field("sf_returned", r.sf_returned)
      .field("sf_dropped", r.sf_dropped)
      .field("sf_delay_full", r.sf_delay_full)
      .field("sf_injected", r.sf_injected)
      .field("restored", r.restored)
      .field("written", r.written);
  j.key("drops").begin_object();
  for (const auto& c : r.drops)
    j.field(c.name, c.value);
  j.end_object().key("rejected").begin_object();
  for (const auto& c : r.rejected)
    j.field(c.name, c.value);
  j.end_object();
  j.key("table")
      .begin_object()
      .field("peak", static_cast<std::uint64_t>(r.table.peak))
      .field("limit", static_cast<std::uint64_t>(r.table_capacity))
      .field("inserted", r.table.inserted)
      .field("evicted", r.table.evicted)
      .field("expired", r.table.expired)
      .field("refused", r.table.refused)
      .field("released", r.table.released)
      .field("headers_peak", static_cast<std::uint64_t>(r.headers_peak))
      .end_object();
  j.key("accuracy");
  if (!r.accuracy_measured) {
    j.null();
  } else {
    const Accuracy& a = r.accuracy;
    j.begin_object()
        .field("exact", a.exact)
        .field("path_only", a.path_only)
        .field("wrong_path", a.wrong_path)
        .field("lost", a.lost)
        .field("exact_pct", pct(a.exact, a.returned()))
        .field("injected_mapped", a.injected_mapped())  // replies and copies on their paths
        .field("injected_wrong", a.replies.wrong + a.copies.wrong)
        .field("injected_lost", a.injected_lost());
    for (auto [name, i] :
         {std::pair{"injected_replies", &a.replies}, std::pair{"injected_copies", &a.copies}}) {
      j.key(name)
          .begin_object()
          .field("mapped", i->mapped)
          .field("wrong", i->wrong)
          .field("lost", i->lost)
          .end_object();
    }
    j.end_object();
  }
  j.field("seconds", r.seconds).field("interrupted", r.interrupted);
  j.key("input_error");
  if (r.input_error.empty())
    j.null();
  else
    j.value(r.input_error);
  j.end_object();
}

}  // namespace pktmap::sfc
