#pragma once
// Text and JSON renderings of a client exchange (pcp-cli's output), and its exit status.
#include <string>

#include "pktmap/pcp/client.hpp"
#include "pktmap/report/json_writer.hpp"

namespace pktmap::pcp {

// pcp-cli exit statuses (man/pcp-cli.1, EXIT STATUS).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitNetwork = 2;    // no answer, socket error
inline constexpr int kExitConfig = 3;     // server: bad policy file
inline constexpr int kExitPcpError = 10;  // + the first non-SUCCESS result code

struct ReportContext {
  const Request* request = nullptr;
  Endpoint server;
  bool server_is_gateway = false;
  const report::Counters* ignored = nullptr;  // the client's validation counters
};

// Several lines ending in '\n' (JOURNEYS.md journey 3 style).
std::string format_exchange_text(const ReportContext& ctx, const Exchange& ex);
// One JSON object (no trailing newline).
void format_exchange_json(const ReportContext& ctx, const Exchange& ex, report::JsonWriter& j);
// One line for an unsolicited message heard by `pcp-cli listen`.
std::string format_response_line(const Response& r);
void format_response_json(const Response& r, report::JsonWriter& j);

int exit_status(const Exchange& ex);

}  // namespace pktmap::pcp
