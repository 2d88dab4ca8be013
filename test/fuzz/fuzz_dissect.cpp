// The whole decode chain: Dissector::dissect over every link type mapdump reads, then dump::format_text
// (both verbosities) and dump::format_json. The first input byte picks the link type (low 4 bits), the
// dispatch table (bit 4: extra --udp-port/--ethertype rules) and the primer (bits 5-6, below); the rest is
// the packet.
//
// Invariants: the layers stay inside the packet, text at verbosity 0 is one line ending in '\n', JSON is
// one valid object, and decoding into a Dissection that last held another packet (the primer: DHCPv4 with
// a captive-portal URI, DHCPv6, or PCP MAP) prints exactly what a fresh one does, so nothing leaks from
// packet to packet.
#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/dhcpv4.hpp"
#include "pktmap/codec/dhcpv6.hpp"
#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/pcp.hpp"
#include "pktmap/codec/udp.hpp"
#include "pktmap/dissect/dissector.hpp"
#include "pktmap/dump/packet_format.hpp"
#include "pktmap/pcapio/packet.hpp"

using namespace pktmap;
using namespace pktmap::codec;

namespace {

constexpr int kLinkTypes[] = {pcapio::linktype::ethernet,   pcapio::linktype::raw,
                              pcapio::linktype::ipv4,       pcapio::linktype::ipv6,
                              pcapio::linktype::null_bsd,   pcapio::linktype::ppp,
                              pcapio::linktype::ppp_hdlc,   pcapio::linktype::linux_sll,
                              pcapio::linktype::linux_sll2, 147 /* unsupported */};

// Ethernet / IPv4 / UDP around an application payload.
std::vector<std::uint8_t> udp_frame(std::uint16_t sport, std::uint16_t dport, ByteView payload) {
  std::vector<std::uint8_t> f(14 + 20 + 8 + payload.size());
  ByteWriter w(f);
  write_ethernet(w, {2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 0x0800);
  write_ipv4(w, {.protocol = ip_proto::udp,
                 .src = {10, 0, 0, 1},
                 .dst = {10, 0, 0, 2},
                 .payload_len = static_cast<std::uint16_t>(8 + payload.size())});
  write_udp(w, {.sport = sport, .dport = dport}, payload);
  return f;
}

std::array<std::vector<std::uint8_t>, 4> make_primers() {
  std::array<std::vector<std::uint8_t>, 4> p;
  std::uint8_t buf[600];
  {
    std::uint8_t opts[64];
    ByteWriter o(opts);
    const std::uint8_t ack[] = {dhcp_msg::ack};
    write_dhcp_option(o, dhcp_opt::message_type, ack);
    const std::string_view uri = "https://portal.example/api";
    write_dhcp_option(o, dhcp_opt::captive_portal,
                      ByteView(reinterpret_cast<const std::uint8_t*>(uri.data()), uri.size()));
    ByteWriter w(buf);
    write_dhcp(w, {.op = 2, .xid = 0x12345678, .yiaddr = 0x0a000002, .options = o.written()});
    p[0] = udp_frame(67, 68, w.written());
  }
  {
    const std::uint8_t oro[] = {0, 103, 0, 23};
    std::uint8_t opts[16];
    ByteWriter o(opts);
    write_dhcpv6_option(o, dhcpv6_opt::oro, oro);
    ByteWriter w(buf);
    write_dhcpv6(w, {.msg_type = dhcpv6_msg::solicit, .transaction_id = 0xabcdef, .options = o.written()});
    p[1] = udp_frame(546, 547, w.written());
  }
  {
    ByteWriter w(buf);
    write_pcp_response(w, {.opcode = pcp_op::map, .lifetime = 7200, .epoch = 9, .map = {.protocol = 6}});
    p[2] = udp_frame(5351, 5350, w.written());
  }
  p[3] = udp_frame(1, 4789, ByteView{});  // VXLAN with no header: truncated
  return p;
}

struct Rendered {
  std::string text0, text1, json;
};

void render(const dissect::Dissection& d, const pcapio::Packet& p, Rendered& out) {
  dump::format_text(d, p, {.verbosity = 0, .utc = true, .show_number = true}, out.text0);
  dump::format_text(d, p, {.verbosity = 1, .utc = true, .show_number = false}, out.text1);
  report::JsonWriter j;
  dump::format_json(d, p, j);
  out.json = j.str();
}

void check_dissection(const dissect::Dissection& d, ByteView pkt) {
  PKTMAP_FUZZ_CHECK(d.layer_count <= dissect::kMaxLayers && d.length == pkt.size());
  for (std::size_t i = 0; i < d.layer_count; ++i)
    PKTMAP_FUZZ_CHECK(d.layers[i].offset <= pkt.size() && d.layers[i].proto != dissect::Proto::none);
  PKTMAP_FUZZ_CHECK(!d.outcome.name.empty() && d.outcome.ok() == (d.outcome.name == "ok"));
  for (std::size_t i = 0; i < d.app.uri_count; ++i)
    PKTMAP_FUZZ_CHECK(pktmap::fuzz::within(
        ByteView(reinterpret_cast<const std::uint8_t*>(d.app.uris[i].uri.data()), d.app.uris[i].uri.size()),
        pkt));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const auto primers = make_primers();
  static const dissect::DispatchTable plain;
  static const dissect::DispatchTable extra = [] {
    dissect::DispatchTable t;
    std::string_view why;
    (void)t.add_udp_rule("8472=vxlan", why);
    (void)t.add_udp_rule("6633=nsh", why);
    (void)t.add_udp_rule("4791=eth", why);
    (void)t.add_ethertype_rule("0x88b5=nsh", why);
    return t;
  }();
  const std::uint8_t sel = data[0];
  const int linktype = kLinkTypes[(sel & 0x0f) % std::size(kLinkTypes)];
  const dissect::Dissector dissector((sel & 0x10) ? extra : plain);
  ByteView pkt(data + 1, size - 1);
  pcapio::Packet p{.data = pkt,
                   .wire_len = static_cast<std::uint32_t>(pkt.size() + (sel >> 7)),
                   .ts_ns = 1700000000123456789,
                   .number = sel};

  dissect::Dissection fresh;
  dissector.dissect(pkt, linktype, fresh);
  check_dissection(fresh, pkt);
  Rendered a;
  render(fresh, p, a);

  PKTMAP_FUZZ_CHECK(!a.text0.empty() && a.text0.back() == '\n');
  PKTMAP_FUZZ_CHECK(a.text0.find('\n') == a.text0.size() - 1);
  PKTMAP_FUZZ_CHECK(!a.text1.empty() && a.text1.back() == '\n');
  PKTMAP_FUZZ_CHECK(a.json.find('\n') == std::string::npos);
  PKTMAP_FUZZ_CHECK(nlohmann::json::accept(a.json));

  // The same packet into a Dissection that held the primer: identical output.
  const auto& primer = primers[(sel >> 5) & 3];
  dissect::Dissection reused;
  dissector.dissect(primer, pcapio::linktype::ethernet, reused);
  dissector.dissect(pkt, linktype, reused);
  Rendered b;
  render(reused, p, b);
  if (a.text1 != b.text1 || a.json != b.json) {
    std::fprintf(stderr, "fresh:\n%s%s\nafter the primer:\n%s%s\n", a.text1.c_str(), a.json.c_str(),
                 b.text1.c_str(), b.json.c_str());
  }
  PKTMAP_FUZZ_CHECK(a.text0 == b.text0 && a.text1 == b.text1 && a.json == b.json);
  return 0;
}
