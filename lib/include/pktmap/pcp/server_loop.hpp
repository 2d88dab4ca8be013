#pragma once
// The socket layer around the emulator core: one UDP socket, one datagram in, its answers out.
#include <cstdio>
#include <string>

#include "pktmap/pcp/server.hpp"

namespace pktmap::pcp {

struct ServerLoopOptions {
  Endpoint listen;                 // default 0.0.0.0:5351
  std::string state_out;           // JSON snapshot for `mapdump --state`; empty = none
  std::FILE* log = nullptr;        // one line per request when set
  std::uint64_t max_requests = 0;  // stop after this many datagrams (tests); 0 = until interrupted
};

// Runs until SIGINT/SIGTERM (or max_requests). Sends the start-up ANNOUNCE when the policy asks, expires
// mappings every second, rewrites the state file when it changed (at most once a second, and on exit and
// SIGUSR1). Throws SetupError when the socket cannot be bound.
void run_server(Server& server, const ServerLoopOptions& opt);

// The snapshot: {"pktmap_state":1,"tool":"pcp-cli","kind":"pcp-mappings","meta":{...},"columns":[...],
// "entries":[...]}, written atomically.
void write_state(const Server& server, std::uint64_t now_s, const std::string& path);

// Server clock used by the loop: CLOCK_MONOTONIC seconds.
std::uint64_t monotonic_seconds();

}  // namespace pktmap::pcp
