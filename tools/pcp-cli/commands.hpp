#pragma once
// pcp-cli's subcommands: option declarations (CLI11) and the small glue that builds lib objects from them.
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace pktmap::pcpcli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClientArgs {
  std::string server;
  std::string client_ip;
  std::string protocol = "udp";
  std::uint32_t internal_port = 0;
  std::string external_ip;
  std::uint32_t external_port = 0;
  std::uint32_t lifetime = 7200;
  std::uint32_t port_set = 0;
  bool parity = false;
  std::string third_party;
  bool prefer_failure = false;
  std::vector<std::string> filters;
  std::string description;
  std::string nonce;
  std::string remote;
  bool keep = false;
  double duration = 0;
  bool json = false;
  // RFC 6887 §8.1.1 timers, in milliseconds.
  std::uint32_t irt = 3000;
  std::uint32_t mrt = 1024000;
  std::uint32_t mrc = 0;
  double timeout = 0;  // seconds: MRD
  std::uint32_t settle = 250;
};

struct ListenArgs {
  std::uint32_t port = 5350;
  double timeout = 0;
  std::uint64_t count = 0;
  bool json = false;
  bool v4_only = false;
  bool v6_only = false;
};

struct ServerArgs {
  std::string config;
  std::string listen = "0.0.0.0:5351";
  std::string state_out;
  bool verbose = false;
  std::uint64_t max_requests = 0;
};

class Commands {
 public:
  explicit Commands(CLI::App& app);
  // Runs the chosen subcommand; returns the exit status. Throws UsageError, ConfigError, SetupError.
  int run();

 private:
  int run_client(const std::string& name);
  int run_listen();
  int run_server();

  CLI::App* map_ = nullptr;
  CLI::App* peer_ = nullptr;
  CLI::App* del_ = nullptr;
  CLI::App* announce_ = nullptr;
  CLI::App* listen_ = nullptr;
  CLI::App* server_ = nullptr;
  ClientArgs client_;
  ListenArgs listen_args_;
  ServerArgs server_args_;
};

}  // namespace pktmap::pcpcli
