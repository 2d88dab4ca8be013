// sfcproxy-replay state files (--state-out / --state-in, readable by mapdump --state): the mode settings in
// "meta" and every live table entry with its interned headers as hex. Set-up path only (nlohmann::json).
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "pktmap/codec/ipv4.hpp"
#include "pktmap/error.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/sfc/nsh_locate.hpp"
#include "pktmap/sfc/replay.hpp"
#include "pktmap/text_file.hpp"
#include "pktmap/wire/hex.hpp"

namespace pktmap::sfc {

namespace {

using nlohmann::json;

codec::MacAddr mac_from(const std::string& path, const json& v, const char* what) {
  codec::MacAddr m;
  if (!v.is_string() || !codec::parse_mac(v.get<std::string>(), m))
    throw SetupError(path + ": " + what + ": not a MAC address");
  return m;
}

std::vector<std::uint8_t> bytes_from(const std::string& path, const json& v, const char* what) {
  auto b = v.is_string() ? parse_hex(v.get<std::string>()) : std::nullopt;
  if (!b) throw SetupError(path + ": " + what + ": not hex");
  return *b;
}

// A whole number in 0..max. nlohmann's get<> would cast a fraction or a wider value without a word (and a
// float beyond the integer's range is undefined behaviour), so the type and range are checked first.
std::uint64_t whole(const json& v, const std::string& where, const char* key, std::uint64_t max) {
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
    throw SetupError(where + key + ": expected a whole number in 0.." + std::to_string(max));
  return v.get<std::uint64_t>();
}

// meta[key] as [first, last], each a whole number up to max; left as it is when the file has no such key.
void key_range(const json& meta, const std::string& where, const char* key, std::uint64_t max,
               std::uint32_t& first, std::uint32_t& last) {
  if (!meta.contains(key)) return;
  const json& r = meta[key];
  if (!r.is_array() || r.size() != 2) throw SetupError(where + key + ": expected [first, last]");
  first = static_cast<std::uint32_t>(whole(r[0], where, key, max));
  last = static_cast<std::uint32_t>(whole(r[1], where, key, max));
}

// A signed 64-bit whole number (times in ns).
std::int64_t whole_signed(const json& v, const std::string& where, const char* key) {
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() && v.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()))
    throw SetupError(where + key + ": expected a 64-bit whole number");
  return v.get<std::int64_t>();
}

std::string ip_text(const codec::Ipv4Addr& a) {
  char b[16];
  return codec::format_ipv4_addr(a, b);
}

// A 5-tuple scope (5tuple, nat) as "tcp 198.51.100.3:20080 > 10.0.0.1:80".
std::string tuple_text(const ScopeKey& s) {
  AddrField src, dst;
  src.set = dst.set = true;
  src.version = dst.version = static_cast<std::uint8_t>(s.w[1] & 0xff);
  src.prefix = dst.prefix = src.version == 4 ? 32 : 128;
  for (int i = 0; i < 8; ++i) {
    src.addr[i] = static_cast<std::uint8_t>(s.w[2] >> (56 - 8 * i));
    src.addr[8 + i] = static_cast<std::uint8_t>(s.w[3] >> (56 - 8 * i));
    dst.addr[i] = static_cast<std::uint8_t>(s.w[4] >> (56 - 8 * i));
    dst.addr[8 + i] = static_cast<std::uint8_t>(s.w[5] >> (56 - 8 * i));
  }
  const bool v6 = src.version == 6;
  auto ep = [&](const AddrField& a, std::uint64_t port) {
    const std::string t = format_addr_field(a);
    return (v6 ? "[" + t + "]" : t) + ":" + std::to_string(port);
  };
  return proto_text(static_cast<int>(s.w[1] >> 8 & 0xff)) + " " + ep(src, s.w[1] >> 16 & 0xffff) + " > " +
         ep(dst, s.w[1] >> 32 & 0xffff);
}

json rules_json(const NatRules* rules) {
  json out = json::array();
  if (!rules) return out;
  auto put_addr = [](json& j, const char* k, const AddrField& a) {
    if (a.set) j[k] = format_addr_field(a);
  };
  auto put_port = [](json& j, const char* k, const PortField& p) {
    if (p.set) j[k] = format_port_field(p);
  };
  for (const NatRule& r : rules->rules) {
    json m = json::object(), w = json::object();
    if (r.proto >= 0) m["proto"] = proto_text(r.proto);
    put_addr(m, "src", r.src);
    put_addr(m, "dst", r.dst);
    put_port(m, "sport", r.sport);
    put_port(m, "dport", r.dport);
    put_addr(w, "src", r.to_src);
    put_addr(w, "dst", r.to_dst);
    put_port(w, "sport", r.to_sport);
    put_port(w, "dport", r.to_dport);
    out.push_back({{"match", m}, {"rewrite", w}});
  }
  return out;
}

