#pragma once
// mapdump --state: a mapping-state snapshot written by sfcproxy-replay --state-out or pcp-cli server
// --state-out, as a table or as indented JSON.
#include <string>

namespace pktmap::dump {

// The text of a state file rendered as a table ("KIND state from TOOL, meta..., N entries", then one row
// per entry under the file's columns) or re-emitted as indented JSON. Throws SetupError "NAME: what" for
// text that is not JSON or not a pktmap state file.
std::string render_state(const std::string& text, const std::string& name, bool json);

}  // namespace pktmap::dump
