#pragma once
// Ethernet II (IEEE 802.3 / DIX) header codec. 802.1Q/802.1ad tags are the vlan codec's job: the
// ethertype here is the first type/TPID after the source MAC.
#include <array>
#include <cstdint>
#include <string>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::codec {

using MacAddr = std::array<std::uint8_t, 6>;

// Ethertypes the dispatch tables know by default.
namespace ethertype {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t arp = 0x0806;
inline constexpr std::uint16_t vlan = 0x8100;      // 802.1Q C-tag
inline constexpr std::uint16_t qinq = 0x88A8;      // 802.1ad S-tag
inline constexpr std::uint16_t qinq_old = 0x9100;  // pre-standard QinQ TPID
inline constexpr std::uint16_t ipv6 = 0x86DD;
inline constexpr std::uint16_t mpls = 0x8847;
inline constexpr std::uint16_t nsh = 0x894F;                   // RFC 8300 §11.1 (IEEE-assigned)
inline constexpr std::uint16_t transparent_ethernet = 0x6558;  // GRE payload: Ethernet
}  // namespace ethertype

inline constexpr std::size_t kEthernetHeaderLen = 14;

struct EthernetView {
  MacAddr dst{};
  MacAddr src{};
  std::uint16_t ethertype = 0;  // or the 802.3 length when < 0x0600
  ByteView header;              // the 14 header bytes
  ByteView payload;             // everything after them
};

//  0                   1                   2                   3
//  |  destination MAC (6)  |  source MAC (6)  | EtherType (2) |
Result<EthernetView> parse_ethernet(ByteView frame);
void write_ethernet(ByteWriter& w, const MacAddr& dst, const MacAddr& src, std::uint16_t ethertype);

// "02:00:00:00:00:01" into out (17 chars + NUL); returns out.
const char* format_mac(const MacAddr& mac, char (&out)[18]);
// The same as a string, for messages and files (not for per-packet output).
std::string format_mac(const MacAddr& mac);
bool parse_mac(std::string_view text, MacAddr& out);

}  // namespace pktmap::codec
