// PCP sample: a host (192.0.2.100) and a CGN's PCP server (192.0.2.1) on one link. Requests are built by
// pcp::build_request (the codec's write_pcp_* builders); answers come from the pcp-cli emulator core with a
// fixed policy and clock, so they follow its rules (quota, PORT_SET, overlap, errors) and stay deterministic.
#include "pcp_mix.hpp"

#include <vector>

#include "frames.hpp"
#include "pcap_out.hpp"
#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/server.hpp"

namespace pktmap::gencap {

namespace {

const codec::MacAddr kHostMac{0x02, 0x00, 0x00, 0x00, 0xd0, 0x01};
const codec::MacAddr kCgnMac{0x02, 0x00, 0x00, 0x00, 0xd0, 0xfe};
const codec::MacAddr kAllHostsMac{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};  // 224.0.0.1 (RFC 1112 §6.4)
constexpr Ipv4Addr kHost{192, 0, 2, 100};
constexpr Ipv4Addr kCgn{192, 0, 2, 1};
constexpr Ipv4Addr kAllHosts{224, 0, 0, 1};
constexpr std::uint16_t kHostPort = 40000;
constexpr std::uint64_t kServerStart = 100;  // emulator clock, seconds

pcp::PcpAddress mapped(const Ipv4Addr& a) {
  return codec::pcp_ipv4_mapped(std::uint32_t{a[0]} << 24 | std::uint32_t{a[1]} << 16 | a[2] << 8 | a[3]);
}

pcp::ServerPolicy cgn_policy() {
  pcp::ServerPolicy p;
  p.external_ips = {codec::pcp_ipv4_mapped(0xC6336403)};  // 198.51.100.3
  p.port_min = 37056;
  p.port_max = 40000;
  p.ports_per_client = 64;
  p.max_set_size = 32;
  return p;
}

class PcpWriter {
 public:
  explicit PcpWriter(const std::string& path)
      : out_(path), clock_(20'000), server_(cgn_policy(), kServerStart) {}

  void datagram(const Ipv4Addr& src, const codec::MacAddr& smac, std::uint16_t sport, const Ipv4Addr& dst,
                const codec::MacAddr& dmac, std::uint16_t dport, ByteView payload) {
    L4Spec l4;
    l4.tcp = false;
    l4.sport = sport;
    l4.dport = dport;
    l4.payload = payload;
    Bytes ip = ipv4_packet(src, dst, ip_id_++, l4);
    Bytes frame = l2_frame(dmac, smac, {}, 0x0800, ip);
    out_.write(clock_.tick(), frame);
  }

  // One request and every answer the emulator gives; `now` is the emulator clock in seconds.
  void exchange(const pcp::Request& r, std::uint64_t now) {
    std::vector<std::uint8_t> b(codec::kPcpMaxLen);
    b.resize(pcp::build_request(r, b));
    exchange_raw(b, now);
  }
  void exchange_raw(const std::vector<std::uint8_t>& b, std::uint64_t now) {
    datagram(kHost, kHostMac, kHostPort, kCgn, kCgnMac, codec::kPcpServerPort, ByteView(b.data(), b.size()));
    server_.handle(ByteView(b.data(), b.size()), pcp::Endpoint{mapped(kHost), kHostPort}, now, batch_);
    for (std::size_t i = 0; i < batch_.count; ++i)
      datagram(kCgn, kCgnMac, codec::kPcpServerPort, kHost, kHostMac, kHostPort, batch_.out[i].view());
  }
  void unsolicited_announce(std::uint64_t now) {
    pcp::Datagram a = server_.announce(now);
    datagram(kCgn, kCgnMac, codec::kPcpServerPort, kAllHosts, kAllHostsMac, codec::kPcpClientPort, a.view());
  }
  std::uint64_t commit() {
    out_.commit();
    return out_.packets();
  }

 private:
  PcapOut out_;
  Clock clock_;
  pcp::Server server_;
  pcp::ResponseBatch batch_;
  std::uint16_t ip_id_ = 0x5000;
};

pcp::PcpNonce nonce(std::uint8_t tag) {
  pcp::PcpNonce n;
  for (std::size_t i = 0; i < n.size(); ++i)
    n[i] = static_cast<std::uint8_t>(tag * 16 + i);
  return n;
}

pcp::Request map(std::uint8_t proto, std::uint16_t port, std::uint32_t lifetime, std::uint8_t nonce_tag) {
  pcp::Request r;
  r.opcode = codec::pcp_op::map;
  r.lifetime = lifetime;
  r.client_ip = mapped(kHost);
  r.nonce = nonce(nonce_tag);
  r.protocol = proto;
  r.internal_port = port;
  r.external_ip = codec::pcp_ipv4_mapped(0);
  return r;
}

}  // namespace

std::uint64_t write_pcp_mix(const std::string& output) {
  PcpWriter w(output);
  std::uint64_t t = kServerStart;
  w.unsolicited_announce(t);  // the server starts (epoch 0)
  t += 5;
  pcp::Request announce;
  announce.opcode = codec::pcp_op::announce;
  announce.client_ip = mapped(kHost);
  w.exchange(announce, t);

  // RFC 7753 §5.1-like: 100 UDP ports asked, 32 granted (the largest set this CGN gives).
  auto sip = map(17, 50000, 3600, 1);
  sip.port_set = pcp::PcpPortSet{100, 50000, false, 0};
  sip.description = "sip media";
  w.exchange(sip, ++t);
  // A single port just below the set, same nonce; then a set request covering both: two answers (§5.3).
  auto below = map(17, 49999, 3600, 1);
  w.exchange(below, ++t);
  auto both = map(17, 49999, 7200, 1);
  both.port_set = pcp::PcpPortSet{100, 49999, false, 0};
  w.exchange(both, ++t);
  // RTP pair set with parity, odd first port.
  auto rtp = map(17, 40001, 600, 2);
  rtp.port_set = pcp::PcpPortSet{8, 40001, true, 0};
  w.exchange(rtp, ++t);
  // TCP 8080, exactly 8080 outside or nothing.
  auto web = map(6, 8080, 600, 3);
  web.external_ip = codec::pcp_ipv4_mapped(0xC6336403);
  web.external_port = 38080;
  web.prefer_failure = true;
  web.filters.push_back(pcp::PcpFilter{0, 96 + 24, 0, codec::pcp_ipv4_mapped(0xCB007100)});  // 203.0.113.0/24
  w.exchange(web, ++t);
  // Quota: 64 ports per client; 1 + 32 + 8 + 1 are used, so a 32-port set gets the 22 left, then nothing.
  auto more = map(17, 60000, 600, 4);
  more.port_set = pcp::PcpPortSet{32, 60000, false, 0};
  w.exchange(more, ++t);
  auto over = map(17, 61000, 600, 5);
  w.exchange(over, ++t);
  // PEER: an outbound TCP flow.
  pcp::Request peer = map(6, 45000, 600, 6);
  peer.opcode = codec::pcp_op::peer;
  peer.remote_peer = {codec::pcp_ipv4_mapped(0xCB007109), 443};  // 203.0.113.9
  w.exchange(peer, ++t);
  // Errors: another nonce for the sip set (NOT_AUTHORIZED), an unknown mandatory option (UNSUPP_OPTION).
  w.exchange(map(17, 50000, 3600, 9), ++t);
  auto unknown = map(17, 7000, 600, 7);
  {
    std::vector<std::uint8_t> b(codec::kPcpMaxLen);
    b.resize(pcp::build_request(unknown, b));
    std::vector<std::uint8_t> opt(8);
    ByteWriter ow(opt);
    const std::uint8_t value[4] = {0xde, 0xad, 0xbe, 0xef};
    codec::write_pcp_option(ow, 99, value);
    b.insert(b.end(), opt.begin(), opt.end());
    w.exchange_raw(b, ++t);
  }
  // Delete the sip set: lifetime 0, its nonce, its PORT_SET (RFC 7753 §4.4).
  auto del = map(17, 50000, 0, 1);
  del.port_set = pcp::PcpPortSet{32, 50000, false, 0};
  w.exchange(del, ++t);
  return w.commit();
}

}  // namespace pktmap::gencap
