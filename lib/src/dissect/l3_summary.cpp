#include "pktmap/dissect/l3_summary.hpp"

#include <cstring>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"

namespace pktmap::dissect {

// The codecs' formatters (RFC 5952 for IPv6) rather than inet_ntop, whose sprintf was a tenth of -T json.
const char* format_ip_bytes(std::uint8_t version, const std::uint8_t* addr, char (&out)[48]) {
  if (version == 6) {
    codec::Ipv6Addr a;
    std::memcpy(a.data(), addr, a.size());
    char text[46];
    std::memcpy(out, codec::format_ipv6_addr(a, text), sizeof text);
  } else {
    codec::Ipv4Addr a;
    std::memcpy(a.data(), addr, a.size());
    char text[16];
    std::memcpy(out, codec::format_ipv4_addr(a, text), sizeof text);
  }
  return out;
}

const char* format_ip(const IpSummary& ip, bool source, char (&out)[48]) {
  return format_ip_bytes(ip.version, source ? ip.src.data() : ip.dst.data(), out);
}

}  // namespace pktmap::dissect
