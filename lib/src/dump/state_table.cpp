#include "pktmap/dump/state_table.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "pktmap/error.hpp"

namespace pktmap::dump {

namespace {
// A value as one table cell: strings bare, null as "-", anything else as compact JSON. Every field goes
// through here, so a state file with an unexpected type still prints instead of failing a conversion.
std::string cell(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string field(const nlohmann::json& doc, const char* key, const char* otherwise) {
  return doc.contains(key) ? cell(doc[key]) : otherwise;
}
}  // namespace

// The state format (man/mapdump.1, STATE FILES): {"pktmap_state": 1, "tool": ..., "kind": ..., "meta": {...},
// "columns": [...], "entries": [{...}, ...]}. Columns default to the keys of the first entry.
std::string render_state(const std::string& text, const std::string& name, bool json) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw SetupError(name + ": not JSON: byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double (out_of_range)
    throw SetupError(name + ": not JSON we can read: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("pktmap_state") || !doc.contains("entries") ||
      !doc["entries"].is_array())
    throw SetupError(name + ": not a pktmap state file (needs \"pktmap_state\" and \"entries\")");
  if (json) return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::string out = field(doc, "kind", "mapping") + " state from " + field(doc, "tool", "?");
  if (doc.contains("meta") && doc["meta"].is_object()) {
    for (const auto& [k, v] : doc["meta"].items())
      out += ", " + k + " " + cell(v);
  }
  const auto& entries = doc["entries"];
  out += ", " + std::to_string(entries.size()) + " entries\n";
  std::vector<std::string> cols;
  if (doc.contains("columns") && doc["columns"].is_array()) {
    for (const auto& c : doc["columns"])
      cols.push_back(cell(c));
  } else if (!entries.empty() && entries[0].is_object()) {
    for (const auto& [k, v] : entries[0].items())
      cols.push_back(k);
  }
  std::vector<std::size_t> width(cols.size());
  std::vector<std::vector<std::string>> rows;
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
  auto put_row = [&](const std::vector<std::string>& r) {
    for (std::size_t c = 0; c < r.size(); ++c) {  // every column padded, as printf("%-*s") did
      out += r[c];
      out += std::string(width[c] - r[c].size(), ' ');
      out += c + 1 < r.size() ? "  " : "\n";
    }
  };
  if (!cols.empty()) put_row(cols);
  for (const auto& r : rows)
    put_row(r);
  return out;
}

}  // namespace pktmap::dump
