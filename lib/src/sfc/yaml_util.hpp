#pragma once
// yaml-cpp helpers for the sfc configuration files (internal): every error names file, line:column and key.
#include <yaml-cpp/yaml.h>

#include <string>

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

inline long bounded(const std::string& file, const YAML::Node& n, const std::string& key, long lo, long hi) {
  const long v = scalar<long>(file, n, key);
  if (v < lo || v > hi) fail(file, n, key, "must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

}  // namespace pktmap::sfc::yaml
