// The client against a scripted server thread on 127.0.0.1: real UDP sockets, real timers (small values).
#include "pktmap/pcp/client.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <thread>

#include "pcp_test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcp;
using namespace std::chrono_literals;
namespace res = codec::pcp_result;

namespace {

// A server thread: for every request it receives, `script` decides what to send back (and from which
// socket: the server's own, or a rogue one on another port).
class ScriptedServer {
 public:
  struct Send {
    std::vector<std::uint8_t> bytes;
    bool from_rogue = false;
    Millis delay{0};
  };
  using Script = std::function<std::vector<Send>(const codec::PcpView& req, unsigned nth)>;

  explicit ScriptedServer(Script s)
      : sock_(UdpSocket::bound(*parse_endpoint("127.0.0.1", 0))),
        rogue_(UdpSocket::bound(*parse_endpoint("127.0.0.1", 0))),
        script_(std::move(s)),
        thread_([this] { loop(); }) {}
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
  }
  Endpoint endpoint() const { return sock_.local(); }
  unsigned requests() const { return requests_; }

  // A response to `req` (its MAP data echoed, options as given).
  static std::vector<std::uint8_t> answer(const codec::PcpView& req, std::uint8_t result, std::uint32_t epoch,
                                          std::uint16_t ext_port, std::optional<PcpPortSet> ps = {},
                                          std::optional<PcpNonce> nonce = {}, std::uint32_t lifetime = 600) {
    std::array<std::uint8_t, 64> opts;
    ByteWriter ow(opts);
    if (ps) codec::write_pcp_port_set(ow, *ps);
    codec::PcpResponseFields f;
    f.opcode = req.opcode;
    f.result_code = result;
    f.lifetime = lifetime;
    f.epoch = epoch;
    f.map = req.map;
    if (nonce) f.map.nonce = *nonce;
    f.map.external_port = ext_port;
    f.map.external_ip = test::addr("192.0.2.3");
    f.peer = req.peer;
    f.options = ow.written();
    std::vector<std::uint8_t> b(codec::kPcpMaxLen);
    ByteWriter w(b);
    codec::write_pcp_response(w, f);
    b.resize(w.size());
    return b;
  }

 private:
  void loop() {
    std::array<std::uint8_t, 2048> buf;
    while (!stop_) {
      Endpoint from;
      auto got = sock_.recv_from(buf, from, 20ms);
      if (!got) continue;
      auto v = codec::parse_pcp(ByteView(buf.data(), *got));
      unsigned nth = ++requests_;
      for (const Send& s : script_(v.value(), nth)) {
        if (s.delay.count()) std::this_thread::sleep_for(s.delay);
        (s.from_rogue ? rogue_ : sock_).send_to(ByteView(s.bytes.data(), s.bytes.size()), from);
      }
    }
  }

  UdpSocket sock_;
  UdpSocket rogue_;
  Script script_;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> requests_{0};
  std::thread thread_;
};

ClientOptions fast(const Endpoint& server) {
  ClientOptions o;
  o.server = server;
  o.retransmit.irt = 50ms;
  o.retransmit.mrt = 400ms;
  o.retransmit.mrc = 4;
  o.settle = 150ms;
  o.seed = 7;
  return o;
}

Request map_from(const Client& c, std::uint16_t port, std::uint16_t set = 0) {
  Request r = test::map_request(port, set);
  r.client_ip = c.local().addr;
  r.nonce = random_nonce();
  return r;
}

}  // namespace

TEST_CASE("client: wrong nonce, wrong source and wrong opcode are ignored and counted", "[pcp][client]") {
  ScriptedServer srv([](const codec::PcpView& req, unsigned) {
    PcpNonce other = test::nonce(0xEE);
    codec::PcpView as_peer = req;
    as_peer.opcode = codec::pcp_op::peer;
    auto wrong_op = ScriptedServer::answer(as_peer, res::success, 10, 3000);
    return std::vector<ScriptedServer::Send>{
        {ScriptedServer::answer(req, res::success, 10, 3001, {}, other)},
        {ScriptedServer::answer(req, res::success, 10, 3002), true},
        {wrong_op},
        {ScriptedServer::answer(req, res::success, 10, 3003)},
    };
  });
  Client c(fast(srv.endpoint()));
  auto ex = c.exchange(map_from(c, 5060));
  REQUIRE(ex.responses.size() == 1);
  CHECK(ex.responses[0].external_port == 3003);
  CHECK(ex.transmissions == 1);
  CHECK(c.counters().get("rsp_wrong_nonce") == 1);
  CHECK(c.counters().get("rsp_wrong_source") == 1);
  CHECK(c.counters().get("rsp_wrong_opcode") == 1);
}

