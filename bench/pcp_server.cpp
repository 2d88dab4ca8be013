// PCP emulator throughput with 10,000 live mappings (goal: >= 100,000 requests/s on one core):
//   (1) the core alone (pcp::Server::handle, refresh requests, no sockets);
//   (2) the shipped socket loop (pcp::run_server) on 127.0.0.1, one server thread, driven by a client
//       thread that keeps a window of requests in flight with sendmmsg/recvmmsg.
// The figure compared with the goal is requests per second of the server thread's own CPU time: on a shared
// machine wall time also counts waiting for a core (and the driver shares the cores).
//
//   bench_pcp_server [MAPPINGS] [REQUESTS]
//   bench_pcp_server --drive ADDR:PORT [MAPPINGS] [REQUESTS] [WINDOW] [--wait]
// --drive only runs the load generator against a running server (bench/pcp_vs_miniupnpd.py uses it for
// both the emulator and miniupnpd in namespaces): it creates MAPPINGS MAP mappings one by one (UDP,
// internal ports 20000..), prints "created: ...", waits for a line on stdin with --wait, then keeps WINDOW
// refreshes of them in flight until REQUESTS are answered or lost, and prints one line "drive: created=N
// create_s=S answered=N lost=N seconds=S rps=R results=CODE:COUNT,...".
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "pktmap/pcp/client.hpp"
#include "pktmap/pcp/message.hpp"
#include "pktmap/pcp/server.hpp"
#include "pktmap/pcp/server_loop.hpp"
#include "pktmap/pcp/udp_socket.hpp"

using namespace pktmap;
using namespace pktmap::pcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kGoal = 100000;  // requests per second on one core (issue 4)

