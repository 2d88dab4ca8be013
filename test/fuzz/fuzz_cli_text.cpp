// The small text parsers behind command-line options and config values: addresses (checked against the C
// library's inet_pton), MACs, endpoints, prefixes, nonces, hex, path pairs, NAT rule fields, --resolve.
// The first byte picks the parser, the rest is the text. Whatever a parser accepts must print back to text
// that parses to the same value: a parser that accepts a string its own printer cannot reproduce has read
// something the user did not mean (a leading zero, a byte after a NUL).
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "pktmap/capport/enforce_config.hpp"
#include "pktmap/capport/live_probe.hpp"
#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcp/endpoint.hpp"
#include "pktmap/pcp/message.hpp"
#include "pktmap/sfc/mode.hpp"
#include "pktmap/sfc/nat_rules.hpp"
#include "pktmap/sfc/proxy.hpp"
#include "pktmap/wire/hex.hpp"

using namespace pktmap;

namespace {

// What the C library makes of the text, NUL-terminated at its real end: a string with a NUL inside is not
// an address to inet_pton either.
bool libc_parses(int family, std::string_view text, std::uint8_t* out) {
  if (text.find('\0') != std::string_view::npos || text.size() > 64) return false;
  const std::string s(text);
  return inet_pton(family, s.c_str(), out) == 1;
}

void ipv4(std::string_view t) {
  codec::Ipv4Addr a{};
  std::uint8_t ref[4];
  const bool ours = codec::parse_ipv4_addr(t, a);
  // Strict dotted decimal, as inet_pton: no leading zeros (inet_aton would read 010 as octal 8).
  PKTMAP_FUZZ_CHECK(ours == libc_parses(AF_INET, t, ref));
  if (!ours) return;
  PKTMAP_FUZZ_CHECK(std::memcmp(a.data(), ref, 4) == 0);
  char buf[16];
  PKTMAP_FUZZ_CHECK(std::string_view(codec::format_ipv4_addr(a, buf)) == t);
}

void ipv6(std::string_view t) {
  codec::Ipv6Addr a{};
  std::uint8_t ref[16];
  const bool ours = codec::parse_ipv6_addr(t, a);
  PKTMAP_FUZZ_CHECK(ours == libc_parses(AF_INET6, t, ref));
  if (!ours) return;
  PKTMAP_FUZZ_CHECK(std::memcmp(a.data(), ref, 16) == 0);
  char buf[46];
  codec::Ipv6Addr b{};
  PKTMAP_FUZZ_CHECK(codec::parse_ipv6_addr(codec::format_ipv6_addr(a, buf), b) && a == b);
}

void mac(std::string_view t) {
  codec::MacAddr m{};
  if (!codec::parse_mac(t, m)) return;
  char buf[18];
  codec::MacAddr n{};
  PKTMAP_FUZZ_CHECK(codec::parse_mac(codec::format_mac(m, buf), n) && m == n);
}

void endpoint(std::string_view t) {
  if (auto e = pcp::parse_endpoint(t, 5351)) {
    PKTMAP_FUZZ_CHECK(e->port != 0);
    auto again = pcp::parse_endpoint(pcp::format_endpoint(*e), 1);
    PKTMAP_FUZZ_CHECK(again && *again == *e);
  }
  if (auto a = pcp::parse_address(t)) {
    PKTMAP_FUZZ_CHECK(t.find('\0') == std::string_view::npos);  // no text the C library cuts short
    auto again = pcp::parse_address(pcp::format_address(*a));
    PKTMAP_FUZZ_CHECK(again && *again == *a);
  }
}

void prefix(std::string_view t) {
  capport::IpPrefix p;
  if (!capport::parse_ip_prefix(t, p)) return;
  PKTMAP_FUZZ_CHECK(p.version == 4 || p.version == 6);
  PKTMAP_FUZZ_CHECK(p.length <= (p.version == 4 ? 32 : 128));
  PKTMAP_FUZZ_CHECK(p.contains(p.version, p.addr.data()));
}

void nonce_protocol_hex(std::string_view t) {
  if (auto n = pcp::parse_nonce(t)) {
    auto again = pcp::parse_nonce(pcp::format_nonce(*n));
    PKTMAP_FUZZ_CHECK(again && *again == *n);
  }
  if (auto p = pcp::parse_protocol(t)) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%u", unsigned{*p});
    PKTMAP_FUZZ_CHECK(pcp::parse_protocol(buf) == p);
  }
  if (auto bytes = parse_hex(t)) {
    auto again = parse_hex(to_hex(ByteView(bytes->data(), bytes->size())));
    PKTMAP_FUZZ_CHECK(again && *again == *bytes);
  }
}

