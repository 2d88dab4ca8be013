#include "samples.hpp"

#include <array>

#include "capport_mix.hpp"
#include "capport_ue_mix.hpp"
#include "pcp_mix.hpp"
#include "sfc_mix.hpp"

namespace pktmap::gencap {

namespace {

std::uint64_t sfc_sample(const std::string& path) {
  SfcOptions o;
  o.output = path;  // every other field keeps the default-mix default
  return write_sfc_default_mix(o);
}

const std::array<Sample, 4> kSamples{{
    {"sfc-sample.pcap", "NSH over Ethernet/VXLAN-GPE/GRE, MD1+MD2, 24 paths (default sfc mix)", sfc_sample},
    {"capport-sample.pcap", "DHCPv4 114/160, DHCPv6 103, RA option 37", write_capport_mix},
    {"capport-ue-sample.pcap", "client-side capture of a captive network before enforcement (enforce input)",
     write_capport_ue_mix},
    {"pcp-sample.pcap", "PCP ANNOUNCE/MAP/PEER with PORT_SET, overlap, quota and errors", write_pcp_mix},
}};

}  // namespace

std::span<const Sample> samples() {
  return kSamples;
}

}  // namespace pktmap::gencap
