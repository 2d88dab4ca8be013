#include "pcap_out.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace pktmap::gencap {

namespace {
constexpr int kSnapLen = 65535;
}

PcapOut::PcapOut(std::string path) : path_(std::move(path)) {
  tmp_ = path_ + ".tmp." + std::to_string(::getpid());  // *.tmp.* is in .gitignore
  // Microsecond precision keeps the classic 0xa1b2c3d4 magic that every tool reads.
  dead_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLen, PCAP_TSTAMP_PRECISION_MICRO);
  if (dead_ == nullptr) throw std::runtime_error("pcap_open_dead failed");
  std::FILE* f = std::fopen(tmp_.c_str(), "wb");
  if (f == nullptr) {
    std::string err = std::strerror(errno);
    pcap_close(dead_);
    throw std::runtime_error(path_ + ": " + err);
  }
  // A large stdio buffer: the bench mix writes ~150 MB and small writes dominate otherwise.
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  dumper_ = pcap_dump_fopen(dead_, f);
  if (dumper_ == nullptr) {
    std::string err = pcap_geterr(dead_);
    std::fclose(f);
    std::remove(tmp_.c_str());
    pcap_close(dead_);
    throw std::runtime_error(path_ + ": " + err);
  }
}

PcapOut::~PcapOut() {
  discard();
}

void PcapOut::discard() {
  if (dumper_ != nullptr) {
    pcap_dump_close(dumper_);
    dumper_ = nullptr;
    std::remove(tmp_.c_str());
  }
  if (dead_ != nullptr) {
    pcap_close(dead_);
    dead_ = nullptr;
  }
}

void PcapOut::write(std::uint64_t ts_us, ByteView frame) {
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = static_cast<time_t>(ts_us / 1'000'000);
  hdr.ts.tv_usec = static_cast<suseconds_t>(ts_us % 1'000'000);
  hdr.caplen = static_cast<bpf_u_int32>(frame.size());
  hdr.len = hdr.caplen;
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, frame.data());
  ++packets_;
}

void PcapOut::commit() {
  if (dumper_ == nullptr) throw std::runtime_error(path_ + ": already closed");
  std::FILE* f = pcap_dump_file(dumper_);
  bool failed = pcap_dump_flush(dumper_) != 0 || std::ferror(f) != 0;
  // pcap_dump_close() fcloses the stream; the flush above already surfaced any write error.
  pcap_dump_close(dumper_);
  dumper_ = nullptr;
  if (failed) {
    std::remove(tmp_.c_str());
    throw std::runtime_error(path_ + ": write failed");
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::string err = std::strerror(errno);
    std::remove(tmp_.c_str());
    throw std::runtime_error(path_ + ": " + err);
  }
}

}  // namespace pktmap::gencap
