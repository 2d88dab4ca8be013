// The SF model file (sfcproxy-replay --sf, parse_sf_model over yaml-cpp): any text either parses into
// bounded behaviours or is refused with a SetupError that starts with the file's name; no other exception
// (yaml-cpp's own conversions included) escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/error.hpp"
#include "pktmap/sfc/sf_model.hpp"

using namespace pktmap::sfc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const SfModelConfig c = parse_sf_model(text, "fuzz.yaml");
    PKTMAP_FUZZ_CHECK(c.drop_probability >= 0 && c.drop_probability <= 1);
    PKTMAP_FUZZ_CHECK(c.reorder_window <= SfModel::kMaxReorderWindow);
    PKTMAP_FUZZ_CHECK(c.set_dscp >= -1 && c.set_dscp <= 63);
    PKTMAP_FUZZ_CHECK(c.ttl_decrement >= 0 && c.ttl_decrement <= 255);
    PKTMAP_FUZZ_CHECK(c.delay_ns >= 0 && c.delay_ns <= 3'600'000'000'000 && c.jitter_ns >= 0 &&
                      c.jitter_ns <= 3'600'000'000'000);
    PKTMAP_FUZZ_CHECK(c.delay_limit >= 1 && c.delay_limit <= SfModel::kMaxDelayLimit);
    PKTMAP_FUZZ_CHECK(c.inject_match.proto <= 255 && c.inject_match.sport <= 65535 &&
                      c.inject_match.dport <= 65535);
    PKTMAP_FUZZ_CHECK(c.max_in_flight() <= SfModel::kMaxReorderWindow + SfModel::kMaxDelayLimit + 1);
    for (const FlowMatch& m : c.drop_match)
      PKTMAP_FUZZ_CHECK(m.proto <= 255 && m.sport <= 65535 && m.dport <= 65535);
    if (c.nat) {
      PKTMAP_FUZZ_CHECK(!c.nat->empty());
      for (const NatRule& r : c.nat->rules)
        PKTMAP_FUZZ_CHECK(check_nat_rule(r).empty());
    }
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(std::string(e.what()).rfind("fuzz.yaml:", 0) == 0);
  }
  return 0;
}
