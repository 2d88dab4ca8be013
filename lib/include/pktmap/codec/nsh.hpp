#pragma once
// Network Service Header, RFC 8300.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Ver|O|U|    TTL    |   Length  |U|U|U|U|MD Type| Next Protocol |   §2.2 base header
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Service Path Identifier (SPI)        | Service Index |   §2.3 service path header
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~               Context headers (MD1: 16 bytes; MD2: TLVs)      ~   §2.4 / §2.5
//
// The parser checks structure only (lengths, TLV bounds). What a proxy does with O=1, MD type 0x0/0xF,
// unknown next protocols and SI 0 is policy: see check_nsh_policy().
#include <array>
#include <cstdint>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_reader.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

namespace nsh_np {  // Next Protocol, RFC 8300 §11.2.5
inline constexpr std::uint8_t ipv4 = 0x1;
inline constexpr std::uint8_t ipv6 = 0x2;
inline constexpr std::uint8_t ethernet = 0x3;
inline constexpr std::uint8_t nsh = 0x4;
inline constexpr std::uint8_t mpls = 0x5;
inline constexpr std::uint8_t experiment1 = 0xFE;
inline constexpr std::uint8_t experiment2 = 0xFF;
}  // namespace nsh_np

namespace nsh_md {
inline constexpr std::uint8_t reserved = 0x0;
inline constexpr std::uint8_t type1 = 0x1;
inline constexpr std::uint8_t type2 = 0x2;
inline constexpr std::uint8_t experiment = 0xF;
}  // namespace nsh_md

inline constexpr std::size_t kNshBaseLen = 8;         // base + service path header
inline constexpr std::size_t kNshMd1ContextLen = 16;  // §2.4
inline constexpr std::size_t kNshMaxLen = 63 * 4;     // 6-bit length in 4-byte words

struct NshView {
  std::uint8_t version = 0;
  bool oam = false;             // O bit
  bool u_bit = false;           // bit 3: unassigned (old "C" bit); preserved, never interpreted
  std::uint8_t ttl = 0;         // 6 bits
  std::uint8_t length = 0;      // 6 bits, in 4-byte words, whole NSH
  std::uint8_t unassigned = 0;  // the 4 unassigned bits before MD Type
  std::uint8_t md_type = 0;
  std::uint8_t next_proto = 0;
  std::uint32_t spi = 0;  // 24 bits
  std::uint8_t si = 0;
  ByteView header;             // the whole NSH, length*4 bytes
  ByteView context;            // context headers: MD1 16 bytes, MD2 TLVs
  ByteView payload;            // the inner packet
  std::uint8_t tlv_count = 0;  // MD2 only

  [[nodiscard]] std::size_t header_len() const { return std::size_t{length} * 4; }
  // MD1 context word i (0..3); 0 if not MD1.
  [[nodiscard]] std::uint32_t md1_word(int i) const;
};

struct NshTlv {
  std::uint16_t md_class = 0;
  std::uint8_t type = 0;
  bool u_bit = false;       // MUST NOT be set; ignored on receipt (§2.5.1)
  std::uint8_t length = 0;  // value length in bytes (7 bits)
  ByteView value;           // length bytes (padding excluded)
};

// Iterates MD2 TLVs of a parsed view. parse_nsh() already checked they fit, so next() only fails at the end.
class NshTlvIterator {
 public:
  explicit NshTlvIterator(ByteView context) : ctx_(context) {}
  [[nodiscard]] bool next(NshTlv& tlv);

 private:
  ByteView ctx_;
  std::size_t pos_ = 0;
};

// Outcomes: nsh_truncated, nsh_version_unsupported, nsh_length_too_short, nsh_md1_length_not_6,
// nsh_length_exceeds_packet (captured bytes end inside the header: truncated), nsh_tlv_truncated,
// nsh_tlv_overrun (a TLV's padded value runs past Length).
Result<NshView> parse_nsh(ByteView data);

namespace detail {
Outcome walk_nsh_tlvs(NshView& v);  // MD2: counts the TLVs of v.context, checking that each fits
}

