#include "pcap_out.hpp"

#include "pktmap/pcapio/packet.hpp"

namespace pktmap::gencap {

namespace {
constexpr int kSnapLen = 65535;
}

PcapOut::PcapOut(std::string path) : out_(std::move(path), pcapio::linktype::ethernet, false, kSnapLen) {}

void PcapOut::write(std::uint64_t ts_us, ByteView frame) {
  out_.write(frame, static_cast<std::uint32_t>(frame.size()), static_cast<std::int64_t>(ts_us) * 1000);
}

}  // namespace pktmap::gencap
