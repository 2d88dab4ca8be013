// The portal emulator's configuration (capport-probe serve --config, parse_portal_config over yaml-cpp):
// any text either parses into settings the server can start with (ports in range, both certificate files
// or neither, relative paths under the file's directory) or is refused with a SetupError that starts with
// the file's name; no other exception escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "pktmap/capport/portal_server.hpp"
#include "pktmap/error.hpp"

using namespace pktmap::capport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const PortalConfig c = parse_portal_config(text, "fuzz.yaml", "/etc/portal");
    PKTMAP_FUZZ_CHECK(c.https_port >= 0 && c.https_port <= 65535);
    PKTMAP_FUZZ_CHECK(c.http_port >= -1 && c.http_port <= 65535);
    PKTMAP_FUZZ_CHECK(c.cert_file.empty() == c.key_file.empty());
    for (const std::string* f : {&c.cert_file, &c.key_file, &c.cert_out})
      PKTMAP_FUZZ_CHECK(f->empty() || (*f)[0] == '/');
    PKTMAP_FUZZ_CHECK(c.session_seconds >= 1 && c.session_seconds <= 7 * 24 * 3600);
  } catch (const pktmap::SetupError& e) {
    PKTMAP_FUZZ_CHECK(std::string(e.what()).rfind("fuzz.yaml", 0) == 0);
  }
  return 0;
}
