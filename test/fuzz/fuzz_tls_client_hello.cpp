// TLS ClientHello SNI extraction (capport: TLS toward the provisioned API host).
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "pktmap/capport/tls_client_hello.hpp"

using namespace pktmap;
using namespace pktmap::capport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto h = parse_tls_client_hello(ByteView(data, size));
  PKTMAP_FUZZ_CHECK(h.ok() == (h.name() == "ok"));
  auto name = h->server_name;
  if (!name.empty()) {
    auto* p = reinterpret_cast<const std::uint8_t*>(name.data());
    PKTMAP_FUZZ_CHECK(h.ok() && p >= data && p + name.size() <= data + size);
  }
  return 0;
}
