#pragma once
// Internal: one function per protocol family that runs the codec and fills the Dissection's summary.
// Each returns the codec's outcome and sets `payload` to the bytes the next decoder gets.
#include "pktmap/codec/outcome.hpp"
#include "pktmap/dissect/app_summary.hpp"
#include "pktmap/dissect/l3_summary.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::dissect::detail {

Outcome decode_ipv4(ByteView data, IpSummary& out, ByteView& payload);
Outcome decode_ipv6(ByteView data, IpSummary& out, ByteView& payload);
Outcome decode_udp(ByteView data, L4Summary& out, ByteView& payload);
Outcome decode_tcp(ByteView data, L4Summary& out, ByteView& payload);
Outcome decode_icmp(ByteView data, L4Summary& out, ByteView& payload);
Outcome decode_icmpv6(ByteView data, L4Summary& out, AppSummary& app, ByteView& payload);
Outcome decode_gre(ByteView data, GreSummary& out, ByteView& payload);
Outcome decode_pcp(ByteView data, AppSummary& app);
Outcome decode_dhcpv4(ByteView data, AppSummary& app);
Outcome decode_dhcpv6(ByteView data, AppSummary& app);

}  // namespace pktmap::dissect::detail
