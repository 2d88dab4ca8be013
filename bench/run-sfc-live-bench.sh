#!/usr/bin/env bash
# Lossless rate of sfcproxy-replay --live through a kernel bridge SF in network namespaces: tcpreplay at
# stepped rates (--pps) and at --topspeed, packets per second and loss for each mode. The SFF (tcpreplay),
# the proxy and the bridge share the machine's cores, so the figure is the whole chain's on this machine.
#
#   bench/run-sfc-live-bench.sh [BUILD_DIR] [PACKETS] [RATES] [MODES]
#   defaults: build, 50000, 20000,40000,80000,120000,160000, mac,mac-pair,vlan,qinq,5tuple,vxlan
# (vxlan: the tunnel crosses the bridge as it is, so this measures the proxy's encapsulation; nat needs a
# translating SF and its rules, see test/integration/sfc_live, and is not benched here)
#
# Needs root, ip netns, tcpreplay. Benchmarks are not tests: nothing fails on a slow machine, it reports.
set -euo pipefail
build="${1:-build}"
packets="${2:-50000}"
rates="${3:-20000,40000,80000,120000,160000}"
modes="${4:-mac,mac-pair,vlan,qinq,5tuple,vxlan}"
for b in sfcproxy-replay pktmap-gencap; do
  [[ -x "$build/bin/$b" ]] || { echo "run-sfc-live-bench: $build/bin/$b missing (build first)" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "run-sfc-live-bench: needs root (network namespaces)" >&2; exit 2; }
command -v tcpreplay >/dev/null || { echo "run-sfc-live-bench: tcpreplay not installed" >&2; exit 2; }
echo "run-sfc-live-bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 "$(dirname "$0")/sfc_live_bench.py" "$build/bin/sfcproxy-replay" "$build/bin/pktmap-gencap" \
  "$packets" "$rates" "$modes"
