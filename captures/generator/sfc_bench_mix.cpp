// `--mix md1-eth-ipv4`: the benchmark shape. Only NSH MD1 over Ethernet with inner IPv4/UDP, 128-byte
// frames like specs/perf.md §1's input. Each flow's frame is built once (libtins for the inner
// IPv4/UDP); per packet only the IPv4 id/checksum and a payload sequence number are patched, so 1M
// packets take about as long as writing them.
#include <cstring>
#include <stdexcept>
#include <vector>

#include "frames.hpp"
#include "pcap_out.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/wire/checksum.hpp"
#include "rng.hpp"
#include "sfc_mix.hpp"
#include "sfc_paths.hpp"

namespace pktmap::gencap {

namespace {

constexpr std::size_t kFrameLen = 128;  // 14 Ethernet + 24 NSH MD1 + 20 IPv4 + 8 UDP + 62 payload
constexpr std::size_t kIpOff = codec::kEthernetHeaderLen + codec::kNshBaseLen + codec::kNshMd1ContextLen;
constexpr std::size_t kPayloadLen = kFrameLen - kIpOff - 20 - 8;
constexpr std::size_t kSeqOff = kFrameLen - 4;  // last 4 payload bytes: per-flow packet number
constexpr std::uint32_t kStepUs = 10;           // perf.md §1: timestamps 10 µs apart

struct FlowTemplate {
  std::array<std::uint8_t, kFrameLen> frame;
  std::uint16_t ip_id;
  std::uint32_t sent;
};

FlowTemplate make_template(std::uint32_t f, std::uint32_t npaths) {
  const std::uint32_t p = f % npaths;
  const std::uint32_t spi = 101 + p;
  FlowTemplate t{};
  ByteWriter w(t.frame);
  codec::write_ethernet(w, kProxyMac, kSffMac, codec::ethertype::nsh);
  std::array<std::uint8_t, codec::kNshMd1ContextLen> ctx{};
  ByteWriter c(ctx);
  c.be32(0x00100000u + p);
  c.be32(path_tag(spi));
  c.be32(0);
  c.be32(0);
  codec::NshFields nsh;
  nsh.md_type = codec::nsh_md::type1;
  nsh.next_proto = codec::nsh_np::ipv4;
  nsh.spi = spi;
  nsh.si = 255;
  nsh.context = c.written();
  codec::write_nsh(w, nsh);

  // perf.md §1 addressing: one source 10.0.x.y per flow, destinations 10.1.0.1-7. Ports are in ranges
  // Wireshark leaves undissected (perf.md's 9000-9099 includes registered ports such as udp/9003).
  const std::uint32_t host = f + 1;
  const Ipv4Addr src{10, static_cast<std::uint8_t>(host >> 16), static_cast<std::uint8_t>(host >> 8),
                     static_cast<std::uint8_t>(host)};
  const Ipv4Addr dst{10, 1, 0, static_cast<std::uint8_t>(1 + f % 7)};
  std::array<std::uint8_t, kPayloadLen> payload{};
  fill_text(payload, "pktmap bench ");
  L4Spec udp;
  udp.tcp = false;
  udp.sport = static_cast<std::uint16_t>(50000 + f % 4000);
  udp.dport = static_cast<std::uint16_t>(11000 + f % 100);
  udp.payload = payload;
  // IPv4 id 0 here; each packet patches its id and adjusts the header checksum (RFC 1624).
  Bytes ip = ipv4_packet(src, dst, 0, udp);
  ip[26] = ip[27] = 0;  // UDP checksum 0 (perf.md §1), so payload patches need no UDP update
  w.bytes(ip);
  if (!w.ok() || w.size() != kFrameLen) throw std::logic_error("bench frame is not 128 bytes");
  return t;
}

}  // namespace

std::uint64_t write_sfc_bench_mix(const SfcOptions& o) {
  const std::uint64_t n = o.packets != 0 ? o.packets : kBenchDefaultPackets;
  const std::uint32_t nflows = o.flows != 0 ? o.flows : kBenchDefaultFlows;
  const std::uint32_t npaths = o.paths != 0 ? o.paths : kBenchDefaultPaths;
  if (nflows == 0 || nflows > (1u << 24) - 2) throw std::invalid_argument("--flows must be in 1..16777214");
  if (npaths == 0 || npaths > 0xFFFFFF - 101) throw std::invalid_argument("--paths out of range");

  std::vector<FlowTemplate> flows;
  flows.reserve(nflows);
  for (std::uint32_t f = 0; f < nflows; ++f)
    flows.push_back(make_template(f, npaths));

  Rng rng(o.seed);
  PcapOut out(o.output);
  Clock clock(kStepUs);
  std::array<std::uint8_t, kFrameLen> frame{};
  for (std::uint64_t k = 0; k < n; ++k) {
    FlowTemplate& t = flows[rng.below(nflows)];
    std::memcpy(frame.data(), t.frame.data(), kFrameLen);
    std::uint8_t* ip = frame.data() + kIpOff;
    const std::uint16_t id = t.ip_id++;
    ip[4] = static_cast<std::uint8_t>(id >> 8);
    ip[5] = static_cast<std::uint8_t>(id);
    const std::uint16_t sum = checksum_adjust16(static_cast<std::uint16_t>(ip[10] << 8 | ip[11]), 0, id);
    ip[10] = static_cast<std::uint8_t>(sum >> 8);
    ip[11] = static_cast<std::uint8_t>(sum);
    const std::uint32_t seq = t.sent++;
    for (int i = 0; i < 4; ++i)
      frame[kSeqOff + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
    out.write(clock.tick(), frame);
  }
  out.commit();
  return n;
}

}  // namespace pktmap::gencap
