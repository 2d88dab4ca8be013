#include "pktmap/pcp/client_report.hpp"

#include <cstdio>

namespace pktmap::pcp {

namespace c = codec;

namespace {

std::string ports(std::uint32_t first, std::uint32_t n) {
  return n > 1 ? std::to_string(first) + "-" + std::to_string(first + n - 1) : std::to_string(first);
}

std::string mapping_line(const Request& rq, const Response& r) {
  std::string s;
  const std::uint32_t n = r.granted_ports();
  const std::uint32_t first_int = r.port_set ? r.port_set->first_internal_port : r.internal_port;
  const std::string proto = protocol_name(r.protocol);
  if (r.result != c::pcp_result::success) {
    s = "error " + std::string(c::pcp_result_name(r.result)) + " (" + std::to_string(r.result) + ")";
    if (r.opcode != c::pcp_op::announce)
      s += " for internal " + std::to_string(r.internal_port) + " " + proto;
    return s + ", lifetime " + std::to_string(r.lifetime) + " s";
  }
  if (r.opcode == c::pcp_op::announce) return "announce ok";
  if (rq.lifetime == 0)
    return "deleted internal " + ports(first_int, std::max<std::uint32_t>(n, 1)) + " " + proto;
  if (r.opcode == c::pcp_op::peer)
    return "peer internal " + std::to_string(r.internal_port) + " -> " + format_address(r.external_ip) + ":" +
           std::to_string(r.external_port) + " " + proto + " to " + format_endpoint(r.remote_peer) +
           ", lifetime " + std::to_string(r.lifetime) + " s";
  if (rq.port_set) {
    s = "granted " + std::to_string(n) + " of " + std::to_string(rq.port_set->size) + " ports: ";
  } else {
    s = "mapped ";
  }
  s += "internal " + ports(first_int, n) + " -> " + format_address(r.external_ip) + ":" +
       ports(r.external_port, n) + " " + proto + ", lifetime " + std::to_string(r.lifetime) + " s";
  if (r.port_set && r.port_set->parity) s += ", parity preserved";
  return s;
}

// RFC 6887 §13.2: with PREFER_FAILURE the server maps exactly the suggested external port or answers
// CANNOT_PROVIDE_EXTERNAL. miniupnpd (2.3.1 and later) maps another port instead.
bool prefer_failure_ignored(const Request& rq, const Response& r) {
  return rq.prefer_failure && rq.lifetime != 0 && r.result == c::pcp_result::success &&
         rq.external_port != 0 && r.external_port != rq.external_port;
}

// MALFORMED_OPTION for a request carrying an option whose length is not a multiple of 4 (PORT_SET is 5,
// DESCRIPTION any): a server that skips options without their padding (RFC 6887 §7.3; miniupnpd before
// 2.3.11) misreads what follows such an option.
bool padding_suspect(const Request& rq, const Response& r) {
  if (r.result != c::pcp_result::malformed_option) return false;
  return rq.port_set || (rq.description && rq.description->size() % 4 != 0);
}

}  // namespace

std::string format_exchange_text(const ReportContext& ctx, const Exchange& ex) {
  const Request& rq = *ctx.request;
  std::string out = "server " + (ctx.server.port == c::kPcpServerPort ? format_address(ctx.server.addr)
                                                                      : format_endpoint(ctx.server));
  if (ctx.server_is_gateway) out += " (default gateway)";
  if (!ex.answered()) {
    return out + ": no answer after " + std::to_string(ex.transmissions) + " transmission(s), " +
           std::to_string(ex.elapsed.count()) + " ms\n";
  }
  out += ", epoch " + std::to_string(ex.responses.front().epoch);
  if (rq.opcode != c::pcp_op::announce) out += ", nonce " + format_nonce(rq.nonce);
  out += "\n";
  for (const Response& r : ex.responses) {
    out += mapping_line(rq, r) + "\n";
    if (r.port_set_echoed)
      out +=
          "note: the answer's PORT_SET equals the request's; a server without PORT_SET support echoes it "
          "unchanged, so only the single MAP port is certain\n";
    if (prefer_failure_ignored(rq, r))
      out += "note: PREFER_FAILURE was sent but the server mapped external port " +
             std::to_string(r.external_port) + " instead of the suggested " +
             std::to_string(rq.external_port) + "; RFC 6887 section 13.2 requires CANNOT_PROVIDE_EXTERNAL\n";
    if (padding_suspect(rq, r))
      out +=
          "note: the request carried an option whose length is not a multiple of 4, padded as RFC 6887 "
          "section 7.3 requires; servers that skip options without the padding (miniupnpd before 2.3.11) "
          "answer MALFORMED_OPTION to it\n";
    for (std::uint8_t code : r.unknown_options)
      out += "note: option " + std::to_string(code) + " (" + c::pcp_option_name(code) + ") in the answer\n";
  }
  if (!ex.epoch_valid) out += "warning: the server's epoch shows it lost state (RFC 6887 section 8.5)\n";
  if (ex.transmissions > 1)
    out += "(" + std::to_string(ex.transmissions) + " transmissions, " + std::to_string(ex.elapsed.count()) +
           " ms)\n";
  if (ctx.ignored) {
    for (const auto& cnt : *ctx.ignored) {
      if (cnt.name == "rsp_accepted" || cnt.name == "unsolicited") continue;
      out += "ignored " + std::to_string(cnt.value) + " datagram(s): " + std::string(cnt.name) + "\n";
    }
  }
  return out;
}

void format_response_json(const Response& r, report::JsonWriter& j) {
  j.begin_object()
      .field("opcode", c::pcp_opcode_name(r.opcode))
      .field("result", c::pcp_result_name(r.result))
      .field("result_code", static_cast<std::uint32_t>(r.result))
      .field("lifetime", r.lifetime)
      .field("epoch", r.epoch);
  if (r.opcode == c::pcp_op::map || r.opcode == c::pcp_op::peer) {
    j.field("nonce", format_nonce(r.nonce))
        .field("protocol", protocol_name(r.protocol))
        .field("internal_port", static_cast<std::uint32_t>(r.internal_port))
        .field("external_ip", format_address(r.external_ip))
        .field("external_port", static_cast<std::uint32_t>(r.external_port))
        .field("granted_ports", r.granted_ports());
    j.key("port_set");
    if (r.port_set) {
      j.begin_object()
          .field("size", static_cast<std::uint32_t>(r.port_set->size))
          .field("first_internal_port", static_cast<std::uint32_t>(r.port_set->first_internal_port))
          .field("parity", r.port_set->parity)
          .end_object();
    } else {
      j.null();
    }
    j.field("port_set_echoed", r.port_set_echoed);
    if (r.opcode == c::pcp_op::peer) j.field("remote_peer", format_endpoint(r.remote_peer));
    if (r.description) j.field("description", *r.description);
    if (r.third_party) j.field("third_party", format_address(*r.third_party));
  }
  j.key("unknown_options").begin_array();
  for (auto code : r.unknown_options)
    j.value(static_cast<std::uint32_t>(code));
  j.end_array().end_object();
}

void format_exchange_json(const ReportContext& ctx, const Exchange& ex, report::JsonWriter& j) {
  const Request& rq = *ctx.request;
  j.begin_object()
      .field("server", format_endpoint(ctx.server))
      .field("server_from_gateway", ctx.server_is_gateway)
      .field("client_ip", format_address(rq.client_ip))
      .field("opcode", c::pcp_opcode_name(rq.opcode));
  if (rq.opcode != c::pcp_op::announce) {
    j.field("nonce", format_nonce(rq.nonce));
    j.key("request").begin_object();
    j.field("protocol", protocol_name(rq.protocol))
        .field("internal_port", static_cast<std::uint32_t>(rq.internal_port))
        .field("lifetime", rq.lifetime)
        .field("ports", rq.port_set ? std::uint32_t{rq.port_set->size} : 1u)
        .field("parity", rq.port_set && rq.port_set->parity)
        .end_object();
  }
  std::uint32_t granted = 0;
  for (const auto& r : ex.responses)
    granted += r.granted_ports();
  j.field("answered", ex.answered())
      .field("transmissions", ex.transmissions)
      .field("elapsed_ms", static_cast<std::uint64_t>(ex.elapsed.count()))
      .field("epoch_valid", ex.epoch_valid)
      .field("granted_ports", granted);
  j.key("responses").begin_array();
  for (const auto& r : ex.responses)
    format_response_json(r, j);
  j.end_array();
  // Server behaviour that departs from the RFCs or that a known server bug explains (man/pcp-cli.1, SERVER
  // DEVIATIONS).
  bool pf = false, pad = false;
  for (const auto& r : ex.responses) {
    pf = pf || prefer_failure_ignored(rq, r);
    pad = pad || padding_suspect(rq, r);
  }
  j.key("deviations").begin_array();
  if (pf) j.value("prefer_failure_ignored");
  if (pad) j.value("unpadded_option_refused");
  j.end_array();
  j.key("ignored").begin_object();
  if (ctx.ignored)
    for (const auto& cnt : *ctx.ignored)
      if (cnt.name != "rsp_accepted" && cnt.name != "unsolicited") j.field(cnt.name, cnt.value);
  j.end_object();
  j.field("exit_status", exit_status(ex)).end_object();
}

std::string format_response_line(const Response& r) {
  std::string s = std::string(c::pcp_opcode_name(r.opcode)) + " " + c::pcp_result_name(r.result) +
                  ", epoch " + std::to_string(r.epoch) + ", lifetime " + std::to_string(r.lifetime);
  if (r.opcode == c::pcp_op::map || r.opcode == c::pcp_op::peer)
    s += ", internal " + std::to_string(r.internal_port) + " -> " + format_address(r.external_ip) + ":" +
         std::to_string(r.external_port) + " " + protocol_name(r.protocol) + ", nonce " +
         format_nonce(r.nonce);
  return s;
}

int exit_status(const Exchange& ex) {
  if (!ex.answered()) return kExitNetwork;
  std::uint8_t e = ex.first_error();
  return e == 0 ? kExitOk : kExitPcpError + std::min<int>(e, 245);
}

}  // namespace pktmap::pcp
