// TCP (RFC 9293): parse_tcp with and without a known wire length, the option iterator, and
// write_tcp/parse_tcp round trip (same bytes except the checksum and the reserved bits TcpFields lacks).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/transport_checksum.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

void check_view(const Result<TcpView>& r, ByteView in) {
  const TcpView& v = r.value();
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  PKTMAP_FUZZ_CHECK(within(v.header, in) && within(v.options, in) && within(v.payload, in));
  if (!r.ok()) return;
  PKTMAP_FUZZ_CHECK(v.data_offset >= 5 && v.header.data() == in.data() && v.header.size() == v.header_len());
  PKTMAP_FUZZ_CHECK(v.options.size() == v.header_len() - kTcpMinHeaderLen);
  PKTMAP_FUZZ_CHECK(v.header.size() + v.payload.size() == in.size());
  (void)v.syn();
  (void)v.ack_flag();
  (void)v.rst();
  (void)v.fin();
}

// Walks the options: each lies inside the area, and a failed walk stops short of its end.
void walk_options(ByteView options) {
  TcpOptionIterator it(options);
  TcpOption o;
  std::size_t n = 0, bytes = 0;
  while (it.next(o)) {
    PKTMAP_FUZZ_CHECK(within(o.data, options));
    PKTMAP_FUZZ_CHECK(o.length == 1 ? o.kind == tcp_opt::nop && o.data.empty()
                                    : o.length >= 2 && o.data.size() == std::size_t{o.length} - 2u);
    bytes += o.length;
    PKTMAP_FUZZ_CHECK(bytes <= options.size() && ++n <= options.size());
  }
  PKTMAP_FUZZ_CHECK(!it.next(o));  // stays finished
  if (!it.outcome().ok()) {
    PKTMAP_FUZZ_CHECK(it.outcome().name == "tcp_option_truncated" ||
                      it.outcome().name == "tcp_option_length_invalid");
    PKTMAP_FUZZ_CHECK(bytes < options.size());
  }
}

void check_round_trip(const TcpView& v) {
  std::vector<std::uint8_t> out(v.header.size() + v.payload.size());
  ByteWriter w(out);
  write_tcp(w,
            {.sport = v.sport,
             .dport = v.dport,
             .seq = v.seq,
             .ack = v.ack,
             .flags = v.flags,
             .window = v.window,
             .urgent_ptr = v.urgent_ptr,
             .options = v.options},
            v.payload);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == out.size());
  for (std::size_t i = 0; i < v.header.size(); ++i) {
    if (i == 16 || i == 17) continue;
    const std::uint8_t want = i == 12 ? static_cast<std::uint8_t>(v.header[i] & 0xf0) : v.header[i];
    PKTMAP_FUZZ_CHECK(out[i] == want);
  }
  PKTMAP_FUZZ_CHECK(out[16] == 0 && out[17] == 0);
  PKTMAP_FUZZ_CHECK(v.payload.empty() ||
                    std::memcmp(out.data() + v.header.size(), v.payload.data(), v.payload.size()) == 0);
  if (out.size() <= 65535) {
    const Ipv4Addr s{192, 0, 2, 1}, d{192, 0, 2, 2};
    PKTMAP_FUZZ_CHECK(set_transport_checksum(out, s, d, ip_proto::tcp));
    PKTMAP_FUZZ_CHECK(transport_checksum_ok(s, d, ip_proto::tcp, out));
  }
  auto back = parse_tcp(out, out.size());
  PKTMAP_FUZZ_CHECK(back.ok() && back->seq == v.seq && back->ack == v.ack && back->flags == v.flags);
  PKTMAP_FUZZ_CHECK(back->header_len() == v.header_len() && back->payload.size() == v.payload.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_tcp(in);
  check_view(r, in);
  check_view(parse_tcp(in, size), in);
  auto small = parse_tcp(in, size / 2);
  if (small.ok()) PKTMAP_FUZZ_CHECK(small->header_len() <= size / 2);
  walk_options(r->options);
  // Arbitrary bytes as an options area, beyond what a 60-byte header can hold.
  walk_options(in);
  if (r.ok()) check_round_trip(r.value());
  return 0;
}
