#include "state_dump.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

namespace pktmap::mapdump {

namespace {
std::string cell(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}
}  // namespace

// The state format (man/mapdump.1, STATE FILES): {"pktmap_state": 1, "tool": ..., "kind": ..., "meta": {...},
// "columns": [...], "entries": [{...}, ...]}. Columns default to the keys of the first entry.
bool dump_state_file(const std::string& path, bool json) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "mapdump: %s: cannot open state file\n", path.c_str());
    return false;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    std::fprintf(stderr, "mapdump: %s: not JSON: byte %zu: %s\n", path.c_str(), e.byte, e.what());
    return false;
  }
  if (!doc.is_object() || !doc.contains("pktmap_state") || !doc.contains("entries") ||
      !doc["entries"].is_array()) {
    std::fprintf(stderr, "mapdump: %s: not a pktmap state file (needs \"pktmap_state\" and \"entries\")\n",
                 path.c_str());
    return false;
  }
  if (json) {
    std::printf("%s\n", doc.dump(2).c_str());
    return true;
  }
  std::printf("%s state from %s", doc.value("kind", std::string("mapping")).c_str(),
              doc.value("tool", std::string("?")).c_str());
  if (doc.contains("meta") && doc["meta"].is_object()) {
    for (const auto& [k, v] : doc["meta"].items())
      std::printf(", %s %s", k.c_str(), cell(v).c_str());
  }
  const auto& entries = doc["entries"];
  std::printf(", %zu entries\n", entries.size());
  std::vector<std::string> cols;
  if (doc.contains("columns") && doc["columns"].is_array()) {
    for (const auto& c : doc["columns"])
      cols.push_back(cell(c));
  } else if (!entries.empty() && entries[0].is_object()) {
    for (const auto& [k, v] : entries[0].items())
      cols.push_back(k);
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> width(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c)
    width[c] = cols[c].size();
  for (const auto& e : entries) {
    std::vector<std::string> row;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      row.push_back(e.is_object() && e.contains(cols[c]) ? cell(e[cols[c]]) : "-");
      width[c] = std::max(width[c], row.back().size());
    }
    rows.push_back(std::move(row));
  }
  auto print_row = [&](const std::vector<std::string>& r) {
    for (std::size_t c = 0; c < r.size(); ++c)
      std::printf("%-*s%s", static_cast<int>(width[c]), r[c].c_str(), c + 1 < r.size() ? "  " : "\n");
  };
  if (!cols.empty()) print_row(cols);
  for (const auto& r : rows)
    print_row(r);
  return true;
}

}  // namespace pktmap::mapdump
