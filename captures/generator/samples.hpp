#pragma once
// The committed sample set (`pktmap-gencap all DIR`).
#include <cstdint>
#include <span>
#include <string>

namespace pktmap::gencap {

struct Sample {
  const char* file;  // name inside DIR, and inside captures/
  const char* what;  // one line for --help and the progress output
  std::uint64_t (*write)(const std::string& path);
};

// Extension point: a new sample is one entry here plus its committed file in captures/; the
// captures_reproducible test then covers it automatically.
std::span<const Sample> samples();

}  // namespace pktmap::gencap
