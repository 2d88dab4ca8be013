// DHCPv6 (RFC 8415): parse_dhcpv6 and, for relay messages, the Relay Message option recursively (bounded,
// as the decode chain does), the option iterator, the ORO, the captive-portal URI (RFC 8910 option 103),
// find/count, and write_dhcpv6/write_dhcpv6_option round trip (a parsed message re-encodes byte for byte).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/dhcpv6.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

constexpr int kMaxRelayDepth = 8;

// Walks the options, re-encoding each into `out`; returns the count.
std::size_t walk_options(ByteView options, std::vector<std::uint8_t>& out) {
  Dhcpv6OptionIterator it(options);
  Dhcpv6Option o;
  std::size_t n = 0;
  while (it.next(o)) {
    PKTMAP_FUZZ_CHECK(o.value.size() == o.length && within(o.value, options));
    const std::size_t at = out.size();
    out.resize(at + 4 + o.length);
    ByteWriter w(MutableByteView(out).subspan(at));
    write_dhcpv6_option(w, o.code, o.value);
    PKTMAP_FUZZ_CHECK(w.ok() && w.size() == 4u + o.length);
    ++n;
  }
  PKTMAP_FUZZ_CHECK(!it.next(o));
  if (!it.outcome().ok()) PKTMAP_FUZZ_CHECK(it.outcome().name == "dhcpv6_option_overrun");
  return n;
}

void check_message(ByteView in, int depth) {
  auto r = parse_dhcpv6(in);
  const Dhcpv6View& v = r.value();
  (void)dhcpv6_msg_type_name(v.msg_type);
  PKTMAP_FUZZ_CHECK(within(v.options, in) && within(v.relay_message, v.options));
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  if (r.status() == Status::truncated) return;
  PKTMAP_FUZZ_CHECK(v.options.size() == in.size() - (v.relay ? kDhcpv6RelayHeaderLen : kDhcpv6HeaderLen));
  std::vector<std::uint8_t> opts;
  const std::size_t n = walk_options(v.options, opts);
  PKTMAP_FUZZ_CHECK(n == v.option_count);
  // Re-encoded options are the original bytes up to where the walk stopped.
  PKTMAP_FUZZ_CHECK(opts.size() <= v.options.size() &&
                    (opts.empty() || std::memcmp(opts.data(), v.options.data(), opts.size()) == 0));

  auto oro = dhcpv6_oro(v);
  if (oro->present) {
    PKTMAP_FUZZ_CHECK(oro->raw.size() % 2 == 0 && within(oro->raw, v.options));
    for (std::size_t i = 0; i < oro->size(); ++i)
      PKTMAP_FUZZ_CHECK(oro->contains(oro->at(i)) && oro->at(i) == load_be16(oro->raw.data() + 2 * i));
    PKTMAP_FUZZ_CHECK(oro->at(oro->size()) == 0);
  } else {
    PKTMAP_FUZZ_CHECK(oro.ok() && oro->size() == 0 && !oro->contains(dhcpv6_opt::captive_portal));
  }
  auto cp = dhcpv6_captive_portal(v);
  if (cp->present) {
    PKTMAP_FUZZ_CHECK(v.count(dhcpv6_opt::captive_portal) >= 1 &&
                      (cp->uri.empty() || cp->uri.back() != '\0'));
    PKTMAP_FUZZ_CHECK(
        within(ByteView(reinterpret_cast<const std::uint8_t*>(cp->uri.data()), cp->uri.size()), in));
  }
  Dhcpv6Option o;
  if (v.find(dhcpv6_opt::client_id, o)) PKTMAP_FUZZ_CHECK(v.count(dhcpv6_opt::client_id) >= 1);

  if (r.ok()) {
    std::vector<std::uint8_t> out(in.size());
    ByteWriter w(out);
    write_dhcpv6(w, {.msg_type = v.msg_type,
                     .transaction_id = v.transaction_id,
                     .hop_count = v.hop_count,
                     .link_address = v.link_address,
                     .peer_address = v.peer_address,
                     .options = opts});
    PKTMAP_FUZZ_CHECK(w.ok() && w.size() == in.size() && std::memcmp(out.data(), in.data(), in.size()) == 0);
  }
  if (v.relay && r.ok() && depth < kMaxRelayDepth) check_message(v.relay_message, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_message(ByteView(data, size), 0);
  return 0;
}
