// sfcproxy-replay state files (--state-in, parse_state_config + load_state_text over nlohmann-json): any
// text either restores entries that could have come from packets, or is refused with a SetupError that
// starts with the file's name; the table's entries then all hold an NSH that parses and matches them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/error.hpp"
#include "pktmap/sfc/replay.hpp"

using namespace pktmap::sfc;

namespace {
bool named(const pktmap::SetupError& e) {
  return std::string(e.what()).rfind("fuzz.state: ", 0) == 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ProxyConfig pc;
  try {
    pc = parse_state_config(text, "fuzz.state");
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(named(e));
    return 0;
  }
  // The file may ask for any table size up to the 32-bit index space; the target keeps to small ones (and
  // few headers) so that each input runs in milliseconds.
  if (pc.mode.limit > 65536) return 0;
  pc.header_capacity = 64;
  pc.path_capacity = 64;
  Proxy proxy(pc);
  try {
    load_state_text(proxy, text, "fuzz.state");
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(named(e));
    return 0;
  }
  MappingTable& t = proxy.mode().table();
  PKTMAP_FUZZ_CHECK(t.size() <= t.capacity());
  t.for_each([&](std::uint32_t, const Entry& e) {
    pktmap::codec::NshView v;
    PKTMAP_FUZZ_CHECK(pktmap::codec::parse_nsh(proxy.nsh_store().get(e.nsh), v).ok());
    PKTMAP_FUZZ_CHECK(v.spi == e.spi && v.si == e.si && e.si != 0);
  });
  return 0;
}
