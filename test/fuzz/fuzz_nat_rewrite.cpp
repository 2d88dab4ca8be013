// NAT rules applied to any IP packet (the emulated SF's `nat:` behaviour): translate_packet, then
// rewrite_ip_packet in place. What the packet shows afterwards must be the predicted tuple, which is what
// --mode nat keys on; a valid IPv4 header checksum stays valid.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/sfc/nat_rules.hpp"

using namespace pktmap;
using namespace pktmap::sfc;

namespace {
NatRules make_rules() {
  NatRules rules;
  auto add = [&](const char* proto, const char* src, const char* to_src, const char* to_sport,
                 const char* dst, const char* to_dst) {
    NatRule r;
    if (proto) parse_proto_field(proto, r.proto);
    if (src) parse_addr_field(src, r.src);
    if (to_src) parse_addr_field(to_src, r.to_src);
    if (to_sport) parse_port_field(to_sport, r.to_sport);
    if (dst) parse_addr_field(dst, r.dst);
    if (to_dst) parse_addr_field(to_dst, r.to_dst);
    rules.rules.push_back(r);
  };
  add("tcp", "10.0.0.0/8", "100.64.0.0/10", "20000-29999", nullptr, nullptr);
  add("udp", nullptr, "198.51.100.7", "53", nullptr, "192.0.2.0/25");
  add(nullptr, "0.0.0.0/0", nullptr, nullptr, nullptr, "203.0.113.0/24");
  add(nullptr, "::/0", "2001:db8:ffff::/48", nullptr, nullptr, nullptr);
  return rules;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const NatRules rules = make_rules();
  std::vector<std::uint8_t> p(data, data + size);
  flow::FiveTuple from, to;
  if (!translate_packet(rules, ByteView(p.data(), p.size()), from, to)) return 0;
  const bool checksum_was_ok =
      size >= 20 && (data[0] >> 4) == 4 &&
      codec::ipv4_header_checksum_ok(ByteView(data, std::size_t{data[0] & 0x0fu} * 4));
  if (!rewrite_ip_packet(MutableByteView(p.data(), p.size()), from, to)) return 0;
  auto t = flow::extract_five_tuple(ByteView(p.data(), p.size()));
  PKTMAP_FUZZ_CHECK(t.ok() || t.name() == "flow_ports_truncated");
  PKTMAP_FUZZ_CHECK(t->tuple == to);
  if (checksum_was_ok)
    PKTMAP_FUZZ_CHECK(codec::ipv4_header_checksum_ok(ByteView(p.data(), std::size_t{p[0] & 0x0fu} * 4)));
  return 0;
}
