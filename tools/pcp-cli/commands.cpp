#include "commands.hpp"

#include <cmath>
#include <cstdio>

#include "pktmap/error.hpp"
#include "pktmap/pcp/client.hpp"
#include "pktmap/pcp/client_report.hpp"
#include "pktmap/pcp/listener.hpp"
#include "pktmap/pcp/server_loop.hpp"
#include "pktmap/report/interrupt.hpp"

namespace pktmap::pcpcli {

namespace c = codec;
using pcp::Endpoint;
using pcp::PcpAddress;

namespace {

void add_common(CLI::App* s, ClientArgs& a) {
  s->add_option("--server", a.server,
                "PCP server (default: the IPv4 default gateway), port 5351 unless given")
      ->type_name("ADDR[:PORT]");
  s->add_option("--client-ip", a.client_ip, "PCP Client's IP Address field (default: the socket's source)")
      ->type_name("IP");
  s->add_flag("--json", a.json, "One JSON object per exchange");
  s->add_option("--irt", a.irt, "Initial retransmission time, ms (RFC 6887: 3000)")->type_name("MS");
  s->add_option("--mrt", a.mrt, "Maximum retransmission time, ms (RFC 6887: 1024000)")->type_name("MS");
  s->add_option("--mrc", a.mrc, "Maximum retransmission count (default 0 = unlimited)")->type_name("N");
  s->add_option("--timeout", a.timeout, "Give up after this many seconds (MRD; default 0 = never)")
      ->type_name("SECONDS");
  s->add_option("--settle", a.settle, "Wait this long for further answers to a PORT_SET request, ms")
      ->type_name("MS");
}

void add_mapping(CLI::App* s, ClientArgs& a, bool internal_required) {
  s->add_option("--protocol", a.protocol, "udp, tcp, all or an IANA protocol number")->type_name("PROTO");
  auto* ip = s->add_option("--internal-port", a.internal_port, "Internal port (first port of a set)")
                 ->type_name("PORT")
                 ->check(CLI::Range(0, 65535));
  if (internal_required) ip->required();
  s->add_option("--third-party", a.third_party, "THIRD_PARTY option: map for this internal address")
      ->type_name("IP");
  s->add_option("--nonce", a.nonce, "Mapping nonce (24 hex digits; default random)")->type_name("HEX");
}

std::string describe_problem(const std::string& what, const std::string& value) {
  return what + ": '" + value + "'";
}

PcpAddress need_address(const std::string& text, const char* opt) {
  auto a = pcp::parse_address(text);
  if (!a) throw UsageError(describe_problem(std::string(opt) + " is not an IPv4 or IPv6 address", text));
  return *a;
}

// --filter PREFIX[/LEN][:PORT]: "203.0.113.0/24:443", "[2001:db8::/32]:443", "198.51.100.7".
c::PcpFilter parse_filter(const std::string& text) {
  std::string addr = text;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) throw UsageError(describe_problem("--filter: missing ']'", text));
    addr = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':')
        throw UsageError(describe_problem("--filter: expected ':PORT' after ']'", text));
      port = text.substr(close + 2);
    }
  } else if (text.find(':') != std::string::npos && text.find(':') == text.rfind(':')) {
    addr = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  std::string len_text;
  if (auto slash = addr.find('/'); slash != std::string::npos) {
    len_text = addr.substr(slash + 1);
    addr = addr.substr(0, slash);
  }
  c::PcpFilter f;
  auto a = pcp::parse_address(addr);
  if (!a) throw UsageError(describe_problem("--filter: not an address", text));
  f.remote_peer_ip = *a;
  const bool v4 = c::pcp_is_ipv4_mapped(*a);
  unsigned len = v4 ? 32 : 128;
  try {
    if (!len_text.empty()) len = static_cast<unsigned>(std::stoul(len_text));
    if (!port.empty()) {
      unsigned long p = std::stoul(port);
      if (p > 65535) throw std::out_of_range("port");
      f.remote_peer_port = static_cast<std::uint16_t>(p);
    }
  } catch (const std::exception&) {
    throw UsageError(describe_problem("--filter: bad prefix length or port", text));
  }
  if (len > (v4 ? 32u : 128u)) throw UsageError(describe_problem("--filter: prefix length too long", text));
  f.prefix_length = static_cast<std::uint8_t>(v4 ? 96 + len : len);  // RFC 6887 §13.3
  return f;
}

}  // namespace

