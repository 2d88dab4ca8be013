#pragma once
// A whole (small) file as a string: the configuration and state loaders read the file, then parse the
// text with the same function their fuzz targets call.
#include <fstream>
#include <optional>
#include <string>

namespace pktmap {

// nullopt when the file cannot be opened or read (a directory opens, then fails its first read: that must
// not pass for an empty file).
inline std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char buf[16384];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    text.append(buf, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return std::nullopt;
  return text;
}

}  // namespace pktmap
