// PacketSource on inputs that can be read only once: pipes (tcpdump -r -, <(zcat ...)) and named FIFOs.
// Plain classic pcap records are read from a buffer of our own and must be exactly what libpcap reads from
// the same bytes as a file; everything else (pcapng, odd records, truncation) is libpcap's, with the same
// errors, record numbers and byte offsets as for a file.
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "libpcap_agreement.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcapio;
namespace fs = std::filesystem;

namespace {
std::vector<std::uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A pipe whose writer sends `bytes` in chunks of `chunk` bytes, so records straddle the reader's reads.
// The reader opens it by name (/dev/fd/N), as a shell's <(...) hands it over.
struct Feed {
  int read_fd = -1;
  std::thread writer;
  Feed(std::vector<std::uint8_t> bytes, std::size_t chunk) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read_fd = fds[0];
    writer = std::thread([fd = fds[1], bytes = std::move(bytes), chunk] {
      for (std::size_t at = 0; at < bytes.size();) {
        const std::size_t n = std::min(chunk, bytes.size() - at);
        const ssize_t w = ::write(fd, bytes.data() + at, n);
        if (w <= 0) break;
        at += static_cast<std::size_t>(w);
      }
      ::close(fd);
    });
  }
  [[nodiscard]] std::string path() const { return "/dev/fd/" + std::to_string(read_fd); }
  ~Feed() {
    ::close(read_fd);  // a reader that stopped early makes the writer fail instead of block
    writer.join();
  }
};

std::vector<std::uint8_t> frame(std::size_t size, std::uint8_t fill) {
  std::vector<std::uint8_t> f(size, fill);
  const auto head = test::hex("020000000002 020000000001 88b5");
  std::copy(head.begin(), head.end(), f.begin());
  return f;
}

// Every record the stream gives is the one libpcap reads from the file, then the stream ends cleanly.
std::size_t same_as_libpcap(const std::string& file, std::size_t chunk) {
  Feed feed(file_bytes(file), chunk);
  auto src = PacketSource::open_file(feed.path());
  return test::same_records_as_libpcap(src, file);
}
}  // namespace

TEST_CASE("A pipe is read record for record as libpcap reads the same bytes from a file", "[pcapio]") {
  std::size_t records = 0;
  for (const char* name : {"tcpdump-nsh.pcap", "tcpdump-vxlan.pcap", "tcpdump-802.1ad_QinQ.pcap",
                           "capport-synth-enforcement.pcap"})
    for (std::size_t chunk : {std::size_t{7}, std::size_t{65536}})
      records += same_as_libpcap(test::data_path(name), chunk);
  CHECK(records > 30);

  // Several times the 1 MiB record buffer: records straddle its refills.
  auto dir = test::temp_dir("stream");
  const auto big = (dir / "big.pcap").string();
  {
    PcapWriter w(big, linktype::ethernet);
    for (int i = 0; i < 6000; ++i) {
      const auto f = frame(900 + static_cast<std::size_t>(i % 600), static_cast<std::uint8_t>(i));
      w.write(test::view(f), static_cast<std::uint32_t>(f.size()), 1000LL * i);
    }
    w.commit();
  }
  REQUIRE(fs::file_size(big) > (std::size_t{6} << 20));
  CHECK(same_as_libpcap(big, 100000) == 6000);
  fs::remove_all(dir);
}

TEST_CASE("A filter on a pipe keeps the records' own numbers", "[pcapio]") {
  const std::string file = test::data_path("capport-synth-enforcement.pcap");
  Feed feed(file_bytes(file), 4096);
  auto all = PacketSource::open_file(file, "tcp");
  auto piped = PacketSource::open_file(feed.path(), "tcp");
  Packet a, b;
  std::size_t n = 0;
  while (all.next(a) == ReadStatus::packet) {
    REQUIRE(piped.next(b) == ReadStatus::packet);
    CHECK(b.number == a.number);
    ++n;
  }
  CHECK(piped.next(b) == ReadStatus::end);
  CHECK(n > 0);
  CHECK(piped.records_read() > n);  // the others were read and skipped
}

