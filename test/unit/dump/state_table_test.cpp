// mapdump --state's rendering: the table under the file's columns, fields of any type, and text that is not
// a state file refused with the file's name.
#include <catch2/catch.hpp>
#include <string>

#include "pktmap/dump/state_table.hpp"
#include "pktmap/error.hpp"

using pktmap::dump::render_state;

TEST_CASE("state table: columns, missing fields and values of any type", "[dump]") {
  const std::string text = R"({"pktmap_state": 1, "tool": "t", "kind": "k", "meta": {"mode": "vlan"},
    "columns": ["key", "spi"], "entries": [{"key": "vid 4", "spi": 201}, {"key": [1, 2]}]})";
  CHECK(render_state(text, "s.json", false) ==
        "k state from t, mode vlan, 2 entries\n"
        "key    spi\n"
        "vid 4  201\n"
        "[1,2]  -  \n");
  CHECK(render_state(R"({"pktmap_state": 1, "kind": 5, "entries": []})", "s.json", false) ==
        "5 state from ?, 0 entries\n");
}

TEST_CASE("state table: text that is not a state file names the file", "[dump]") {
  auto error = [](const std::string& text) {
    try {
      (void)render_state(text, "s.json", false);
    } catch (const pktmap::SetupError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("{").rfind("s.json: not JSON: byte 2", 0) == 0);
  CHECK(error(R"({"entries": []})") ==
        R"(s.json: not a pktmap state file (needs "pktmap_state" and "entries"))");
  // A number beyond a double is nlohmann's out_of_range, not a parse_error (found by fuzz_state_table).
  CHECK(error(R"({"pktmap_state": 1e999, "entries": []})").rfind("s.json: not JSON we can read: ", 0) == 0);
}
