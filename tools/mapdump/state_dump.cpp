#include "state_dump.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "pktmap/dump/state_table.hpp"
#include "pktmap/error.hpp"

namespace pktmap::mapdump {

bool dump_state_file(const std::string& path, bool json) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "mapdump: %s: cannot open state file\n", path.c_str());
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    const std::string out = dump::render_state(text.str(), path, json);
    std::fwrite(out.data(), 1, out.size(), stdout);
  } catch (const SetupError& e) {
    std::fprintf(stderr, "mapdump: %s\n", e.what());
    return false;
  }
  return true;
}

}  // namespace pktmap::mapdump
