// IPv4 (RFC 791): parse_ipv4 with and without a known wire length, the option iterator, the header
// checksum, address text round trips, and write_ipv4/parse_ipv4 round trip.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_check.hpp"
#include "pktmap/codec/ipv4.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

void check_view(const Result<Ipv4View>& r, ByteView in) {
  const Ipv4View& v = r.value();
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  PKTMAP_FUZZ_CHECK(within(v.header, in) && within(v.options, in) && within(v.payload, in));
  if (v.header.empty()) return;
  PKTMAP_FUZZ_CHECK(v.header.data() == in.data() && v.header.size() == v.header_len());
  PKTMAP_FUZZ_CHECK(v.options.size() == v.header_len() - kIpv4MinHeaderLen);
  if (!r.ok()) return;
  PKTMAP_FUZZ_CHECK(v.version == 4 && v.ihl >= 5 && v.total_length >= v.header_len());
  PKTMAP_FUZZ_CHECK(v.payload.data() == in.data() + v.header_len() || v.payload.empty());
  PKTMAP_FUZZ_CHECK(v.header_len() + v.payload.size() <= v.total_length);
  PKTMAP_FUZZ_CHECK(v.payload_truncated == (v.header_len() + v.payload.size() < v.total_length));
}

void walk_options(ByteView options) {
  Ipv4OptionIterator it(options);
  Ipv4Option o;
  std::size_t n = 0;
  while (it.next(o)) {
    PKTMAP_FUZZ_CHECK(within(o.data, options));
    PKTMAP_FUZZ_CHECK(o.length == 1 ? o.data.empty() : o.data.size() == std::size_t{o.length} - 2u);
    (void)o.copied();
    (void)o.option_class();
    (void)o.number();
    PKTMAP_FUZZ_CHECK(++n <= options.size());
  }
  if (!it.outcome().ok()) PKTMAP_FUZZ_CHECK(!it.outcome().name.empty() && it.outcome().name != "ok");
}

// Re-encodes the parsed header: identical bytes except the checksum (recomputed) and the reserved flag,
// which Ipv4Fields cannot express.
void check_round_trip(const Ipv4View& v) {
  std::array<std::uint8_t, kIpv4MaxHeaderLen> out{};
  ByteWriter w(out);
  write_ipv4(w, {.dscp = v.dscp,
                 .ecn = v.ecn,
                 .id = v.id,
                 .dont_fragment = v.dont_fragment,
                 .more_fragments = v.more_fragments,
                 .frag_offset = v.frag_offset,
                 .ttl = v.ttl,
                 .protocol = v.protocol,
                 .src = v.src,
                 .dst = v.dst,
                 .options = v.options,
                 .payload_len = static_cast<std::uint16_t>(v.total_length - v.header_len())});
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == v.header_len());
  std::array<std::uint8_t, kIpv4MaxHeaderLen> expect{};
  std::memcpy(expect.data(), v.header.data(), v.header.size());
  expect[6] &= 0x7f;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i == 10 || i == 11) continue;
    PKTMAP_FUZZ_CHECK(out[i] == expect[i]);
  }
  PKTMAP_FUZZ_CHECK(ipv4_header_checksum_ok(w.written()));
  auto back = parse_ipv4(w.written());
  PKTMAP_FUZZ_CHECK(back->header_len() == v.header_len() && back->total_length == v.total_length);
  PKTMAP_FUZZ_CHECK(back->src == v.src && back->dst == v.dst && back->protocol == v.protocol);
  PKTMAP_FUZZ_CHECK(back->frag_offset == v.frag_offset && back->more_fragments == v.more_fragments);
  PKTMAP_FUZZ_CHECK(back->ttl == v.ttl && back->id == v.id && back->dscp == v.dscp && back->ecn == v.ecn);
}

void check_addr_text(const Ipv4Addr& a) {
  char text[16];
  format_ipv4_addr(a, text);
  Ipv4Addr back{};
  PKTMAP_FUZZ_CHECK(parse_ipv4_addr(text, back) && back == a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_ipv4(in);
  check_view(r, in);
  // The same bytes as the whole of a frame (wire length known) and as a snapped one.
  check_view(parse_ipv4(in, size), in);
  check_view(parse_ipv4(in, size + 1), in);
  (void)ipv4_header_checksum_ok(r->header);
  walk_options(r->options);
  check_addr_text(r->src);
  check_addr_text(r->dst);
  // Arbitrary text must not crash the address parser.
  Ipv4Addr a{};
  std::string_view text(reinterpret_cast<const char*>(data), size < 32 ? size : 32);
  if (parse_ipv4_addr(text, a)) check_addr_text(a);
  if (r.ok()) check_round_trip(r.value());
  return 0;
}
