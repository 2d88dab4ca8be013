// pcp-cli: a Port Control Protocol client (RFC 6887, PORT_SET RFC 7753) and a PCP server emulator.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "commands.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcp/client_report.hpp"
#include "pktmap/report/version.hpp"

namespace {

constexpr const char* kExamples = R"(
Examples:
  pcp-cli map --protocol udp --internal-port 50000 --port-set 100 --lifetime 3600
  pcp-cli map --server 192.168.1.1 --protocol tcp --internal-port 8080 --external-port 8080 --prefer-failure
  pcp-cli map --server 10.0.0.1 --internal-port 5060 --keep --json    renew at half the lifetime
  pcp-cli delete --server 10.0.0.1 --internal-port 5060 --nonce 0123456789abcdef01234567
  pcp-cli peer --server 10.0.0.1 --protocol tcp --internal-port 40000 --remote 203.0.113.9:443
  pcp-cli announce --server [2001:db8::1]
  pcp-cli listen --timeout 60                  unsolicited ANNOUNCEs on 224.0.0.1/ff02::1 port 5350
  pcp-cli server --config cgn.yaml --listen 127.0.0.1:15351 --state-out cgn.state
  mapdump --state cgn.state                    the emulator's mappings as a table

Exit status: 0 success, 1 usage error, 2 no answer or network error, 3 bad policy file,
10+N the server answered PCP result code N (e.g. 12 = NOT_AUTHORIZED, 20 = USER_EX_QUOTA).
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace pktmap;
  CLI::App app{"pcp-cli: Port Control Protocol client (MAP, PEER, ANNOUNCE, PORT_SET) and server emulator"};
  app.footer(kExamples);
  app.set_version_flag("--version", pktmap::report::version_text("pcp-cli"));
  app.require_subcommand(1);
  pcpcli::Commands cmds(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? pcp::kExitOk : pcp::kExitUsage;
  }
  try {
    return cmds.run();
  } catch (const pcpcli::UsageError& e) {
    std::fprintf(stderr, "pcp-cli: %s\n", e.what());
    return pcp::kExitUsage;
  } catch (const pcpcli::ConfigError& e) {
    std::fprintf(stderr, "pcp-cli: %s\n", e.what());
    return pcp::kExitConfig;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pcp-cli: %s\n", e.what());
    return pcp::kExitNetwork;
  }
}
