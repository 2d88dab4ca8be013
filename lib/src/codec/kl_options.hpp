#pragma once
// Private: the kind/length option list shared by IPv4 (RFC 791 §3.1) and TCP (RFC 9293 §3.1). Kind 0 ends
// the list, kind 1 is a one-byte pad, any other kind is followed by a length byte counting kind and length.
#include <cstddef>
#include <cstdint>

#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::codec::detail {

enum class KlStep { option, end, truncated, bad_length };

inline KlStep next_kl_option(ByteView opts, std::size_t& pos, std::uint8_t& kind, std::uint8_t& len,
                             ByteView& data) {
  ByteReader r(opts.subspan(pos < opts.size() ? pos : opts.size()));
  auto k = r.u8();
  if (!k || *k == 0) return KlStep::end;
  kind = *k;
  data = {};
  if (kind == 1) {
    len = 1;
    pos += 1;
    return KlStep::option;
  }
  auto l = r.u8();
  if (!l) return KlStep::truncated;
  if (*l < 2) return KlStep::bad_length;
  auto d = r.bytes(std::size_t{*l} - 2);
  if (!d) return KlStep::truncated;
  len = *l;
  data = *d;
  pos += *l;
  return KlStep::option;
}

}  // namespace pktmap::codec::detail
