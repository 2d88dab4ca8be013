// capport-probe discovery's OS state readers: ISC dhclient lease text (scan_dhclient_leases: tokens,
// quoted strings with escapes, nested blocks, expiry dates) and systemd-networkd link state
// (networkd_captive_portal). Never throw; every URI found comes from a lease that was found.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "pktmap/capport/discovery.hpp"

using namespace pktmap::capport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto any = scan_dhclient_leases(text, "", 1'795'000'000);
  PKTMAP_FUZZ_CHECK(any.lease_found || (any.uris.empty() && !any.expired));
  for (const auto& u : any.uris)
    PKTMAP_FUZZ_CHECK(u.uri.size() <= size && !u.option.empty());
  auto one = scan_dhclient_leases(text, "eth0", 0);
  PKTMAP_FUZZ_CHECK(!one.expired || one.lease_found);
  if (auto uri = networkd_captive_portal(text)) PKTMAP_FUZZ_CHECK(!uri->empty() && uri->size() < size);
  return 0;
}
