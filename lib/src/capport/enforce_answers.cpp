// The enforcement device's answers (see enforce.hpp): ICMP notifications and the HTTP redirect.
#include <algorithm>
#include <cstring>

#include "pktmap/capport/enforce.hpp"
#include "pktmap/codec/icmp.hpp"
#include "pktmap/codec/icmpv6.hpp"
#include "pktmap/codec/ipv4.hpp"
#include "pktmap/codec/ipv6.hpp"
#include "pktmap/codec/tcp.hpp"
#include "pktmap/codec/transport_checksum.hpp"

namespace pktmap::capport {

namespace {

// RFC 1812 §4.3.2.3: an ICMPv4 error quotes as much as fits a 576-byte datagram.
constexpr std::size_t kIpv4ErrorMax = 576;
// RFC 4443 §2.4(c): an ICMPv6 error must not exceed the minimum IPv6 MTU.
constexpr std::size_t kIpv6ErrorMax = 1280;

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '&')
      o += "&amp;";
    else if (c == '"')
      o += "&quot;";
    else if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else
      o += c;
  }
  return o;
}

}  // namespace

std::string make_redirect_response(const EnforceConfig& cfg) {
  const std::string url = html_escape(cfg.portal_url);
  std::string status_line;
  std::string body;
  std::string extra;
  if (cfg.redirect_status == 511) {
    // RFC 6585 §6: the response names the login resource in its body (no Location), and MUST NOT be
    // cached.
    status_line = "HTTP/1.1 511 Network Authentication Required";
    body =
        "<html><head><title>Network Authentication Required</title><meta http-equiv=\"refresh\" "
        "content=\"0; url=" +
        url + "\"></head><body><p>You need to <a href=\"" + url +
        "\">authenticate with the local network</a> in order to gain access.</p></body></html>\n";
  } else {
    status_line = cfg.redirect_status == 303   ? "HTTP/1.1 303 See Other"
                  : cfg.redirect_status == 307 ? "HTTP/1.1 307 Temporary Redirect"
                                               : "HTTP/1.1 302 Found";
    extra = "Location: " + cfg.portal_url + "\r\n";
    body = "<html><head><title>Captive portal</title></head><body><p>Log in at <a href=\"" + url + "\">" +
           url + "</a>.</p></body></html>\n";
  }
  return status_line + "\r\n" + extra +
         "Cache-Control: no-store\r\n"
         "Content-Type: text/html\r\n"
         "Content-Length: " +
         std::to_string(body.size()) +
         "\r\n"
         "Connection: close\r\n\r\n" +
         body;
}

std::size_t Enforcer::write_l2(const EnforceFrame& f, std::uint8_t* out) const {
  if (!f.ethernet) return 0;
  // The same link header (VLAN tags included), back toward the client: the device answers from the MAC
  // the client sent to.
  std::memcpy(out, f.l2.data(), f.l2.size());
  std::memcpy(out, f.src_mac.data(), 6);
  std::memcpy(out + 6, f.dst_mac.data(), 6);
  return f.l2.size();
}

