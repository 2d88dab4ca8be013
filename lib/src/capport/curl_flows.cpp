// libcurl socket hooks recording the probe's connections (see curl_flows.hpp).
#include "curl_flows.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>

namespace pktmap::capport {

namespace {

// The 5-tuple of a TCP socket libcurl opened (local from getsockname, remote as connected to).
void record(CurlFlowRecorder& t, int fd, const sockaddr_storage& remote) {
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
      local.ss_family != remote.ss_family)
    return;
  flow::FiveTuple f;
  f.proto = 6;
  if (remote.ss_family == AF_INET) {
    const auto* l = reinterpret_cast<const sockaddr_in*>(&local);
    const auto* r = reinterpret_cast<const sockaddr_in*>(&remote);
    if (l->sin_port == 0) return;  // not bound yet
    f.ip_version = 4;
    std::memcpy(f.src.data(), &l->sin_addr, 4);
    std::memcpy(f.dst.data(), &r->sin_addr, 4);
    f.sport = ntohs(l->sin_port);
    f.dport = ntohs(r->sin_port);
  } else if (remote.ss_family == AF_INET6) {
    const auto* l = reinterpret_cast<const sockaddr_in6*>(&local);
    const auto* r = reinterpret_cast<const sockaddr_in6*>(&remote);
    if (l->sin6_port == 0) return;
    f.ip_version = 6;
    std::memcpy(f.src.data(), &l->sin6_addr, 16);
    std::memcpy(f.dst.data(), &r->sin6_addr, 16);
    f.sport = ntohs(l->sin6_port);
    f.dport = ntohs(r->sin6_port);
  } else {
    return;
  }
  if (!t.out) return;
  for (const auto& known : *t.out)
    if (known.tuple == f) return;
  t.out->push_back({f, t.label});
}

// libcurl's socket hooks: remember each socket and its remote end, and read the local end while the
// connection is being made and once more when it is closed (a rejected connect closes it).
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* a) {
  auto* t = static_cast<CurlFlowRecorder*>(user);
  int fd = ::socket(a->family, a->socktype, a->protocol);
  if (fd >= 0 && a->addrlen <= sizeof(sockaddr_storage)) {
    sockaddr_storage remote{};
    std::memcpy(&remote, &a->addr, a->addrlen);
    t->fds.emplace_back(fd, remote);
  }
  return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

int on_close_socket(void* user, curl_socket_t fd) {
  auto* t = static_cast<CurlFlowRecorder*>(user);
  for (auto it = t->fds.begin(); it != t->fds.end(); ++it) {
    if (it->first != fd) continue;
    record(*t, fd, it->second);
    t->fds.erase(it);
    break;
  }
  return ::close(fd);
}

}  // namespace

void CurlFlowRecorder::install(CURL* e) {
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
}

void CurlFlowRecorder::sweep() {
  for (const auto& [fd, remote] : fds)
    record(*this, fd, remote);
}

}  // namespace pktmap::capport
