// The PCP server emulator's policy file (pcp-cli server --config, parse_server_policy over yaml-cpp): any
// text either parses into a policy the server can run with or is refused with a SetupError that starts
// with the file's name; no other exception escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcp/server_policy.hpp"

using namespace pktmap::pcp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const ServerPolicy p = parse_server_policy(text, "fuzz.yaml");
    PKTMAP_FUZZ_CHECK(!p.external_ips.empty());
    PKTMAP_FUZZ_CHECK(p.port_min <= p.port_max);
    PKTMAP_FUZZ_CHECK(p.min_lifetime <= p.max_lifetime);
    PKTMAP_FUZZ_CHECK(!p.protocols.empty());
    PKTMAP_FUZZ_CHECK(p.max_mappings >= 1);
    for (const StatelessRule& r : p.stateless)
      PKTMAP_FUZZ_CHECK(r.prefix_len <= 128 && r.ports_per_client >= 1);
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(std::string(e.what()).rfind("fuzz.yaml", 0) == 0);
  }
  return 0;
}
