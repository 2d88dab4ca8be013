#include "pktmap/wire/checksum.hpp"

namespace pktmap {

std::uint32_t checksum_add(ByteView data, std::uint32_t sum) {
  std::size_t i = 0;
  std::uint64_t acc = sum;
  for (; i + 1 < data.size(); i += 2)
    acc += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  if (i < data.size()) acc += static_cast<std::uint32_t>(data[i] << 8);
  while (acc >> 32)
    acc = (acc & 0xffffffffu) + (acc >> 32);
  return static_cast<std::uint32_t>(acc);
}

std::uint16_t checksum_finish(std::uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffffu);
}

std::uint16_t checksum_adjust16(std::uint16_t checksum, std::uint16_t old_word, std::uint16_t new_word) {
  std::uint32_t sum = static_cast<std::uint16_t>(~checksum);
  sum += static_cast<std::uint16_t>(~old_word);
  sum += new_word;
  return checksum_finish(sum);
}

std::uint16_t checksum_adjust32(std::uint16_t checksum, std::uint32_t old_value, std::uint32_t new_value) {
  checksum = checksum_adjust16(checksum, static_cast<std::uint16_t>(old_value >> 16),
                               static_cast<std::uint16_t>(new_value >> 16));
  return checksum_adjust16(checksum, static_cast<std::uint16_t>(old_value),
                           static_cast<std::uint16_t>(new_value));
}

}  // namespace pktmap
