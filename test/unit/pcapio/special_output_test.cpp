// PcapWriter and AtomicFile on outputs that are not regular files: a FIFO and a character device are written
// in place (tcpdump -w /dev/null), never replaced by a renamed temporary.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "pktmap/error.hpp"
#include "pktmap/pcapio/packet_source.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcapio;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir() {
  return test::temp_dir("special");
}

// Reads everything written to the FIFO at PATH until the writer closes it (open blocks until a writer comes).
std::thread drain(const std::string& path, std::vector<std::uint8_t>& into) {
  return std::thread([path, &into] {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    std::uint8_t buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
      into.insert(into.end(), buf, buf + n);
    ::close(fd);
  });
}

bool is_fifo(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

const std::vector<std::uint8_t> kFrame = test::hex(
    "020000000002 020000000001 0800"
    "45000020 00004000 40110000 0a000001 0a000002"
    "00000035 000c0000 61626364");
}  // namespace

TEST_CASE("PcapWriter writes a FIFO in place and leaves it a FIFO", "[pcapio]") {
  auto dir = temp_dir();
  const std::string fifo = (dir / "out.fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::vector<std::uint8_t> got;
  std::thread reader = drain(fifo, got);
  {
    PcapWriter w(fifo, linktype::ethernet, true);  // opens once the reader is there
    for (int i = 0; i < 3; ++i)
      w.write(test::view(kFrame), static_cast<std::uint32_t>(kFrame.size()), 1767268800'000000000LL + i);
    w.commit();
  }
  reader.join();
  CHECK(is_fifo(fifo));
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temporary left
  REQUIRE(got.size() == 24 + 3 * (16 + kFrame.size()));
  // What came through the FIFO is the capture: read it back from a file.
  const std::string copy = (dir / "copy.pcap").string();
  {
    std::FILE* f = std::fopen(copy.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(got.data(), 1, got.size(), f);
    std::fclose(f);
  }
  auto src = PacketSource::open_file(copy);
  Packet p;
  int n = 0;
  while (src.next(p) == ReadStatus::packet) {
    CHECK(p.ts_ns == 1767268800'000000000LL + n);
    CHECK(std::vector<std::uint8_t>(p.data.begin(), p.data.end()) == kFrame);
    ++n;
  }
  CHECK(n == 3);
  fs::remove_all(dir);
}

TEST_CASE("AtomicFile writes a FIFO in place", "[pcapio]") {
  auto dir = temp_dir();
  const std::string fifo = (dir / "report.fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::vector<std::uint8_t> got;
  std::thread reader = drain(fifo, got);
  {
    AtomicFile f(fifo);
    std::fputs("{\"packets\":3}\n", f.file());
    f.commit();
  }
  reader.join();
  CHECK(is_fifo(fifo));
  CHECK(std::string(got.begin(), got.end()) == "{\"packets\":3}\n");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}

TEST_CASE("A writer given a directory fails at once, naming it", "[pcapio]") {
  auto dir = temp_dir();
  CHECK_THROWS_WITH(PcapWriter(dir.string(), linktype::ethernet), Catch::Contains("is a directory"));
  CHECK_THROWS_AS(AtomicFile(dir.string()), SetupError);
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}

// A node made here rather than the real /dev/null: were the writer to rename over it (as root could), the
// test would destroy only its own copy.
TEST_CASE("PcapWriter and AtomicFile write a character device in place", "[pcapio]") {
  auto dir = temp_dir();
  const std::string null_dev = (dir / "null").string();
  if (::mknod(null_dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    WARN("skipped: cannot make a device node (" << std::strerror(errno) << "; needs root, CI runs as root)");
    fs::remove_all(dir);
    return;
  }
  const auto is_null = [&] {
    struct stat st {};
    return ::lstat(null_dev.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
  };
  {
    PcapWriter w(null_dev, linktype::ethernet);
    w.write(test::view(kFrame), static_cast<std::uint32_t>(kFrame.size()), 0);
    w.commit();
    CHECK(w.count() == 1);
  }
  CHECK(is_null());
  {
    AtomicFile f(null_dev);
    std::fputs("report\n", f.file());
    f.commit();
  }
  CHECK(is_null());
  {
    PcapWriter w(null_dev, linktype::ethernet);  // abandoned: the device is not removed either
  }
  CHECK(is_null());
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}