Commands::Commands(CLI::App& app) {
  map_ = app.add_subcommand("map", "Create or renew a MAP mapping (inbound port forwarding)");
  add_common(map_, client_);
  add_mapping(map_, client_, true);
  map_->add_option("--external-ip", client_.external_ip, "Suggested external address")->type_name("IP");
  map_->add_option("--external-port", client_.external_port, "Suggested external port (first of a set)")
      ->type_name("PORT")
      ->check(CLI::Range(0, 65535));
  map_->add_option("--lifetime", client_.lifetime, "Requested lifetime, seconds (default 7200)")
      ->type_name("S");
  map_->add_option("--port-set", client_.port_set, "PORT_SET option (RFC 7753): ask for N consecutive ports")
      ->type_name("N")
      ->check(CLI::Range(1, 65535));
  map_->add_flag("--parity", client_.parity, "PORT_SET P bit: keep the port parity (RTP)");
  map_->add_flag("--prefer-failure", client_.prefer_failure,
                 "PREFER_FAILURE option: the suggested port or nothing");
  map_->add_option("--filter", client_.filters,
                   "FILTER option: only this remote prefix may reach the mapping")
      ->type_name("PREFIX[:PORT]");
  map_->add_option("--description", client_.description, "DESCRIPTION option (RFC 7220)")->type_name("TEXT");
  map_->add_flag("--keep", client_.keep,
                 "Keep the mapping alive: renew at half the lifetime until interrupted");
  map_->add_option("--duration", client_.duration, "With --keep: stop after this many seconds")
      ->type_name("S");

  peer_ = app.add_subcommand("peer", "Create or renew a PEER mapping (an outbound flow)");
  add_common(peer_, client_);
  add_mapping(peer_, client_, true);
  peer_->add_option("--remote", client_.remote, "Remote peer")->type_name("ADDR:PORT")->required();
  peer_->add_option("--external-ip", client_.external_ip, "Suggested external address")->type_name("IP");
  peer_->add_option("--external-port", client_.external_port, "Suggested external port")
      ->type_name("PORT")
      ->check(CLI::Range(0, 65535));
  peer_->add_option("--lifetime", client_.lifetime, "Requested lifetime, seconds (default 7200)")
      ->type_name("S");
  peer_->add_option("--description", client_.description, "DESCRIPTION option (RFC 7220)")->type_name("TEXT");

  del_ = app.add_subcommand("delete", "Delete a MAP mapping: lifetime 0 with the mapping's nonce");
  add_common(del_, client_);
  add_mapping(del_, client_, true);
  del_->get_option("--nonce")->required();
  del_->add_option("--port-set", client_.port_set,
                   "The set's size (RFC 7753 §4.4: deletes of a set carry it)")
      ->type_name("N")
      ->check(CLI::Range(1, 65535));

  announce_ = app.add_subcommand("announce", "Ask a server for its epoch (ANNOUNCE)");
  add_common(announce_, client_);

  listen_ = app.add_subcommand("listen", "Print unsolicited ANNOUNCEs and mapping updates (port 5350)");
  listen_->add_option("--port", listen_args_.port, "Port to listen on")->check(CLI::Range(1, 65535));
  listen_->add_option("--timeout", listen_args_.timeout, "Stop after this many seconds (default: never)")
      ->type_name("SECONDS");
  listen_->add_option("-c,--count", listen_args_.count, "Stop after N messages")->type_name("N");
  listen_->add_flag("--json", listen_args_.json, "One JSON object per message");
  listen_->add_flag("-4", listen_args_.v4_only, "IPv4 only (224.0.0.1)");
  listen_->add_flag("-6", listen_args_.v6_only, "IPv6 only (ff02::1)");

  server_ = app.add_subcommand("server", "Run the PCP server emulator (no firewall is touched)");
  server_->add_option("--config", server_args_.config, "Policy file (YAML; see the man page)")
      ->type_name("FILE")
      ->required();
  server_->add_option("--listen", server_args_.listen, "Address and port to serve (default 0.0.0.0:5351)")
      ->type_name("ADDR:PORT");
  server_->add_option("--state-out", server_args_.state_out, "Keep a JSON snapshot of the mappings here")
      ->type_name("FILE");
  server_->add_flag("-v,--verbose", server_args_.verbose, "One line per request on stderr");
  server_->add_option("--max-requests", server_args_.max_requests, "Stop after N datagrams (tests)")
      ->type_name("N");
}

