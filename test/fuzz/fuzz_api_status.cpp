// RFC 8908 API bodies: parse_api_status (JSON validation, keys, limits). Never throws.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "pktmap/capport/api_status.hpp"

using namespace pktmap::capport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto s = parse_api_status(std::string_view(reinterpret_cast<const char*>(data), size));
  PKTMAP_FUZZ_CHECK(s.valid == s.error.empty());
  if (size > kApiBodyLimit) PKTMAP_FUZZ_CHECK(!s.valid);
  if (!s.valid) PKTMAP_FUZZ_CHECK(!s.user_portal_url && !s.seconds_remaining && s.unknown_keys.empty());
  return 0;
}
