// DHCPv4 (RFC 2131/2132): parse_dhcp, the option iterator, the Parameter Request List, the captive-portal
// URI (RFC 8910 option 114 / RFC 7710 option 160), find/count, and write_dhcp/write_dhcp_option round trip:
// the fixed fields and the options up to End re-encode to the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/dhcpv4.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

// A NUL-padded text field as write_dhcp would write it: the text before the first NUL, when everything
// after it is NUL too (otherwise the field cannot be reproduced, and false is returned).
bool text_field(ByteView field, std::string_view& out) {
  auto nul = std::find(field.begin(), field.end(), std::uint8_t{0});
  if (nul == field.end()) return false;
  if (std::any_of(nul, field.end(), [](std::uint8_t b) { return b != 0; })) return false;
  out = std::string_view(reinterpret_cast<const char*>(field.data()),
                         static_cast<std::size_t>(nul - field.begin()));
  return true;
}

// Walks the options; returns the count (Pad/End excluded) and checks every value lies in the area.
std::size_t walk_options(ByteView options, std::vector<std::uint8_t>* reencoded) {
  DhcpOptionIterator it(options);
  DhcpOption o;
  std::size_t n = 0;
  while (it.next(o)) {
    PKTMAP_FUZZ_CHECK(o.code != dhcp_opt::pad && o.code != dhcp_opt::end);
    PKTMAP_FUZZ_CHECK(o.value.size() == o.length && within(o.value, options));
    PKTMAP_FUZZ_CHECK(it.offset() <= options.size());
    if (reencoded) {
      std::uint8_t buf[2 + 255];
      ByteWriter w(buf);
      write_dhcp_option(w, o.code, o.value);
      PKTMAP_FUZZ_CHECK(w.ok());
      reencoded->insert(reencoded->end(), buf, buf + w.size());
    }
    ++n;
  }
  PKTMAP_FUZZ_CHECK(!it.next(o));
  if (!it.outcome().ok()) PKTMAP_FUZZ_CHECK(it.outcome().name == "dhcp_option_overrun" && !it.end_seen());
  return n;
}

void check_round_trip(const DhcpView& v, ByteView in) {
  std::string_view sname, file;
  if (!text_field(v.sname, sname) || !text_field(v.file, file)) return;
  // Options without Pad bytes, as the builder's caller would encode them.
  std::vector<std::uint8_t> opts;
  walk_options(v.options, &opts);
  DhcpFields f{.op = v.op,
               .htype = v.htype,
               .hlen = v.hlen,
               .hops = v.hops,
               .xid = v.xid,
               .secs = v.secs,
               .flags = v.flags,
               .ciaddr = v.ciaddr,
               .yiaddr = v.yiaddr,
               .siaddr = v.siaddr,
               .giaddr = v.giaddr,
               .sname = sname,
               .file = file,
               .options = opts,
               .end = v.end_seen,
               .pad_to_bootp_min = false};
  std::copy(v.chaddr.begin(), v.chaddr.end(), f.chaddr.begin());
  std::vector<std::uint8_t> out(kDhcpMinLen + opts.size() + 1);
  ByteWriter w(out);
  write_dhcp(w, f);
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == out.size() - (v.end_seen ? 0 : 1));
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), in.data(), kDhcpMinLen) == 0);
  auto back = parse_dhcp(w.written());
  PKTMAP_FUZZ_CHECK(back.ok() && back->xid == v.xid && back->option_count == v.option_count);
  PKTMAP_FUZZ_CHECK(back->message_type == v.message_type && back->overload == v.overload);
  PKTMAP_FUZZ_CHECK(back->end_seen == v.end_seen && back->trailing.empty());
  auto prl = dhcp_parameter_request_list(*back), prl0 = dhcp_parameter_request_list(v);
  PKTMAP_FUZZ_CHECK(prl.size() == prl0.size() && std::equal(prl.begin(), prl.end(), prl0.begin()));
  auto cp = dhcp_captive_portal(*back), cp0 = dhcp_captive_portal(v);
  PKTMAP_FUZZ_CHECK(cp.outcome() == cp0.outcome() && cp->uri == cp0->uri && cp->code == cp0->code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_dhcp(in);
  const DhcpView& v = r.value();
  (void)dhcp_message_type_name(v.message_type);
  PKTMAP_FUZZ_CHECK(within(v.chaddr, in) && within(v.sname, in) && within(v.file, in));
  PKTMAP_FUZZ_CHECK(within(v.options, in) && within(v.trailing, v.options));
  PKTMAP_FUZZ_CHECK(v.hw_address().size() <= 16);
  if (r.status() == Status::truncated) {
    PKTMAP_FUZZ_CHECK(size < kDhcpMinLen);
    return 0;
  }
  PKTMAP_FUZZ_CHECK(v.chaddr.size() == 16 && v.sname.size() == 64 && v.file.size() == 128);
  if (r.name() == "dhcp_bad_magic") return 0;
  std::size_t n = walk_options(v.options, nullptr);
  PKTMAP_FUZZ_CHECK(n == v.option_count);
  // Raw input as an options area.
  (void)walk_options(in, nullptr);

  ByteView prl = dhcp_parameter_request_list(v);
  PKTMAP_FUZZ_CHECK(within(prl, v.options));
  DhcpOption o;
  if (v.find(dhcp_opt::parameter_request_list, o)) PKTMAP_FUZZ_CHECK(prl.data() == o.value.data());
  auto cp = dhcp_captive_portal(v);
  if (cp->code != 0) {
    PKTMAP_FUZZ_CHECK(cp->code == dhcp_opt::captive_portal || cp->code == dhcp_opt::captive_portal_legacy);
    PKTMAP_FUZZ_CHECK(v.count(cp->code) >= 1 && (cp->uri.empty() || cp->uri.back() != '\0'));
    PKTMAP_FUZZ_CHECK(
        within(ByteView(reinterpret_cast<const std::uint8_t*>(cp->uri.data()), cp->uri.size()), in));
    if (cp->code == dhcp_opt::captive_portal_legacy)
      PKTMAP_FUZZ_CHECK(v.count(dhcp_opt::captive_portal) == 0);
  } else {
    PKTMAP_FUZZ_CHECK(cp.ok() && cp->uri.empty());
  }
  if (r.ok()) check_round_trip(v, in);
  return 0;
}
