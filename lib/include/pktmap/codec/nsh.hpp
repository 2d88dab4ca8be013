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
// The same into v (no copy of the view: the SFC proxy's per-packet path).
Outcome parse_nsh(ByteView data, NshView& v);

struct NshPolicy {
  bool forward_oam = false;         // RFC 8300 §2.2: off by default
  bool allow_experimental = false;  // MD type 0xF and next protocols 0xFE/0xFF
};
// Outcomes: nsh_oam, nsh_md_type_reserved, nsh_md_type_experimental, nsh_md_type_unknown,
// nsh_next_proto_unsupported, nsh_si_zero.
Outcome check_nsh_policy(const NshView& v, const NshPolicy& policy);

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
