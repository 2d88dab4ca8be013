// YAML configuration of the portal emulator (see portal_server.hpp).
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "pktmap/capport/portal_server.hpp"
#include "pktmap/error.hpp"
#include "pktmap/text_file.hpp"
#include "pktmap/yaml_error.hpp"

namespace pktmap::capport {

namespace {

[[noreturn]] void fail(const std::string& file, const YAML::Node& n, const std::string& key,
                       const std::string& why) {
  throw_yaml_error_at(file, n, key, why);
}

template <class T>
T get(const std::string& file, const YAML::Node& n, const std::string& key) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    fail(file, n, key, "wrong type");
  }
}

int port(const std::string& file, const YAML::Node& n, const std::string& key, int min) {
  int p = get<int>(file, n, key);
  if (p < min || p > 65535) fail(file, n, key, "port out of range");
  return p;
}

}  // namespace

namespace {

// `path` names the file in messages; relative certificate paths are taken from `dir`.
PortalConfig portal_from(const std::string& path, const YAML::Node& root, const std::filesystem::path& dir) {
  PortalConfig c;
  if (!root || root.IsNull()) return c;
  if (!root.IsMap()) throw SetupError(path + ": expected a mapping of settings");
  auto rel = [&](const std::string& p) { return p.empty() || p[0] == '/' ? p : (dir / p).string(); };
  for (const auto& kv : root) {
    const std::string key = yaml_key(path, kv.first, "(top)");
    const auto& v = kv.second;
    if (key == "hostname") {
      c.hostname = get<std::string>(path, v, key);
    } else if (key == "listen") {
      c.listen = get<std::string>(path, v, key);
    } else if (key == "https_port") {
      c.https_port = port(path, v, key, 0);
    } else if (key == "http_port") {
      c.http_port = port(path, v, key, -1);
    } else if (key == "cert") {
      c.cert_file = rel(get<std::string>(path, v, key));
    } else if (key == "key") {
      c.key_file = rel(get<std::string>(path, v, key));
    } else if (key == "cert_out") {
      c.cert_out = rel(get<std::string>(path, v, key));
    } else if (key == "session_seconds") {
      auto s = get<long long>(path, v, key);
      if (s < 1 || s > 7 * 24 * 3600) fail(path, v, key, "between 1 and 604800");
      c.session_seconds = static_cast<std::uint32_t>(s);
    } else if (key == "venue_info_url") {
      c.venue_info_url = get<std::string>(path, v, key);
    } else if (key == "can_extend_session") {
      c.can_extend_session = get<bool>(path, v, key);
    } else if (key == "api_behaviour") {
      auto b = get<std::string>(path, v, key);
      if (b == "normal")
        c.api_behaviour = ApiBehaviour::normal;
      else if (b == "oversized")
        c.api_behaviour = ApiBehaviour::oversized;
      else if (b == "invalid-json")
        c.api_behaviour = ApiBehaviour::invalid_json;
      else if (b == "no-captive")
        c.api_behaviour = ApiBehaviour::no_captive;
      else if (b == "wrong-type")
        c.api_behaviour = ApiBehaviour::wrong_type;
      else if (b == "silent")
        c.api_behaviour = ApiBehaviour::silent;
      else
        fail(path, v, key, "one of normal, oversized, invalid-json, no-captive, wrong-type, silent");
    } else if (key == "enforce") {
      // `capport-probe enforce` reads this section (enforce_config.cpp); the server does not need it.
    } else {
      fail(path, kv.first, key, "unknown key");
    }
  }
  if (c.cert_file.empty() != c.key_file.empty())
    throw SetupError(path + ": give both cert and key, or neither");
  return c;
}

}  // namespace

PortalConfig parse_portal_config(const std::string& yaml_text, const std::string& name,
                                 const std::string& dir) {
  return parse_yaml(yaml_text, name, [&](const YAML::Node& root) { return portal_from(name, root, dir); });
}

PortalConfig load_portal_config(const std::string& path) {
  const auto text = read_text_file(path);
  if (!text) throw SetupError(path + ": cannot read");
  return parse_portal_config(*text, path, std::filesystem::path(path).parent_path().string());
}

}  // namespace pktmap::capport
