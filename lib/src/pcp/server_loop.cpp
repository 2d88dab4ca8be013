#include "pktmap/pcp/server_loop.hpp"

#include <time.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/pcp/udp_socket.hpp"
#include "pktmap/report/interrupt.hpp"

namespace pktmap::pcp {

std::uint64_t monotonic_seconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec);
}

void write_state(const Server& server, std::uint64_t now_s, const std::string& path) {
  using nlohmann::json;
  json entries = json::array();
  server.table().for_each([&](const Mapping& m) {
    json e;
    e["opcode"] = codec::pcp_opcode_name(m.opcode);
    e["client"] = format_address(m.client_ip);
    e["internal"] = format_address(m.internal_ip);
    e["protocol"] = protocol_name(m.protocol);
    e["internal_port"] = m.internal_port;
    e["ports"] = m.size;
    e["external"] = format_address(server.address(m.pool_index));
    e["external_port"] = m.external_port;
    e["lifetime"] = m.lifetime;
    e["expires_in"] = m.expires > now_s ? m.expires - now_s : 0;
    e["nonce"] = format_nonce(m.nonce);
    e["parity"] = m.parity;
    e["remote_peer"] = m.opcode == codec::pcp_op::peer ? json(format_endpoint(m.remote_peer)) : json(nullptr);
    e["filters"] = m.filters;
    e["description"] = m.description;
    entries.push_back(std::move(e));
  });
  json meta;
  meta["epoch"] = server.epoch(now_s);
  meta["mappings"] = server.table().size();
  json pool = json::array();
  for (const auto& a : server.policy().external_ips)
    pool.push_back(format_address(a));
  meta["external_addresses"] = pool;
  meta["port_range"] =
      std::to_string(server.policy().port_min) + "-" + std::to_string(server.policy().port_max);
  json counters = json::object();
  for (const auto& c : server.counters())
    counters[std::string(c.name)] = c.value;
  meta["counters"] = counters;
  json doc = {{"pktmap_state", 1},
              {"tool", "pcp-cli"},
              {"kind", "pcp-mappings"},
              {"meta", meta},
              {"columns",
               {"opcode", "client", "protocol", "internal_port", "ports", "external", "external_port",
                "lifetime", "expires_in", "remote_peer", "description"}},
              {"entries", entries}};
  pcapio::AtomicFile f(path);
  std::string text = doc.dump(2) + "\n";
  std::fwrite(text.data(), 1, text.size(), f.file());
  f.commit();
}

namespace {
void log_request(std::FILE* log, const Endpoint& from, ByteView req, const ResponseBatch& out) {
  std::fprintf(log, "%s: %zu bytes, %zu answer(s)", format_endpoint(from).c_str(), req.size(), out.count);
  for (std::size_t i = 0; i < out.count; ++i) {
    auto v = codec::parse_pcp(out.out[i].view());
    std::fprintf(log, " [%s %s", codec::pcp_opcode_name(v->opcode), codec::pcp_result_name(v->result_code));
    if (v->opcode == codec::pcp_op::map || v->opcode == codec::pcp_op::peer)
      std::fprintf(log, " %u->%s:%u", v->map.internal_port, format_address(v->map.external_ip).c_str(),
                   v->map.external_port);
    std::fprintf(log, "]");
  }
  std::fprintf(log, "\n");
  std::fflush(log);
}
}  // namespace

void run_server(Server& server, const ServerLoopOptions& opt) {
  UdpSocket sock = UdpSocket::bound(opt.listen);
  report::install_interrupt_handlers(true);
  if (server.policy().announce_on_start) {
    Datagram a = server.announce(monotonic_seconds());
    for (const Endpoint& t : server.policy().announce_targets) {
      // An IPv6 target from an IPv4 socket (or the reverse) needs its own socket.
      if (t.is_v4() == !sock.v6()) {
        if (!sock.send_to(a.view(), t) && opt.log)
          std::fprintf(opt.log, "announce to %s failed\n", format_endpoint(t).c_str());
        continue;
      }
      try {
        UdpSocket other = UdpSocket::open(!t.is_v4());
        if (!other.send_to(a.view(), t) && opt.log)
          std::fprintf(opt.log, "announce to %s failed\n", format_endpoint(t).c_str());
      } catch (const std::exception&) {
      }
    }
  }
  std::vector<std::uint8_t> buf(65536);
  ResponseBatch out;
  std::uint64_t handled = 0;
  std::uint64_t last_tick = monotonic_seconds();
  std::uint64_t written_at_requests = ~std::uint64_t{0};
  auto save = [&](std::uint64_t now) {
    if (opt.state_out.empty()) return;
    write_state(server, now, opt.state_out);
    written_at_requests = server.counters().get("requests");
  };
  save(last_tick);
  while (!report::interrupted() && (opt.max_requests == 0 || handled < opt.max_requests)) {
    Endpoint from;
    auto got = sock.recv_from(buf, from, std::chrono::milliseconds(200));
    std::uint64_t now = monotonic_seconds();
    if (got) {
      ++handled;
      ByteView req(buf.data(), std::min(*got, buf.size()));
      server.handle(req, from, now, out);
      for (std::size_t i = 0; i < out.count; ++i)
        sock.send_to(out.out[i].view(), from);
      if (opt.log) log_request(opt.log, from, req, out);
    }
    if (now != last_tick) {
      last_tick = now;
      server.expire(now);
      if (server.counters().get("requests") != written_at_requests) save(now);
    }
    if (report::take_usr1()) save(now);
  }
  save(monotonic_seconds());
}

}  // namespace pktmap::pcp
