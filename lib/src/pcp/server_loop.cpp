#include "pktmap/pcp/server_loop.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

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

namespace {

// One recvmmsg()/sendmmsg() batch: the loop pays two system calls and one clock read per batch, not per
// datagram. Answers are copied (their length only) into a flat send area; sources stay raw sockaddrs.
struct Batch {
  static constexpr std::size_t kIn = 64;
  static constexpr std::size_t kOut = 128;
  static constexpr std::size_t kInSize = 2048;  // > 1100: longer requests are still seen as too long
  std::array<std::array<std::uint8_t, kInSize>, kIn> in{};
  std::array<sockaddr_storage, kIn> src{};
  std::array<iovec, kIn> in_iov{};
  std::array<mmsghdr, kIn> in_msg{};
  std::array<std::array<std::uint8_t, codec::kPcpMaxLen>, kOut> out{};
  std::array<iovec, kOut> out_iov{};
  std::array<mmsghdr, kOut> out_msg{};
  std::size_t out_count = 0;

  Batch() {
    for (std::size_t i = 0; i < kIn; ++i) {
      in_iov[i] = {in[i].data(), kInSize};
      in_msg[i].msg_hdr.msg_iov = &in_iov[i];
      in_msg[i].msg_hdr.msg_iovlen = 1;
      in_msg[i].msg_hdr.msg_name = &src[i];
    }
    for (std::size_t i = 0; i < kOut; ++i) {
      out_iov[i].iov_base = out[i].data();
      out_msg[i].msg_hdr.msg_iov = &out_iov[i];
      out_msg[i].msg_hdr.msg_iovlen = 1;
    }
  }
  // Receives up to n datagrams without waiting; 0 when none is queued (or on an error such as a queued
  // ICMP error, which is consumed).
  std::size_t receive(int fd, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      in_msg[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    int got = ::recvmmsg(fd, in_msg.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    return got > 0 ? static_cast<std::size_t>(got) : 0;
  }
  void queue(ByteView d, std::size_t from_index) {
    std::memcpy(out[out_count].data(), d.data(), d.size());
    out_iov[out_count].iov_len = d.size();
    out_msg[out_count].msg_hdr.msg_name = &src[from_index];
    out_msg[out_count].msg_hdr.msg_namelen = in_msg[from_index].msg_hdr.msg_namelen;
    ++out_count;
  }
  // Sends what is queued. A datagram the kernel refuses is skipped (counted), the rest still go out.
  void flush(int fd, Server& server) {
    std::size_t done = 0;
    while (done < out_count) {
      int sent = ::sendmmsg(fd, out_msg.data() + done, static_cast<unsigned>(out_count - done), 0);
      if (sent > 0) {
        done += static_cast<std::size_t>(sent);
      } else {
        if (sent < 0 && errno == EINTR) continue;
        server.count("send_failed");
        ++done;
      }
    }
    out_count = 0;
  }
};

void send_announce(const Server& server, const UdpSocket& sock, std::FILE* log) {
  Datagram a = server.announce(monotonic_seconds());
  for (const Endpoint& t : server.policy().announce_targets) {
    // An IPv6 target from an IPv4 socket (or the reverse) needs its own socket.
    if (t.is_v4() == !sock.v6()) {
      if (!sock.send_to(a.view(), t) && log)
        std::fprintf(log, "announce to %s failed\n", format_endpoint(t).c_str());
      continue;
    }
    try {
      UdpSocket other = UdpSocket::open(!t.is_v4());
      if (!other.send_to(a.view(), t) && log)
        std::fprintf(log, "announce to %s failed\n", format_endpoint(t).c_str());
    } catch (const std::exception&) {
    }
  }
}

}  // namespace

void run_server(Server& server, const ServerLoopOptions& opt) {
  UdpSocket sock = UdpSocket::bound(opt.listen);
  report::install_interrupt_handlers(true);
  if (server.policy().announce_on_start) send_announce(server, sock, opt.log);
  auto batch = std::make_unique<Batch>();  // ~290 KB: not on the stack
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
    std::size_t want = Batch::kIn;
    if (opt.max_requests != 0) want = std::min<std::uint64_t>(want, opt.max_requests - handled);
    std::size_t got = batch->receive(sock.fd(), want);
    if (got == 0) {
      pollfd p{sock.fd(), POLLIN, 0};
      ::poll(&p, 1, 200);
      if (p.revents & POLLIN) got = batch->receive(sock.fd(), want);
    }
    const std::uint64_t now = monotonic_seconds();  // one clock read per batch: the server clock is seconds
    for (std::size_t i = 0; i < got; ++i) {
      ++handled;
      const auto& h = batch->in_msg[i].msg_hdr;
      const Endpoint from = from_sockaddr(*static_cast<const sockaddr_storage*>(h.msg_name));
      ByteView req(batch->in[i].data(), std::min<std::size_t>(batch->in_msg[i].msg_len, Batch::kInSize));
      server.handle(req, from, now, out);
      if (batch->out_count + out.count > Batch::kOut) batch->flush(sock.fd(), server);
      for (std::size_t k = 0; k < out.count; ++k)
        batch->queue(out.out[k].view(), i);
      if (opt.log) log_request(opt.log, from, req, out);
    }
    batch->flush(sock.fd(), server);
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