std::shared_ptr<const NatRules> rules_from(const std::string& path, const json& list) {
  auto rules = std::make_shared<NatRules>();
  for (const auto& j : list) {
    NatRule r;
    std::string why;
    for (const char* side : {"match", "rewrite"}) {
      const bool match = side[0] == 'm';
      for (const auto& [k, v] : j.at(side).items()) {
        const std::string t = v.get<std::string>();
        if (k == "proto" && match)
          why = parse_proto_field(t, r.proto);
        else if (k == "src")
          why = parse_addr_field(t, match ? r.src : r.to_src);
        else if (k == "dst")
          why = parse_addr_field(t, match ? r.dst : r.to_dst);
        else if (k == "sport")
          why = parse_port_field(t, match ? r.sport : r.to_sport);
        else if (k == "dport")
          why = parse_port_field(t, match ? r.dport : r.to_dport);
        else
          why = "unknown key " + k;
        if (!why.empty()) throw SetupError(path + ": meta.nat." + side + "." + k + ": " + why);
      }
    }
    if (why = check_nat_rule(r); !why.empty()) throw SetupError(path + ": meta.nat: " + why);
    rules->rules.push_back(r);
  }
  return rules;
}

// What the key looks like on the SF side, for people reading the dump.
std::string key_text(ModeKind m, const std::string& table, std::uint32_t index, const Entry& e,
                     const ModeConfig& c) {
  char b[64];
  if (table == "paths") {
    std::snprintf(b, sizeof b, "spi %u", e.spi);
  } else if (table == "qinq-outer") {
    std::snprintf(b, sizeof b, "s-vid %u", index + 1);
  } else if (m == ModeKind::qinq) {
    std::snprintf(b, sizeof b, "s-vid %u c-vid %u", static_cast<unsigned>(e.scope.w[1] >> 16),
                  static_cast<unsigned>(e.scope.w[1] & 0xffff));
  } else if (m == ModeKind::vlan) {
    std::snprintf(b, sizeof b, "vid %u", c.vid_first + index);  // as VlanMode::encode numbers them
  } else if (m == ModeKind::vxlan) {
    std::snprintf(b, sizeof b, "vni %u", c.vni_first + index);
  } else if (m == ModeKind::five_tuple || m == ModeKind::nat) {
    return tuple_text(e.scope);
  } else {
    codec::MacAddr mac = c.mac_base;
    mac[2] = static_cast<std::uint8_t>(mac[2] + (m == ModeKind::mac_pair ? 1 : 0));
    mac[3] = static_cast<std::uint8_t>(index >> 16);
    mac[4] = static_cast<std::uint8_t>(index >> 8);
    mac[5] = static_cast<std::uint8_t>(index);
    return codec::format_mac(mac);
  }
  return b;
}

void add_table(json& entries, Proxy& proxy, MappingTable& t, const std::string& name) {
  const ModeConfig& c = proxy.config().mode;
  t.for_each([&](std::uint32_t i, const Entry& e) {
    json s = json::array();
    for (std::uint64_t w : e.scope.w)
      s.push_back(w);
    entries.push_back(
        {{"table", name},
         {"index", i},
         {"key", key_text(c.kind, name, i, e, c)},
         {"spi", e.spi},
         {"si", e.si},
         {"side", e.side ? "reverse" : "forward"},
         {"next_proto", codec::nsh_next_proto_name(e.next_proto)},
         {"np", e.next_proto},
         {"nsh", to_hex(proxy.nsh_store().get(e.nsh))},
         {"outer", to_hex(proxy.outer_store().get(e.outer))},
         {"outer_offsets", {e.outer_ip_off, e.outer_l4_off, e.outer_ip_version, e.outer_l4_proto}},
         {"inner_macs", e.has_inner_macs
                            ? json::array({codec::format_mac(e.inner_dst), codec::format_mac(e.inner_src)})
                            : json(nullptr)},
         {"aux", e.aux},
         {"scope", s},
         {"last_ts_ns", t.last_ts(i)}});
  });
}

std::string read_text(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) throw SetupError(path + ": cannot open state file");
  return std::move(*text);
}

