#pragma once
// A whole (small) file as a string: the configuration and state loaders read the file, then parse the
// text with the same function their fuzz targets call.
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace pktmap {

// nullopt when the file cannot be opened.
inline std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace pktmap
