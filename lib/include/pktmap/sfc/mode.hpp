#pragma once
// Mapping modes (draft-song-sfc-legacy-sf-mapping-04 §3): how the proxy remembers an SFC header while the
// packet visits an NSH-unaware SF. One small class per mode behind this interface:
//   to_sf:   find or assign the key for the packet's scope, store its header, encode the key into the frame
//   from_sf: read the key from the returned frame, remove it, find the stored header
// Granularity (path, flow, packet) says what one key stands for; it is a parameter, not a mode.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pktmap/codec/ethernet.hpp"
#include "pktmap/codec/outcome.hpp"
#include "pktmap/flow/five_tuple.hpp"
#include "pktmap/sfc/frame_buffer.hpp"
#include "pktmap/sfc/mapping_table.hpp"
#include "pktmap/sfc/nat_rules.hpp"

namespace pktmap::sfc {

enum class ModeKind : std::uint8_t { mac, mac_pair, vlan, qinq, five_tuple, vxlan, nat };
inline constexpr ModeKind kAllModes[] = {ModeKind::mac,  ModeKind::mac_pair,   ModeKind::vlan,
                                         ModeKind::qinq, ModeKind::five_tuple, ModeKind::vxlan,
                                         ModeKind::nat};
enum class Granularity : std::uint8_t { path, flow, packet };

const char* mode_name(ModeKind m);  // "mac", "mac-pair", "vlan", "qinq", "5tuple", "vxlan", "nat"
const char* granularity_name(Granularity g);
bool parse_mode(std::string_view text, ModeKind& out);
bool parse_granularity(std::string_view text, Granularity& out);

// Side of the SF a frame leaves from / arrives on; unknown for captures taken behind a real SF.
inline constexpr std::uint8_t kSideForward = 0;
inline constexpr std::uint8_t kSideReverse = 1;
inline constexpr std::uint8_t kSideUnknown = 0xFF;

// vxlan mode: the proxy's VTEP toward the SF (RFC 7348). Defaults are in the benchmarking range
// 198.18.0.0/15 (RFC 2544), which never leaves a lab.
struct VxlanConfig {
  std::array<std::uint8_t, 4> proxy_ip{198, 18, 0, 1};
  std::array<std::uint8_t, 4> sf_ip{198, 18, 0, 2};
  codec::MacAddr proxy_mac{0x02, 0x00, 0x00, 0x00, 0x5f, 0x01};
  codec::MacAddr sf_mac{0x02, 0x00, 0x00, 0x00, 0x5f, 0x02};
  std::uint16_t port = 4789;  // IANA VXLAN port (RFC 7348 §5)
};
inline constexpr std::uint32_t kMaxVni = 0xFFFFFF;  // VNIs 1..16777215 (0 is left unused)

struct ModeConfig {
  ModeKind kind = ModeKind::mac;
  Granularity per = Granularity::path;
  std::size_t limit = 0;  // 0 = the mode's default (mac 16384, mac-pair 16384, vlan 4094, ...)
  std::int64_t idle_ns = 60'000'000'000;  // 60 s (ODL's PathMapperACL timeout); <= 0 never expires
  FullPolicy policy = FullPolicy::evict_oldest;
  // Key MACs: the pool's first three bytes (mac: that prefix, mac-pair: the next two), the index in the
  // low 24 bits.
  codec::MacAddr mac_base{0x02, 0x5f, 0x00, 0x00, 0x00, 0x00};
  std::uint16_t s_tpid = 0x88A8;  // qinq outer tag (802.1ad)
  std::uint16_t vlan_tpid = 0x8100;
  std::uint16_t vid_first = 1;  // vlan: the VIDs keys take (an SF's trunk may allow only some)
  std::uint16_t vid_last = 4094;
  std::uint32_t vni_first = 1;  // vxlan: the VNIs keys take
  std::uint32_t vni_last = 0xFFFFFF;
  // Most packets that can be at the SF at once (emulated SF: its reorder window + 1; unknown = 0). Decides
  // whether vlan per packet fits in 4094 keys.
  std::size_t max_in_flight = 0;
  VxlanConfig vxlan;
  // nat mode: the translation rules the SF applies (shared with the SF model, see nat_rules.hpp).
  std::shared_ptr<const NatRules> nat;
};

// Refuses combinations that cannot work (draft-04 Table 1) with a message naming a mode that would.
// Empty string = fine.
std::string check_mode_config(const ModeConfig& c);
std::size_t default_limit(ModeKind m);
// The table capacity a configuration gets: --limit, or the mode's default within its VID or VNI range.
std::size_t mode_limit(const ModeConfig& c);
// Empty, or why the key MAC pool cannot be used: not locally administered unicast, or overlapping the
// proxy's own MACs (a bridge in the SF would learn one address on two ports).
std::string check_mac_pool(const ModeConfig& c, const codec::MacAddr& proxy_mac,
                           const codec::MacAddr& sf_mac);

// What the proxy knows about a packet going to the SF.
struct ToSfPacket {
  std::uint32_t spi = 0;
  std::uint8_t si = 0;
  std::uint8_t next_proto = 0;
  std::uint8_t side = kSideForward;
  std::int64_t ts = 0;
  std::uint64_t serial = 0;                // unique per packet (per-packet scopes)
  const flow::FiveTuple* tuple = nullptr;  // inner flow, when the payload is IP (directly or under L2)
  HeaderId nsh = kNoHeader;                // interned by the proxy; the mode retains what it keeps
  HeaderId outer = kNoHeader;
  std::uint8_t outer_ip_off = 0, outer_l4_off = 0, outer_ip_version = 0, outer_l4_proto = 0;
};

// On success `entry` points at the stored header in the mode's table, valid until the next call into the
// mode. A per-packet key is removed only once the caller has restored the header from it: finish() does
// that (no header copies or reference counting per returned packet).
struct FromSfResult {
  Outcome outcome;
  const Entry* entry = nullptr;
  bool reversed = false;                 // the frame goes the other way from the entry (an SF-injected reply)
  MappingTable* release_from = nullptr;  // per-packet key: removed by finish()
  std::uint32_t release_index = 0;
  void finish() {
    if (release_from) release_from->release(release_index);
    release_from = nullptr;
  }
};

class Mode {
 public:
  virtual ~Mode() = default;
  [[nodiscard]] virtual ModeKind kind() const = 0;
  // frame: the Ethernet frame to send to the SF (payload L2 frame, or a new L2 header + L3 payload).
  virtual Outcome to_sf(const ToSfPacket& p, FrameBuffer& frame) = 0;
  virtual FromSfResult from_sf(FrameBuffer& frame, std::uint8_t side, std::int64_t ts) = 0;
  virtual void expire(std::int64_t now_ns) = 0;
  // The table holding headers (qinq: the per-packet table); tables() lists all for state files.
  [[nodiscard]] virtual MappingTable& table() = 0;
  [[nodiscard]] virtual std::size_t table_count() const { return 1; }
  [[nodiscard]] virtual MappingTable& table_at(std::size_t i) { return i == 0 ? table() : table(); }
  [[nodiscard]] const ModeConfig& config() const { return cfg_; }

 protected:
  explicit Mode(const ModeConfig& c) : cfg_(c) {}
  ModeConfig cfg_;
};

std::unique_ptr<Mode> make_mode(const ModeConfig& c, HeaderStore& nsh_store, HeaderStore& outer_store);

}  // namespace pktmap::sfc
