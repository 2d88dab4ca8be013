#pragma once
// The mode classes (internal: tools reach them through make_mode()).
#include "pktmap/sfc/mode.hpp"

namespace pktmap::sfc {

// Key = entry index, encoded in the frame by encode()/decode().
class KeyedMode : public Mode {
 public:
  KeyedMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer);
  Outcome to_sf(const ToSfPacket& p, FrameBuffer& frame) override;
  FromSfResult from_sf(FrameBuffer& frame, std::uint8_t side, std::int64_t ts) override;
  void expire(std::int64_t now_ns) override { table_.expire(now_ns); }
  MappingTable& table() override { return table_; }

 protected:
  virtual Outcome encode(std::uint32_t index, Entry& e, const ToSfPacket& p, FrameBuffer& frame) = 0;
  // Reads and removes the key; reversed when the frame itself shows the other direction (swapped MACs).
  virtual Outcome decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) = 0;
  // Whether the SF side a frame returns on tells its direction (vlan: keys are (direction, VID)).
  [[nodiscard]] virtual bool uses_side() const { return false; }
  [[nodiscard]] codec::MacAddr key_mac(std::uint32_t index, std::uint8_t lane) const;
  [[nodiscard]] bool from_pool(const std::uint8_t* mac, std::uint8_t lane) const;
  static std::uint32_t key_index(const std::uint8_t* mac);

  HeaderStore* nsh_;
  HeaderStore* outer_;
  MappingTable table_;
};

class MacMode final : public KeyedMode {
 public:
  using KeyedMode::KeyedMode;
  ModeKind kind() const override { return ModeKind::mac; }

 protected:
  Outcome encode(std::uint32_t index, Entry& e, const ToSfPacket& p, FrameBuffer& frame) override;
  Outcome decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) override;
};

class MacPairMode final : public KeyedMode {
 public:
  using KeyedMode::KeyedMode;
  ModeKind kind() const override { return ModeKind::mac_pair; }

 protected:
  Outcome encode(std::uint32_t index, Entry& e, const ToSfPacket& p, FrameBuffer& frame) override;
  Outcome decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) override;
};

class VlanMode final : public KeyedMode {
 public:
  using KeyedMode::KeyedMode;
  ModeKind kind() const override { return ModeKind::vlan; }

 protected:
  Outcome encode(std::uint32_t index, Entry& e, const ToSfPacket& p, FrameBuffer& frame) override;
  Outcome decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) override;
  bool uses_side() const override { return true; }
};

// qinq: outer S-tag VID per path or flow (table of outer keys), inner C-tag VID per packet (table of
// headers).
class QinqMode final : public Mode {
 public:
  QinqMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer);
  ModeKind kind() const override { return ModeKind::qinq; }
  Outcome to_sf(const ToSfPacket& p, FrameBuffer& frame) override;
  FromSfResult from_sf(FrameBuffer& frame, std::uint8_t side, std::int64_t ts) override;
  void expire(std::int64_t now_ns) override {
    outer_keys_.expire(now_ns);
    packets_.expire(now_ns);
  }
  MappingTable& table() override { return packets_; }
  std::size_t table_count() const override { return 2; }
  MappingTable& table_at(std::size_t i) override { return i == 0 ? packets_ : outer_keys_; }

 private:
  HeaderStore* nsh_;
  HeaderStore* outer_;
  MappingTable outer_keys_;  // scope -> outer VID (index + 1); aux = next inner VID
  MappingTable packets_;     // (outer VID, inner VID) -> header
};

// Keys that are the inner flow itself (5tuple, nat): one entry per direction; nothing is written into the
// frame. A returned frame is looked up by its own 5-tuple, then by its reverse (a reply to that entry).
class TupleMode : public Mode {
 public:
  FromSfResult from_sf(FrameBuffer& frame, std::uint8_t side, std::int64_t ts) override;
  void expire(std::int64_t now_ns) override { table_.expire(now_ns); }
  MappingTable& table() override { return table_; }

 protected:
  // tag separates the modes' scopes; the names are the outcomes of frames that carry no usable 5-tuple.
  TupleMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer, std::uint64_t tag,
            const char* truncated_name, const char* not_ip_name);
  // Stores p's header under key (or refreshes the entry already there).
  Outcome store(const flow::FiveTuple& key, const ToSfPacket& p);

 private:
  HeaderStore* nsh_;
  HeaderStore* outer_;
  MappingTable table_;
  std::uint64_t tag_;
  const char* truncated_name_;
  const char* not_ip_name_;
};

// 5tuple: the inner flow itself is the key, one entry per direction (draft-04 Table 1).
class FiveTupleMode final : public TupleMode {
 public:
  FiveTupleMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer);
  ModeKind kind() const override { return ModeKind::five_tuple; }
  Outcome to_sf(const ToSfPacket& p, FrameBuffer& frame) override;
};

// vxlan: (direction, VNI) keys, VNI = index + 1; the frame travels to the SF inside Ethernet/IPv4/UDP/VXLAN
// (RFC 7348) toward the configured SF VTEP (vxlan_mode.cpp).
class VxlanMode final : public KeyedMode {
 public:
  VxlanMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer);
  ModeKind kind() const override { return ModeKind::vxlan; }

 protected:
  Outcome encode(std::uint32_t index, Entry& e, const ToSfPacket& p, FrameBuffer& frame) override;
  Outcome decode(FrameBuffer& frame, std::uint32_t& index, bool& reversed) override;
  bool uses_side() const override { return true; }

 private:
  std::uint16_t ip_id_ = 0;
};

// nat: like 5tuple, but the key is the flow as the SF will return it: the stored header waits under the
// translated 5-tuple (and is found for replies under its reverse), so addresses and ports the SF rewrites
// still map (draft-04 §4, non-transparent SFs; nat_mode.cpp).
class NatMode final : public TupleMode {
 public:
  NatMode(const ModeConfig& c, HeaderStore& nsh, HeaderStore& outer);
  ModeKind kind() const override { return ModeKind::nat; }
  Outcome to_sf(const ToSfPacket& p, FrameBuffer& frame) override;
};

// The scope of a 5-tuple key (5tuple and nat modes): direction is in the tuple itself.
ScopeKey tuple_scope(const flow::FiveTuple& t, std::uint64_t tag);

}  // namespace pktmap::sfc
