#include <pcap/pcap.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "libpcap_agreement.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcapio;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir() {
  return test::temp_dir("pcapio");
}

// Ethernet/IPv4/UDP frames with distinct UDP source ports so a BPF filter can pick some.
std::vector<std::uint8_t> udp_frame(std::uint16_t sport) {
  auto f = test::hex(
      "020000000002 020000000001 0800"
      "45000020 00004000 40110000 0a000001 0a000002"
      "00000035 000c0000 61626364");
  f[34] = static_cast<std::uint8_t>(sport >> 8);
  f[35] = static_cast<std::uint8_t>(sport);
  return f;
}
}  // namespace

TEST_CASE("PcapWriter + PacketSource round trip keeps nanoseconds and numbers records", "[pcapio]") {
  auto dir = temp_dir();
  auto out = (dir / "rt.pcap").string();
  {
    PcapWriter w(out, linktype::ethernet, true);
    for (int i = 0; i < 5; ++i) {
      auto f = udp_frame(static_cast<std::uint16_t>(1000 + i));
      w.write(test::view(f), static_cast<std::uint32_t>(f.size() + 10), 1767268800'123456789LL + i);
    }
    CHECK_FALSE(fs::exists(out));  // nothing under the final name before commit
    w.commit();
  }
  REQUIRE(fs::exists(out));
  auto src = PacketSource::open_file(out);
  CHECK(src.linktype() == linktype::ethernet);
  Packet p;
  int n = 0;
  while (src.next(p) == ReadStatus::packet) {
    CHECK(p.number == static_cast<std::uint64_t>(n + 1));
    CHECK(p.ts_ns == 1767268800'123456789LL + n);
    CHECK(p.wire_len == p.data.size() + 10);
    ++n;
  }
  CHECK(n == 5);
  CHECK(src.bytes_read() == src.file_size());

  // An offline filter keeps absolute record numbers.
  auto filtered = PacketSource::open_file(out, "udp src port 1003");
  REQUIRE(filtered.next(p) == ReadStatus::packet);
  CHECK(p.number == 4);
  CHECK(filtered.next(p) == ReadStatus::end);
  fs::remove_all(dir);
}

// The writer buffers records; one larger than its whole buffer (a 256 KiB jumbo record at the snapshot
// length) is written around it, in order, between buffered ones.
TEST_CASE("PcapWriter keeps the order of buffered records and one larger than its buffer", "[pcapio]") {
  auto dir = temp_dir();
  auto out = (dir / "big.pcap").string();
  std::vector<std::uint8_t> big(262144);
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<std::uint8_t>(i * 13);
  const auto small = udp_frame(7);
  {
    PcapWriter w(out, linktype::ethernet, false);
    w.write(test::view(small), static_cast<std::uint32_t>(small.size()), 1'000'000'000);
    w.write(test::view(big), static_cast<std::uint32_t>(big.size()), 2'000'001'000);
    w.write(test::view(small), static_cast<std::uint32_t>(small.size()), 3'000'000'000);
    CHECK(w.count() == 3);
    w.commit();
  }
  std::vector<std::size_t> sizes;
  std::vector<long> secs;
  test::for_each_libpcap_record(out, [&](const pcap_pkthdr& h, const u_char* d) {
    sizes.push_back(h.caplen);
    secs.push_back(h.ts.tv_sec);
    if (h.caplen == big.size()) CHECK(std::equal(big.begin(), big.end(), d));
  });
  CHECK(sizes == std::vector<std::size_t>{small.size(), big.size(), small.size()});
  CHECK(secs == std::vector<long>{1, 2, 3});
  fs::remove_all(dir);
}

TEST_CASE("PcapWriter without commit leaves nothing behind", "[pcapio]") {
  auto dir = temp_dir();
  auto out = (dir / "aborted.pcap").string();
  {
    PcapWriter w(out, linktype::ethernet);
    auto f = udp_frame(1);
    w.write(test::view(f), static_cast<std::uint32_t>(f.size()), 0);
  }
  CHECK_FALSE(fs::exists(out));
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST_CASE("A truncated capture reports file, record and byte offset after delivering earlier packets",
          "[pcapio]") {
  auto dir = temp_dir();
  auto out = (dir / "cut.pcap").string();
  {
    PcapWriter w(out, linktype::ethernet);
    for (int i = 0; i < 3; ++i) {
      auto f = udp_frame(static_cast<std::uint16_t>(i));
      w.write(test::view(f), static_cast<std::uint32_t>(f.size()), i);
    }
    w.commit();
  }
  auto size = fs::file_size(out);
  fs::resize_file(out, size - 5);  // cut into the third record's data
  auto src = PacketSource::open_file(out);
  Packet p;
  CHECK(src.next(p) == ReadStatus::packet);
  CHECK(src.next(p) == ReadStatus::packet);
  REQUIRE(src.next(p) == ReadStatus::error);
  std::uint64_t third = 24 + 2 * (16 + 46);
  CHECK_THAT(src.error(), Catch::Contains(out) && Catch::Contains("record 3") &&
                              Catch::Contains("byte offset " + std::to_string(third)));
  fs::remove_all(dir);
}

TEST_CASE("Unreadable inputs and bad filters are set-up errors", "[pcapio]") {
  auto dir = temp_dir();
  CHECK_THROWS_AS(PacketSource::open_file((dir / "missing.pcap").string()), SetupError);
  CHECK_THROWS_AS(PacketSource::open_file(dir.string()), SetupError);
  auto junk = (dir / "junk.pcap").string();
  std::ofstream(junk) << "this is not a capture file at all";
  CHECK_THROWS_WITH(PacketSource::open_file(junk), Catch::Contains("junk.pcap"));
  CHECK_THROWS_WITH(PacketSource::open_file(test::data_path("tcpdump-nsh.pcap"), "udp and and"),
                    Catch::Contains("bad filter"));
  // The user's mistake, not the input's: tools map it to their usage-error status.
  CHECK_THROWS_AS(PacketSource::open_file(test::data_path("tcpdump-nsh.pcap"), "udp and and"), UsageError);
  fs::remove_all(dir);
}

TEST_CASE("pcapng files are read", "[pcapio]") {
  auto dir = temp_dir();
  // A minimal pcapng: SHB, IDB (Ethernet), one EPB with a 14-byte frame.
  auto ng = test::hex(
      "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000"
      "01000000 14000000 0100 0000 00000400 14000000"
      "06000000 30000000 00000000 00000000 40420f00 0e000000 0e000000"
      "ffffffffffff 020000000001 0806 0000 30000000");
  auto path = (dir / "one.pcapng").string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(ng.data()), static_cast<std::streamsize>(ng.size()));
  auto src = PacketSource::open_file(path);
  Packet p;
  REQUIRE(src.next(p) == ReadStatus::packet);
  CHECK(p.data.size() == 14);
  CHECK(p.ts_ns == 1000000LL * 1000);  // 1,000,000 µs (default if_tsresol 6)
  CHECK(src.next(p) == ReadStatus::end);
  fs::remove_all(dir);
}

// PacketSource reads plain pcap files through a memory map: it must hand out exactly what libpcap reads.
TEST_CASE("The mapped pcap reader agrees with libpcap record for record", "[pcapio]") {
  std::size_t files = 0, records = 0;
  for (const char* name : {"tcpdump-nsh.pcap", "tcpdump-vxlan.pcap", "tcpdump-802.1ad_QinQ.pcap",
                           "capport-synth-enforcement.pcap", "pcp-miniupnpd231-netns-probe.pcap"}) {
    const std::string path = test::data_path(name);
    auto src = PacketSource::open_file(path);
    records += test::same_records_as_libpcap(src, path);
    ++files;
  }
  CHECK(files == 5);
  CHECK(records > 20);
}

TEST_CASE("A record longer than the snapshot length mid-file is libpcap's error, with its record number",
          "[pcapio]") {
  auto dir = temp_dir();
  auto out = (dir / "bad.pcap").string();
  {
    PcapWriter w(out, linktype::ethernet, true, 65535);
    for (int i = 0; i < 3; ++i) {
      auto f = udp_frame(static_cast<std::uint16_t>(i));
      w.write(test::view(f), static_cast<std::uint32_t>(f.size()), i);
    }
    w.commit();
  }
  {  // the second record claims 0xFFFFFFFF captured bytes
    std::fstream f(out, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(24 + 16 + 46 + 8);
    const char ff[4] = {'\xff', '\xff', '\xff', '\xff'};
    f.write(ff, 4);
  }
  auto src = PacketSource::open_file(out);
  Packet p;
  CHECK(src.next(p) == ReadStatus::packet);
  REQUIRE(src.next(p) == ReadStatus::error);
  CHECK_THAT(src.error(), Catch::Contains("record 2 at byte offset 86") && Catch::Contains("4294967295"));
  fs::remove_all(dir);
}
