#pragma once
// Byte spans used everywhere packet bytes are passed around.
#include <cstddef>
#include <cstdint>
#include <span>

namespace pktmap {

using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

}  // namespace pktmap
