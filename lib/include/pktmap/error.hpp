#pragma once
// Set-up failures (bad option, unreadable file, bad config) are exceptions caught in main and printed as one
// line. Per-packet problems are never exceptions: they are Outcomes and counters.
#include <stdexcept>
#include <string>

namespace pktmap {

class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Input that could not be read to the end (corrupt capture); the message names file, record and offset.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace pktmap
