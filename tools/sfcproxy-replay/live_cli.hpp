#pragma once
#include "pktmap/sfc/live.hpp"

namespace pktmap::tools {

// Runs the live proxy and prints its report; returns the exit status (0 stopped cleanly, 2 an interface
// failed while running). Set-up failures throw SetupError.
int run_live_cli(const sfc::LiveOptions& opt, bool json);

}  // namespace pktmap::tools
