// The enforce: section of portal.yaml (parse_enforce_config over yaml-cpp): any text either parses into
// bounded values or is refused with a SetupError naming the input; nothing else escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/capport/enforce_config.hpp"
#include "pktmap/error.hpp"

using namespace pktmap::capport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto c = parse_enforce_config(text, "fuzz.yaml");
    PKTMAP_FUZZ_CHECK(!c.client_networks.empty());
    for (const auto& p : c.client_networks)
      PKTMAP_FUZZ_CHECK((p.version == 4 && p.length <= 32) || (p.version == 6 && p.length <= 128));
    PKTMAP_FUZZ_CHECK(c.notify_rate >= 0 && c.notify_rate <= 1e6 && c.notify_burst >= 0 &&
                      c.notify_burst <= 1e6);
    PKTMAP_FUZZ_CHECK(c.max_clients >= 1 && c.max_clients <= 1'000'000);
    for (const auto& a : c.allowed)
      PKTMAP_FUZZ_CHECK(a.has_mac || a.has_ip);
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(std::string(e.what()).rfind("fuzz.yaml", 0) == 0);
  }
  return 0;
}
