#pragma once
// yaml-cpp's errors as the one-line set-up error every config loader gives: "file:line:column: what".
#include <yaml-cpp/yaml.h>

#include <string>

#include "pktmap/error.hpp"

namespace pktmap {

[[noreturn]] inline void throw_yaml_error(const std::string& file, const YAML::Exception& e) {
  throw SetupError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                   ": " + e.msg);
}

// Parses YAML text and hands the document to walk(root), which names line:column and key itself; any
// yaml-cpp exception (a syntax error, or a conversion the walk did not foresee) leaves as the one-line
// error above, so nothing from yaml-cpp escapes a loader without the file's name.
template <class Walk>
auto parse_yaml(const std::string& text, const std::string& name, Walk&& walk) {
  try {
    return walk(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw_yaml_error(name, e);
  }
}

}  // namespace pktmap