void path_pair_and_mode(std::string_view t) {
  std::uint32_t fwd = 0;
  std::uint32_t rev = 0;
  if (sfc::parse_path_pair(t, fwd, rev)) {
    PKTMAP_FUZZ_CHECK(fwd < (1u << 24) && rev < (1u << 24));
    std::uint32_t f2 = 0;
    std::uint32_t r2 = 0;
    const std::string back = std::to_string(fwd) + ":" + std::to_string(rev);
    PKTMAP_FUZZ_CHECK(sfc::parse_path_pair(back, f2, r2) && f2 == fwd && r2 == rev);
  }
  sfc::ModeKind m{};
  if (sfc::parse_mode(t, m)) PKTMAP_FUZZ_CHECK(t == sfc::mode_name(m));
  sfc::Granularity g{};
  if (sfc::parse_granularity(t, g)) PKTMAP_FUZZ_CHECK(t == sfc::granularity_name(g));
}

void nat_fields(std::string_view t) {
  sfc::AddrField a;
  if (sfc::parse_addr_field(t, a).empty() && a.set) {
    sfc::AddrField b;
    PKTMAP_FUZZ_CHECK(sfc::parse_addr_field(sfc::format_addr_field(a), b).empty());
    PKTMAP_FUZZ_CHECK(b.version == a.version && b.prefix == a.prefix && b.addr == a.addr);
  }
  sfc::PortField p;
  if (sfc::parse_port_field(t, p).empty() && p.set) {
    PKTMAP_FUZZ_CHECK(p.lo <= p.hi);
    sfc::PortField q;
    PKTMAP_FUZZ_CHECK(sfc::parse_port_field(sfc::format_port_field(p), q).empty());
    PKTMAP_FUZZ_CHECK(q.lo == p.lo && q.hi == p.hi);
  }
  int proto = -1;
  if (sfc::parse_proto_field(t, proto).empty() && proto >= 0) {
    int again = -1;
    PKTMAP_FUZZ_CHECK(sfc::parse_proto_field(sfc::proto_text(proto), again).empty() && again == proto);
  }
}

void resolve(std::string_view t) {
  try {
    const capport::ResolvePin p = capport::parse_resolve_pin(t);
    PKTMAP_FUZZ_CHECK(!p.host.empty() && p.port >= 0 && p.port <= 65535);
    // The address curl gets: an IPv4 address, or an IPv6 one in brackets; either exactly as typed.
    std::uint8_t buf[16];
    const bool v6 = p.addr.size() > 2 && p.addr.front() == '[';
    const std::string_view bare = v6 ? std::string_view(p.addr).substr(1, p.addr.size() - 2) : p.addr;
    PKTMAP_FUZZ_CHECK(libc_parses(v6 ? AF_INET6 : AF_INET, bare, buf));
  } catch (const SetupError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view t(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0:
      ipv4(t);
      break;
    case 1:
      ipv6(t);
      break;
    case 2:
      mac(t);
      break;
    case 3:
      endpoint(t);
      break;
    case 4:
      prefix(t);
      break;
    case 5:
      nonce_protocol_hex(t);
      break;
    case 6:
      path_pair_and_mode(t);
      break;
    case 7:
      nat_fields(t);
      break;
    case 8:
      resolve(t);
      break;
    default:
      // Every parser on the same text: none may crash, whatever the others accept.
      ipv4(t);
      ipv6(t);
      mac(t);
      endpoint(t);
      prefix(t);
      nonce_protocol_hex(t);
      path_pair_and_mode(t);
      nat_fields(t);
      resolve(t);
      break;
  }
  return 0;
}
