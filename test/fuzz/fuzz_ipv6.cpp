// IPv6 (RFC 8200): parse_ipv6 with its extension-header walk (with and without a known wire length),
// RFC 5952 address text round trips, and the builders: the fixed header re-encodes to the same bytes, a
// Fragment header to the same bytes bar its reserved fields, and an options header built from input bytes
// is walked back as one extension header.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_check.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

void check_view(const Result<Ipv6View>& r, ByteView in) {
  const Ipv6View& v = r.value();
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  PKTMAP_FUZZ_CHECK(within(v.header, in) && within(v.payload, in));
  PKTMAP_FUZZ_CHECK(within(v.ext_headers, v.payload) && within(v.upper, v.payload));
  PKTMAP_FUZZ_CHECK(v.ext_count <= kIpv6MaxExtHeaders);
  if (v.header.empty()) return;
  PKTMAP_FUZZ_CHECK(v.header.data() == in.data() && v.header.size() == kIpv6HeaderLen);
  PKTMAP_FUZZ_CHECK(v.payload.size() <= v.payload_length);
  if (v.payload.empty()) return;
  PKTMAP_FUZZ_CHECK(v.payload.data() == in.data() + kIpv6HeaderLen);
  PKTMAP_FUZZ_CHECK(v.upper_offset == kIpv6HeaderLen + v.ext_headers.size());
  PKTMAP_FUZZ_CHECK(v.ext_headers.size() + v.upper.size() == v.payload.size());
  if (v.ext_count == 0) PKTMAP_FUZZ_CHECK(v.upper_proto == v.next_header && v.ext_headers.empty());
  if (v.is_first_fragment) PKTMAP_FUZZ_CHECK(v.is_fragment && v.frag_offset == 0);
  if (v.is_fragment) PKTMAP_FUZZ_CHECK(v.has_fragment_header);
}

void check_addr_text(const Ipv6Addr& a) {
  char text[46];
  format_ipv6_addr(a, text);
  PKTMAP_FUZZ_CHECK(std::strlen(text) <= 45);
  Ipv6Addr back{};
  PKTMAP_FUZZ_CHECK(parse_ipv6_addr(text, back));
  PKTMAP_FUZZ_CHECK(back == a);
}

void check_fixed_round_trip(const Ipv6View& v) {
  std::array<std::uint8_t, kIpv6HeaderLen> out{};
  ByteWriter w(out);
  write_ipv6(w, {.traffic_class = v.traffic_class,
                 .flow_label = v.flow_label,
                 .payload_length = v.payload_length,
                 .next_header = v.next_header,
                 .hop_limit = v.hop_limit,
                 .src = v.src,
                 .dst = v.dst});
  PKTMAP_FUZZ_CHECK(w.ok() && std::memcmp(out.data(), v.header.data(), kIpv6HeaderLen) == 0);
}

// Walks the extension headers again by hand and re-encodes each Fragment header.
void check_fragment_headers(const Ipv6View& v) {
  std::uint8_t nh = v.next_header;
  std::size_t off = 0;
  for (std::uint8_t i = 0; i < v.ext_count; ++i) {
    PKTMAP_FUZZ_CHECK(off + 2 <= v.ext_headers.size());
    const std::uint8_t* h = v.ext_headers.data() + off;
    std::size_t len = nh == ip_proto::fragment ? kIpv6FragmentHeaderLen
                      : nh == ip_proto::ah     ? (std::size_t{h[1]} + 2) * 4
                                               : (std::size_t{h[1]} + 1) * 8;
    PKTMAP_FUZZ_CHECK(off + len <= v.ext_headers.size());
    if (nh == ip_proto::fragment) {
      std::array<std::uint8_t, kIpv6FragmentHeaderLen> out{};
      ByteWriter w(out);
      const std::uint16_t off_m = load_be16(h + 2);
      write_ipv6_fragment_header(w, h[0], off_m >> 3, (off_m & 1) != 0, load_be32(h + 4));
      PKTMAP_FUZZ_CHECK(w.ok() && out[0] == h[0] && out[1] == 0);
      PKTMAP_FUZZ_CHECK(load_be16(out.data() + 2) == (off_m & 0xfff9) &&
                        load_be32(out.data() + 4) == load_be32(h + 4));
    }
    nh = h[0];
    off += len;
  }
  PKTMAP_FUZZ_CHECK(off == v.ext_headers.size());
  PKTMAP_FUZZ_CHECK(nh == v.upper_proto);
}

// A Destination Options header around arbitrary option bytes, behind a built fixed header.
void check_options_header(ByteView opts) {
  if (opts.size() > 200) opts = opts.first(200);
  std::array<std::uint8_t, kIpv6HeaderLen + 216> out{};
  ByteWriter w(out);
  const std::size_t total = (2 + opts.size() + 7) & ~std::size_t{7};
  write_ipv6(w, {.payload_length = static_cast<std::uint16_t>(total), .next_header = ip_proto::dst_opts});
  write_ipv6_options_header(w, ip_proto::no_next_header, opts);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == kIpv6HeaderLen + total);
  auto r = parse_ipv6(w.written(), w.size());
  PKTMAP_FUZZ_CHECK(r.ok());
  PKTMAP_FUZZ_CHECK(r->ext_count == 1 && r->upper_proto == ip_proto::no_next_header);
  PKTMAP_FUZZ_CHECK(r->ext_headers.size() == total && r->upper.empty());
  PKTMAP_FUZZ_CHECK(std::memcmp(r->ext_headers.data() + 2, opts.data(), opts.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_ipv6(in);
  check_view(r, in);
  check_view(parse_ipv6(in, size), in);
  check_view(parse_ipv6(in, size + 8), in);
  (void)is_ipv6_ext_header(r->next_header);
  check_addr_text(r->src);
  check_addr_text(r->dst);
  Ipv6Addr a{};
  std::string_view text(reinterpret_cast<const char*>(data), size < 64 ? size : 64);
  if (parse_ipv6_addr(text, a)) check_addr_text(a);
  if (!r->header.empty() && r->version == 6) check_fixed_round_trip(r.value());
  if (r.ok()) check_fragment_headers(r.value());
  check_options_header(size > kIpv6HeaderLen ? in.subspan(kIpv6HeaderLen) : in);
  return 0;
}
