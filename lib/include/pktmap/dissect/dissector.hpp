#pragma once
// The decode chain: link layer -> Ethernet/VLAN -> IP -> UDP/GRE -> VXLAN/VXLAN-GPE -> NSH -> inner packet,
// plus PCP and DHCP/RA provisioning. Which decoder follows which is looked up in a DispatchTable. Decoding
// stops at the first problem, which is recorded as a named outcome; nothing here allocates or throws.
#include "pktmap/dissect/dispatch.hpp"
#include "pktmap/dissect/dissection.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::dissect {

class Dissector {
 public:
  explicit Dissector(const DispatchTable& table) : table_(&table) {}
  // Decodes one packet captured with the given libpcap link type into out (which is reset first).
  void dissect(ByteView packet, int linktype, Dissection& out) const;

 private:
  const DispatchTable* table_;
};

}  // namespace pktmap::dissect
