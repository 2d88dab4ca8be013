// Discovery from OS state files (see discovery_parts.hpp): reads systemd-networkd's link state and
// dhclient's lease files, each up to kStateFileLimit, and hands the text to discovery_state.cpp's parsers.
#include <net/if.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <vector>

#include "discovery_parts.hpp"

namespace pktmap::capport::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kStateFileLimit = 1 << 20;  // lease files grow; read at most this much

std::optional<std::string> read_small_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return std::nullopt;
  std::string text(kStateFileLimit, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(f.gcount()));
  return text;
}

}  // namespace

void read_networkd(const DiscoveryOptions& o, const Interface* iface, DiscoveryReport& r) {
  fs::path dir(o.networkd_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    r.skipped.push_back("systemd-networkd link state: " + dir.string() + " not found");
    return;
  }
  std::vector<fs::path> files;
  if (iface) {
    files.push_back(dir / std::to_string(iface->index));
  } else {
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file(ec)) files.push_back(e.path());
  }
  for (const auto& f : files) {
    auto text = read_small_file(f);
    if (!text) continue;
    auto uri = networkd_captive_portal(*text);
    if (!uri) continue;
    DiscoveredUri u;
    u.source = "networkd";
    u.uri = *uri;
    u.origin = f.string();
    char name[IF_NAMESIZE] = {};
    unsigned idx = static_cast<unsigned>(std::atoi(f.filename().c_str()));
    u.how = std::string("CAPTIVE_PORTAL= in the link state file") +
            (!iface && idx && if_indextoname(idx, name) ? std::string(" of ") + name : "");
    assess_discovered_uri(u);
    r.found.push_back(std::move(u));
  }
}

void read_leases(const DiscoveryOptions& o, const std::string& iface, DiscoveryReport& r) {
  std::vector<fs::path> files(o.lease_files.begin(), o.lease_files.end());
  if (files.empty()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(kDhclientLeaseDir), ec)) {
      auto name = e.path().filename().string();
      if (name.starts_with("dhclient") && name.ends_with(".leases")) files.push_back(e.path());
    }
    if (files.empty()) {
      r.skipped.push_back("dhclient leases: none in " + std::string(kDhclientLeaseDir));
      return;
    }
  }
  const long long now = static_cast<long long>(std::time(nullptr));
  for (const auto& f : files) {
    auto text = read_small_file(f);
    if (!text) {
      r.skipped.push_back("dhclient leases: cannot read " + f.string());
      continue;
    }
    auto scan = scan_dhclient_leases(*text, iface, now);
    if (!scan.lease_found) continue;
    if (scan.expired) {
      r.skipped.push_back("dhclient lease in " + f.string() + " expired (" + scan.expiry + ")");
      continue;
    }
    for (const auto& lu : scan.uris) {
      DiscoveredUri u;
      u.source = "dhclient";
      u.uri = lu.uri;
      u.origin = f.string();
      u.how = "lease option " + lu.option;
      u.legacy = lu.option == "v4-captive-portal";
      assess_discovered_uri(u);
      r.found.push_back(std::move(u));
    }
  }
}

}  // namespace pktmap::capport::detail
