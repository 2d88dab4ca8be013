#!/usr/bin/env bash
# sfcproxy-replay over a capture far larger than memory, against the issue-3 goal "a 20 GB pcap streams
# through with memory bounded by the mapping table". Nothing touches the disk: the capture is generated into
# a pipe and the proxy's output is counted and dropped:
#
#   pktmap-gencap sfc --mix md1-eth-ipv4 --flows 10000 --paths 50 --packets N -o - |
#     sfcproxy-replay -r - --mode vlan --per flow -w - --json | wc -c
#
# N is chosen so the capture is GIGABYTES x 10^9 bytes (144 bytes per record: 16 header + 128 frame). Prints
# the wall time and GB/s of the whole pipe (generator, proxy and reader share the machine's cores), the proxy's
# CPU time, packets in and written (its --json report, on stderr since stdout carries the capture), bytes out,
# and the proxy's peak RSS next to the peak RSS of a 1 GB run of the same flows. Builds nothing.
#
#   bench/run-sfc-stream-bench.sh [BUILD_DIR] [GIGABYTES]      defaults: build, 20
#
# Benchmarks are not tests: nothing here fails on a slow machine; it prints the figures and whether the
# memory goal was met (peak RSS of the large run within 10% of the 1 GB run's).
set -euo pipefail

build="${1:-build}"
gigabytes="${2:-20}"
[[ "$gigabytes" =~ ^[0-9]+$ && "$gigabytes" -ge 1 ]] || { echo "run-sfc-stream-bench: GIGABYTES must be a whole number >= 1" >&2; exit 2; }
for b in sfcproxy-replay pktmap-gencap; do
  [[ -x "$build/bin/$b" ]] || { echo "run-sfc-stream-bench: $build/bin/$b missing (build first: cmake --build $build)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "run-sfc-stream-bench: /usr/bin/time (package time) is needed for CPU and RSS figures" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/pktmap-sfc-stream.XXXXXX")"  # small files only: the reports and timings
trap 'rm -rf "$work"' EXIT
record=144
echo "run-sfc-stream-bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"

# stream NAME GB: one run through the pipe; leaves NAME.time (proxy: user sys max_rss_kib), NAME.json (report),
# NAME.bytes (bytes out) and NAME.wall (seconds for the whole pipe).
stream() {
  local name="$1" gb="$2"
  local packets=$((gb * 1000000000 / record))
  local start end
  start=$(date +%s.%N)
  "$build/bin/pktmap-gencap" sfc --mix md1-eth-ipv4 --flows 10000 --paths 50 --packets "$packets" -o - 2>/dev/null |
    /usr/bin/time -f "%U %S %M" -o "$work/$name.time" \
      "$build/bin/sfcproxy-replay" -r - --mode vlan --per flow -w - --json 2>"$work/$name.json" |
    wc -c >"$work/$name.bytes"
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.3f\n", $2 - $1 }' >"$work/$name.wall"
  echo "$packets" >"$work/$name.packets"
}

stream small 1
stream large "$gigabytes"

python3 - "$work" "$gigabytes" "$record" <<'EOF'
import json, os, sys
work, gb, record = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def read(name, ext):
    return open(os.path.join(work, f"{name}.{ext}")).read().strip()
rows = {}
for name, size in (("small", 1), ("large", gb)):
    user, sys_, rss = read(name, "time").splitlines()[-1].split()
    rep = json.loads(next(l for l in read(name, "json").splitlines() if l.startswith("{")))
    wall = float(read(name, "wall"))
    bytes_in = 24 + int(read(name, "packets")) * record
    rows[name] = dict(size=size, wall=wall, cpu=float(user) + float(sys_), rss=int(rss), rep=rep,
                      bytes_in=bytes_in, bytes_out=int(read(name, "bytes")))
print(f"\n{'capture through the pipe':<26}{'packets in':>12}{'written':>12}{'bytes out':>15}{'wall s':>9}"
      f"{'GB/s':>7}{'proxy CPU s':>13}{'proxy peak RSS':>16}")
for r in rows.values():
    print(f"{str(r['size']) + ' GB (' + format(r['bytes_in'], ',') + ' B)':<26}{r['rep']['packets_in']:>12}"
          f"{r['rep']['written']:>12}{r['bytes_out']:>15}{r['wall']:>9.1f}{r['bytes_in'] / 1e9 / r['wall']:>7.2f}"
          f"{r['cpu']:>13.1f}{r['rss'] / 1024:>12.1f} MiB")
s, l = rows["small"], rows["large"]
ok = l["rss"] <= s["rss"] * 1.1
print(f"\nmemory bounded by the table: peak RSS {s['rss'] / 1024:.1f} MiB for 1 GB, {l['rss'] / 1024:.1f} MiB for "
      f"{gb} GB ({l['rss'] / s['rss']:.2f}x for {gb}x the capture): {'met' if ok else 'NOT met'}")
complete = all(r["rep"]["written"] == r["rep"]["packets_in"] and
               r["bytes_out"] == 24 + r["rep"]["written"] * record for r in rows.values())
print(f"every packet in was written back out: {'yes' if complete else 'NO'}")
EOF
