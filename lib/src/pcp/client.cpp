#include "pktmap/pcp/client.hpp"

#include <algorithm>
#include <thread>

#include "pktmap/error.hpp"
#include "pktmap/report/interrupt.hpp"

namespace pktmap::pcp {

namespace c = codec;
using Clock = std::chrono::steady_clock;

bool Exchange::success() const {
  return answered() && std::all_of(responses.begin(), responses.end(),
                                   [](const Response& r) { return r.result == c::pcp_result::success; });
}

std::uint8_t Exchange::first_error() const {
  for (const auto& r : responses)
    if (r.result != c::pcp_result::success) return r.result;
  return 0;
}

PcpAddress source_address_for(const Endpoint& server) {
  UdpSocket probe = UdpSocket::open(!server.is_v4());
  probe.connect_to(server);
  return probe.local().addr;
}

Client::Client(ClientOptions o) : opt_(std::move(o)), seed_(opt_.seed) {
  PcpAddress addr = opt_.bind_address ? *opt_.bind_address : source_address_for(opt_.server);
  // Unconnected on purpose: answers from other sources must reach us so they can be counted and ignored.
  sock_ = UdpSocket::bound(Endpoint{addr, opt_.bind_port});
  local_ = sock_.local();
}

std::int64_t Client::clock_s() const {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start_).count();
}

// The answer to request r, per RFC 6887 §8.3 (source, opcode), §11.3 / §12.3 (nonce, protocol, ports) and
// RFC 7753 §4.4.1 (an overlap answer names a port inside the requested range).
bool Client::matches(const Request& r, const Response& rsp) {
  if (rsp.opcode != r.opcode) {
    counters_.add("rsp_wrong_opcode");
    return false;
  }
  if (r.opcode == c::pcp_op::announce) return true;
  if (rsp.nonce != r.nonce) {
    counters_.add("rsp_wrong_nonce");
    return false;
  }
  if (rsp.protocol != r.protocol) {
    counters_.add("rsp_wrong_protocol");
    return false;
  }
  std::uint32_t span = r.port_set ? std::max<std::uint32_t>(r.port_set->size, 1) : 1;
  if (rsp.internal_port < r.internal_port || rsp.internal_port >= std::uint32_t{r.internal_port} + span) {
    counters_.add("rsp_wrong_internal_port");
    return false;
  }
  if (r.opcode == c::pcp_op::peer && !(rsp.remote_peer == r.remote_peer)) {
    counters_.add("rsp_wrong_remote_peer");
    return false;
  }
  return true;
}

namespace {
bool same_answer(const Response& a, const Response& b) {
  auto ps = [](const Response& r) {
    return r.port_set ? (std::uint32_t{r.port_set->size} << 16 | r.port_set->first_internal_port) : 0u;
  };
  return a.result == b.result && a.internal_port == b.internal_port && a.external_port == b.external_port &&
         a.external_ip == b.external_ip && ps(a) == ps(b);
}
}  // namespace

