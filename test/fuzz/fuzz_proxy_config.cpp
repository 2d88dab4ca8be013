// The proxy configuration file (sfcproxy-replay --config, parse_proxy_config over yaml-cpp): `mac:`, `vlan:`,
// `qinq:`, `vxlan:`, `nat:` and `pairs:` either parse into values the proxy accepts or are refused with a
// SetupError that starts with the file's name; no other exception escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/codec/vlan.hpp"
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
    // Whatever parses is a configuration the proxy accepts.
    PKTMAP_FUZZ_CHECK(check_mode_config(pc.mode).empty());
    PKTMAP_FUZZ_CHECK(pktmap::codec::is_vlan_tpid(pc.mode.s_tpid));
    PKTMAP_FUZZ_CHECK(check_path_pairs(pc.path_pairs).empty());
    if (pc.mode.mac_base != ModeConfig{}.mac_base)
      PKTMAP_FUZZ_CHECK(
          check_mac_pool(pc.mode, pc.proxy_mac, pc.sf_mac).empty() ||
          !(pc.mode.vxlan.proxy_mac == defaults.proxy_mac && pc.mode.vxlan.sf_mac == defaults.sf_mac));
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
