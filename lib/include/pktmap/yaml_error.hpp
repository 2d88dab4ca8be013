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

// An error at a node of a document the loader is walking: "file:line:column: key: what".
[[noreturn]] inline void throw_yaml_error_at(const std::string& file, const YAML::Node& n,
                                             const std::string& key, const std::string& what) {
  const auto m = n.Mark();
  throw SetupError(file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + key +
                   ": " + what);
}

// A mapping key. The configuration files only ever use plain names: a list or map given as a key is
// refused at its place, where yaml-cpp's as<std::string>() would only say "bad conversion".
inline std::string yaml_key(const std::string& file, const YAML::Node& n, const std::string& where) {
  if (!n.IsScalar()) throw_yaml_error_at(file, n, where, "a key must be a plain name");
  return n.Scalar();
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
