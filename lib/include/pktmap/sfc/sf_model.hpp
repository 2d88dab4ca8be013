#pragma once
// An emulated legacy SF for offline runs. Transparent by default (every frame comes straight back); a YAML
// model (sfcproxy-replay --sf) adds the behaviours draft-song-sfc-legacy-sf-mapping-04 §2 allows an
// L2-transparent SF: dropping, reordering, injecting replies (a RST answering a SYN, L2 reversed, out of the
// other side), rewriting L2 addresses, stripping VLAN tags, editing DSCP/TTL (RFC 1624 incremental checksum),
// translating addresses and ports by NAT rules (nat_rules.hpp, the format --mode nat reads).
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
  std::optional<codec::MacAddr> rewrite_src;
  std::optional<codec::MacAddr> rewrite_dst;
  bool strip_vlan = false;
  int set_dscp = -1;  // 0..63
  int ttl_decrement = 0;
  std::shared_ptr<const NatRules> nat;  // `nat:` translations
  std::uint16_t vtep_port = 0;          // not in the YAML: the replay sets it in vxlan mode (0 = no VTEP)

  [[nodiscard]] bool transparent() const;
  // Most frames at the SF at once (for mode checks).
  [[nodiscard]] std::size_t max_in_flight() const { return reorder_window + 1; }
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
  std::uint64_t answers_pid = 0;  // injected: the packet it answers
  std::uint32_t spi = 0;          // side record: the path it entered on (injected: the answered packet's)
  std::array<std::uint8_t, 128> tunnel{};  // the VXLAN outer headers it arrived in (VTEP SF)
  std::uint8_t tunnel_len = 0;             // 0: not tunnelled
};

struct SfCounters {
  std::uint64_t received = 0;
  std::uint64_t dropped = 0;
  std::uint64_t injected = 0;
  std::uint64_t modified = 0;
};

class SfModel {
 public:
  static constexpr std::size_t kMaxReorderWindow = 1024;
  explicit SfModel(const SfModelConfig& cfg);

  // A free frame to fill (nullptr never happens while callers drain output after each submit).
  [[nodiscard]] SfFrame* acquire();
  // Hands a filled frame to the SF.
  void submit(SfFrame* f);
  // Frames the SF has let out, in order; release() each after use.
  [[nodiscard]] SfFrame* next_out();
  void release(SfFrame* f);
  // End of input: everything held comes out.
  void flush();
  [[nodiscard]] const SfCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t pool_size() const { return pool_.size(); }

 private:
  bool drop(const SfFrame& f);
  void modify(SfFrame& f);
  void inject_reply(const SfFrame& syn);
  void emit(SfFrame* f);
  void decap(SfFrame& f) const;
  void encap(SfFrame& f) const;
  std::uint64_t next_random();

  SfModelConfig cfg_;
  std::vector<SfFrame> pool_;
  std::vector<SfFrame*> free_;
  std::vector<SfFrame*> held_;  // reorder window
  std::vector<SfFrame*> out_;   // ready, FIFO (out_head_)
  std::size_t out_head_ = 0;
  std::uint64_t rng_;
  SfCounters counters_;
};

}  // namespace pktmap::sfc
