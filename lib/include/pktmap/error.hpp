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

// A set-up failure caused by what the user typed rather than by the input (a BPF filter that does not
// compile): tools report it with their usage-error status.
class UsageError : public SetupError {
 public:
  using SetupError::SetupError;
};

// Input that could not be read to the end (corrupt capture); the message names file, record and offset.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace pktmap
