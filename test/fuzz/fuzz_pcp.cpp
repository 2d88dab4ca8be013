// PCP (RFC 6887, RFC 7220, RFC 7753): parse_pcp, the option iterator, every typed option accessor, the
// name and address helpers, and the builders: a parsed ANNOUNCE/MAP/PEER message re-encodes with
// write_pcp_request/response to the same bytes bar the reserved fields the builders zero; each option
// re-encodes with write_pcp_option, and each typed option that parses round-trips through its builder.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "pktmap/codec/pcp.hpp"
#include "pktmap/wire/byte_reader.hpp"

using namespace pktmap;
using namespace pktmap::codec;
using pktmap::fuzz::within;

namespace {

void check_address_text(const PcpAddress& a) {
  std::array<char, kPcpAddressStrLen> buf{};
  auto text = format_pcp_address(a, buf);
  PKTMAP_FUZZ_CHECK(!text.empty() && text.size() < buf.size());
  std::array<char, 4> tiny{};
  (void)format_pcp_address(a, tiny);  // too small: empty, never an overrun
  (void)format_pcp_address(a, std::span<char>{});
  if (pcp_is_ipv4_mapped(a)) PKTMAP_FUZZ_CHECK(pcp_ipv4_mapped(pcp_ipv4(a)) == a);
}

// Every typed accessor on one option: wrong codes are refused, a valid value round-trips its builder.
void check_option(const PcpOption& o) {
  (void)o.mandatory();
  (void)o.known();
  (void)o.fully_padded();
  (void)pcp_option_name(o.code);
  PKTMAP_FUZZ_CHECK(o.value.size() == o.length && o.padding.size() <= o.padding_len());
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  PcpOptionIterator it(buf);
  PcpOption again;

  auto tp = parse_pcp_third_party(o);
  PKTMAP_FUZZ_CHECK(o.code == pcp_opt::third_party || tp.name() == "pcp_option_wrong_code");
  if (tp.ok()) {
    check_address_text(*tp);
    write_pcp_third_party(w, *tp);
    PKTMAP_FUZZ_CHECK(w.ok() && it.next(again) && parse_pcp_third_party(again).value() == *tp);
  }

  Outcome pf = check_pcp_prefer_failure(o);
  PKTMAP_FUZZ_CHECK(o.code == pcp_opt::prefer_failure || pf.name == "pcp_option_wrong_code");
  if (pf.ok()) PKTMAP_FUZZ_CHECK(o.length == 0);

  auto f = parse_pcp_filter(o);
  PKTMAP_FUZZ_CHECK(o.code == pcp_opt::filter || f.name() == "pcp_option_wrong_code");
  if (f.ok()) {
    check_address_text(f->remote_peer_ip);
    ByteWriter fw(buf);
    write_pcp_filter(fw, *f);
    PcpOptionIterator fit(fw.written());
    PKTMAP_FUZZ_CHECK(fw.ok() && fit.next(again));
    auto back = parse_pcp_filter(again);
    PKTMAP_FUZZ_CHECK(back.ok() && back->prefix_length == f->prefix_length && back->reserved == f->reserved);
    PKTMAP_FUZZ_CHECK(back->remote_peer_port == f->remote_peer_port &&
                      back->remote_peer_ip == f->remote_peer_ip);
  }

  auto d = parse_pcp_description(o);
  PKTMAP_FUZZ_CHECK(o.code == pcp_opt::description || d.name() == "pcp_option_wrong_code");
  if (o.code == pcp_opt::description) PKTMAP_FUZZ_CHECK(d->size() == o.length);
  if (d.ok()) {
    std::vector<std::uint8_t> out(d->size() + 8);
    ByteWriter dw(out);
    write_pcp_description(dw, *d);
    PcpOptionIterator dit(dw.written());
    PKTMAP_FUZZ_CHECK(dw.ok() && dw.size() % 4 == 0 && dit.next(again));
    auto back = parse_pcp_description(again);
    PKTMAP_FUZZ_CHECK(back.ok() && *back == *d);
  }

  auto ps = parse_pcp_port_set(o);
  PKTMAP_FUZZ_CHECK(o.code == pcp_opt::port_set || ps.name() == "pcp_option_wrong_code");
  if (ps.ok()) {
    ByteWriter pw(buf);
    write_pcp_port_set(pw, *ps);
    PcpOptionIterator pit(pw.written());
    PKTMAP_FUZZ_CHECK(pw.ok() && pw.size() == 12 && pit.next(again));
    auto back = parse_pcp_port_set(again);
    PKTMAP_FUZZ_CHECK(back.ok() && back->size == ps->size &&
                      back->first_internal_port == ps->first_internal_port);
    PKTMAP_FUZZ_CHECK(back->parity == ps->parity && back->reserved == ps->reserved);
  }

  // Generic re-encoding: header (reserved byte zeroed) + value + zero padding.
  std::vector<std::uint8_t> out(kPcpOptionHeaderLen + o.length + 3);
  ByteWriter gw(out);
  write_pcp_option(gw, o.code, o.value);
  PKTMAP_FUZZ_CHECK(gw.ok() && gw.size() == kPcpOptionHeaderLen + o.length + o.padding_len());
  PcpOptionIterator git(gw.written());
  PKTMAP_FUZZ_CHECK(git.next(again) && again.code == o.code && again.length == o.length &&
                    again.fully_padded());
  PKTMAP_FUZZ_CHECK(o.length == 0 || std::memcmp(again.value.data(), o.value.data(), o.length) == 0);
  PKTMAP_FUZZ_CHECK(!git.next(again) && git.outcome().ok());
}

// Walks the options again with the iterator and checks the view's stored copies agree.
void check_options(const PcpView& v) {
  PcpOptionIterator it(v.options_data);
  PcpOption o;
  std::size_t n = 0;
  while (it.next(o)) {
    PKTMAP_FUZZ_CHECK(within(o.value, v.options_data) && within(o.padding, v.options_data));
    PKTMAP_FUZZ_CHECK(it.offset() <= v.options_data.size());
    if (n < v.option_count) {
      const PcpOption& s = v.options[n];
      PKTMAP_FUZZ_CHECK(s.code == o.code && s.length == o.length && s.value.data() == o.value.data());
    }
    check_option(o);
    ++n;
  }
  PKTMAP_FUZZ_CHECK(v.option_count == (n < kPcpMaxOptions ? n : kPcpMaxOptions));
  for (const PcpOption& s : v.option_list()) {
    PKTMAP_FUZZ_CHECK(v.find_option(s.code) != nullptr && v.count_option(s.code) >= 1);
  }
}

// ANNOUNCE/MAP/PEER of version 1 or 2 re-encode; the builders write zeros where the view keeps reserved
// bytes of the common header (request bytes 2-3; response byte 2 and bytes 12-23).
void check_round_trip(const PcpView& v, ByteView in) {
  if (v.version != 1 && v.version != 2) return;
  std::vector<std::uint8_t> out(in.size() + 4);
  ByteWriter w(out);
  if (v.response) {
    write_pcp_response(w, {.version = v.version,
                           .opcode = v.opcode,
                           .result_code = v.result_code,
                           .lifetime = v.lifetime,
                           .epoch = v.epoch,
                           .map = v.map,
                           .peer = v.peer,
                           .options = v.options_data});
  } else {
    write_pcp_request(w, {.version = v.version,
                          .opcode = v.opcode,
                          .lifetime = v.lifetime,
                          .client_ip = v.client_ip,
                          .map = v.map,
                          .peer = v.peer,
                          .options = v.options_data});
  }
  PKTMAP_FUZZ_CHECK(w.ok() && w.size() == in.size());
  std::vector<std::uint8_t> expect(in.begin(), in.end());
  if (v.response) {
    expect[2] = 0;
    std::memset(expect.data() + 12, 0, 12);
  } else {
    expect[2] = expect[3] = 0;
  }
  PKTMAP_FUZZ_CHECK(std::memcmp(out.data(), expect.data(), in.size()) == 0);
  auto back = parse_pcp(w.written());
  PKTMAP_FUZZ_CHECK(back.ok() && back->opcode == v.opcode && back->response == v.response);
  PKTMAP_FUZZ_CHECK(back->map.nonce == v.map.nonce && back->map.internal_port == v.map.internal_port);
  PKTMAP_FUZZ_CHECK(back->peer.remote_peer_ip == v.peer.remote_peer_ip &&
                    back->option_count == v.option_count);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto r = parse_pcp(in);
  const PcpView& v = r.value();
  (void)pcp_opcode_name(v.opcode);
  (void)pcp_result_name(v.result_code);
  PKTMAP_FUZZ_CHECK(within(v.opcode_data, in) && within(v.options_data, in) && within(v.rsp_reserved, in));
  if (!r.ok()) PKTMAP_FUZZ_CHECK(!r.name().empty() && r.name() != "ok");
  check_address_text(v.client_ip);
  check_address_text(v.map.external_ip);
  check_options(v);
  // The raw input as an options area too: more option shapes than whole messages reach.
  PcpOptionIterator it(in);
  PcpOption o;
  while (it.next(o))
    check_option(o);
  if (!it.outcome().ok()) PKTMAP_FUZZ_CHECK(it.outcome().name == "pcp_option_overrun");
  if (r.ok()) check_round_trip(v, in);
  return 0;
}