// Before, the input's first bytes were read to tell pcapng from pcap, and libpcap then missed them.
TEST_CASE("A named FIFO is opened once: pcapng and pcap both read", "[pcapio]") {
  auto dir = test::temp_dir("fifo-in");
  const auto fifo = (dir / "in").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto ng = test::hex(
      "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000"
      "01000000 14000000 0100 0000 00000400 14000000"
      "06000000 30000000 00000000 00000000 40420f00 0e000000 0e000000"
      "ffffffffffff 020000000001 0806 0000 30000000");
  const std::string classic_file = test::data_path("capport-synth-enforcement.pcap");
  const auto classic = file_bytes(classic_file);
  std::size_t classic_records = 0;
  {
    auto direct = PacketSource::open_file(classic_file);
    Packet p;
    while (direct.next(p) == ReadStatus::packet)
      ++classic_records;
  }
  REQUIRE(classic_records > 1);
  for (const auto* bytes : {&ng, &classic}) {
    std::thread writer([&] {
      const int fd = ::open(fifo.c_str(), O_WRONLY);
      if (fd < 0) return;
      (void)!::write(fd, bytes->data(), bytes->size());
      ::close(fd);
    });
    auto src = PacketSource::open_file(fifo);
    Packet p;
    std::size_t n = 0;
    while (src.next(p) == ReadStatus::packet)
      ++n;
    writer.join();
    CHECK(src.error().empty());
    CHECK(n == (bytes == &ng ? 1u : classic_records));
  }
  fs::remove_all(dir);
}

TEST_CASE("A pipe that ends mid-record, or holds a record libpcap refuses, gets libpcap's error and offset",
          "[pcapio]") {
  auto dir = test::temp_dir("stream-bad");
  const auto good = (dir / "good.pcap").string();
  {
    PcapWriter w(good, linktype::ethernet, true, 65535);
    for (int i = 0; i < 3; ++i) {
      const auto f = frame(46, static_cast<std::uint8_t>(i));
      w.write(test::view(f), 46, i);
    }
    w.commit();
  }
  const auto bytes = file_bytes(good);
  SECTION("cut into the third record's data") {
    Feed feed(std::vector<std::uint8_t>(bytes.begin(), bytes.end() - 5), 10);
    auto src = PacketSource::open_file(feed.path());
    Packet p;
    CHECK(src.next(p) == ReadStatus::packet);
    CHECK(src.next(p) == ReadStatus::packet);
    REQUIRE(src.next(p) == ReadStatus::error);
    CHECK_THAT(src.error(),
               Catch::Contains("record 3 at byte offset " + std::to_string(24 + 2 * (16 + 46))) &&
                   Catch::Contains("truncated dump file"));
  }
  SECTION("the second record claims 0xFFFFFFFF captured bytes") {
    auto bad = bytes;
    for (std::size_t i = 24 + 16 + 46 + 8; i < 24 + 16 + 46 + 12; ++i)
      bad.at(i) = 0xff;
    Feed feed(bad, 4096);
    auto src = PacketSource::open_file(feed.path());
    Packet p;
    CHECK(src.next(p) == ReadStatus::packet);
    REQUIRE(src.next(p) == ReadStatus::error);
    CHECK_THAT(src.error(), Catch::Contains("record 2 at byte offset 86") && Catch::Contains("4294967295"));
  }
  SECTION("not a capture at all") {
    Feed feed(test::hex("0102030405060708090a0b0c0d0e0f101112131415161718191a"), 4096);
    CHECK_THROWS_AS(PacketSource::open_file(feed.path()), SetupError);
  }
  SECTION("nothing at all") {
    Feed feed({}, 1);
    CHECK_THROWS_WITH(PacketSource::open_file(feed.path()), Catch::Contains("not a readable pcap"));
  }
  fs::remove_all(dir);
}

namespace {
extern "C" void ignore_signal(int) {}

// next() on a source that blocks, under SIGUSR2 handled without SA_RESTART as the tools handle Ctrl-C. The
// signal is sent again until next() comes back, so one finds it blocked however slow the machine is.
ReadStatus next_under_signal(PacketSource& src, Packet& p) {
  struct sigaction sa {};
  struct sigaction old {};
  sa.sa_handler = ignore_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  REQUIRE(::sigaction(SIGUSR2, &sa, &old) == 0);
  const pthread_t reader = ::pthread_self();
  std::atomic<bool> back{false};
  std::thread poke([reader, &back] {
    for (int i = 0; i < 100 && !back.load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (!back.load()) ::pthread_kill(reader, SIGUSR2);
    }
  });
  const ReadStatus rs = src.next(p);
  back = true;
  poke.join();
  ::sigaction(SIGUSR2, &old, nullptr);
  return rs;
}
}  // namespace

