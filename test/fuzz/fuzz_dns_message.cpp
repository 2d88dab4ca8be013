// DNS messages (capport DNS-hijack check): parse_dns_message, name decompression and A/AAAA answers.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "pktmap/capport/dns_message.hpp"

using namespace pktmap;
using namespace pktmap::capport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = parse_dns_message(ByteView(data, size));
  PKTMAP_FUZZ_CHECK(m.ok() == (m.name() == "ok"));
  PKTMAP_FUZZ_CHECK(m->qname().size() <= 255);
  PKTMAP_FUZZ_CHECK(m->address_count <= DnsMessage::kMaxAddresses);
  for (std::size_t i = 0; i < m->address_count; ++i)
    PKTMAP_FUZZ_CHECK(m->addresses[i].version == 4 || m->addresses[i].version == 6);
  if (size < 12) PKTMAP_FUZZ_CHECK(m.name() == "dns_truncated");
  return 0;
}
