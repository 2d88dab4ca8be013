// DNS question and A/AAAA answer parsing (see dns_message.hpp).
#include "pktmap/capport/dns_message.hpp"

#include <algorithm>

#include "pktmap/wire/byte_reader.hpp"

namespace pktmap::capport {

namespace {

constexpr std::size_t kHeaderLen = 12;

// Reads the name at r's cursor (RFC 1035 §4.1.4); r ends after the name's in-place bytes. Appends the
// dotted text to out when given. Pointers must point backwards, which also rules out loops.
Outcome read_name(ByteView msg, ByteReader& r, DnsMessage* out) {
  std::size_t pos = r.offset();
  std::size_t end_in_place = 0;  // where r continues after the first pointer
  std::size_t text_len = 0;
  int hops = 0;
  while (true) {
    if (pos >= msg.size()) return truncated("dns_truncated");
    std::uint8_t len = msg[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= msg.size()) return truncated("dns_truncated");
      std::size_t target = static_cast<std::size_t>(len & 0x3f) << 8 | msg[pos + 1];
      if (end_in_place == 0) end_in_place = pos + 2;
      if (target >= pos || ++hops > 64) return invalid("dns_name_invalid");
      pos = target;
      continue;
    }
    if ((len & 0xc0) != 0) return invalid("dns_name_invalid");
    if (len == 0) {
      if (end_in_place == 0) end_in_place = pos + 1;
      break;
    }
    if (pos + 1 + len > msg.size()) return truncated("dns_truncated");
    if (text_len + len + 1 > 255) return invalid("dns_name_invalid");
    if (out) {
      if (text_len > 0) out->qname_buf[text_len++] = '.';
      for (std::size_t i = 0; i < len; ++i) {
        char c = static_cast<char>(msg[pos + 1 + i]);
        out->qname_buf[text_len++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
    } else {
      text_len += len + (text_len > 0 ? 1 : 0);
    }
    pos += 1 + len;
  }
  if (out) out->qname_len = static_cast<std::uint8_t>(text_len);
  if (!r.skip(end_in_place - r.offset())) return truncated("dns_truncated");
  return ok_outcome();
}

}  // namespace

Result<DnsMessage> parse_dns_message(ByteView data) {
  DnsMessage m;
  ByteReader r(data);
  if (data.size() < kHeaderLen) return Result<DnsMessage>(m, truncated("dns_truncated"));
  m.id = *r.be16();
  std::uint16_t flags = *r.be16();
  m.response = (flags & 0x8000) != 0;
  m.opcode = static_cast<std::uint8_t>((flags >> 11) & 0xf);
  m.truncated_flag = (flags & 0x0200) != 0;
  m.rcode = static_cast<std::uint8_t>(flags & 0xf);
  m.qdcount = *r.be16();
  m.ancount = *r.be16();
  (void)r.skip(4);  // NSCOUNT, ARCOUNT
  if (m.qdcount == 0) return Result<DnsMessage>(m, invalid("dns_no_question"));

  if (auto o = read_name(data, r, &m); !o.ok()) return Result<DnsMessage>(m, o);
  auto qtype = r.be16();
  auto qclass = r.be16();
  if (!qtype || !qclass) return Result<DnsMessage>(m, truncated("dns_truncated"));
  m.qtype = *qtype;
  m.qclass = *qclass;
  // Further questions (rare) are skipped.
  for (std::uint16_t q = 1; q < m.qdcount; ++q) {
    if (auto o = read_name(data, r, nullptr); !o.ok()) return Result<DnsMessage>(m, o);
    if (!r.skip(4)) return Result<DnsMessage>(m, truncated("dns_truncated"));
  }

  for (std::uint16_t a = 0; a < m.ancount; ++a) {
    if (auto o = read_name(data, r, nullptr); !o.ok()) return Result<DnsMessage>(m, o);
    auto type = r.be16();
    auto cls = r.be16();
    auto ttl = r.be32();
    auto rdlen = r.be16();
    if (!type || !cls || !ttl || !rdlen) return Result<DnsMessage>(m, truncated("dns_truncated"));
    auto rdata = r.bytes(*rdlen);
    if (!rdata) return Result<DnsMessage>(m, truncated("dns_truncated"));
    if (*type != dns_type::a && *type != dns_type::aaaa) continue;
    std::size_t want = *type == dns_type::a ? 4 : 16;
    if (rdata->size() != want) return Result<DnsMessage>(m, invalid("dns_rdata_length_invalid"));
    if (m.address_count < DnsMessage::kMaxAddresses) {
      DnsAddress& d = m.addresses[m.address_count++];
      d.version = *type == dns_type::a ? 4 : 6;
      d.ttl = *ttl;
      std::copy(rdata->begin(), rdata->end(), d.addr.begin());
    }
  }
  return m;
}

}  // namespace pktmap::capport
