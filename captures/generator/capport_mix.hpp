#pragma once
// `pktmap-gencap capport`: captive-portal provisioning (RFC 8910) as a host sees it on three networks.
#include <cstdint>
#include <string>

namespace pktmap::gencap {

// The URIs the sample carries; captures/README.md lists which packet has which.
inline constexpr const char* kCapportApiUri = "https://capport.example.net/api";              // 31 bytes
inline constexpr const char* kCapportApiTokenUri = "https://capport.example.net/api/X54PD3";  // 38 bytes
inline constexpr const char* kLegacyPortalUri = "https://portal.example.org/login";
inline constexpr const char* kUnrestrictedUrn = "urn:ietf:params:capport:unrestricted";  // 36 bytes

std::uint64_t write_capport_mix(const std::string& output);

}  // namespace pktmap::gencap
