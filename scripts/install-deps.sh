#!/usr/bin/env bash
# Installs every Debian 12 package pktmap needs to build, test and benchmark.
# Idempotent and non-interactive: safe to run on every CI job and fresh machine.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config python3 clang clang-format clang-tidy libclang-rt-14-dev
  # libraries (see README "Dependencies")
  libpcap-dev libtins-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev catch2
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev
  # real peers and oracles used by the tests and benchmarks
  tshark tcpreplay tcpdump iproute2 nftables miniupnpd dnsmasq-base hyperfine
  miniupnpd-nftables  # miniupnpd's nftables backend: pcp-cli's interop test and bench drive it in namespaces
  openssl  # the CLI: capport-probe's serve test makes a throw-away CA and server certificate
  # packaging
  dpkg-dev file
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer "no" up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