json parse_doc(const std::string& text, const std::string& name) {
  try {
    json doc = json::parse(text);
    if (!doc.is_object() || doc.value("kind", "") != "sfc-mapping" || !doc.contains("entries"))
      throw SetupError(name + ": not an sfcproxy-replay state file (kind sfc-mapping)");
    return doc;
  } catch (const json::exception& e) {
    throw SetupError(name + ": " + e.what());
  }
}

}  // namespace

void save_state(Proxy& proxy, const std::string& path, const std::string& input) {
  const ProxyConfig& pc = proxy.config();
  const ModeConfig& c = pc.mode;
  json pairs = json::array();
  for (auto [f, r] : pc.path_pairs)
    pairs.push_back(std::to_string(f) + ":" + std::to_string(r));
  json doc = {{"pktmap_state", 1},
              {"tool", "sfcproxy-replay"},
              {"kind", "sfc-mapping"},
              {"meta",
               {{"input", input},
                {"mode", mode_name(c.kind)},
                {"per", granularity_name(c.per)},
                {"limit", proxy.mode().table().capacity()},
                {"idle_s", static_cast<double>(c.idle_ns) / 1e9},
                {"full", c.policy == FullPolicy::refuse ? "refuse" : "evict-oldest"},
                {"path_pairs", pairs},
                {"mac_base", codec::format_mac(c.mac_base)},
                {"proxy_mac", codec::format_mac(pc.proxy_mac)},
                {"sf_mac", codec::format_mac(pc.sf_mac)},
                {"s_tpid", c.s_tpid},
                {"vids", {c.vid_first, c.vid_last}},
                {"vnis", {c.vni_first, c.vni_last}},
                {"forward_oam", pc.policy.forward_oam}}},
              {"columns", {"table", "key", "spi", "si", "side", "next_proto", "nsh"}},
              {"entries", json::array()}};
  if (c.kind == ModeKind::vxlan)
    doc["meta"]["vxlan"] = {{"proxy_ip", ip_text(c.vxlan.proxy_ip)},
                            {"sf_ip", ip_text(c.vxlan.sf_ip)},
                            {"proxy_mac", codec::format_mac(c.vxlan.proxy_mac)},
                            {"sf_mac", codec::format_mac(c.vxlan.sf_mac)},
                            {"port", c.vxlan.port}};
  if (c.kind == ModeKind::nat) doc["meta"]["nat"] = rules_json(c.nat.get());
  json& entries = doc["entries"];
  for (std::size_t t = 0; t < proxy.mode().table_count(); ++t)
    add_table(entries, proxy, proxy.mode().table_at(t), t == 0 ? "keys" : "qinq-outer");
  add_table(entries, proxy, proxy.paths(), "paths");
  pcapio::AtomicFile f(path);
  const std::string text = doc.dump(1);
  std::fwrite(text.data(), 1, text.size(), f.file());
  std::fputc('\n', f.file());
  f.commit();
}

