#include "sfc_paths.hpp"

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/wire/byte_writer.hpp"

namespace pktmap::gencap {

namespace {

// MD2 path-label lengths, one per MD2 path in catalog order. With the 4-byte tenant/sequence TLVs and
// the 8-byte flow cookie they cover every value length 1..12, so every padding case (0..3) occurs.
constexpr std::array<std::uint8_t, 10> kLabelLens{1, 2, 3, 5, 6, 7, 9, 10, 11, 12};

}  // namespace

std::vector<PathPair> make_path_pairs(std::uint32_t pairs) {
  const std::uint32_t rev_offset = 100 * ((pairs + 99) / 100);
  std::vector<PathPair> out(pairs);
  std::uint32_t md2_paths = 0;
  for (std::uint32_t i = 0; i < pairs; ++i) {
    PathPair& p = out[i];
    const std::uint32_t c = i % kPairCatalog.size();
    p.index = i;
    p.spec = kPairCatalog[c];
    p.fwd = Path{101 + i, static_cast<std::uint8_t>(255 - c), false, 0, 0};
    p.rev = Path{101 + i + rev_offset, static_cast<std::uint8_t>(250 - c), true, 0, 0};
    if (p.spec.md_type == codec::nsh_md::type2) {
      p.fwd.label_len = kLabelLens[md2_paths++ % kLabelLens.size()];
      p.rev.label_len = kLabelLens[md2_paths++ % kLabelLens.size()];
    }
    p.tenant = 0x00100000u + i;
    p.vni = 5000 + i;
    p.dot1q = codec::VlanTag{codec::ethertype::vlan, 0, false, static_cast<std::uint16_t>(100 + i % 1000)};
    p.s_tag = codec::VlanTag{codec::ethertype::qinq, 0, false, static_cast<std::uint16_t>(300 + i % 1000)};
  }
  return out;
}

ByteView build_context(PathPair& pair, Path& path, std::uint32_t flow_cookie, std::span<std::uint8_t> buf) {
  const bool per_flow = pair.spec.scope == MetaScope::flow;
  const bool per_packet = pair.spec.scope == MetaScope::packet;
  const std::uint32_t seq = per_packet ? ++path.seq : 0;
  ByteWriter w(buf);
  if (pair.spec.md_type == codec::nsh_md::type1) {
    // RFC 8300 §2.4: a context word that carries no metadata MUST be zero.
    w.be32(pair.tenant);
    w.be32(path_tag(path.spi));
    w.be32(per_flow ? flow_cookie : 0);
    w.be32(seq);
    return w.written();
  }
  std::array<std::uint8_t, 12> value{};
  ByteWriter v(value);
  v.be32(pair.tenant);
  codec::write_nsh_tlv(w, md2::kTenantClass, md2::kTenantType, v.written());
  // Path label: the SPI's low byte, then a counting pattern, so each length is recognisable.
  for (std::size_t k = 0; k < path.label_len; ++k)
    value[k] = static_cast<std::uint8_t>(k == 0 ? path.spi : 0xA0 + k);
  codec::write_nsh_tlv(w, md2::kLabelClass, md2::kLabelType, ByteView(value.data(), path.label_len));
  if (per_flow && flow_cookie != 0) {
    ByteWriter f(value);
    f.be32(pair.tenant);
    f.be32(flow_cookie);
    codec::write_nsh_tlv(w, md2::kFlowClass, md2::kFlowType, f.written());
  }
  if (per_packet) {
    ByteWriter s(value);
    s.be32(seq);
    codec::write_nsh_tlv(w, md2::kSeqClass, md2::kSeqType, s.written());
  }
  return w.written();
}

}  // namespace pktmap::gencap
