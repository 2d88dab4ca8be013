#pragma once
// yaml-cpp helpers for the sfc configuration files (internal): every error names file, line:column and key.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include "pktmap/error.hpp"
#include "pktmap/yaml_error.hpp"

namespace pktmap::sfc::yaml {

[[noreturn]] inline void fail(const std::string& file, const YAML::Node& n, const std::string& key,
                              const std::string& what) {
  throw_yaml_error_at(file, n, key, what);
}

template <class T>
T scalar(const std::string& file, const YAML::Node& n, const std::string& key) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    fail(file, n, key, "wrong type");
  }
}

// A map that may hold only these keys: a misspelt one would otherwise be ignored without a word.
inline void only_keys(const std::string& file, const YAML::Node& map, const std::string& key,
                      std::initializer_list<std::string_view> known) {
  for (const auto& kv : map) {
    const auto k = yaml_key(file, kv.first, key);
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    std::string list;
    for (std::string_view n : known)
      list.append(list.empty() ? "" : ", ").append(n);
    fail(file, kv.first, key + "." + k, "unknown key (" + list + ")");
  }
}

inline long bounded(const std::string& file, const YAML::Node& n, const std::string& key, long lo, long hi) {
  const long v = scalar<long>(file, n, key);
  if (v < lo || v > hi) fail(file, n, key, "must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

}  // namespace pktmap::sfc::yaml
