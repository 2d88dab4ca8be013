#pragma once
// What `--version` prints: the tool, pktmap's version, and the libpcap the binary runs with (as tcpdump
// --version does: a decoding difference is often a libpcap difference).
#include <string>
#include <string_view>

namespace pktmap::report {

// "TOOL VERSION (pktmap)", libpcap's own version line, and `more` (another library's line) when given; no
// newline at the end (CLI11 adds it).
std::string version_text(std::string_view tool, std::string_view more = {});

}  // namespace pktmap::report
