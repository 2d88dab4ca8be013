#!/usr/bin/env bash
# mapdump throughput against tshark and the plain libpcap copy loop (bench_pcap_copy), on a generated
# 1M-packet NSH capture (MD1 over Ethernet, inner IPv4: the shape an SFC proxy sees). Builds nothing: give
# it a build directory that has bin/mapdump, bin/bench_pcap_copy, bin/bench_decode and bin/pktmap-gencap.
#
#   bench/run-bench.sh [BUILD_DIR] [PACKETS]      defaults: build, 1000000
#
# Needs hyperfine (and tshark for the tshark row, which is skipped when missing). Prints a table of medians
# and ratios; the goal is mapdump -T json at least 20x faster than tshark -T fields on the NSH fields.
# Benchmarks are not tests: nothing here fails on a slow machine, it reports.
set -euo pipefail

build="${1:-build}"
packets="${2:-1000000}"
for b in mapdump bench_pcap_copy bench_decode pktmap-gencap; do
  [[ -x "$build/bin/$b" ]] || { echo "run-bench: $build/bin/$b missing (build first: cmake --build $build)" >&2; exit 2; }
done
command -v hyperfine >/dev/null || { echo "run-bench: hyperfine not installed" >&2; exit 2; }

source "$(dirname "$0")/work_dir.sh"
make_work_dir pktmap-bench
cap="$work/nsh-md1-${packets}.pcap"
"$build/bin/pktmap-gencap" sfc --mix md1-eth-ipv4 --packets "$packets" -o "$cap" >/dev/null
size_mb="$(($(stat -c %s "$cap") / 1000000))"
echo "run-bench: $packets packets, ${size_mb} MB in $cap"
echo "run-bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"

json="$work/hyperfine.json"
tshark_cmd=()
if command -v tshark >/dev/null; then
  tshark_cmd=(--command-name tshark
    "tshark -r $cap -T fields -e nsh.spi -e nsh.si -e nsh.mdtype -e nsh.nextproto -e nsh.ttl -e nsh.contextheader > /dev/null")
fi
# Fast commands get several runs; tshark (tens of seconds for 1M packets) gets two.
hyperfine --style basic --warmup 1 --runs 5 --export-json "$json.fast" \
  --command-name pcap_copy "$build/bin/bench_pcap_copy $cap $work/copy.pcap" \
  --command-name "mapdump -T json" "$build/bin/mapdump -r $cap -T json > /dev/null" \
  --command-name "mapdump (text)" "$build/bin/mapdump -r $cap > /dev/null" \
  --command-name "mapdump -q --stats" "$build/bin/mapdump -r $cap -q --stats > /dev/null"
if ((${#tshark_cmd[@]} > 0)); then
  hyperfine --style basic --runs 2 --export-json "$json.tshark" "${tshark_cmd[@]}"
fi

echo
echo "In-memory decode (bench_decode, no I/O):"
"$build/bin/bench_decode" "$cap"
"$build/bin/bench_decode" "$cap" --json

echo
python3 - "$packets" "$json.fast" "$json.tshark" <<'EOF'
import json, os, sys
packets = int(sys.argv[1])
rows = []
for path in sys.argv[2:]:
    if os.path.exists(path):
        rows += json.load(open(path))["results"]
med = {r["command"]: r["median"] for r in rows}
base, tshark = med.get("pcap_copy"), med.get("tshark")
print(f"{'command':<22}{'median s':>10}{'Mpkt/s':>9}{'x pcap_copy':>13}{'tshark / x':>12}")
for name, t in med.items():
    ratio = f"{t / base:.2f}" if base else "-"
    vs = f"{tshark / t:.1f}" if tshark else "-"
    print(f"{name:<22}{t:>10.3f}{packets / t / 1e6:>9.2f}{ratio:>13}{vs:>12}")
if tshark and "mapdump -T json" in med:
    speedup = tshark / med["mapdump -T json"]
    print(f"\nmapdump -T json is {speedup:.1f}x faster than tshark (goal: >= 20x): {'met' if speedup >= 20 else 'NOT met'}")
EOF
