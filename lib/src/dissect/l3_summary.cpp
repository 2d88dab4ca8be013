#include "pktmap/dissect/l3_summary.hpp"

#include <arpa/inet.h>

namespace pktmap::dissect {

const char* format_ip_bytes(std::uint8_t version, const std::uint8_t* addr, char (&out)[48]) {
  if (!inet_ntop(version == 6 ? AF_INET6 : AF_INET, addr, out, sizeof out)) out[0] = '\0';
  return out;
}

const char* format_ip(const IpSummary& ip, bool source, char (&out)[48]) {
  return format_ip_bytes(ip.version, source ? ip.src.data() : ip.dst.data(), out);
}

}  // namespace pktmap::dissect
