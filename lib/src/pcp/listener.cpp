#include "pktmap/pcp/listener.hpp"

#include <poll.h>

#include "pktmap/error.hpp"

namespace pktmap::pcp {

Listener::Listener(std::uint16_t port, bool want_v4, bool want_v6) {
  auto add = [&](const char* any, const char* group) {
    try {
      UdpSocket s = UdpSocket::bound(*parse_endpoint(any, port), true);
      try {
        s.join_group(*parse_address(group));
      } catch (const SetupError& e) {
        // The host is a member of the all-nodes groups anyway (RFC 1112 / RFC 4291); keep listening.
        warnings_.push_back(e.what());
      }
      socks_.push_back(std::move(s));
    } catch (const SetupError& e) {
      warnings_.push_back(e.what());
    }
  };
  if (want_v4) add("0.0.0.0", "224.0.0.1");
  if (want_v6) add("[::]", "ff02::1");
  if (socks_.empty())
    throw SetupError("cannot listen on port " + std::to_string(port) +
                     (warnings_.empty() ? std::string() : ": " + warnings_.front()));
}

std::optional<Heard> Listener::next(Millis timeout) {
  pollfd p[2];
  for (std::size_t i = 0; i < socks_.size(); ++i)
    p[i] = {socks_[i].fd(), POLLIN, 0};
  int n = ::poll(p, static_cast<nfds_t>(socks_.size()),
                 timeout.count() < 0 ? -1 : static_cast<int>(timeout.count()));
  if (n <= 0) return std::nullopt;
  for (std::size_t i = 0; i < socks_.size(); ++i) {
    if (!(p[i].revents & POLLIN)) continue;
    std::array<std::uint8_t, 2048> buf;
    Heard h;
    auto got = socks_[i].recv_from(buf, h.from, Millis(0));
    if (!got) return std::nullopt;
    h.length = *got;
    h.response = decode_response(ByteView(buf.data(), std::min(*got, buf.size())), h.problem);
    return h;
  }
  return std::nullopt;
}

}  // namespace pktmap::pcp
