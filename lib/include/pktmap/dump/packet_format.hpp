#pragma once
// Text and JSON renderings of a Dissection: mapdump's output, also used by the other tools' reports.
// Both write into reusable buffers, so steady-state formatting allocates nothing.
#include <string>

#include "pktmap/dissect/dissection.hpp"
#include "pktmap/pcapio/packet.hpp"
#include "pktmap/report/json_writer.hpp"

namespace pktmap::dump {

struct FormatOptions {
  int verbosity = 0;         // 0: one line; 1 (-v): every field, one layer per line
  bool utc = false;          // timestamps in UTC instead of local time
  bool show_number = false;  // prefix each line with the record number (like tshark's frame number)
};

// Appends the packet's text (ending in '\n') to out.
void format_text(const dissect::Dissection& d, const pcapio::Packet& p, const FormatOptions& opt,
                 std::string& out);
// Writes one JSON object for the packet (no newline). Field names are documented in man/mapdump.1.
void format_json(const dissect::Dissection& d, const pcapio::Packet& p, report::JsonWriter& j);
// The JSON key of a layer ("vxlan_gpe"; text output and -d rules say "vxlan-gpe"): per-packet JSON and
// mapdump --stats --json use the same names.
std::string_view json_key(dissect::Proto p);

// "12:00:00.000000001" (local time or UTC) into out.
void format_time(std::int64_t ts_ns, bool utc, char (&out)[64]);
// RFC 3339 UTC with nanoseconds: "2026-01-01T12:00:00.000000001Z".
void format_time_iso(std::int64_t ts_ns, char (&out)[80]);
// tcpdump-style TCP flags "S.", "F.", "R", "P." into out.
const char* format_tcp_flags(std::uint8_t flags, char (&out)[12]);

}  // namespace pktmap::dump
