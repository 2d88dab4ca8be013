#pragma once
// The TCP connections libcurl makes for one transfer, as 5-tuples (local end from getsockname, remote end as
// connected to): what enforcement signals must quote to be accepted (icmp_signal.hpp).
#include <curl/curl.h>
#include <sys/socket.h>

#include <string>
#include <utility>
#include <vector>

#include "pktmap/capport/icmp_signal.hpp"

namespace pktmap::capport {

struct CurlFlowRecorder {
  std::string label;                                  // names the flows ("HTTPS canary ...")
  std::vector<ProbeFlow>* out = nullptr;              // where they are recorded (deduplicated)
  std::vector<std::pair<int, sockaddr_storage>> fds;  // sockets open now, with their remote address

  // Hooks libcurl's socket open/close callbacks to this recorder (which must outlive the handle).
  void install(CURL* easy);
  // Reads the local end of every open socket (a connect in progress has its port already).
  void sweep();
};

}  // namespace pktmap::capport
