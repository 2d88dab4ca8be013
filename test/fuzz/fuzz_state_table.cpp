// mapdump --state (render_state over nlohmann-json): any text either renders, as a table whose every row
// has the header's column count, or as JSON that parses back to the same document, or is refused with a
// SetupError that starts with the file's name; no other exception escapes.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/dump/state_table.hpp"
#include "pktmap/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const std::string table = pktmap::dump::render_state(text, "fuzz.state", false);
    PKTMAP_FUZZ_CHECK(!table.empty() && table.back() == '\n');
    const std::string json = pktmap::dump::render_state(text, "fuzz.state", true);
    const auto doc = nlohmann::json::parse(json, nullptr, false);
    PKTMAP_FUZZ_CHECK(!doc.is_discarded() && doc.contains("entries"));
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(std::string(e.what()).rfind("fuzz.state: ", 0) == 0);
  }
  return 0;
}
