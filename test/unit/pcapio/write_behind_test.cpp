// PcapWriter writes its temporary file from a second thread (write_behind.hpp): the records must come out
// whole and in order across many buffers and around a record larger than a buffer, and a write that fails on
// that thread must still fail commit() and leave no file.
#include <pcap/pcap.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "libpcap_agreement.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "test_util.hpp"

using namespace pktmap;
using namespace pktmap::pcapio;
namespace fs = std::filesystem;

namespace {
// Record k: caplen from 1 to 1500 bytes, every byte derived from k, so a lost, repeated or reordered record
// or a torn block boundary shows in the bytes.
std::vector<std::uint8_t> record(std::uint32_t k) {
  std::vector<std::uint8_t> r(1 + (k * 7919u) % 1500u);
  for (std::size_t i = 0; i < r.size(); ++i)
    r[i] = static_cast<std::uint8_t>(k * 31u + i);
  return r;
}
}  // namespace

TEST_CASE("PcapWriter written behind keeps thousands of records across buffers whole and in order",
          "[pcapio]") {
  auto dir = test::temp_dir("writebehind");
  const auto out = (dir / "many.pcap").string();
  constexpr std::uint32_t kRecords = 20000;  // about 15 MB: dozens of 256 KiB blocks, the ring wraps
  constexpr std::uint32_t kJumbo = 9000;     // a record larger than a block, after many blocks went out
  std::vector<std::uint8_t> jumbo(262144);   // libpcap reads no larger record
  for (std::size_t i = 0; i < jumbo.size(); ++i)
    jumbo[i] = static_cast<std::uint8_t>(i * 13);
  {
    PcapWriter w(out, linktype::ethernet, true);
    for (std::uint32_t k = 0; k < kRecords; ++k) {
      const auto r = k == kJumbo ? jumbo : record(k);
      w.write(test::view(r), static_cast<std::uint32_t>(r.size()), std::int64_t{k} * 1000);
    }
    CHECK(w.count() == kRecords);
    CHECK_FALSE(fs::exists(out));
    w.commit();
  }
  std::uint32_t k = 0;
  std::uint32_t bad = 0;
  const std::size_t n = test::for_each_libpcap_record(out, [&](const pcap_pkthdr& h, const u_char* d) {
    const auto want = k == kJumbo ? jumbo : record(k);
    if (h.caplen != want.size() || std::memcmp(d, want.data(), want.size()) != 0 || h.ts.tv_usec != k) ++bad;
    ++k;
  });
  CHECK(n == kRecords);
  CHECK(bad == 0);
  fs::remove_all(dir);
}

// Between buffers the writing thread polls for a while, then sleeps until the next buffer wakes it: a
// producer that pauses longer than that (a quiet live capture) must still get every record out, in order.
TEST_CASE("PcapWriter written behind keeps records whole when the writing thread sleeps between buffers",
          "[pcapio]") {
  auto dir = test::temp_dir("writebehind-sleep");
  const auto out = (dir / "paused.pcap").string();
  constexpr std::uint32_t kRecords = 1500;  // about 1.1 MB: four 256 KiB buffers and a part
  {
    PcapWriter w(out, linktype::ethernet, true);
    for (std::uint32_t k = 0; k < kRecords; ++k) {
      const auto r = record(k);
      w.write(test::view(r), static_cast<std::uint32_t>(r.size()), std::int64_t{k} * 1000);
      if (k % 400 == 399) std::this_thread::sleep_for(std::chrono::milliseconds(80));  // past the polling
    }
    w.commit();
  }
  std::uint32_t k = 0;
  std::uint32_t bad = 0;
  const std::size_t n = test::for_each_libpcap_record(out, [&](const pcap_pkthdr& h, const u_char* d) {
    const auto want = record(k);
    if (h.caplen != want.size() || std::memcmp(d, want.data(), want.size()) != 0 || h.ts.tv_usec != k) ++bad;
    ++k;
  });
  CHECK(n == kRecords);
  CHECK(bad == 0);
  fs::remove_all(dir);
}

// A file size limit makes write(2) fail with EFBIG on the writing thread (SIGXFSZ ignored, as a tool that
// wants the error rather than the signal would have it). Run in a child: the limit is per process.
TEST_CASE("A write that fails behind the thread fails commit with its reason and leaves no file",
          "[pcapio]") {
  auto dir = test::temp_dir("writebehind-fail");
  const auto out = (dir / "limited.pcap").string();
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{1 << 20, 1 << 20};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    int status = 1;
    try {
      PcapWriter w(out, linktype::ethernet);
      const auto r = record(1499);    // 1,500 bytes
      for (int i = 0; i < 4000; ++i)  // 6 MB, far past the limit
        w.write(test::view(r), static_cast<std::uint32_t>(r.size()), i);
      w.commit();
      status = 2;  // commit did not fail
    } catch (const SetupError& e) {
      status = std::string(e.what()).find("File too large") != std::string::npos ? 0 : 3;
    }
    ::_exit(status);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // 2: commit succeeded; 3: another error message
  CHECK(fs::is_empty(dir));         // neither the output nor its temporary
  fs::remove_all(dir);
}

namespace {
std::size_t threads_now() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/task"))
    ++n;
  return n;
}
}  // namespace

// The helper costs 2-3 ms to start (a thread, 4 MiB made resident): a small output is written in place, and
// the helper starts once 512 KiB are out, or at once when the caller says it expects that much.
TEST_CASE("PcapWriter starts its write-behind thread only for outputs past 512 KiB", "[pcapio]") {
  if (std::thread::hardware_concurrency() < 2) {
    WARN("one CPU: every output is written in place, nothing to check");
    return;
  }
  auto dir = test::temp_dir("writebehind-lazy");
  const auto out = (dir / "lazy.pcap").string();
  const std::size_t base = threads_now();
  std::uint32_t k = 0;
  {
    PcapWriter w(out, linktype::ethernet, true);
    std::size_t bytes = 0;
    for (; bytes < 400 * 1024; ++k) {
      const auto r = record(k);
      w.write(test::view(r), static_cast<std::uint32_t>(r.size()), std::int64_t{k} * 1000);
      bytes += 16 + r.size();
    }
    CHECK(threads_now() == base);  // 400 KB: still this thread's
    for (; bytes < 1024 * 1024; ++k) {
      const auto r = record(k);
      w.write(test::view(r), static_cast<std::uint32_t>(r.size()), std::int64_t{k} * 1000);
      bytes += 16 + r.size();
    }
    CHECK(threads_now() == base + 1);  // past 512 KiB: the helper writes
    w.commit();
  }
  CHECK(threads_now() == base);
  std::uint32_t n = 0;
  std::uint32_t bad = 0;
  test::for_each_libpcap_record(out, [&](const pcap_pkthdr& h, const u_char* d) {
    const auto want = record(n);
    if (h.caplen != want.size() || std::memcmp(d, want.data(), want.size()) != 0 || h.ts.tv_usec != n) ++bad;
    ++n;
  });
  CHECK(n == k);  // the records written in place and those written behind, in one order
  CHECK(bad == 0);
  {
    PcapWriter w(out, linktype::ethernet, true, PcapWriter::kDefaultSnaplen, 1024 * 1024);
    CHECK(threads_now() == base + 1);  // expected to pass 512 KiB: started with the writer
  }
  fs::remove_all(dir);
}
