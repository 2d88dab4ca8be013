// HTTP/1.x heads (capport canaries and API exchanges): parse_http_head and its field accessors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "pktmap/capport/http_head.hpp"

using namespace pktmap;
using namespace pktmap::capport;

namespace {
bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto h = parse_http_head(in);
  PKTMAP_FUZZ_CHECK(h.ok() == (h.name() == "ok"));
  const auto& v = h.value();
  PKTMAP_FUZZ_CHECK(v.field_count <= HttpHead::kMaxHeaders);
  PKTMAP_FUZZ_CHECK(inside(v.method, in) && inside(v.target, in) && inside(v.version, in) &&
                    inside(v.reason, in));
  PKTMAP_FUZZ_CHECK(inside(v.body, in));
  for (std::size_t i = 0; i < v.field_count; ++i) {
    PKTMAP_FUZZ_CHECK(inside(v.fields[i].name, in) && inside(v.fields[i].value, in));
    PKTMAP_FUZZ_CHECK(!v.fields[i].name.empty());
  }
  if (h.ok()) {
    PKTMAP_FUZZ_CHECK(v.is_request || (v.status >= 100 && v.status <= 599));
    (void)v.content_length();
    (void)v.field("Location");
    (void)media_type(v.field("Content-Type"));
  }
  return 0;
}