// The same into v (no copy of the view: the SFC proxy's per-packet path, hence inline).
// RFC 8300 §2.2-2.5; rules listed in specs/sfc.md §1.1.
inline Outcome parse_nsh(ByteView data, NshView& v) {
  // Every field is assigned below (no clearing of the whole view first: this runs once per packet).
  if (data.size() < kNshBaseLen) {
    v = NshView{};
    return truncated("nsh_truncated");
  }
  // One by one: a chained assignment compiled to two 8-byte stores read back as one 16-byte load, which
  // store forwarding cannot serve (a stall on every packet).
  v.header = {};
  v.context = {};
  v.payload = {};
  v.tlv_count = 0;
  const std::uint32_t w0 = load_be32(data.data());  // the base header's two words, read in place
  const std::uint32_t w1 = load_be32(data.data() + 4);
  v.version = static_cast<std::uint8_t>(w0 >> 30);
  v.oam = (w0 >> 29) & 1;
  v.u_bit = (w0 >> 28) & 1;
  v.ttl = static_cast<std::uint8_t>((w0 >> 22) & 0x3f);
  v.length = static_cast<std::uint8_t>((w0 >> 16) & 0x3f);
  v.unassigned = static_cast<std::uint8_t>((w0 >> 12) & 0xf);
  v.md_type = static_cast<std::uint8_t>((w0 >> 8) & 0xf);
  v.next_proto = static_cast<std::uint8_t>(w0 & 0xff);
  v.spi = w1 >> 8;
  v.si = static_cast<std::uint8_t>(w1 & 0xff);
  // Ver 01b is reserved for ever (MPLS ECMP); other non-zero versions are unknown formats.
  if (v.version != 0) return unsupported("nsh_version_unsupported");
  if (v.length < 2) return invalid("nsh_length_too_short");
  if (v.md_type == nsh_md::type1 && v.length != 6) return invalid("nsh_md1_length_not_6");
  const std::size_t hlen = v.header_len();
  if (hlen > data.size()) return truncated("nsh_length_exceeds_packet");
  v.header = data.first(hlen);
  v.context = data.subspan(kNshBaseLen, hlen - kNshBaseLen);
  v.payload = data.subspan(hlen);
  if (v.md_type == nsh_md::type2) return detail::walk_nsh_tlvs(v);
  return ok_outcome();
}

struct NshPolicy {
  bool forward_oam = false;         // RFC 8300 §2.2: off by default
  bool allow_experimental = false;  // MD type 0xF and next protocols 0xFE/0xFF
};
// Outcomes: nsh_oam, nsh_md_type_reserved, nsh_md_type_experimental, nsh_md_type_unknown,
// nsh_next_proto_unsupported, nsh_si_zero.
// Inline: asked once per packet.
inline Outcome check_nsh_policy(const NshView& v, const NshPolicy& policy) {
  if (v.oam && !policy.forward_oam) return invalid("nsh_oam");
  switch (v.md_type) {
    case nsh_md::reserved:
      return invalid("nsh_md_type_reserved");
    case nsh_md::type1:
    case nsh_md::type2:
      break;
    case nsh_md::experiment:
      if (!policy.allow_experimental) return unsupported("nsh_md_type_experimental");
      break;
    default:
      return unsupported("nsh_md_type_unknown");
  }
  switch (v.next_proto) {
    case nsh_np::ipv4:
    case nsh_np::ipv6:
    case nsh_np::ethernet:
      break;
    case nsh_np::experiment1:
    case nsh_np::experiment2:
      if (!policy.allow_experimental) return unsupported("nsh_next_proto_unsupported");
      break;
    default:
      return unsupported("nsh_next_proto_unsupported");
  }
  if (v.si == 0) return invalid("nsh_si_zero");
  return ok_outcome();
}

struct NshFields {
  bool oam = false;
  bool u_bit = false;
  std::uint8_t ttl = 63;
  std::uint8_t unassigned = 0;
  std::uint8_t md_type = nsh_md::type1;
  std::uint8_t next_proto = nsh_np::ipv4;
  std::uint32_t spi = 0;
  std::uint8_t si = 255;
  ByteView context;  // MD1: 16 bytes; MD2: encoded TLVs (see write_nsh_tlv); length = 2 + ceil(size/4)
};
// Writes base + SPI/SI + context (zero-padded to 4 bytes). Fails (w.ok() false) if the result exceeds 252 B.
void write_nsh(ByteWriter& w, const NshFields& f);
// Writes one MD2 TLV with its value padded to 4 bytes. value.size() must be <= 127.
void write_nsh_tlv(ByteWriter& w, std::uint16_t md_class, std::uint8_t type, ByteView value);

// In-place edits on a header already validated by parse_nsh.
inline void set_nsh_si(std::uint8_t* nsh, std::uint8_t si) {
  nsh[7] = si;
}

const char* nsh_next_proto_name(std::uint8_t np);  // "ipv4", "ipv6", "ethernet", "nsh", "mpls", or "unknown"

}  // namespace pktmap::codec
