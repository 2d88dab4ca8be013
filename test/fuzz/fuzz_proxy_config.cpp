// The proxy configuration file (sfcproxy-replay --config, parse_proxy_config over yaml-cpp): `vxlan:` and
// `nat:` either parse into values the proxy accepts or are refused with a SetupError that starts with the
// file's name; no other exception escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/error.hpp"
#include "pktmap/sfc/proxy_config.hpp"

using namespace pktmap::sfc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ProxyConfig pc;
  const VxlanConfig defaults = pc.mode.vxlan;
  try {
    parse_proxy_config(text, "fuzz.yaml", pc);
    PKTMAP_FUZZ_CHECK(pc.mode.vxlan.port != 0);
    const VxlanConfig& x = pc.mode.vxlan;
    if (x.proxy_ip != defaults.proxy_ip || x.sf_ip != defaults.sf_ip)
      PKTMAP_FUZZ_CHECK(x.proxy_ip != x.sf_ip);
    if (pc.mode.nat) {
      PKTMAP_FUZZ_CHECK(!pc.mode.nat->empty());
      for (const NatRule& r : pc.mode.nat->rules)
        PKTMAP_FUZZ_CHECK(check_nat_rule(r).empty());
    }
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(std::string(e.what()).rfind("fuzz.yaml:", 0) == 0);
  }
  return 0;
}
