// ICMPv6 (RFC 4443) with Neighbor Discovery (RFC 4861) and RFC 4884 extensions: parse_icmpv6 with and
// without a known wire length, the ND option iterator, nd_captive_portal_uri (RFC 8910 §2.3), and the
// builders: write_icmpv6 / write_router_advert reproduce a parsed message bar its checksum (which then
// verifies), write_nd_option reproduces each ND option, write_nd_captive_portal round-trips the URI.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/icmpv6.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

const Ipv6Addr kSrc{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const Ipv6Addr kDst{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

// Walks ND options: each inside the area, lengths as announced; returns the bytes the walk covered.
std::size_t walk_nd_options(ByteView opts) {
  NdOptionIterator it(opts);
  NdOption o;
  std::size_t bytes = 0;
  while (it.next(o)) {
    PKTMAP_FUZZ_CHECK(o.length != 0 && o.value.size() == std::size_t{o.length} * 8 - 2);
    PKTMAP_FUZZ_CHECK(within(o.value, opts) && o.value.data() == opts.data() + bytes + 2);
    bytes += std::size_t{o.length} * 8;
    // Re-encoding the option gives its bytes back (the value already fills whole 8-byte units).
    std::vector<std::uint8_t> out(std::size_t{o.length} * 8);
    ByteWriter w(out);
    write_nd_option(w, o.type, o.value);
    PKTMAP_FUZZ_CHECK(w.ok() && w.size() == out.size());
    PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), opts.data() + bytes - out.size(), out.size()) == 0);
  }
  PKTMAP_FUZZ_CHECK(bytes <= opts.size());
  if (it.outcome().ok()) PKTMAP_FUZZ_CHECK(bytes == opts.size());
  return bytes;
}

void check_captive_portal(ByteView opts) {
  auto uri = nd_captive_portal_uri(opts);
  if (!uri) return;
  PKTMAP_FUZZ_CHECK(uri->empty() || uri->back() != '\0');
  PKTMAP_FUZZ_CHECK(within(ByteView(reinterpret_cast<const std::uint8_t*>(uri->data()), uri->size()), opts));
  std::vector<std::uint8_t> out(uri->size() + 16);
  ByteWriter w(out);
  write_nd_captive_portal(w, *uri);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() % 8 == 0);
  auto back = nd_captive_portal_uri(w.written());
  PKTMAP_FUZZ_CHECK(back && *back == *uri);
}

void check_view(const Result<Icmpv6View>& r, ByteView in) {
  const Icmpv6View& v = r.value();
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  PKTMAP_FUZZ_CHECK(within(v.header, in) && within(v.payload, in));
  PKTMAP_FUZZ_CHECK(within(v.quoted, v.payload) && within(v.nd_options, v.payload));
  if (v.header.empty()) return;
  PKTMAP_FUZZ_CHECK(v.header.size() == kIcmpv6HeaderLen && v.payload.size() == in.size() - kIcmpv6HeaderLen);
  if (v.has_extension) PKTMAP_FUZZ_CHECK(v.is_error() && within(v.ext.bytes, v.payload));
  if (r.ok() && v.is_nd()) walk_nd_options(v.nd_options);
  (void)v.mtu();
  (void)v.pointer();
  (void)v.id();
  (void)v.seq();
  (void)v.na_router();
  (void)v.na_solicited();
  (void)v.na_override();
  (void)v.is_admin_prohibited();
}

void check_round_trip(const Icmpv6View& v, ByteView in) {
  std::vector<std::uint8_t> out(in.size());
  ByteWriter w(out);
  write_icmpv6(w, {.type = v.type, .code = v.code, .rest = v.rest}, v.payload, kSrc, kDst);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == in.size());
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), in.data(), 2) == 0 &&
                    std::memcmp(out.data() + 4, in.data() + 4, in.size() - 4) == 0);
  PKTMAP_FUZZ_CHECK(transport_checksum_ok(kSrc, kDst, ip_proto::icmpv6, out));
  if (v.type != icmpv6_type::router_advert || v.code != 0 || v.payload.size() < 8) return;
  ByteWriter ra(out);
  write_router_advert(ra,
                      {.cur_hop_limit = v.ra.cur_hop_limit,
                       .managed = v.ra.managed,
                       .other = v.ra.other,
                       .extra_flags = static_cast<std::uint8_t>(v.ra.flags & 0x3f),
                       .router_lifetime = v.ra.router_lifetime,
                       .reachable_time = v.ra.reachable_time,
                       .retrans_timer = v.ra.retrans_timer},
                      v.nd_options, kSrc, kDst);
  PKTMAP_FUZZ_CHECK(ra.ok() && ra.size() == in.size());
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), in.data(), 2) == 0 &&
                    std::memcmp(out.data() + 4, in.data() + 4, in.size() - 4) == 0);
  PKTMAP_FUZZ_CHECK(transport_checksum_ok(kSrc, kDst, ip_proto::icmpv6, out));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_icmpv6(in);
  check_view(r, in);
  check_view(parse_icmpv6(in, size), in);
  check_view(parse_icmpv6(in, size + 8), in);
  check_captive_portal(r->nd_options);
  // Raw input as an ND options area.
  walk_nd_options(in);
  check_captive_portal(in);
  if (!r->header.empty()) check_round_trip(r.value(), in);
  return 0;
}
