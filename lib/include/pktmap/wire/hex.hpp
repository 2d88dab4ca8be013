#pragma once
// Hex text helpers for printing fields and reading fixtures. Formatting writes into caller buffers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap {

// Writes 2*n lowercase hex digits to out (which must hold 2*data.size() chars); returns chars written.
std::size_t hex_encode(ByteView data, char* out);
std::string to_hex(ByteView data);
// Parses hex digits, ignoring spaces, colons, newlines and '#'-comments to end of line; nullopt on bad input.
std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view text);

}  // namespace pktmap
