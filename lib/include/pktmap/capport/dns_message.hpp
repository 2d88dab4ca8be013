#pragma once
// The parts of a DNS message (RFC 1035 §4.1) a captive-portal check needs: the first question and the A and
// AAAA records of the answer section. The question name is decoded (compression pointers followed, loop
// and length bounded) into a fixed buffer in the view, so parsing allocates nothing.
//
//   Header (12 bytes): ID | QR Opcode AA TC RD RA Z RCODE | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
//   Question: QNAME (labels / pointers) | QTYPE | QCLASS
//   RR: NAME | TYPE | CLASS | TTL (32) | RDLENGTH | RDATA
#include <array>
#include <cstdint>
#include <string_view>

#include "pktmap/codec/outcome.hpp"
#include "pktmap/wire/byte_view.hpp"

namespace pktmap::capport {

namespace dns_type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t cname = 5;
inline constexpr std::uint16_t aaaa = 28;
}  // namespace dns_type

struct DnsAddress {
  std::uint8_t version = 0;  // 4 (A) or 6 (AAAA)
  std::array<std::uint8_t, 16> addr{};
  std::uint32_t ttl = 0;
};

struct DnsMessage {
  static constexpr std::size_t kMaxAddresses = 16;

  std::uint16_t id = 0;
  bool response = false;  // QR
  std::uint8_t opcode = 0;
  std::uint8_t rcode = 0;
  bool truncated_flag = false;  // TC
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::array<char, 256> qname_buf{};  // dotted, lower-case, no trailing dot
  std::uint8_t qname_len = 0;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  std::array<DnsAddress, kMaxAddresses> addresses{};  // A/AAAA answers in order
  std::uint8_t address_count = 0;

  [[nodiscard]] std::string_view qname() const { return {qname_buf.data(), qname_len}; }
};

// Outcomes: dns_truncated (header, question or a record cut short), dns_no_question (QDCOUNT 0),
// dns_name_invalid (label type 01/10, a pointer loop or forward jump, a name over 255 bytes),
// dns_rdata_length_invalid (A not 4 bytes, AAAA not 16). Records after the first problem are not read.
Result<DnsMessage> parse_dns_message(ByteView data);

}  // namespace pktmap::capport
