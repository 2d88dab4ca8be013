// NSH (RFC 8300): parse_nsh, MD2 TLV iteration, check_nsh_policy, and write_nsh/write_nsh_tlv round trip.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_check.hpp"
#include "pktmap/codec/nsh.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {

bool within(ByteView inner, ByteView outer) {
  return inner.empty() ||
         (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

// Re-encodes the parsed fields with the library's builders and compares with the header on the wire.
// Bytes a sender is free to fill differently are masked: TLV padding (§2.5.1 leaves its value open) and the
// TLV U bit (MUST be sent as 0, ignored on receipt), which write_nsh_tlv has no way to set.
void check_round_trip(const NshView& v) {
  std::array<std::uint8_t, kNshMaxLen> expect{};
  std::memcpy(expect.data(), v.header.data(), v.header.size());
  std::array<std::uint8_t, kNshMaxLen> ctx_buf{};
  ByteView ctx = v.context;
  if (v.md_type == nsh_md::type2) {
    ByteWriter cw(ctx_buf);
    NshTlvIterator it(v.context);
    NshTlv t;
    std::size_t at = kNshBaseLen;
    while (it.next(t)) {
      write_nsh_tlv(cw, t.md_class, t.type, t.value);
      expect[at + 3] &= 0x7f;
      std::size_t padded = (std::size_t{t.length} + 3) & ~std::size_t{3};
      std::memset(expect.data() + at + 4 + t.length, 0, padded - t.length);
      at += 4 + padded;
    }
    PKTMAP_FUZZ_CHECK(cw.ok());
    PKTMAP_FUZZ_CHECK(at == v.header.size());
    ctx = cw.written();
  }
  std::array<std::uint8_t, kNshMaxLen> out{};
  ByteWriter w(out);
  write_nsh(w, {.oam = v.oam,
                .u_bit = v.u_bit,
                .ttl = v.ttl,
                .unassigned = v.unassigned,
                .md_type = v.md_type,
                .next_proto = v.next_proto,
                .spi = v.spi,
                .si = v.si,
                .context = ctx});
  PKTMAP_FUZZ_CHECK(w.ok());
  PKTMAP_FUZZ_CHECK(w.size() == v.header.size());
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), expect.data(), w.size()) == 0);
  // What we wrote parses back to the same fields.
  auto again = parse_nsh(w.written());
  PKTMAP_FUZZ_CHECK(again.ok());
  PKTMAP_FUZZ_CHECK(again->spi == v.spi && again->si == v.si && again->ttl == v.ttl);
  PKTMAP_FUZZ_CHECK(again->md_type == v.md_type && again->next_proto == v.next_proto);
  PKTMAP_FUZZ_CHECK(again->tlv_count == v.tlv_count);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_nsh(in);
  for (bool oam : {false, true})
    for (bool exp : {false, true}) {
      Outcome o = check_nsh_policy(r.value(), {.forward_oam = oam, .allow_experimental = exp});
      PKTMAP_FUZZ_CHECK(!o.name.empty());
      PKTMAP_FUZZ_CHECK(o.ok() == (o.status == Status::ok));
    }
  (void)nsh_next_proto_name(r->next_proto);
  if (!r.ok()) {
    PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
    return 0;
  }
  const NshView& v = r.value();
  PKTMAP_FUZZ_CHECK(v.version == 0);
  PKTMAP_FUZZ_CHECK(v.header.data() == data && v.header.size() == v.header_len());
  PKTMAP_FUZZ_CHECK(v.header_len() >= kNshBaseLen && v.header_len() <= kNshMaxLen);
  PKTMAP_FUZZ_CHECK(v.context.size() == v.header_len() - kNshBaseLen && within(v.context, v.header));
  PKTMAP_FUZZ_CHECK(v.payload.size() == size - v.header_len() && within(v.payload, in));
  for (int i = -1; i <= 4; ++i)
    (void)v.md1_word(i);
  if (v.md_type == nsh_md::type2) {
    NshTlvIterator it(v.context);
    NshTlv t;
    unsigned count = 0;
    while (it.next(t)) {
      PKTMAP_FUZZ_CHECK(t.value.size() == t.length && within(t.value, v.context));
      ++count;
    }
    PKTMAP_FUZZ_CHECK(count == v.tlv_count);
  }
  check_round_trip(v);
  return 0;
}