ByteView Enforcer::build_notification(const EnforceFrame& f) {
  std::size_t l2 = write_l2(f, buf_.data());
  ByteWriter w(MutableByteView(buf_.data() + l2, buf_.size() - l2));
  const std::size_t avail = std::min(f.ip.size(), f.ip_wire_len);
  if (f.ip_version == 4) {
    // RFC 792: the Internet header plus the first 64 bits of the datagram, at least.
    std::size_t want = cfg_.quote == QuoteSize::minimal
                           ? f.l4_offset + 8
                           : kIpv4ErrorMax - codec::kIpv4MinHeaderLen - codec::kIcmpHeaderLen;
    ByteView quote = f.ip.first(std::min(avail, want));
    codec::Ipv4Fields ip;
    ip.id = ++ip_id_;
    ip.protocol = codec::ip_proto::icmp;
    ip.src = cfg_.has_gateway_v4 ? cfg_.gateway_v4 : codec::Ipv4Addr{f.dst[0], f.dst[1], f.dst[2], f.dst[3]};
    ip.dst = {f.src[0], f.src[1], f.src[2], f.src[3]};
    ip.payload_len = static_cast<std::uint16_t>(codec::kIcmpHeaderLen + quote.size());
    codec::write_ipv4(w, ip);
    // No extension objects: the RFC 4884 Length stays 0 (the classic format every stack reads).
    codec::write_icmp_error(w, {codec::icmp_type::dest_unreach, codec::icmp_unreach::admin_prohibited, 0},
                            quote, {});
  } else {
    // RFC 4443 §2.4(c): as much of the invoking packet as fits; minimal: headers plus 8 transport bytes.
    std::size_t want = cfg_.quote == QuoteSize::minimal
                           ? f.l4_offset + 8
                           : kIpv6ErrorMax - codec::kIpv6HeaderLen - codec::kIcmpv6HeaderLen;
    ByteView quote = f.ip.first(std::min(avail, want));
    codec::Ipv6Fields ip;
    ip.next_header = codec::ip_proto::icmpv6;
    ip.hop_limit = 64;
    ip.src = cfg_.has_gateway_v6 ? cfg_.gateway_v6 : codec::Ipv6Addr{};
    if (!cfg_.has_gateway_v6) std::copy(f.dst.begin(), f.dst.end(), ip.src.begin());
    std::copy(f.src.begin(), f.src.end(), ip.dst.begin());
    ip.payload_length = static_cast<std::uint16_t>(codec::kIcmpv6HeaderLen + quote.size());
    codec::write_ipv6(w, ip);
    codec::write_icmpv6(w, {codec::icmpv6_type::dest_unreach, codec::icmpv6_unreach::admin_prohibited, 0},
                        quote, ip.src, ip.dst);
  }
  if (!w.ok()) return {};
  return ByteView(buf_.data(), l2 + w.size());
}

ByteView Enforcer::build_redirect(const EnforceFrame& f) {
  if (!f.has_tcp || !(f.tcp_flags & codec::tcp_flag::ack)) return {};  // no server sequence number to use
  std::size_t l2 = write_l2(f, buf_.data());
  ByteWriter w(MutableByteView(buf_.data() + l2, buf_.size() - l2));
  ByteView body(reinterpret_cast<const std::uint8_t*>(http_.data()), http_.size());
  codec::TcpFields t;
  t.sport = f.dport;
  t.dport = f.sport;
  // RFC 9293 §3.10.7.4: acceptable when seq is what the client expects next (its ACK) and ack covers
  // what it sent; FIN closes the interceptor's side after the response (Connection: close).
  t.seq = f.ack;
  std::uint32_t consumed = static_cast<std::uint32_t>(f.payload_wire_len);
  if (f.tcp_flags & codec::tcp_flag::fin) ++consumed;
  t.ack = f.seq + consumed;
  t.flags = codec::tcp_flag::ack | codec::tcp_flag::psh | codec::tcp_flag::fin;
  t.window = 65535;
  const std::size_t seg_len = codec::kTcpMinHeaderLen + body.size();
  if (f.ip_version == 4) {
    codec::Ipv4Fields ip;
    ip.id = ++ip_id_;
    ip.dont_fragment = true;
    ip.protocol = codec::ip_proto::tcp;
    ip.src = {f.dst[0], f.dst[1], f.dst[2], f.dst[3]};
    ip.dst = {f.src[0], f.src[1], f.src[2], f.src[3]};
    ip.payload_len = static_cast<std::uint16_t>(seg_len);
    codec::write_ipv4(w, ip);
    std::size_t tcp_at = w.size();
    codec::write_tcp(w, t, body);
    if (!w.ok()) return {};
    codec::set_transport_checksum(w.written_mut().subspan(tcp_at), ip.src, ip.dst, codec::ip_proto::tcp);
  } else {
    codec::Ipv6Fields ip;
    ip.next_header = codec::ip_proto::tcp;
    std::copy(f.dst.begin(), f.dst.end(), ip.src.begin());
    std::copy(f.src.begin(), f.src.end(), ip.dst.begin());
    ip.payload_length = static_cast<std::uint16_t>(seg_len);
    codec::write_ipv6(w, ip);
    std::size_t tcp_at = w.size();
    codec::write_tcp(w, t, body);
    if (!w.ok()) return {};
    codec::set_transport_checksum(w.written_mut().subspan(tcp_at), ip.src, ip.dst, codec::ip_proto::tcp);
  }
  return ByteView(buf_.data(), l2 + w.size());
}

}  // namespace pktmap::capport
