#pragma once
// MPLS label stack entries, RFC 3032 §2.1.
//  |                Label (20)                 | TC (3) |S|   TTL (8)     |
// The stack ends at the entry with S (bottom of stack) set. What follows is not self-describing: the decode
// chain guesses IPv4/IPv6 from the first nibble, as tcpdump and Wireshark do (RFC 8596 NSH-over-MPLS would
// need the label's meaning from the control plane).
#include <array>
#include <cstdint>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

inline constexpr std::size_t kMaxMplsLabels = 8;

struct MplsEntry {
  std::uint32_t label = 0;
  std::uint8_t tc = 0;
  bool bottom = false;
  std::uint8_t ttl = 0;
};

struct MplsStack {
  std::array<MplsEntry, kMaxMplsLabels> entries{};
  std::uint8_t count = 0;
  ByteView payload;
};

// Outcomes: mpls_truncated (no bottom-of-stack entry within the captured bytes), mpls_too_many_labels.
Result<MplsStack> parse_mpls(ByteView data);
void write_mpls_entry(ByteWriter& w, const MplsEntry& e);

}  // namespace pktmap::codec
