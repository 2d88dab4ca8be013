#include "state_dump.hpp"

#include <cstdio>

#include "pktmap/dump/state_table.hpp"
#include "pktmap/error.hpp"
#include "pktmap/text_file.hpp"

namespace pktmap::mapdump {

bool dump_state_file(const std::string& path, bool json) {
  const auto text = read_text_file(path);
  if (!text) {
    std::fprintf(stderr, "mapdump: %s: cannot open state file\n", path.c_str());
    return false;
  }
  try {
    const std::string out = dump::render_state(*text, path, json);
    std::fwrite(out.data(), 1, out.size(), stdout);
  } catch (const SetupError& e) {
    std::fprintf(stderr, "mapdump: %s\n", e.what());
    return false;
  }
  return true;
}

}  // namespace pktmap::mapdump
