// "Never crashes": every captured packet of the repo's captures, cut at every length and with single bytes
// changed, goes through the decode chain and both formatters. Each run must finish with one text line at
// verbosity 0 and one valid JSON object. (Under ASan/UBSan in CI this also proves no over-read or UB.)
//
// Bounded so it runs in seconds: from each capture, one packet per distinct decode (the protocols found and
// how decoding ended), and mutations only in the first kMutateBytes bytes, where the headers are.
#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <pcap/pcap.h>

#include "pktmap/dissect/dissector.hpp"
#include "pktmap/dump/packet_format.hpp"
#include "pktmap/pcapio/packet.hpp"
#include "test_util.hpp"

using namespace pktmap;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMutateBytes = 256;

struct Capture {
  std::string name;
  int linktype = 0;
  std::vector<std::vector<std::uint8_t>> frames;
};

Capture read_capture(const fs::path& path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) throw std::runtime_error(path.string() + ": " + err);
  Capture c{path.filename().string(), pcap_datalink(p), {}};
  pcap_pkthdr* h;
  const u_char* d;
  while (pcap_next_ex(p, &h, &d) == 1)
    c.frames.emplace_back(d, d + h->caplen);
  pcap_close(p);
  return c;
}

std::vector<fs::path> capture_files() {
  std::vector<fs::path> files;
  for (const char* dir : {PKTMAP_CAPTURES, PKTMAP_TEST_DATA}) {
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string n = e.path().filename().string();
      if (n.find(".pcap") != std::string::npos) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// What a decode found: the protocol sequence and the outcome, as one string.
std::string signature(const dissect::Dissection& d) {
  std::string s;
  for (std::size_t i = 0; i < d.layer_count; ++i) {
    s += dissect::proto_name(d.layers[i].proto);
    s += ' ';
  }
  s += d.outcome.name;
  return s;
}

class Checker {
 public:
  explicit Checker(int linktype) : linktype_(linktype), dissector_(table_) {}

  // Decodes and formats one packet; returns a description of the first broken rule, or "" when fine.
  std::string run(const std::vector<std::uint8_t>& bytes) {
    ++runs_;
    ByteView pkt(bytes.data(), bytes.size());
    dissector_.dissect(pkt, linktype_, d_);
    pcapio::Packet p{
        .data = pkt, .wire_len = static_cast<std::uint32_t>(bytes.size()), .ts_ns = 0, .number = 1};
    text_.clear();
    dump::format_text(d_, p, {.verbosity = 0, .utc = true}, text_);
    if (text_.empty() || text_.back() != '\n' || text_.find('\n') != text_.size() - 1)
      return "text is not one line: " + text_;
    text_.clear();
    dump::format_text(d_, p, {.verbosity = 1, .utc = true}, text_);
    if (text_.empty() || text_.back() != '\n') return "verbose text does not end in a newline: " + text_;
    json_.clear();
    dump::format_json(d_, p, json_);
    if (!nlohmann::json::accept(json_.str())) return "invalid JSON: " + json_.str();
    if (!nlohmann::json::parse(json_.str()).is_object()) return "JSON is not an object: " + json_.str();
    return {};
  }

  [[nodiscard]] const dissect::Dissection& last() const { return d_; }
  [[nodiscard]] std::size_t runs() const { return runs_; }

 private:
  int linktype_;
  dissect::DispatchTable table_;
  dissect::Dissector dissector_;
  dissect::Dissection d_;
  std::string text_;
  report::JsonWriter json_;
  std::size_t runs_ = 0;
};

}  // namespace

TEST_CASE("every capture decodes and formats whole, cut at every length and with bytes changed",
          "[dissect][robustness]") {
  const auto files = capture_files();
  REQUIRE(files.size() >= 10);
  std::size_t total_runs = 0;
  for (const auto& path : files) {
    const Capture cap = read_capture(path);
    REQUIRE(!cap.frames.empty());
    Checker check(cap.linktype);
    std::set<std::string> seen;
    // Catch2's per-assertion bookkeeping would dominate: fail by hand, with the case in the message.
    auto expect_ok = [&](const std::vector<std::uint8_t>& bytes, std::size_t frame_no, const char* what,
                         std::size_t at, int value) {
      std::string why = check.run(bytes);
      if (!why.empty())
        FAIL(cap.name << " frame " << frame_no << " " << what << " " << at << " " << value << ": " << why);
    };
    for (std::size_t i = 0; i < cap.frames.size(); ++i) {
      const auto& frame = cap.frames[i];
      expect_ok(frame, i + 1, "whole", frame.size(), 0);
      if (!seen.insert(signature(check.last())).second) continue;

      std::vector<std::uint8_t> cut;
      for (std::size_t n = 0; n < frame.size(); ++n) {
        cut.assign(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
        expect_ok(cut, i + 1, "cut to", n, 0);
      }
      std::vector<std::uint8_t> m = frame;
      for (std::size_t at = 0; at < frame.size() && at < kMutateBytes; ++at) {
        const std::uint8_t b = frame[at];
        for (int v : {b ^ 0x01, b ^ 0x80, 0x00, 0xff}) {
          if (v == b) continue;
          m[at] = static_cast<std::uint8_t>(v);
          expect_ok(m, i + 1, "byte set at", at, v);
        }
        m[at] = b;
      }
    }
    total_runs += check.runs();
  }
  // The bound above still leaves a real amount of work (a broken file list would pass with almost none).
  CHECK(total_runs > 20000);
}