TEST_CASE("client: retransmits the same request until answered", "[pcp][client]") {
  std::vector<std::vector<std::uint8_t>> seen;
  std::mutex mu;
  ScriptedServer srv([&](const codec::PcpView& req, unsigned nth) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(req.map.nonce.begin(), req.map.nonce.end());
    if (nth < 3) return std::vector<ScriptedServer::Send>{};  // drop the first two
    return std::vector<ScriptedServer::Send>{{ScriptedServer::answer(req, res::success, 10, 3000)}};
  });
  Client c(fast(srv.endpoint()));
  auto ex = c.exchange(map_from(c, 5060));
  REQUIRE(ex.answered());
  CHECK(ex.transmissions == 3);
  // RT1 ~ 50 ms and RT2 ~ 100 ms, each -10%: the answer cannot come before ~135 ms.
  CHECK(ex.elapsed >= 130ms);
  CHECK(ex.elapsed < 1000ms);
  std::lock_guard<std::mutex> lock(mu);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == seen[1]);
  CHECK(seen[1] == seen[2]);
}

TEST_CASE("client: gives up after MRC retransmissions or MRD", "[pcp][client]") {
  ScriptedServer srv([](const codec::PcpView&, unsigned) { return std::vector<ScriptedServer::Send>{}; });
  auto o = fast(srv.endpoint());
  o.retransmit.mrc = 2;
  Client c(o);
  auto ex = c.exchange(map_from(c, 5060));
  CHECK_FALSE(ex.answered());
  CHECK(ex.transmissions == 3);
  CHECK(srv.requests() == 3);
  o.retransmit.mrc = 0;
  o.retransmit.mrd = 300ms;
  Client d(o);
  auto t0 = std::chrono::steady_clock::now();
  auto ex2 = d.exchange(map_from(d, 5060));
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK_FALSE(ex2.answered());
  CHECK(took >= 290ms);
  CHECK(took < 700ms);
  CHECK(ex2.transmissions >= 3);  // 50 + 100 + 200 ms fit in 300 ms roughly
}

TEST_CASE("client: a delayed answer to an earlier transmission is accepted once; duplicates ignored",
          "[pcp][client]") {
  ScriptedServer srv([](const codec::PcpView& req, unsigned nth) {
    if (nth > 1) return std::vector<ScriptedServer::Send>{};
    auto a =
        ScriptedServer::answer(req, res::success, 10, 3000, PcpPortSet{4, req.map.internal_port, false, 0});
    return std::vector<ScriptedServer::Send>{{a, false, 80ms}, {a}};
  });
  Client c(fast(srv.endpoint()));
  auto ex = c.exchange(map_from(c, 5060, 4));
  REQUIRE(ex.responses.size() == 1);
  CHECK(ex.responses[0].granted_ports() == 4);
  CHECK(c.counters().get("rsp_duplicate") == 1);
  CHECK(ex.transmissions >= 2);  // the first answer came after the 50 ms IRT
}

TEST_CASE("client: every answer to an overlapping PORT_SET request is collected; fewer ports reported",
          "[pcp][client]") {
  ScriptedServer srv([](const codec::PcpView& req, unsigned) {
    codec::PcpView second = req;
    second.map.internal_port = static_cast<std::uint16_t>(req.map.internal_port + 1);
    codec::PcpView outside = req;
    outside.map.internal_port = static_cast<std::uint16_t>(req.map.internal_port + 200);
    return std::vector<ScriptedServer::Send>{
        {ScriptedServer::answer(req, res::success, 10, 3100)},
        {ScriptedServer::answer(second, res::success, 10, 3201,
                                PcpPortSet{99, second.map.internal_port, false, 0}),
         false, 30ms},
        {ScriptedServer::answer(outside, res::success, 10, 3300)},
    };
  });
  Client c(fast(srv.endpoint()));
  auto ex = c.exchange(map_from(c, 100, 100));
  REQUIRE(ex.responses.size() == 2);
  CHECK(ex.responses[0].granted_ports() == 1);
  CHECK(ex.responses[1].granted_ports() == 99);
  CHECK(c.counters().get("rsp_wrong_internal_port") == 1);
  CHECK(ex.transmissions == 1);  // fewer ports than asked is an answer, not a reason to retry
  CHECK(srv.requests() == 1);
}

TEST_CASE("client: keep renews at half the lifetime and re-creates after state loss", "[pcp][client]") {
  std::atomic<unsigned> epoch_base{5000};
  ScriptedServer srv([&](const codec::PcpView& req, unsigned nth) {
    // The third request finds a server that restarted: its epoch starts again from 0.
    if (nth == 3) epoch_base = 0;
    return std::vector<ScriptedServer::Send>{
        {ScriptedServer::answer(req, res::success, epoch_base + nth / 3, 3000, {}, {}, 1)}};
  });
  Client c(fast(srv.endpoint()));
  std::vector<bool> valid;
  auto last =
      c.keep(map_from(c, 5060), 1300ms, [&](const Exchange& ex, bool) { valid.push_back(ex.epoch_valid); });
  CHECK(last.success());
  // t=0 create, t=0.5 renew, t=1.0 renew sees epoch 1 -> re-create at once, then nothing until 1.3 s.
  REQUIRE(valid.size() == 4);
  CHECK(valid[0]);
  CHECK(valid[1]);
  CHECK_FALSE(valid[2]);
  CHECK(valid[3]);
  CHECK(c.recreated() == 1);
  CHECK(srv.requests() == 4);
}