std::vector<std::vector<std::uint8_t>> requests(const PcpAddress& client, unsigned n, std::uint16_t first) {
  std::vector<std::vector<std::uint8_t>> out;
  for (unsigned i = 0; i < n; ++i) {
    Request r;
    r.lifetime = 3600;
    r.client_ip = client;
    r.nonce.fill(0x42);
    r.protocol = 17;
    r.internal_port = static_cast<std::uint16_t>(first + i);
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

struct DriveResult {
  unsigned answered = 0, lost = 0;
  double seconds = 0;
  std::map<int, unsigned> results;  // result code -> answers
};

// Keeps up to `window` requests in flight: sendmmsg a burst, recvmmsg what came back. Requests that get no
// answer within 2 s count as lost (a server may drop under load or rate-limit).
DriveResult drive(const UdpSocket& c, const Endpoint& server,
                  const std::vector<std::vector<std::uint8_t>>& reqs, unsigned total, unsigned window) {
  constexpr unsigned kBurst = 64;
  sockaddr_storage to{};
  const socklen_t to_len = to_sockaddr(server, to, c.v6());
  std::array<iovec, kBurst> siov{};
  std::array<mmsghdr, kBurst> smsg{};
  std::array<std::array<std::uint8_t, 2048>, kBurst> rbuf{};
  std::array<iovec, kBurst> riov{};
  std::array<mmsghdr, kBurst> rmsg{};
  for (unsigned i = 0; i < kBurst; ++i) {
    riov[i] = {rbuf[i].data(), rbuf[i].size()};
    rmsg[i].msg_hdr.msg_iov = &riov[i];
    rmsg[i].msg_hdr.msg_iovlen = 1;
    smsg[i].msg_hdr.msg_iov = &siov[i];
    smsg[i].msg_hdr.msg_iovlen = 1;
    smsg[i].msg_hdr.msg_name = &to;
    smsg[i].msg_hdr.msg_namelen = to_len;
  }
  DriveResult r;
  unsigned sent = 0;
  const auto t0 = Clock::now();
  while (r.answered + r.lost < total) {
    const unsigned in_flight = sent - r.answered - r.lost;
    const unsigned n = std::min({kBurst, total - sent, window > in_flight ? window - in_flight : 0U});
    for (unsigned i = 0; i < n; ++i) {
      const auto& q = reqs[(sent + i) % reqs.size()];
      siov[i] = {const_cast<std::uint8_t*>(q.data()), q.size()};
    }
    if (n > 0) {
      int s = ::sendmmsg(c.fd(), smsg.data(), n, 0);
      if (s > 0) sent += static_cast<unsigned>(s);
    }
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) {
      r.lost += sent - r.answered - r.lost;  // a silent window counts as lost
      continue;
    }
    int got = ::recvmmsg(c.fd(), rmsg.data(), kBurst, MSG_DONTWAIT, nullptr);
    for (int i = 0; i < got; ++i) {
      ++r.answered;
      if (rmsg[i].msg_len >= 4) ++r.results[rbuf[i][3]];
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

int run_drive(const Endpoint& server, unsigned mappings, unsigned total, unsigned window, bool wait) {
  UdpSocket c = UdpSocket::bound(Endpoint{source_address_for(server), 0});
  auto reqs = requests(c.local().addr, mappings, 20000);
  // Create the mappings one at a time (a server may be slow to create: it installs firewall rules).
  std::array<std::uint8_t, 2048> buf;
  Endpoint from;
  unsigned created = 0;
  const auto t0 = Clock::now();
  for (const auto& r : reqs) {
    c.send_to(r, server);
    if (c.recv_from(buf, from, std::chrono::milliseconds(2000)) && buf[3] == 0) ++created;
  }
  const double create_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("created: %u of %u in %.3f s\n", created, mappings, create_s);
  std::fflush(stdout);
  if (wait) {  // the caller samples the server's CPU time now, then says go
    char line[16];
    if (!std::fgets(line, sizeof line, stdin)) return 1;
  }
  DriveResult d = drive(c, server, reqs, total, window);
  std::printf("drive: created=%u create_s=%.3f answered=%u lost=%u seconds=%.3f rps=%.0f results=", created,
              create_s, d.answered, d.lost, d.seconds, d.answered / d.seconds);
  const char* sep = "";
  for (const auto& [code, n] : d.results) {
    std::printf("%s%d:%u", sep, code, n);
    sep = ",";
  }
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::strcmp(argv[1], "--drive") == 0) {
    auto server = parse_endpoint(argv[2], codec::kPcpServerPort);
    if (!server) {
      std::fprintf(stderr, "bench_pcp_server: --drive needs ADDR:PORT\n");
      return 1;
    }
    const unsigned m = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 10000;
    const unsigned n = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 200000;
    const unsigned window = argc > 5 ? static_cast<unsigned>(std::atoi(argv[5])) : 128;
    const bool wait = argc > 6 && std::strcmp(argv[6], "--wait") == 0;
    return run_drive(*server, m, n, window, wait);
  }
  const unsigned mappings = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 10000;
  const unsigned total = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 1'000'000;
  const Endpoint lo = *parse_endpoint("127.0.0.1", 0);

  {  // (1) the core
    Server s(policy(), 1000);
    auto reqs = requests(lo.addr, mappings, 2000);
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
    const unsigned loop_total = total / 2;
    ServerLoopOptions opt;
    opt.listen = server_ep;
    std::thread server([&] { run_server(s, opt); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    UdpSocket c = UdpSocket::bound(lo);
    auto reqs = requests(lo.addr, mappings, 2000);
    std::array<std::uint8_t, 2048> buf;
    Endpoint from;
    for (const auto& r : reqs) {  // create the mappings
      c.send_to(r, server_ep);
      if (!c.recv_from(buf, from, std::chrono::milliseconds(1000))) {
        std::fprintf(stderr, "no answer while creating mappings\n");
        return 1;
      }
    }
    // The server thread's CPU time over the refresh phase only (its clock, read from this thread).
    timespec cpu0;
    clockid_t server_clock;
    pthread_getcpuclockid(server.native_handle(), &server_clock);
    clock_gettime(server_clock, &cpu0);
    DriveResult d = drive(c, server_ep, reqs, loop_total, 128);
    timespec cpu1;
    clock_gettime(server_clock, &cpu1);
    const double server_cpu = static_cast<double>(cpu1.tv_sec - cpu0.tv_sec) +
                              static_cast<double>(cpu1.tv_nsec - cpu0.tv_nsec) / 1e9;
    std::raise(SIGTERM);  // run_server stops on the interrupt flag
    server.join();
    const double per_cpu = d.answered / server_cpu;
    std::printf(
        "loopback: %u refreshes over %u live mappings: %.0f requests/s answered (wall, %u lost); server "
        "thread "
        "CPU %.3f s = %.0f requests per CPU-second; %zu mappings\n",
        loop_total, mappings, d.answered / d.seconds, d.lost, server_cpu, per_cpu, s.table().size());
    std::printf("goal:     >= %.0f requests/s on one core: %.2fx the goal (%s)\n", kGoal, per_cpu / kGoal,
                per_cpu >= kGoal ? "met" : "NOT met");
  }
  return 0;
}
