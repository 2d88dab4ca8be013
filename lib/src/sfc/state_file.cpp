// sfcproxy-replay state files (--state-out / --state-in, readable by mapdump --state): the mode settings in
// "meta" and every live table entry with its interned headers as hex. Set-up path only (nlohmann::json).
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pktmap/error.hpp"
#include "pktmap/pcapio/pcap_writer.hpp"
#include "pktmap/sfc/replay.hpp"
#include "pktmap/wire/hex.hpp"

namespace pktmap::sfc {

namespace {

using nlohmann::json;

std::string mac_text(const codec::MacAddr& m) {
  char b[18];
  return codec::format_mac(m, b);
}

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
    std::snprintf(b, sizeof b, "vid %u", index + 1);
  } else if (m == ModeKind::five_tuple) {
    std::snprintf(b, sizeof b, "proto %u %u > %u", static_cast<unsigned>(e.scope.w[1] >> 8 & 0xff),
                  static_cast<unsigned>(e.scope.w[1] >> 16 & 0xffff),
                  static_cast<unsigned>(e.scope.w[1] >> 32 & 0xffff));
  } else {
    codec::MacAddr mac = c.mac_base;
    mac[2] = static_cast<std::uint8_t>(mac[2] + (m == ModeKind::mac_pair ? 1 : 0));
    mac[3] = static_cast<std::uint8_t>(index >> 16);
    mac[4] = static_cast<std::uint8_t>(index >> 8);
    mac[5] = static_cast<std::uint8_t>(index);
    return mac_text(mac);
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
         {"inner_macs",
          e.has_inner_macs ? json::array({mac_text(e.inner_dst), mac_text(e.inner_src)}) : json(nullptr)},
         {"aux", e.aux},
         {"scope", s},
         {"last_ts_ns", e.last_ts}});
  });
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw SetupError(path + ": cannot open state file");
  try {
    json doc = json::parse(in);
    if (!doc.is_object() || doc.value("kind", "") != "sfc-mapping" || !doc.contains("entries"))
      throw SetupError(path + ": not an sfcproxy-replay state file (kind sfc-mapping)");
    return doc;
  } catch (const json::exception& e) {
    throw SetupError(path + ": " + e.what());
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
                {"mac_base", mac_text(c.mac_base)},
                {"proxy_mac", mac_text(pc.proxy_mac)},
                {"sf_mac", mac_text(pc.sf_mac)},
                {"s_tpid", c.s_tpid},
                {"forward_oam", pc.policy.forward_oam}}},
              {"columns", {"table", "key", "spi", "si", "side", "next_proto", "nsh"}},
              {"entries", json::array()}};
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

ProxyConfig read_state_config(const std::string& path) {
  const json doc = read_json(path);
  const json& m = doc.value("meta", json::object());
  ProxyConfig pc;
  try {
    if (!parse_mode(m.at("mode").get<std::string>(), pc.mode.kind) ||
        !parse_granularity(m.at("per").get<std::string>(), pc.mode.per))
      throw SetupError(path + ": meta: unknown mode or granularity");
    pc.mode.limit = m.at("limit").get<std::size_t>();
    pc.mode.policy =
        m.value("full", "evict-oldest") == "refuse" ? FullPolicy::refuse : FullPolicy::evict_oldest;
    pc.mode.mac_base = mac_from(path, m.at("mac_base"), "meta.mac_base");
    pc.proxy_mac = mac_from(path, m.at("proxy_mac"), "meta.proxy_mac");
    pc.sf_mac = mac_from(path, m.at("sf_mac"), "meta.sf_mac");
    pc.mode.s_tpid = m.value("s_tpid", std::uint16_t{0x88A8});
    pc.policy.forward_oam = m.value("forward_oam", false);
    for (const auto& p : m.value("path_pairs", json::array())) {
      unsigned f = 0, r = 0;
      if (std::sscanf(p.get<std::string>().c_str(), "%u:%u", &f, &r) != 2)
        throw SetupError(path + ": meta.path_pairs: expected FWD:REV");
      pc.path_pairs.emplace_back(f, r);
    }
  } catch (const json::exception& e) {
    throw SetupError(path + ": meta: " + e.what());
  }
  return pc;
}

void load_state(Proxy& proxy, const std::string& path) {
  const json doc = read_json(path);
  std::size_t n = 0;
  try {
    for (const auto& j : doc.at("entries")) {
      const std::string table = j.at("table").get<std::string>();
      MappingTable& t = table == "paths"        ? proxy.paths()
                        : table == "qinq-outer" ? proxy.mode().table_at(1)
                                                : proxy.mode().table();
      Entry e;
      const auto& scope = j.at("scope");
      for (std::size_t w = 0; w < e.scope.w.size() && w < scope.size(); ++w)
        e.scope.w[w] = scope[w].get<std::uint64_t>();
      e.spi = j.at("spi").get<std::uint32_t>();
      e.si = j.at("si").get<std::uint8_t>();
      e.side = j.at("side").get<std::string>() == "reverse" ? 1 : 0;
      e.next_proto = j.at("np").get<std::uint8_t>();
      e.aux = j.value("aux", 0u);
      const auto& off = j.at("outer_offsets");
      e.outer_ip_off = off.at(0).get<std::uint8_t>();
      e.outer_l4_off = off.at(1).get<std::uint8_t>();
      e.outer_ip_version = off.at(2).get<std::uint8_t>();
      e.outer_l4_proto = off.at(3).get<std::uint8_t>();
      if (j.contains("inner_macs") && j["inner_macs"].is_array()) {
        e.has_inner_macs = true;
        e.inner_dst = mac_from(path, j["inner_macs"].at(0), "inner_macs");
        e.inner_src = mac_from(path, j["inner_macs"].at(1), "inner_macs");
      }
      e.last_ts = j.value("last_ts_ns", std::int64_t{0});
      const auto nsh = bytes_from(path, j.at("nsh"), "nsh");
      const auto outer = bytes_from(path, j.at("outer"), "outer");
      e.nsh = nsh.empty() ? kNoHeader : proxy.nsh_store().intern(ByteView(nsh.data(), nsh.size()));
      e.outer = outer.empty() && nsh.empty()
                    ? kNoHeader
                    : proxy.outer_store().intern(ByteView(outer.data(), outer.size()));
      const auto index = j.at("index").get<std::uint32_t>();
      if (!t.restore(index, e))
        throw SetupError(path + ": entry " + std::to_string(n) + ": index " + std::to_string(index) +
                         " out of range or used twice");
      ++n;
    }
  } catch (const json::exception& e) {
    throw SetupError(path + ": entry " + std::to_string(n) + ": " + e.what());
  }
  for (std::size_t i = 0; i < proxy.mode().table_count(); ++i)
    proxy.mode().table_at(i).finish_restore();
  proxy.paths().finish_restore();
}

}  // namespace pktmap::sfc
