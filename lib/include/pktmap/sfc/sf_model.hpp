#pragma once
// An emulated legacy SF for offline runs. Transparent by default (every frame comes straight back); a YAML
// model (sfcproxy-replay --sf) adds the behaviours draft-song-sfc-legacy-sf-mapping-04 §2 allows an
// L2-transparent SF: dropping, reordering, delaying (in capture time, with jitter and a queue limit, as
// netem does), injecting replies (a RST answering a SYN, L2 reversed, out of the other side) and packets of
// the same flow in the same direction (a copy of an exemplar, as a retransmission or a cache's extra data
// looks to the proxy), rewriting L2 addresses, stripping VLAN tags, editing DSCP/TTL (RFC 1624 incremental
// checksum), translating addresses and ports by NAT rules (nat_rules.hpp, the format --mode nat reads).
// In vxlan mode the SF is VXLAN-capable (vtep_port set): it terminates the tunnel, applies its behaviours
// to the inner frame only, and sends the result back in a tunnel with the same VNI (outer addresses
// swapped, the source port kept), as a VTEP in front of a legacy SF would.
// Frames live in a preallocated pool; the packet id each frame carries is a side record, never on the wire.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/sfc/frame_buffer.hpp"
#include "pktmap/sfc/header_store.hpp"
#include "pktmap/sfc/nat_rules.hpp"

namespace pktmap::sfc {

struct FlowMatch {  // -1 = any
  int proto = -1;
  int sport = -1;
  int dport = -1;
};

struct SfModelConfig {
  std::uint64_t seed = 1;
  double drop_probability = 0;  // per packet, or per flow with drop_per_flow
  bool drop_per_flow = false;
  std::vector<FlowMatch> drop_match;  // packets of matching flows are dropped
  std::size_t reorder_window = 0;     // frames held and released in random order (0 = in order)
  bool inject_rst = false;            // answer TCP SYNs matching rst_match with RST|ACK; the SYN is dropped
  FlowMatch rst_match;
  std::uint64_t inject_every = 0;  // after every Nth packet matching inject_match, a copy of it (0 = never)
  FlowMatch inject_match;
  bool delay = false;  // frames leave delay_ns (+- jitter_ns, uniform) after they came in
  std::int64_t delay_ns = 0;
  std::int64_t jitter_ns = 0;
  std::size_t delay_limit = 1000;  // frames the delay line holds at once; more are dropped (netem's limit)
  std::optional<codec::MacAddr> rewrite_src;
  std::optional<codec::MacAddr> rewrite_dst;
  bool strip_vlan = false;
  int set_dscp = -1;  // 0..63
  int ttl_decrement = 0;
  std::shared_ptr<const NatRules> nat;  // `nat:` translations
  std::uint16_t vtep_port = 0;          // not in the YAML: the replay sets it in vxlan mode (0 = no VTEP)

  [[nodiscard]] bool transparent() const;
  // Most frames at the SF at once (for mode checks).
  [[nodiscard]] std::size_t max_in_flight() const { return reorder_window + (delay ? delay_limit : 0) + 1; }
};

// Throws SetupError naming file, line:column and key.
SfModelConfig load_sf_model(const std::string& path);
// The same for YAML text already read; `name` stands for the file in messages.
SfModelConfig parse_sf_model(const std::string& text, const std::string& name);

struct SfFrame {
  FrameBuffer buf;
  std::uint64_t pid = 0;  // the input packet it came from (0: injected)
  std::int64_t ts = 0;
  std::uint8_t side = 0;
  bool injected = false;
  bool reply = false;             // injected: a reply (the reverse path's), or a copy (the same path's)
  std::uint64_t answers_pid = 0;  // injected: the packet it answers or copies
  std::uint32_t spi = 0;          // side record: the path it entered on (injected: the answered packet's)
  std::array<std::uint8_t, 128> tunnel{};  // the VXLAN outer headers it arrived in (VTEP SF)
  std::uint8_t tunnel_len = 0;             // 0: not tunnelled
  // The caller's, never touched by the SF and kept when the frame is reused: the NSH the packet entered
  // with (sfcproxy-replay's accuracy check holds a reference here until the frame comes back or is reused).
  HeaderId entered = kNoHeader;
};

struct SfCounters {
  std::uint64_t received = 0;
  std::uint64_t dropped = 0;
  std::uint64_t injected = 0;
  std::uint64_t modified = 0;
  std::uint64_t delay_full = 0;  // of `dropped`: the delay line held its limit
};

class SfModel {
 public:
  static constexpr std::size_t kMaxReorderWindow = 1024;
  static constexpr std::size_t kMaxDelayLimit = 65536;
  explicit SfModel(const SfModelConfig& cfg);

  // A free frame to fill (nullptr never happens while callers drain output after each submit).
  [[nodiscard]] SfFrame* acquire();
  // Hands a filled frame to the SF.
  void submit(SfFrame* f);
  // Frames the SF has let out, in order; release() each after use.
  [[nodiscard]] SfFrame* next_out();
  void release(SfFrame* f);
  // Capture time has reached `now`: delayed frames due by then come out (in the order they are due).
  void advance(std::int64_t now) {
    if (!line_.empty() && line_.front().due <= now) release_due(now);
  }
  [[nodiscard]] bool delays() const { return cfg_.delay; }
  // End of input: everything held comes out.
  void flush();
  // Every frame of the pool, for the caller's `entered` references.
  [[nodiscard]] std::vector<SfFrame>& frames() { return pool_; }
  [[nodiscard]] const SfCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t pool_size() const { return pool_.size(); }

 private:
  bool drop(const SfFrame& f);
  void modify(SfFrame& f);
  void inject_reply(const SfFrame& syn);
  bool copy_due(const SfFrame& f);
  SfFrame* copy_of(const SfFrame& exemplar);
  void emit(SfFrame* f);
  void let_out_one();      // of the reorder window
  void leave(SfFrame* f);  // out of the reorder stage: into the delay line, or out
  void release_due(std::int64_t now);
  void decap(SfFrame& f) const;
  void encap(SfFrame& f) const;
  std::uint64_t next_random();

  SfModelConfig cfg_;
  std::vector<SfFrame> pool_;
  std::vector<SfFrame*> free_;
  std::vector<SfFrame*> held_;           // reorder window
  std::int64_t held_until_ = INT64_MIN;  // the latest time a frame entered the window
  std::vector<SfFrame*> out_;            // ready, FIFO (out_head_)
  struct Delayed {
    std::int64_t due;
    std::uint64_t seq;  // equal due times leave in the order they came
    SfFrame* f;
  };
  std::vector<Delayed> line_;  // the delay line: a min-heap on (due, seq)
  std::uint64_t line_seq_ = 0;
  std::uint64_t inject_seen_ = 0;  // packets that matched inject_match
  std::size_t out_head_ = 0;
  std::uint64_t rng_;
  SfCounters counters_;
};

}  // namespace pktmap::sfc
