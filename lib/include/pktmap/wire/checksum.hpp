#pragma once
// Internet checksum (RFC 1071) and its incremental update (RFC 1624).
#include <cstdint>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap {

// One's-complement sum of the bytes as 16-bit big-endian words (odd tail padded with zero), not folded.
std::uint32_t checksum_add(ByteView data, std::uint32_t sum = 0);
// Folds a partial sum to 16 bits and complements it: the value to put in a checksum field.
std::uint16_t checksum_finish(std::uint32_t sum);
// Full checksum of a buffer whose checksum field is zero (or, for verification, included: result 0 = valid).
inline std::uint16_t internet_checksum(ByteView data) {
  return checksum_finish(checksum_add(data));
}
// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') when one 16-bit word changes from old_word to new_word.
std::uint16_t checksum_adjust16(std::uint16_t checksum, std::uint16_t old_word, std::uint16_t new_word);
// The same for a 32-bit field (an IPv4 address), as two 16-bit word updates.
std::uint16_t checksum_adjust32(std::uint16_t checksum, std::uint32_t old_value, std::uint32_t new_value);

}  // namespace pktmap
