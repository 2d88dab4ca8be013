#pragma once
// PacketSource read alongside libpcap's own reader of the same file: the mapped and the streamed reader must
// hand out exactly what libpcap reads.
#include <pcap/pcap.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>

#include "pktmap/pcapio/packet_source.hpp"

namespace pktmap::test {

// Every record of `file` as libpcap reads it (microsecond timestamps): fn(header, data). Returns the count.
template <class Fn>
std::size_t for_each_libpcap_record(const std::string& file, Fn&& fn) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pc = pcap_open_offline(file.c_str(), err);
  REQUIRE(pc != nullptr);
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  std::size_t n = 0;
  while (pcap_next_ex(pc, &h, &d) == 1) {
    fn(*h, d);
    ++n;
  }
  pcap_close(pc);
  return n;
}

// Every record of `src` against libpcap's read of `file`, then a clean end having consumed the whole file.
// Returns the number of records.
inline std::size_t same_records_as_libpcap(pcapio::PacketSource& src, const std::string& file) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* ref = pcap_open_offline_with_tstamp_precision(file.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  REQUIRE(ref != nullptr);
  pcapio::Packet p;
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  std::size_t n = 0;
  while (pcap_next_ex(ref, &h, &d) == 1) {
    REQUIRE(src.next(p) == pcapio::ReadStatus::packet);
    CHECK(p.number == n + 1);
    CHECK(p.data.size() == h->caplen);
    CHECK(p.wire_len == h->len);
    CHECK(p.ts_ns == static_cast<std::int64_t>(h->ts.tv_sec) * 1000000000 + h->ts.tv_usec);
    CHECK(std::equal(p.data.begin(), p.data.end(), d));
    ++n;
  }
  pcap_close(ref);
  CHECK(src.next(p) == pcapio::ReadStatus::end);
  CHECK(src.bytes_read() == std::filesystem::file_size(file));
  return n;
}

}  // namespace pktmap::test
