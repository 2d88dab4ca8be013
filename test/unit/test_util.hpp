#pragma once
// Helpers shared by the unit tests.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <pcap/pcap.h>

#include "pktmap/wire/byte_view.hpp"
#include "pktmap/wire/hex.hpp"

namespace pktmap::test {

inline std::vector<std::uint8_t> hex(std::string_view text) {
  auto v = parse_hex(text);
  if (!v) throw std::invalid_argument("bad hex fixture");
  return *v;
}

// A fresh, empty directory for this test process: TMPDIR/pktmap-NAME-PID.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("pktmap-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

inline ByteView view(const std::vector<std::uint8_t>& v) {
  return ByteView(v.data(), v.size());
}

inline std::string data_path(std::string_view name) {
  return std::string(PKTMAP_TEST_DATA) + "/" + std::string(name);
}

// All frames of a capture file (pcap or pcapng) as byte vectors, for fixture tests. Throws if unreadable.
inline std::vector<std::vector<std::uint8_t>> read_pcap_frames(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) throw std::runtime_error(path + ": " + err);
  std::vector<std::vector<std::uint8_t>> frames;
  pcap_pkthdr* h;
  const u_char* d;
  while (pcap_next_ex(p, &h, &d) == 1)
    frames.emplace_back(d, d + h->caplen);
  pcap_close(p);
  return frames;
}

// Calls fn(prefix) for every strict prefix of bytes (copied to its own heap block so ASan sees over-reads).
template <class Fn>
void for_each_truncation(const std::vector<std::uint8_t>& bytes, Fn&& fn) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    fn(ByteView(cut.data(), cut.size()));
  }
}

}  // namespace pktmap::test