// The tools' Ctrl-C handlers do not restart reads (report/interrupt.cpp): a read blocked on a silent pipe
// must come back as `timeout` so the loop can see the flag, and the stream must go on if the loop does.
TEST_CASE("A signal during a blocked pipe read gives timeout, and reading resumes", "[pcapio]") {
  const auto bytes = file_bytes(test::data_path("capport-synth-enforcement.pcap"));
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::size_t first = 24 + 8;  // the file header and half of the first record header
  REQUIRE(::write(fds[1], bytes.data(), first) == static_cast<ssize_t>(first));
  auto src = PacketSource::open_file("/dev/fd/" + std::to_string(fds[0]));
  Packet p;
  const ReadStatus interrupted = next_under_signal(src, p);  // blocks: the first record is not all there
  CHECK(interrupted == ReadStatus::timeout);
  REQUIRE(::write(fds[1], bytes.data() + first, bytes.size() - first) ==
          static_cast<ssize_t>(bytes.size() - first));
  ::close(fds[1]);
  std::size_t n = 0;
  ReadStatus rs;
  while ((rs = src.next(p)) == ReadStatus::packet)
    ++n;
  CHECK(rs == ReadStatus::end);
  CHECK(src.error().empty());
  auto direct = PacketSource::open_file(test::data_path("capport-synth-enforcement.pcap"));
  std::size_t want = 0;
  while (direct.next(p) == ReadStatus::packet)
    ++want;
  CHECK(n == want);
  ::close(fds[0]);
}

// Once libpcap reads the stream (pcapng here), an interrupted read leaves it mid-record: the loop gets
// `timeout` (and sees Ctrl-C), and a caller that reads on gets libpcap's error, not misparsed records.
TEST_CASE("A signal during libpcap's blocked read of a pipe gives timeout, then its error", "[pcapio]") {
  const auto ng = test::hex(
      "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000"
      "01000000 14000000 0100 0000 00000400 14000000"
      "06000000 30000000 00000000 00000000 40420f00 0e000000 0e000000"
      "ffffffffffff 020000000001 0806 0000 30000000");
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::size_t first = 28 + 20 + 12;  // the SHB, the IDB and part of the packet block
  REQUIRE(::write(fds[1], ng.data(), first) == static_cast<ssize_t>(first));
  auto src = PacketSource::open_file("/dev/fd/" + std::to_string(fds[0]));
  Packet p;
  const ReadStatus interrupted = next_under_signal(src, p);
  CHECK(interrupted == ReadStatus::timeout);
  REQUIRE(::write(fds[1], ng.data() + first, ng.size() - first) == static_cast<ssize_t>(ng.size() - first));
  ::close(fds[1]);
  CHECK(src.next(p) == ReadStatus::error);
  CHECK_THAT(src.error(), Catch::Contains("record 1"));
  CHECK(src.next(p) == ReadStatus::error);  // and stays so
  ::close(fds[0]);
}

namespace {
// Runs fn with standard input taken from fd, then puts the real standard input back.
template <class Fn>
void with_stdin(int fd, Fn&& fn) {
  const int saved = ::dup(STDIN_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO);
  try {
    fn();
  } catch (...) {
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    throw;
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
}
}  // namespace

// `-r - <file.pcap` is the file itself: mapped (its size is known, for the progress line) and read whole.
TEST_CASE("Standard input redirected from a regular file is read as that file; a pipe there is streamed",
          "[pcapio]") {
  const std::string file = test::data_path("tcpdump-nsh.pcap");
  const int fd = ::open(file.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  with_stdin(fd, [&] {
    auto src = PacketSource::open_file("-");
    CHECK(src.name() == "-");
    CHECK(src.file_size() == fs::file_size(file));
    CHECK(test::same_records_as_libpcap(src, file) > 0);
  });
  ::close(fd);

  Feed feed(file_bytes(file), 4096);
  with_stdin(feed.read_fd, [&] {
    auto src = PacketSource::open_file("-");
    CHECK(src.file_size() == 0);  // a stream: no size to tell
    CHECK(test::same_records_as_libpcap(src, file) > 0);
  });
}
