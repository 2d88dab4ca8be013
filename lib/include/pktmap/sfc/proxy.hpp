#pragma once
// The SFC proxy pipeline (RFC 7665 §4.6, draft-song-sfc-legacy-sf-mapping-04):
//   from_sff: outer decap -> NSH -> RFC 8300 policy -> Mode::to_sf (strip NSH, key into the frame)
//   to_sff:   Mode::from_sf (key -> stored header) -> NSH with SI-1, TTL unchanged -> outer re-encap
// Stored headers are "first seen" per key: the NSH and outer headers of the packet that created the key are
// kept until the key expires (or, per packet, is retrieved); later packets of the same scope reuse them. The
// outer headers are kept as they came (interned with their length/checksum/id fields zeroed) and completed
// for each returned packet. Nothing here allocates after construction.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/nsh.hpp"
#include "pktmap/sfc/frame_buffer.hpp"
#include "pktmap/sfc/mode.hpp"
#include "pktmap/sfc/nsh_locate.hpp"

namespace pktmap::sfc {

struct ProxyConfig {
  ModeConfig mode;
  codec::NshPolicy policy;
  // Forward SPI <-> reverse SPI: keys of reverse SPIs are on the SF's reverse side, and an SF-injected reply
  // to a forward-path packet gets the reverse path's header (draft-04 §4.1).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> path_pairs;
  codec::MacAddr proxy_mac{0x02, 0x00, 0x00, 0x00, 0x5f, 0x01};  // source of new L2 headers (L3 payloads)
  codec::MacAddr sf_mac{0x02, 0x00, 0x00, 0x00, 0x5f, 0x02};     // their destination
  std::size_t header_capacity = 65536;  // distinct interned NSH headers (and as many outer headers)
  std::size_t path_capacity = 4096;     // paths remembered for reverse mapping
};

// "FWD:REV", two 24-bit SPIs (--pair, and the state file's path_pairs). False for anything else.
bool parse_path_pair(std::string_view text, std::uint32_t& fwd, std::uint32_t& rev);
// Empty, or why the pairs cannot work (an SPI paired with itself, or in more than one pair).
std::string check_path_pairs(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs);

enum class SffVerdict : std::uint8_t {
  to_sf,            // the frame in to_sf goes to the SF
  relay_not_nsh,    // pass the input frame through unchanged
  relay_congruent,  // NSH without payload (congruent metadata, draft-04 §3): relayed to the SFF unchanged,
                    // and kept for replies the SF injects onto a paired path
  drop,             // RFC 8300 policy or mapping failure (outcome names it)
  reject,           // malformed input frame
};

struct SffResult {
  SffVerdict verdict = SffVerdict::drop;
  Outcome outcome;
  Transport transport = Transport::none;
  std::uint32_t spi = 0;
  std::uint8_t si = 0;
  std::uint8_t md_type = 0;
  std::uint8_t side = kSideForward;
  HeaderId nsh = kNoHeader;  // to_sf with keep_header: one reference for the caller to release
  ByteView header;           // the NSH as received (in the input frame)
};

struct SfResult {
  Outcome outcome;  // ok: `frame` now holds the restored packet toward the SFF
  bool reversed = false;
  std::uint32_t spi = 0;
  std::size_t nsh_offset = 0;  // where the restored NSH starts in the frame
  std::size_t nsh_len = 0;
};

class Proxy {
 public:
  explicit Proxy(const ProxyConfig& cfg);
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // One frame from the SFF. ts drives expiry; serial must be unique per packet (per-packet keys).
  SffResult from_sff(ByteView frame, std::int64_t ts, std::uint64_t serial, FrameBuffer& to_sf,
                     bool keep_header);
  // One frame from the SF (side kSideUnknown when not known); restored in place.
  SfResult to_sff(FrameBuffer& frame, std::uint8_t side, std::int64_t ts);

  [[nodiscard]] std::uint8_t side_of(std::uint32_t spi) const {
    return side_.empty() ? kSideForward : side_of_paired(spi);  // inline: asked for every packet
  }
  // The paired SPI, or false when unpaired.
  [[nodiscard]] bool reverse_of(std::uint32_t spi, std::uint32_t& out) const;

  [[nodiscard]] Mode& mode() { return *mode_; }
  [[nodiscard]] HeaderStore& nsh_store() { return nsh_store_; }
  [[nodiscard]] HeaderStore& outer_store() { return outer_store_; }
  [[nodiscard]] MappingTable& paths() { return paths_; }
  [[nodiscard]] const ProxyConfig& config() const { return cfg_; }
  // Congruent metadata saved into a paired path's header, for the replies an SF injects onto it.
  [[nodiscard]] std::uint64_t congruent_kept() const { return congruent_kept_; }
  static ScopeKey path_scope(std::uint32_t spi);

 private:
  [[nodiscard]] std::uint8_t side_of_paired(std::uint32_t spi) const;  // side_of() once --pair is given
  // Last header interned per SPI (direct-mapped on the low SPI bits); see intern_for_path().
  using HeaderCache = std::array<HeaderId, 1024>;
  HeaderId intern_for_path(HeaderStore& store, HeaderCache& cache, std::uint32_t spi, ByteView bytes);
  void keep_congruent(const codec::NshView& v, std::int64_t ts);
  // Idle expiry, once per packet timestamp (a frame's return at the time it left finds nothing new due).
  void expire(std::int64_t ts) {
    if (ts == expired_at_) return;
    expired_at_ = ts;
    mode_->expire(ts);
    paths_.expire(ts);
  }

  ProxyConfig cfg_;
  HeaderStore nsh_store_;
  HeaderStore outer_store_;
  std::unique_ptr<Mode> mode_;
  MappingTable paths_;                                        // SPI -> last witnessed header of that path
  std::unordered_map<std::uint32_t, std::uint32_t> pair_of_;  // both directions
  std::unordered_map<std::uint32_t, std::uint8_t> side_;
  // Only flow scopes, the modes keyed by the flow and vxlan's source port read the inner five-tuple: other
  // runs skip extracting it.
  bool needs_tuple_ = true;
  std::uint16_t ip_id_ = 0;
  std::uint64_t congruent_kept_ = 0;
  std::int64_t expired_at_ = INT64_MIN;
  NshLocation where_;  // the current input frame's NSH (a member: no per-packet construction)
  HeaderCache nsh_cache_;
  HeaderCache outer_cache_;
};

}  // namespace pktmap::sfc
