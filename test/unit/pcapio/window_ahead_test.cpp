// A capture longer than one map window is read with the next window mapped ahead on a helper thread
// (window_ahead.hpp). Records that straddle window ends, a reader moved mid-file, and libpcap taking over at
// a truncated last record must all read exactly as libpcap reads the file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "libpcap_agreement.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcapio;
namespace fs = std::filesystem;

namespace {
// About 30 MB (several windows): records of 60 to 1,500 bytes, and every 300th one of 262,144 bytes (the
// largest libpcap reads), so that many window ends fall inside a record, some inside a jumbo one.
struct ManyWindows {
  std::string path;
  std::uint64_t records = 0;
  std::uint64_t last_offset = 0;  // where the last record starts
};
ManyWindows write_many_windows(const fs::path& dir) {
  ManyWindows m{(dir / "windows.pcap").string()};
  PcapWriter w(m.path, linktype::ethernet, true);
  std::vector<std::uint8_t> buf(262144);
  std::uint64_t offset = 24;
  for (std::uint32_t k = 0; offset < (30u << 20); ++k) {
    const std::size_t n = k % 300 == 299 ? buf.size() : 60 + (k * 7919u) % 1441u;
    for (std::size_t i = 0; i < n; i += 61)
      buf[i] = static_cast<std::uint8_t>(k + i);
    w.write(ByteView(buf.data(), n), static_cast<std::uint32_t>(n), std::int64_t{k} * 1000);
    m.last_offset = offset;
    offset += 16 + n;
    ++m.records;
  }
  w.commit();
  return m;
}
}  // namespace

TEST_CASE("A capture of many map windows reads as libpcap reads it, across every window end", "[pcapio]") {
  auto dir = test::temp_dir("window-ahead");
  const auto m = write_many_windows(dir);
  auto src = PacketSource::open_file(m.path);
  CHECK(test::same_records_as_libpcap(src, m.path) == m.records);
  fs::remove_all(dir);
}

TEST_CASE("A reader moved mid-file, with a window being mapped ahead, reads on where it was", "[pcapio]") {
  auto dir = test::temp_dir("window-ahead-move");
  const auto m = write_many_windows(dir);
  auto first = PacketSource::open_file(m.path);
  Packet p;
  std::uint64_t n = 0;
  while (n < m.records / 2 && first.next(p) == ReadStatus::packet)
    ++n;
  PacketSource moved = std::move(first);
  std::uint64_t big = 0;
  while (moved.next(p) == ReadStatus::packet) {
    ++n;
    CHECK(p.number == n);
    if (p.data.size() == 262144) ++big;
  }
  CHECK(moved.error().empty());
  CHECK(n == m.records);
  CHECK(big > 20);
  fs::remove_all(dir);
}

TEST_CASE("libpcap takes over from the read-ahead at a truncated last record, with its number and offset",
          "[pcapio]") {
  auto dir = test::temp_dir("window-ahead-cut");
  const auto m = write_many_windows(dir);
  fs::resize_file(m.path, fs::file_size(m.path) - 5);  // cut into the last record's data
  auto src = PacketSource::open_file(m.path);
  Packet p;
  std::uint64_t n = 0;
  while (src.next(p) == ReadStatus::packet)
    ++n;
  CHECK(n == m.records - 1);
  CHECK_THAT(src.error(), Catch::Contains("record " + std::to_string(m.records)) &&
                              Catch::Contains("byte offset " + std::to_string(m.last_offset)));
  fs::remove_all(dir);
}
