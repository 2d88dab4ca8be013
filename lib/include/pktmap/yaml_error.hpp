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

}  // namespace pktmap
