#pragma once
// Generic Routing Encapsulation, RFC 2784 §2 with the Key and Sequence Number extensions of RFC 2890 §2.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |C| |K|S| Reserved0       | Ver |         Protocol Type         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      Checksum (optional)      |       Reserved1 (Optional)    |   present when C
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Key (optional)                        |   present when K
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 Sequence Number (Optional)                    |   present when S
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Protocol Type is an ethertype: 0x0800 IPv4, 0x86DD IPv6, 0x6558 transparent Ethernet (NVGRE, RFC 7637,
// puts VSID/FlowID in the Key), 0x894F NSH (RFC 8300 §4). The checksum covers header and payload; the
// parser does not check it (use gre_checksum_ok()). GRE has no length field: the payload is the rest of
// the IP payload.
#include <cstdint>
#include <optional>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::size_t kGreBaseHeaderLen = 4;

struct GreView {
  bool checksum_present = false;  // C
  bool key_present = false;       // K
  bool seq_present = false;       // S
  std::uint16_t reserved0 = 0;    // bits 1-12 as sent (K and S included)
  std::uint8_t version = 0;
  std::uint16_t protocol_type = 0;
  std::uint16_t checksum = 0;
  std::uint16_t reserved1 = 0;
  std::uint32_t key = 0;
  std::uint32_t seq = 0;
  ByteView header;   // 4 to 16 bytes
  ByteView payload;  // the encapsulated packet

  // RFC 7637 NVGRE: Virtual Subnet ID and FlowID carried in the Key.
  [[nodiscard]] std::uint32_t nvgre_vsid() const { return key >> 8; }
  [[nodiscard]] std::uint8_t nvgre_flow_id() const { return static_cast<std::uint8_t>(key); }
};

// Outcomes: gre_truncated (base header or an announced optional field cut), gre_version_unsupported (Ver
// != 0; 1 is PPTP's enhanced GRE, RFC 2637), gre_reserved_flags_set (bit 1 routing or bits 4-5: RFC 2784
// §2.3 says discard unless RFC 1701 is implemented).
Result<GreView> parse_gre(ByteView data);

// True when C is clear, or the checksum verifies over header + payload (the whole GRE packet).
bool gre_checksum_ok(ByteView gre_packet);

struct GreFields {
  std::uint16_t protocol_type = 0;
  bool checksum = false;  // compute and send the checksum
  std::optional<std::uint32_t> key{};
  std::optional<std::uint32_t> seq{};
};
// Writes header + payload (the payload is needed for the checksum).
void write_gre(ByteWriter& w, const GreFields& f, ByteView payload);

}  // namespace pktmap::codec
