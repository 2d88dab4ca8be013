#pragma once
// Standard input, a FIFO or a device as a capture (tcpdump -r -, -r <(zcat x.pcap.gz)): nothing can be read
// twice or seeked, so the bytes are read once, here, and shared. libpcap gets them through a stdio stream
// of our own (fopencookie): first the bytes already read (the file header), then, once PacketSource hands
// the input over, the rest of its record buffer and the descriptor. PacketSource reads plain classic pcap
// records straight out of the buffer in between, as it does from a memory map; libpcap's per-record fread
// path costs as much as the rest of a proxy's work on the packet.
#include <sys/types.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace pktmap::pcapio::detail {

class StreamInput {
 public:
  // Opens PATH ("-": a duplicate of standard input) and reads up to the 24 bytes of a classic pcap header.
  // The returned stream owns this object (fclose frees it). Throws SetupError.
  static std::FILE* open(const std::string& path, StreamInput*& out);

  // The first bytes, as read at open.
  [[nodiscard]] const std::uint8_t* head() const { return head_; }
  [[nodiscard]] std::size_t head_len() const { return head_len_; }
  // Bytes libpcap has taken so far (a plain classic pcap open takes exactly the 24-byte header).
  [[nodiscard]] std::uint64_t given() const { return given_; }

  // PacketSource reads records from here on: libpcap's stream reports end of file until hand_over().
  void take_over() { owned_ = true; }
  // libpcap reads from here on: `rest` (still unread bytes of the record buffer), then the descriptor.
  void hand_over(const std::uint8_t* rest, std::size_t len);

  // Record buffer: [0, filled) holds input. The bytes from keep_from on move to the front, and more is read
  // until `need` bytes are there. False at end of input, on a read error (libpcap, reading on, names it) or
  // when `need` is more than the buffer holds (a record beyond any snapshot length libpcap accepts).
  bool refill(std::size_t keep_from, std::size_t need);
  // Whether a read failed only because a signal interrupted it: refill() may be retried then; libpcap's
  // stream is left mid-record and cannot go on.
  [[nodiscard]] bool take_interrupted() { return std::exchange(interrupted_, false); }
  [[nodiscard]] const std::uint8_t* data() const { return buf_.data(); }
  [[nodiscard]] std::size_t filled() const { return filled_; }

 private:
  StreamInput() = default;
  static ssize_t read_cookie(void* cookie, char* out, std::size_t size);
  static int seek_cookie(void* cookie, off64_t* pos, int whence);
  static int close_cookie(void* cookie);

  int fd_ = -1;
  std::uint8_t head_[24] = {};
  std::size_t head_len_ = 0;
  const std::uint8_t* pending_ = nullptr;  // what libpcap gets before the descriptor
  std::size_t pending_len_ = 0;
  bool owned_ = false;
  bool interrupted_ = false;
  std::uint64_t given_ = 0;
  std::vector<std::uint8_t> buf_;
  std::size_t filled_ = 0;
  std::vector<char> stdio_buf_;  // libpcap's reads after a hand-over come in large blocks too
};

}  // namespace pktmap::pcapio::detail
