#pragma once
// One captured packet as the readers hand it out: a view into the reader's buffer, valid until the next read.
#include <cstdint>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap::pcapio {

// libpcap LINKTYPE_ values the decoders understand.
namespace linktype {
inline constexpr int null_bsd = 0;  // DLT_NULL: 4-byte host-order address family
inline constexpr int ethernet = 1;  // DLT_EN10MB
inline constexpr int ppp = 9;       // RFC 1661, optionally with RFC 1662 ff 03
inline constexpr int ppp_hdlc = 50;
inline constexpr int raw = 101;  // LINKTYPE_RAW: IPv4 or IPv6 by version nibble
inline constexpr int linux_sll = 113;
inline constexpr int ipv4 = 228;
inline constexpr int ipv6 = 229;
inline constexpr int linux_sll2 = 276;
}  // namespace linktype

struct Packet {
  ByteView data;               // captured bytes (caplen)
  std::uint32_t wire_len = 0;  // length on the wire (len >= caplen)
  std::int64_t ts_ns = 0;      // nanoseconds since the Unix epoch
  std::uint64_t number = 0;    // 1-based record number in the source
};

}  // namespace pktmap::pcapio
