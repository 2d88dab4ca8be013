#pragma once
// Checksums over an IP pseudo-header plus a transport segment: UDP (RFC 768), TCP (RFC 9293 §3.1),
// ICMPv6 (RFC 4443 §2.3), all using the IPv6 pseudo-header of RFC 8200 §8.1 on IPv6.
//
//   IPv4 pseudo-header (RFC 768 / RFC 9293):   | src (4) | dst (4) | zero | proto | length (16) |
//   IPv6 pseudo-header (RFC 8200 §8.1):        | src (16) | dst (16) | length (32) | zero (24) | next hdr |
//
// `segment` is the whole transport header + payload as sent (so a snapped capture cannot be verified).
#include <cstdint>

#include "pktmap/codec/ip_common.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::codec {

// One's-complement sum of the segment and its pseudo-header (segment length taken from segment.size()).
// checksum_finish() of it is the field value when the field is zero, and 0 when a filled-in field verifies.
std::uint32_t transport_checksum_sum(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint8_t proto,
                                     ByteView segment);
std::uint32_t transport_checksum_sum(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto,
                                     ByteView segment);

// True when the segment's checksum field verifies. UDP over IPv4 with checksum 0 means "not computed"
// (RFC 768) and counts as ok here; UDP over IPv6 with 0 does not (RFC 8200 §8.1).
bool transport_checksum_ok(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint8_t proto, ByteView segment);
bool transport_checksum_ok(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t proto, ByteView segment);

// Offset of the checksum field for UDP (6), TCP (16), ICMPv6 (2); 0 when unknown.
std::size_t transport_checksum_offset(std::uint8_t proto);

// Computes and stores the checksum of a segment written in place (the field is zeroed first). A UDP
// result of 0 is sent as 0xffff (RFC 768). Returns false for an unknown proto or a too-short segment.
bool set_transport_checksum(MutableByteView segment, const Ipv4Addr& src, const Ipv4Addr& dst,
                            std::uint8_t proto);
bool set_transport_checksum(MutableByteView segment, const Ipv6Addr& src, const Ipv6Addr& dst,
                            std::uint8_t proto);

}  // namespace pktmap::codec