int Commands::run() {
  if (*map_) return run_client("map");
  if (*peer_) return run_client("peer");
  if (*del_) return run_client("delete");
  if (*announce_) return run_client("announce");
  if (*listen_) return run_listen();
  return run_server();
}

int Commands::run_client(const std::string& name) {
  ClientArgs& a = client_;
  if (a.prefer_failure && a.port_set)
    throw UsageError("--prefer-failure cannot be combined with --port-set (RFC 7753 section 4)");
  if (a.parity && !a.port_set) throw UsageError("--parity needs --port-set");
  pcp::ClientOptions co;
  bool gateway = false;
  if (a.server.empty()) {
    auto gw = pcp::default_gateway_v4();
    if (!gw) throw UsageError("no --server given and no IPv4 default gateway in /proc/net/route");
    co.server = Endpoint{*gw, c::kPcpServerPort};
    gateway = true;
  } else {
    auto ep = pcp::parse_endpoint(a.server, c::kPcpServerPort);
    if (!ep) throw UsageError(describe_problem("--server is not ADDR[:PORT]", a.server));
    co.server = *ep;
  }
  co.retransmit.irt = pcp::Millis(a.irt);
  co.retransmit.mrt = pcp::Millis(a.mrt);
  co.retransmit.mrc = a.mrc;
  co.retransmit.mrd = pcp::Millis(static_cast<std::int64_t>(std::llround(a.timeout * 1000)));
  co.settle = pcp::Millis(a.settle);
  pcp::Client client(co);

  pcp::Request rq;
  rq.opcode = name == "announce" ? c::pcp_op::announce : name == "peer" ? c::pcp_op::peer : c::pcp_op::map;
  rq.client_ip = a.client_ip.empty() ? client.local().addr : need_address(a.client_ip, "--client-ip");
  if (rq.opcode != c::pcp_op::announce) {
    auto proto = pcp::parse_protocol(a.protocol);
    if (!proto) throw UsageError(describe_problem("--protocol must be udp, tcp, all or 0-255", a.protocol));
    rq.protocol = *proto;
    rq.internal_port = static_cast<std::uint16_t>(a.internal_port);
    rq.external_port = static_cast<std::uint16_t>(a.external_port);
    rq.external_ip = a.external_ip.empty() ? pcp::any_address_like(rq.client_ip)
                                           : need_address(a.external_ip, "--external-ip");
    rq.lifetime = name == "delete" ? 0 : a.lifetime;
    if (a.nonce.empty()) {
      rq.nonce = pcp::random_nonce();
    } else {
      auto n = pcp::parse_nonce(a.nonce);
      if (!n) throw UsageError(describe_problem("--nonce must be 24 hex digits", a.nonce));
      rq.nonce = *n;
    }
    if (!a.third_party.empty()) rq.third_party = need_address(a.third_party, "--third-party");
    rq.prefer_failure = a.prefer_failure;
    for (const auto& f : a.filters)
      rq.filters.push_back(parse_filter(f));
    if (!a.description.empty()) rq.description = a.description;
    if (a.port_set)
      rq.port_set = pcp::PcpPortSet{static_cast<std::uint16_t>(a.port_set), rq.internal_port, a.parity, 0};
    if (rq.opcode == c::pcp_op::peer) {
      auto r = pcp::parse_endpoint(a.remote, 0);
      if (!r || r->port == 0) throw UsageError(describe_problem("--remote must be ADDR:PORT", a.remote));
      rq.remote_peer = *r;
    }
  }
  std::array<std::uint8_t, c::kPcpMaxLen> probe;
  if (pcp::build_request(rq, probe) == 0) throw UsageError("the request would exceed 1100 bytes");

  report::install_interrupt_handlers();
  pcp::ReportContext ctx{&rq, co.server, gateway, &client.counters()};
  auto print = [&](const pcp::Exchange& ex, bool renewal) {
    if (a.json) {
      report::JsonWriter j;
      pcp::format_exchange_json(ctx, ex, j);
      std::printf("%s\n", j.str().c_str());
    } else {
      if (renewal) std::printf("renewal:\n");
      std::fputs(pcp::format_exchange_text(ctx, ex).c_str(), stdout);
    }
    std::fflush(stdout);
  };
  pcp::Exchange ex;
  if (a.keep && rq.opcode == c::pcp_op::map) {
    auto dur = pcp::Millis(static_cast<std::int64_t>(std::llround(a.duration * 1000)));
    ex = client.keep(rq, dur, print);
    if (!a.json && client.recreated() > 0)
      std::printf("re-created the mapping %u time(s) after the server lost state\n", client.recreated());
  } else {
    ex = client.exchange(rq);
    print(ex, false);
  }
  return pcp::exit_status(ex);
}

