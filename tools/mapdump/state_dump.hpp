#pragma once
// mapdump --state: prints a mapping-state snapshot written by sfcproxy-replay --state-out or
// pcp-cli server --state-out.
#include <string>

namespace pktmap::mapdump {

// Prints the file as a table (or re-emits it as JSON). Returns false after printing a one-line error.
bool dump_state_file(const std::string& path, bool json);

}  // namespace pktmap::mapdump
