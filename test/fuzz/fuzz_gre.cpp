// GRE (RFC 2784 / RFC 2890): parse_gre, gre_checksum_ok, NVGRE accessors, and write_gre/parse_gre round
// trip (same bytes except reserved bits, Reserved1 and a checksum that did not verify).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/gre.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_gre(in);
  (void)gre_checksum_ok(in);
  const GreView& v = r.value();
  PKTMAP_FUZZ_CHECK(within(v.header, in) && within(v.payload, in));
  if (!r.ok()) {
    PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
    return 0;
  }
  const std::size_t hlen =
      4 + (v.checksum_present ? 4 : 0) + (v.key_present ? 4 : 0) + (v.seq_present ? 4 : 0);
  PKTMAP_FUZZ_CHECK(v.version == 0 && v.header.data() == data && v.header.size() == hlen);
  PKTMAP_FUZZ_CHECK(v.payload.size() == size - hlen);
  (void)v.nvgre_vsid();
  (void)v.nvgre_flow_id();

  std::vector<std::uint8_t> out(size);
  ByteWriter w(out);
  GreFields f{.protocol_type = v.protocol_type, .checksum = v.checksum_present};
  if (v.key_present) f.key = v.key;
  if (v.seq_present) f.seq = v.seq;
  write_gre(w, f, v.payload);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == size);
  PKTMAP_FUZZ_CHECK(gre_checksum_ok(out));
  // Byte 0: C, K, S kept; byte 1: the bits after the flags and the version (0), which write_gre zeroes.
  PKTMAP_FUZZ_CHECK((out[0] & 0xb0) == (data[0] & 0xb0) && out[1] == 0 && (out[0] & 0x4f) == 0);
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data() + 2, data + 2, 2) == 0);
  std::size_t at = 4;
  if (v.checksum_present) {
    PKTMAP_FUZZ_CHECK(out[at + 2] == 0 && out[at + 3] == 0);
    at += 4;
  }
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data() + at, data + at, size - at) == 0);
  auto back = parse_gre(out);
  PKTMAP_FUZZ_CHECK(back.ok() && back->protocol_type == v.protocol_type && back->key == v.key);
  PKTMAP_FUZZ_CHECK(back->seq == v.seq && back->header.size() == hlen);
  return 0;
}