int Commands::run_listen() {
  ListenArgs& a = listen_args_;
  pcp::Listener l(static_cast<std::uint16_t>(a.port), !a.v6_only, !a.v4_only);
  for (const auto& w : l.warnings())
    std::fprintf(stderr, "pcp-cli: warning: %s\n", w.c_str());
  report::install_interrupt_handlers();
  const auto t0 = std::chrono::steady_clock::now();
  const auto limit = pcp::Millis(static_cast<std::int64_t>(std::llround(a.timeout * 1000)));
  std::uint64_t heard = 0;
  while (!report::interrupted() && (a.count == 0 || heard < a.count)) {
    auto wait = pcp::Millis(500);
    if (limit.count() > 0) {
      auto left = limit - std::chrono::duration_cast<pcp::Millis>(std::chrono::steady_clock::now() - t0);
      if (left <= pcp::Millis(0)) break;
      wait = std::min(wait, left);
    }
    auto h = l.next(wait);
    if (!h) continue;
    ++heard;
    if (a.json) {
      report::JsonWriter j;
      j.begin_object().field("from", pcp::format_endpoint(h->from)).field("length", std::uint64_t{h->length});
      if (h->response) {
        j.key("message");
        pcp::format_response_json(*h->response, j);
      } else {
        j.field("problem", h->problem);
      }
      j.end_object();
      std::printf("%s\n", j.str().c_str());
    } else if (h->response) {
      std::printf("%s: %s\n", pcp::format_endpoint(h->from).c_str(),
                  pcp::format_response_line(*h->response).c_str());
    } else {
      std::printf("%s: %zu bytes, not a PCP response (%.*s)\n", pcp::format_endpoint(h->from).c_str(),
                  h->length, static_cast<int>(h->problem.size()), h->problem.data());
    }
    std::fflush(stdout);
  }
  if (!a.json)
    std::fprintf(stderr, "pcp-cli: %llu message(s) heard\n", static_cast<unsigned long long>(heard));
  return heard > 0 || a.count == 0 ? pcp::kExitOk : pcp::kExitNetwork;
}

int Commands::run_server() {
  ServerArgs& a = server_args_;
  pcp::ServerPolicy policy;
  try {
    policy = pcp::load_server_policy(a.config);
  } catch (const SetupError& e) {
    throw ConfigError(e.what());
  }
  auto listen = pcp::parse_endpoint(a.listen, c::kPcpServerPort);
  if (!listen) throw UsageError(describe_problem("--listen must be ADDR[:PORT]", a.listen));
  pcp::Server server(policy, pcp::monotonic_seconds());
  pcp::ServerLoopOptions lo;
  lo.listen = *listen;
  lo.state_out = a.state_out;
  lo.log = a.verbose ? stderr : nullptr;
  lo.max_requests = a.max_requests;
  std::fprintf(stderr, "pcp-cli: serving PCP on %s (%zu external address(es), ports %u-%u)\n",
               pcp::format_endpoint(*listen).c_str(), policy.external_ips.size(), policy.port_min,
               policy.port_max);
  pcp::run_server(server, lo);
  std::fprintf(stderr, "pcp-cli: %llu request(s), %zu mapping(s) at exit\n",
               static_cast<unsigned long long>(server.counters().get("requests")), server.table().size());
  return pcp::kExitOk;
}

}  // namespace pktmap::pcpcli
