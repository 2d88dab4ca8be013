#!/usr/bin/env bash
# sfcproxy-replay against the issue-3 goals, on a generated NSH MD1 capture (1M packets, 10k flows, 50 paths):
#   1. vlan mode, per flow, transparent SF: end-to-end wall time (median of runs) at most 1.3x the plain
#      libpcap read+copy+dump loop (bench_pcap_copy), and at least 2.5x faster than tcprewrite --enet-vlan=add
#      with all four VLAN options (skipped with a reason when tcprewrite is missing);
#   2. per-packet keys with 1M live entries: peak RSS and bytes per entry (goal <= 128);
#   3. memory bounded by the table: peak RSS of the same run on a 1M- and a 4M-packet capture.
# The goals are the issue's, in wall time. CPU time (user+sys) is judged against the same bounds and printed
# beside it: the proxy writes its output from a second thread, so its wall time is shorter than its work, and
# on a shared machine CPU time is what other processes do not add to. Builds nothing: give it a build
# directory with the binaries below.
#
#   bench/run-sfc-bench.sh [BUILD_DIR] [RUNS]      defaults: build, 7
#
# Benchmarks are not tests: nothing here fails on a slow machine; it prints the ratios and whether each goal
# was met.
set -euo pipefail

build="${1:-build}"
runs="${2:-7}"
packets=1000000
for b in sfcproxy-replay bench_pcap_copy bench_sfc_table_memory pktmap-gencap; do
  [[ -x "$build/bin/$b" ]] || { echo "run-sfc-bench: $build/bin/$b missing (build first: cmake --build $build)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "run-sfc-bench: /usr/bin/time (package time) is needed for CPU and RSS figures" >&2; exit 2; }

source "$(dirname "$0")/work_dir.sh"
make_work_dir pktmap-sfc-bench
cap="$work/md1-1m.pcap"
gen=("$build/bin/pktmap-gencap" sfc --mix md1-eth-ipv4 --flows 10000 --paths 50)
"${gen[@]}" --packets "$packets" -o "$cap" 2>/dev/null
echo "run-sfc-bench: $packets packets, $(($(stat -c %s "$cap") / 1000000)) MB, 10000 flows, 50 paths in $work"
echo "run-sfc-bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"

proxy=("$build/bin/sfcproxy-replay" -r "$cap" --mode vlan --per flow -w "$work/proxy.pcap")
copy=("$build/bin/bench_pcap_copy" "$cap" "$work/copy.pcap")
tcprw=(tcprewrite --enet-vlan=add --enet-vlan-tag=100 --enet-vlan-cfi=0 --enet-vlan-pri=0 -i "$cap" -o "$work/tcprewrite.pcap")
have_tcprewrite=1
command -v tcprewrite >/dev/null || { have_tcprewrite=0; echo "run-sfc-bench: tcprewrite not installed: its row is skipped"; }

# Time the hypervisor gave neither vCPU to this VM, in USER_HZ ticks summed over the CPUs (/proc/stat, the
# 8th value of the cpu line; 0 on bare metal). A run that loses its second core to steal loses the proxy's
# helper threads, so the proxy's wall time suffers more than the single-threaded commands'.
steal_ticks() { awk '$1 == "cpu" { print $9; exit }' /proc/stat; }

# One line per run: "cpu_seconds wall_seconds max_rss_kib steal_ticks", appended to $work/NAME. OUT, the
# command's output, is removed first (as perf.md's hyperfine --prepare does): a writer that replaces its
# output by rename would otherwise pay for allocating a second copy of the file while the old one still
# exists, and one that truncates would not.
measure() {
  local name="$1" out="$2"
  shift 2
  rm -f "$out"
  local t0 t1 s0 s1
  s0=$(steal_ticks)
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S %e %M" -o "$work/$name.one" "$@" >/dev/null 2>"$work/$name.err" ||
    { echo "run-sfc-bench: $name failed:" >&2; cat "$work/$name.err" >&2; exit 1; }
  t1=$(date +%s%N)
  s1=$(steal_ticks)
  # Wall time from the shell's clock in ns (time's %e has 10 ms steps, 5 % of a run here).
  awk -v ns=$((t1 - t0)) -v st=$((s1 - s0)) '{ printf "%.3f %.4f %d %d\n", $1 + $2, ns / 1e9, $4, st }' \
    "$work/$name.one" >>"$work/$name"
}

# Interleaved, so a change of machine load hits every command alike; one warm-up run each.
names=(pcap_copy proxy)
((have_tcprewrite)) && names+=(tcprewrite)
for ((r = 0; r <= runs; r++)); do
  measure pcap_copy "$work/copy.pcap" "${copy[@]}"
  measure proxy "$work/proxy.pcap" "${proxy[@]}"
  ((have_tcprewrite)) && measure tcprewrite "$work/tcprewrite.pcap" "${tcprw[@]}"
  if ((r == 0)); then for n in "${names[@]}"; do : >"$work/$n"; done; fi
done

# Memory: 1M live per-packet entries; and the proxy run on a 4M-packet capture of the same flows.
"$build/bin/bench_sfc_table_memory" "$cap" 1000000 >"$work/table-memory"
cap4="$work/md1-4m.pcap"
"${gen[@]}" --packets $((4 * packets)) -o "$cap4" 2>/dev/null
rm -f "$work/proxy.pcap" "$work/copy.pcap" "$work/tcprewrite.pcap"
: >"$work/proxy4m"
/usr/bin/time -f "%U %S %e %M" -o "$work/proxy4m.one" \
  "$build/bin/sfcproxy-replay" -r "$cap4" --mode vlan --per flow -w "$work/proxy4m.pcap" >/dev/null
awk '{ printf "%.3f %.3f %d 0\n", $1 + $2, $3, $4 }' "$work/proxy4m.one" >>"$work/proxy4m"
rm -f "$cap4" "$work/proxy4m.pcap"

python3 - "$work" "$runs" "$(nproc)" "$(getconf CLK_TCK)" <<'EOF'
import os, statistics, sys
work, runs, ncpu, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def rows(name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return None
    vals = [list(map(float, l.split())) for l in open(path) if l.strip()]
    return vals or None
def med(vals, i):
    return statistics.median(v[i] for v in vals)
res = {n: rows(n) for n in ("pcap_copy", "proxy", "tcprewrite")}
print(f"\n{'command (1M packets, vlan/flow)':<34}{'CPU s (median)':>15}{'wall s (median)':>16}{'peak RSS MiB':>14}")
for n, v in res.items():
    if v:
        print(f"{n:<34}{med(v, 0):>15.3f}{med(v, 1):>16.3f}{med(v, 2) / 1024:>14.1f}")
def low(vals, i):
    return min(v[i] for v in vals)
def verdict(ok):
    return "met" if ok else "NOT met"
base, prox, tcp = (med(res[n], 0) if res[n] else None for n in ("pcap_copy", "proxy", "tcprewrite"))
wb, wp = med(res["pcap_copy"], 1), med(res["proxy"], 1)
wt = med(res["tcprewrite"], 1) if tcp else None
# The issue's goals are end-to-end wall time; CPU time is printed beside it because the proxy's output is
# written from a second thread (write-behind), which shortens the run but not the work.
print(f"\nproxy / pcap_copy (wall)    = {wp / wb:.2f}x  (goal <= 1.3x): {verdict(wp / wb <= 1.3)}")
print(f"proxy / pcap_copy (CPU)     = {prox / base:.2f}x  (same bound on CPU time: {verdict(prox / base <= 1.3)})")
if tcp:
    print(f"tcprewrite / proxy (wall)   = {wt / wp:.2f}x  (goal >= 2.5x): {verdict(wt / wp >= 2.5)}")
    print(f"tcprewrite / proxy (CPU)    = {tcp / prox:.2f}x  (same bound on CPU time: {verdict(tcp / prox >= 2.5)})")
else:
    print("tcprewrite / proxy          = skipped (tcprewrite not installed)")
# Steal: the share of the CPUs' time during a command's timed runs that the hypervisor gave to others.
steal = {n: sum(r[3] for r in v) / hz / (sum(r[1] for r in v) * ncpu) for n, v in res.items() if v}
worst = max(steal.values())
print("host steal during the timed runs = " + ", ".join(f"{n} {100 * s:.1f} %" for n, s in steal.items()) +
      ("  (over 2 %: the VM did not have its CPUs; the wall-time ratios above are not reliable)" if worst > 0.02 else ""))
# Other load on the host slows the proxy (table lookups wait on memory) more than the streaming copy loop;
# the fastest run of each command is the least disturbed. For reading, not for the verdicts.
fast = f"proxy / pcap_copy {low(res['proxy'], 0) / low(res['pcap_copy'], 0):.2f}x"
if tcp:
    fast += f", tcprewrite / proxy {low(res['tcprewrite'], 0) / low(res['proxy'], 0):.2f}x"
print(f"fastest run of each (CPU)   = {fast}")
t = dict(l.split() for l in open(os.path.join(work, "table-memory")))
bpe = float(t["bytes_per_entry"])
print(f"\nper-packet keys, {int(t['live_entries'])} live entries: peak RSS {int(t['peak_rss_after_kib']) / 1024:.1f} MiB "
      f"({int(t['peak_rss_before_kib']) / 1024:.1f} MiB before the proxy), {bpe:.1f} bytes per entry "
      f"(sizeof(Entry) {t['sizeof_entry']}; goal <= 128): {verdict(bpe <= 128)}")
r1, r4 = med(res["proxy"], 2), rows("proxy4m")[0][2]
print(f"memory bounded by the table: peak RSS 1M packets {r1 / 1024:.1f} MiB, 4M packets {r4 / 1024:.1f} MiB "
      f"({r4 / r1:.2f}x for 4x the capture): {verdict(r4 <= r1 * 1.1)}")
EOF
