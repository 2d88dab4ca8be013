#!/usr/bin/env bash
# Compares two sfcproxy-replay binaries in back-to-back pairs, in ABBA order (pair i runs A first when i is
# odd, B first when even), and prints the median of the paired differences B - A in wall and CPU time with
# how many pairs B won. On a VM whose speed drifts by a third within minutes, medians of separate runs hide a
# 5 % change; the difference within a pair, run seconds apart, does not.
#
#   bench/ab-proxy-pairs.sh BASE_BINARY NEW_BINARY [PAIRS] [BUILD_DIR]     defaults: 40 pairs, build
#
# Input: the bench capture of run-sfc-bench.sh (1M packets MD1, 10k flows, 50 paths; made with pktmap-gencap
# from BUILD_DIR), `--mode vlan --per flow`, `-w` a file in /dev/shm removed before each run. PROXY_ARGS
# overrides the mode arguments. A benchmark, not a test: it judges nothing.
set -euo pipefail

base="${1:?usage: $0 BASE_BINARY NEW_BINARY [PAIRS] [BUILD_DIR]}"
new="${2:?usage: $0 BASE_BINARY NEW_BINARY [PAIRS] [BUILD_DIR]}"
pairs="${3:-40}"
build="${4:-build}"
read -r -a args <<<"${PROXY_ARGS:---mode vlan --per flow}"
for b in "$base" "$new" "$build/bin/pktmap-gencap"; do
  [[ -x "$b" ]] || { echo "ab-proxy-pairs: $b is not an executable" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "ab-proxy-pairs: /usr/bin/time (package time) is needed" >&2; exit 2; }

source "$(dirname "$0")/work_dir.sh"
make_work_dir pktmap-ab
cap="$work/md1-1m.pcap"
"$build/bin/pktmap-gencap" sfc --mix md1-eth-ipv4 --flows 10000 --paths 50 --packets 1000000 -o "$cap" 2>/dev/null

# One line per run: "A|B wall_ms cpu_ms".
run() {
  local name="$1" bin="$2" t0 t1
  rm -f "$work/out.pcap"
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$work/time" "$bin" -r "$cap" "${args[@]}" -w "$work/out.pcap" >/dev/null 2>&1 ||
    { echo "ab-proxy-pairs: $bin failed" >&2; exit 1; }
  t1=$(date +%s%N)
  awk -v n="$name" -v ns=$((t1 - t0)) '{ printf "%s %.1f %.0f\n", n, ns / 1e6, ($1 + $2) * 1000 }' "$work/time"
}

run A "$base" >/dev/null  # warm-up: the capture's pages, the binaries' pages
run B "$new" >/dev/null
for ((i = 1; i <= pairs; i++)); do
  if ((i % 2)); then run A "$base"; run B "$new"; else run B "$new"; run A "$base"; fi
done >"$work/runs"

python3 - "$work/runs" "$base" "$new" <<'EOF'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
a = [(float(w), float(c)) for n, w, c in rows if n == "A"]
b = [(float(w), float(c)) for n, w, c in rows if n == "B"]
print(f"A {sys.argv[2]}\nB {sys.argv[3]}")
for name, v in (("A", a), ("B", b)):
    print(f"{name}: wall median {st.median(x[0] for x in v):.1f} ms (fastest {min(x[0] for x in v):.1f}), "
          f"CPU median {st.median(x[1] for x in v):.0f} ms")
for i, what in ((0, "wall"), (1, "CPU ")):
    d = [y[i] - x[i] for x, y in zip(a, b)]
    won = sum(1 for x in d if x < 0)
    rel = 100 * st.median(d) / st.median(x[i] for x in a)
    print(f"B - A {what}: median of {len(d)} paired differences {st.median(d):+.1f} ms ({rel:+.1f} %), "
          f"B faster in {won} of {len(d)} pairs")
EOF
