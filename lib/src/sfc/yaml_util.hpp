#pragma once
// yaml-cpp helpers for the sfc configuration files (internal): every error names file, line:column and key.
#include <yaml-cpp/yaml.h>

#include <string>

#include "pktmap/error.hpp"
#include "pktmap/yaml_error.hpp"

namespace pktmap::sfc::yaml {

[[noreturn]] inline void fail(const std::string& file, const YAML::Node& n, const std::string& key,
                              const std::string& what) {
  const auto m = n.Mark();
  throw SetupError(file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + key +
                   ": " + what);
}

template <class T>
T scalar(const std::string& file, const YAML::Node& n, const std::string& key) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    fail(file, n, key, "wrong type");
  }
}

// A map key, which the files only ever use as a plain name.
inline std::string key(const std::string& file, const YAML::Node& n, const std::string& where) {
  if (!n.IsScalar()) fail(file, n, where, "a key must be a plain name");
  return n.Scalar();
}

inline long bounded(const std::string& file, const YAML::Node& n, const std::string& key, long lo, long hi) {
  const long v = scalar<long>(file, n, key);
  if (v < lo || v > hi) fail(file, n, key, "must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

// Loads a file, turning yaml-cpp's errors into "file:line:col: what".
inline YAML::Node load(const std::string& file, const char* what) {
  try {
    return YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw SetupError(file + ": cannot read " + what);
  } catch (const YAML::ParserException& e) {
    throw_yaml_error(file, e);
  }
}

// The same for text already in memory; `name` stands for the file in messages.
inline YAML::Node parse(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw_yaml_error(name, e);
  }
}

// Runs a loader's walk over the document. The walk names file, line:column and key itself; this only keeps
// a yaml-cpp exception it did not foresee from leaving without the file's name.
template <class Fn>
auto walk(const std::string& file, Fn&& fn) {
  try {
    return fn();
  } catch (const YAML::Exception& e) {
    throw_yaml_error(file, e);
  }
}

}  // namespace pktmap::sfc::yaml