Exchange Client::exchange(const Request& r) {
  std::array<std::uint8_t, c::kPcpMaxLen> req;
  std::size_t len = build_request(r, req);
  if (len == 0) throw SetupError("request does not fit in 1100 bytes");
  RetransmitSchedule sched(opt_.retransmit, seed_++);
  Exchange ex;
  const auto t0 = Clock::now();
  auto send = [&] {
    if (!sock_.send_to(ByteView(req.data(), len), opt_.server)) counters_.add("send_failed");
    ++ex.transmissions;
    return Clock::now() + sched.next();
  };
  auto retransmit_at = send();
  Clock::time_point settle_until{};
  std::array<std::uint8_t, 2048> buf;
  while (!report::interrupted()) {
    auto now = Clock::now();
    auto until = ex.answered() ? settle_until : retransmit_at;
    if (now >= until) {
      if (ex.answered()) break;
      if (!sched.may_retransmit(ex.transmissions, std::chrono::duration_cast<Millis>(now - t0))) break;
      retransmit_at = send();
      continue;
    }
    auto wait = std::chrono::ceil<Millis>(until - now);
    // MRD also bounds the wait for the last answer.
    if (opt_.retransmit.mrd.count() > 0 && !ex.answered())
      wait = std::min(
          wait, std::max(Millis(0), opt_.retransmit.mrd - std::chrono::duration_cast<Millis>(now - t0)));
    Endpoint from;
    auto got = sock_.recv_from(buf, from, wait);
    if (!got) {
      if (opt_.retransmit.mrd.count() > 0 && !ex.answered() && Clock::now() - t0 >= opt_.retransmit.mrd)
        break;
      continue;
    }
    if (!(from == opt_.server)) {
      counters_.add("rsp_wrong_source");
      continue;
    }
    std::string_view why;
    auto rsp = decode_response(ByteView(buf.data(), std::min(*got, buf.size())), why);
    if (!rsp) {
      counters_.add(why);
      continue;
    }
    if (!matches(r, *rsp)) continue;
    if (std::any_of(ex.responses.begin(), ex.responses.end(),
                    [&](const Response& prev) { return same_answer(prev, *rsp); })) {
      counters_.add("rsp_duplicate");
      continue;
    }
    if (!epoch_.update(rsp->epoch, clock_s())) {
      ex.epoch_valid = false;
      counters_.add("epoch_invalid");
    }
    if (r.port_set && rsp->result == c::pcp_result::success && rsp->port_set &&
        rsp->port_set->size == r.port_set->size &&
        rsp->port_set->first_internal_port == r.port_set->first_internal_port &&
        rsp->port_set->parity == r.port_set->parity && rsp->port_set->reserved == r.port_set->reserved)
      rsp->port_set_echoed = true;
    counters_.add("rsp_accepted");
    ex.responses.push_back(std::move(*rsp));
    if (ex.responses.size() == 1) settle_until = Clock::now() + (r.port_set ? opt_.settle : Millis(0));
  }
  ex.elapsed = std::chrono::duration_cast<Millis>(Clock::now() - t0);
  return ex;
}

bool Client::unsolicited_shows_loss(ByteView data, const Endpoint& from) {
  if (!(from == opt_.server)) {
    counters_.add("rsp_wrong_source");
    return false;
  }
  std::string_view why;
  auto rsp = decode_response(data, why);
  if (!rsp) {
    counters_.add(why);
    return false;
  }
  counters_.add("unsolicited");
  if (epoch_.update(rsp->epoch, clock_s())) return false;
  counters_.add("epoch_invalid");
  return true;
}

Exchange Client::keep(Request r, Millis duration,
                      const std::function<void(const Exchange&, bool)>& on_exchange) {
  const auto t0 = Clock::now();
  auto remaining = [&] {
    return duration.count() == 0 ? Millis::max()
                                 : std::chrono::duration_cast<Millis>(t0 + duration - Clock::now());
  };
  bool renewal = false;
  Exchange ex;
  std::array<std::uint8_t, 2048> buf;
  while (!report::interrupted()) {
    ex = exchange(r);
    if (renewal && !ex.epoch_valid) ++recreated_;
    on_exchange(ex, renewal);
    if (!ex.success()) return ex;
    const Response& first = ex.responses.front();
    // Ask for what was granted: same external address and port (regenerates the mapping after state loss),
    // and a PORT_SET only for a set (RFC 7753 §4.4: never for a single-port refresh).
    r.external_ip = first.external_ip;
    r.external_port = first.external_port;
    r.internal_port = first.port_set ? first.port_set->first_internal_port : first.internal_port;
    if (first.port_set && first.port_set->size > 1) {
      bool parity = r.port_set ? r.port_set->parity : first.port_set->parity;
      r.port_set = PcpPortSet{first.port_set->size, first.port_set->first_internal_port, parity, 0};
    } else {
      r.port_set.reset();
    }
    renewal = true;
    if (!ex.epoch_valid) continue;  // the server lost state: re-create at once
    auto next = Clock::now() + Millis(std::int64_t{first.lifetime} * 500);
    bool lost = false;
    while (!lost && !report::interrupted() && Clock::now() < next && remaining() > Millis(0)) {
      auto wait = std::min(std::chrono::ceil<Millis>(next - Clock::now()), remaining());
      Endpoint from;
      if (auto got = sock_.recv_from(buf, from, std::min(wait, Millis(1000))))
        lost = unsolicited_shows_loss(ByteView(buf.data(), std::min(*got, buf.size())), from);
    }
    if (remaining() <= Millis(0)) return ex;
    if (lost) ++recreated_;
  }
  return ex;
}

}  // namespace pktmap::pcp