namespace {

ProxyConfig config_from(const json& doc, const std::string& path) {
  const json& m = doc.value("meta", json::object());
  ProxyConfig pc;
  try {
    if (!parse_mode(m.at("mode").get<std::string>(), pc.mode.kind) ||
        !parse_granularity(m.at("per").get<std::string>(), pc.mode.per))
      throw SetupError(path + ": meta: unknown mode or granularity");
    const std::string meta = path + ": meta.";
    pc.mode.limit = whole(m.at("limit"), meta, "limit", MappingTable::kNil - 1);
    pc.mode.policy =
        m.value("full", "evict-oldest") == "refuse" ? FullPolicy::refuse : FullPolicy::evict_oldest;
    pc.mode.mac_base = mac_from(path, m.at("mac_base"), "meta.mac_base");
    pc.proxy_mac = mac_from(path, m.at("proxy_mac"), "meta.proxy_mac");
    pc.sf_mac = mac_from(path, m.at("sf_mac"), "meta.sf_mac");
    if (m.contains("s_tpid"))
      pc.mode.s_tpid = static_cast<std::uint16_t>(whole(m["s_tpid"], meta, "s_tpid", 0xffff));
    pc.policy.forward_oam = m.value("forward_oam", false);
    // Ranges of keys; files from before ranges have none (VIDs 1..4094, VNIs 1..16777215).
    std::uint32_t first = pc.mode.vid_first, last = pc.mode.vid_last;
    key_range(m, meta, "vids", 4094, first, last);
    pc.mode.vid_first = static_cast<std::uint16_t>(first);
    pc.mode.vid_last = static_cast<std::uint16_t>(last);
    key_range(m, meta, "vnis", kMaxVni, pc.mode.vni_first, pc.mode.vni_last);
    if (m.contains("vxlan")) {
      const json& x = m["vxlan"];
      VxlanConfig& v = pc.mode.vxlan;
      if (!codec::parse_ipv4_addr(x.at("proxy_ip").get<std::string>(), v.proxy_ip) ||
          !codec::parse_ipv4_addr(x.at("sf_ip").get<std::string>(), v.sf_ip))
        throw SetupError(path + ": meta.vxlan: not an IPv4 address");
      v.proxy_mac = mac_from(path, x.at("proxy_mac"), "meta.vxlan.proxy_mac");
      v.sf_mac = mac_from(path, x.at("sf_mac"), "meta.vxlan.sf_mac");
      v.port = static_cast<std::uint16_t>(whole(x.at("port"), meta, "vxlan.port", 0xffff));
    }
    if (m.contains("nat")) pc.mode.nat = rules_from(path, m["nat"]);
    for (const auto& p : m.value("path_pairs", json::array())) {
      const std::string t = p.get<std::string>();
      std::uint32_t f = 0, r = 0;
      if (!parse_path_pair(t, f, r))
        throw SetupError(meta + "path_pairs: expected FWD:REV (SPIs below 2^24): " + t);
      pc.path_pairs.emplace_back(f, r);
    }
    if (std::string why = check_path_pairs(pc.path_pairs); !why.empty())
      throw SetupError(meta + "path_pairs: " + why);
  } catch (const json::exception& e) {
    throw SetupError(path + ": meta: " + e.what());
  }
  pc.mode.max_in_flight = 1;  // as phase 2 runs it: keys are already assigned
  if (std::string why = check_mode_config(pc.mode); !why.empty()) throw SetupError(path + ": meta: " + why);
  return pc;
}

// An entry is restored only if it could have come from a packet: its NSH parses, and its SPI, SI and next
// protocol are that header's; its tunnel offsets lie inside its outer header. A hand-edited or damaged
// file is refused here, naming the entry, rather than restoring frames with a wrong or missing header.
std::string check_entry(const Entry& e, ByteView nsh, ByteView outer) {
  codec::NshView v;
  if (const Outcome o = codec::parse_nsh(nsh, v); !o.ok()) return "nsh: " + std::string(o.name);
  if (v.header.size() != nsh.size()) return "nsh: bytes after the header";
  if (e.spi != v.spi || e.si != v.si || e.next_proto != v.next_proto)
    return "spi, si and np must be the NSH's own (" + std::to_string(v.spi) + ", " + std::to_string(v.si) +
           ", " + std::to_string(v.next_proto) + ")";
  if (e.si == 0) return "si 0: such a packet is dropped, never mapped";
  if (outer.size() > kMaxOuterLen) return "outer: longer than " + std::to_string(kMaxOuterLen) + " bytes";
  const bool v4 = e.outer_ip_version == 4, v6 = e.outer_ip_version == 6;
  if (e.outer_ip_version != 0 && !v4 && !v6) return "outer_offsets: IP version must be 0, 4 or 6";
  if ((v4 || v6) && std::size_t{e.outer_ip_off} + (v4 ? 20u : 40u) > outer.size())
    return "outer_offsets: the IP header lies outside the outer header";
  if (e.outer_l4_proto != 0 && e.outer_l4_proto != 17 && e.outer_l4_proto != 47)
    return "outer_offsets: the tunnel protocol must be 0, 17 (UDP) or 47 (GRE)";
  if (e.outer_l4_proto != 0 &&
      std::size_t{e.outer_l4_off} + (e.outer_l4_proto == 17 ? 8u : 4u) > outer.size())
    return "outer_offsets: the tunnel header lies outside the outer header";
  return {};
}

void entries_into(Proxy& proxy, const json& doc, const std::string& path) {
  std::size_t n = 0;
  try {
    for (const auto& j : doc.at("entries")) {
      const std::string entry = path + ": entry " + std::to_string(n);
      const std::string where = entry + ": ";
      const std::string table = j.at("table").get<std::string>();
      const bool qinq = proxy.mode().table_count() > 1;
      if (table != "keys" && table != "paths" && !(table == "qinq-outer" && qinq))
        throw SetupError(where + "table " + table + ": not one of this mode's (keys, paths" +
                         (qinq ? ", qinq-outer)" : ")"));
      MappingTable& t = table == "paths"        ? proxy.paths()
                        : table == "qinq-outer" ? proxy.mode().table_at(1)
                                                : proxy.mode().table();
      Entry e;
      const auto& scope = j.at("scope");
      if (!scope.is_array() || scope.size() > e.scope.w.size())
        throw SetupError(where + "scope: expected a list of at most 6 numbers");
      for (std::size_t w = 0; w < scope.size(); ++w)
        e.scope.w[w] = whole(scope[w], where, "scope", std::numeric_limits<std::uint64_t>::max());
      e.spi = static_cast<std::uint32_t>(whole(j.at("spi"), where, "spi", 0xffffff));
      e.si = static_cast<std::uint8_t>(whole(j.at("si"), where, "si", 255));
      const std::string side = j.at("side").get<std::string>();
      if (side != "forward" && side != "reverse") throw SetupError(where + "side: forward or reverse");
      e.side = side == "reverse" ? 1 : 0;
      e.next_proto = static_cast<std::uint8_t>(whole(j.at("np"), where, "np", 255));
      if (j.contains("aux")) e.aux = static_cast<std::uint32_t>(whole(j["aux"], where, "aux", 0xffffffff));
      const auto& off = j.at("outer_offsets");
      e.outer_ip_off = static_cast<std::uint8_t>(whole(off.at(0), where, "outer_offsets", 255));
      e.outer_l4_off = static_cast<std::uint8_t>(whole(off.at(1), where, "outer_offsets", 255));
      e.outer_ip_version = static_cast<std::uint8_t>(whole(off.at(2), where, "outer_offsets", 255));
      e.outer_l4_proto = static_cast<std::uint8_t>(whole(off.at(3), where, "outer_offsets", 255));
      if (j.contains("inner_macs") && j["inner_macs"].is_array()) {
        e.has_inner_macs = true;
        e.inner_dst = mac_from(entry, j["inner_macs"].at(0), "inner_macs");
        e.inner_src = mac_from(entry, j["inner_macs"].at(1), "inner_macs");
      }
      const auto nsh = bytes_from(entry, j.at("nsh"), "nsh");
      const auto outer = bytes_from(entry, j.at("outer"), "outer");
      const ByteView nsh_view(nsh.data(), nsh.size()), outer_view(outer.data(), outer.size());
      const auto index =
          static_cast<std::uint32_t>(whole(j.at("index"), where, "index", MappingTable::kNil - 1));
      const std::int64_t last_ts =
          j.contains("last_ts_ns") ? whole_signed(j["last_ts_ns"], where, "last_ts_ns") : 0;
      // Everything is checked before a header is interned. (A load that fails leaves the proxy half
      // restored; the callers discard it.)
      if (index >= t.capacity() || t.live(index))
        throw SetupError(where + "index " + std::to_string(index) + " out of range or used twice");
      if (table == "qinq-outer") {  // outer VIDs: the headers live in the per-packet entries
        if (!nsh.empty() || !outer.empty()) throw SetupError(where + "qinq-outer entries carry no headers");
      } else if (std::string why = check_entry(e, nsh_view, outer_view); !why.empty()) {
        throw SetupError(where + why);
      } else {
        e.nsh = proxy.nsh_store().intern(nsh_view);
        e.outer = proxy.outer_store().intern(outer_view);
        if (e.nsh == kNoHeader || e.outer == kNoHeader)
          throw SetupError(where + "more distinct headers than the proxy keeps (" +
                           std::to_string(proxy.nsh_store().capacity()) + ")");
      }
      (void)t.restore(index, e, last_ts);  // cannot fail: the index was checked above
      ++n;
    }
  } catch (const json::exception& e) {
    throw SetupError(path + ": entry " + std::to_string(n) + ": " + e.what());
  }
  for (std::size_t i = 0; i < proxy.mode().table_count(); ++i)
    proxy.mode().table_at(i).finish_restore();
  proxy.paths().finish_restore();
}

}  // namespace

ProxyConfig read_state_config(const std::string& path) {
  return config_from(parse_doc(read_text(path), path), path);
}

void load_state(Proxy& proxy, const std::string& path) {
  entries_into(proxy, parse_doc(read_text(path), path), path);
}

ProxyConfig parse_state_config(const std::string& text, const std::string& name) {
  return config_from(parse_doc(text, name), name);
}

void load_state_text(Proxy& proxy, const std::string& text, const std::string& name) {
  entries_into(proxy, parse_doc(text, name), name);
}

}  // namespace pktmap::sfc
