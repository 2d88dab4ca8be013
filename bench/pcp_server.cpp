// PCP emulator throughput with 10,000 live mappings: (1) the core alone (pcp::Server::handle, refresh
// requests, no sockets); (2) the shipped socket loop (pcp::run_server) on 127.0.0.1, one server thread,
// driven by a client thread keeping a window of requests in flight. Prints requests per second.
//   bench_pcp_server [MAPPINGS] [REQUESTS]
#include <time.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/server.hpp"
#include "pktmap/pcp/server_loop.hpp"
#include "pktmap/pcp/udp_socket.hpp"

using namespace pktmap;
using namespace pktmap::pcp;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::vector<std::uint8_t>> requests(const PcpAddress& client, unsigned n) {
  std::vector<std::vector<std::uint8_t>> out;
  for (unsigned i = 0; i < n; ++i) {
    Request r;
    r.lifetime = 3600;
    r.client_ip = client;
    r.nonce.fill(0x42);
    r.protocol = 17;
    r.internal_port = static_cast<std::uint16_t>(2000 + i);
    r.external_ip = codec::pcp_ipv4_mapped(0);
    std::vector<std::uint8_t> b(codec::kPcpMaxLen);
    b.resize(build_request(r, b));
    out.push_back(std::move(b));
  }
  return out;
}

ServerPolicy policy() {
  ServerPolicy p;
  p.announce_on_start = false;
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned mappings = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 10000;
  const unsigned total = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 1'000'000;
  const Endpoint lo = *parse_endpoint("127.0.0.1", 0);

  {  // (1) the core
    Server s(policy(), 1000);
    auto reqs = requests(lo.addr, mappings);
    ResponseBatch out;
    Endpoint from{lo.addr, 40000};
    for (const auto& r : reqs)
      s.handle(r, from, 1000, out);
    if (s.table().size() != mappings) {
      std::fprintf(stderr, "expected %u mappings, have %zu\n", mappings, s.table().size());
      return 1;
    }
    auto t0 = Clock::now();
    std::size_t answers = 0;
    for (unsigned i = 0; i < total; ++i) {
      s.handle(reqs[i % mappings], from, 1000 + i / 200000, out);
      answers += out.count;
    }
    double sec = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("core:     %u refreshes over %u live mappings: %.0f requests/s (%.0f ns each), %zu answers\n",
                total, mappings, total / sec, sec * 1e9 / total, answers);
  }

  {  // (2) the socket loop on loopback
    UdpSocket probe = UdpSocket::bound(lo);
    Endpoint server_ep = probe.local();  // a free port, released just before the server binds it
    probe = UdpSocket();
    Server s(policy(), monotonic_seconds());
    const unsigned loop_total = total / 4;
    ServerLoopOptions opt;
    opt.listen = server_ep;
    opt.max_requests = loop_total + mappings;
    // The server thread's own CPU time: on a shared machine wall time also counts waiting for a core.
    double server_cpu = 0;
    std::thread server([&] {
      timespec a, b;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
      run_server(s, opt);
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
      server_cpu =
          static_cast<double>(b.tv_sec - a.tv_sec) + static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e9;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    UdpSocket c = UdpSocket::bound(lo);
    auto reqs = requests(lo.addr, mappings);
    std::array<std::uint8_t, 2048> buf;
    Endpoint from;
    for (const auto& r : reqs) {  // create the mappings
      c.send_to(r, server_ep);
      if (!c.recv_from(buf, from, std::chrono::milliseconds(1000))) {
        std::fprintf(stderr, "no answer while creating mappings\n");
        return 1;
      }
    }
    const unsigned window = 32;
    unsigned sent = 0, got = 0, lost = 0;
    auto t0 = Clock::now();
    while (got + lost < loop_total) {
      while (sent < loop_total && sent - got - lost < window) {
        c.send_to(reqs[sent % mappings], server_ep);
        ++sent;
      }
      if (c.recv_from(buf, from, std::chrono::milliseconds(200)))
        ++got;
      else
        lost += sent - got - lost;  // a timed-out window counts as lost
    }
    double sec = std::chrono::duration<double>(Clock::now() - t0).count();
    server.join();
    std::printf(
        "loopback: %u refreshes over %u live mappings: %.0f requests/s answered (%u lost); server thread CPU "
        "%.2f s = %.0f requests per CPU-second (creation included); %zu mappings\n",
        loop_total, mappings, got / sec, lost, server_cpu, (loop_total + mappings) / server_cpu,
        s.table().size());
  }
  return 0;
}
