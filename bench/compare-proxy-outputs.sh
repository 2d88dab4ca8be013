#!/usr/bin/env bash
# Runs two sfcproxy-replay binaries over the same matrix and compares every output byte for byte: the check
# behind each performance change (a faster proxy must write exactly what the slower one wrote).
#
#   bench/compare-proxy-outputs.sh BASE_BINARY NEW_BINARY [BUILD_DIR]
#
# Matrix, on captures/sfc-sample.pcap and a generated 200k-packet bench capture (pktmap-gencap from
# BUILD_DIR, default build): every mode x granularity x SF model (none and test/data/sfc's rewrite-l2,
# reverse-rst, busy), with a path pair; plus nat, a small table that evicts, one that refuses, and idle
# expiry. Compared: -w, --to-sf, --unmatched, --rejected, --state-out (creation time aside), --json (run time
# aside), stderr and the exit status. Prints one DIFF line per differing output; exits 1 if there was one.
set -euo pipefail
cd "$(dirname "$0")/.."

base="${1:?usage: $0 BASE_BINARY NEW_BINARY [BUILD_DIR]}"
new="${2:?usage: $0 BASE_BINARY NEW_BINARY [BUILD_DIR]}"
build="${3:-build}"
[[ -x "$build/bin/pktmap-gencap" ]] || { echo "compare-proxy-outputs: $build/bin/pktmap-gencap missing" >&2; exit 2; }

source bench/work_dir.sh
make_work_dir pktmap-compare
"$build/bin/pktmap-gencap" sfc --mix md1-eth-ipv4 --flows 10000 --paths 50 --packets 200000 \
  -o "$work/bench200k.pcap" 2>/dev/null
caps=(captures/sfc-sample.pcap "$work/bench200k.pcap")
models=test/data/sfc

strip_times() { sed 's/"seconds":[^,}]*//; s/"created":[^,}]*//' "$1" 2>/dev/null || true; }

fail=0
runs=0
run() {  # TAG ARGS...
  local tag="$1"
  shift
  local which bin
  for which in base new; do
    bin="$base"
    [[ $which == new ]] && bin="$new"
    local out="$work/$tag.$which"
    local rc=0
    "$bin" "$@" -w "$out.out" --to-sf "$out.tosf" --unmatched "$out.unm" --rejected "$out.rej" \
      --state-out "$out.state" --json 2>"$out.err" >"$out.json.raw" || rc=$?
    echo "$rc" >"$out.rc"
    strip_times "$out.json.raw" >"$out.json"
  done
  local ext
  for ext in out tosf unm rej json rc err; do
    if [[ -e "$work/$tag.base.$ext" || -e "$work/$tag.new.$ext" ]] &&
      ! cmp -s "$work/$tag.base.$ext" "$work/$tag.new.$ext"; then
      echo "DIFF $tag $ext"
      fail=1
    fi
  done
  if ! cmp -s <(strip_times "$work/$tag.base.state") <(strip_times "$work/$tag.new.state"); then
    echo "DIFF $tag state"
    fail=1
  fi
  rm -f "$work/$tag".*
  runs=$((runs + 1))
}

c=0
for cap in "${caps[@]}"; do
  c=$((c + 1))
  for mode in mac mac-pair vlan qinq vxlan 5tuple; do
    for per in path flow packet; do
      for sf in none rewrite-l2 reverse-rst busy; do
        args=(-r "$cap" --mode "$mode" --per "$per" --pair 101:201)
        [[ $sf != none ]] && args+=(--sf "$models/$sf.yaml")
        run "c$c-$mode-$per-$sf" "${args[@]}"
      done
    done
  done
  run "c$c-nat" -r "$cap" --mode nat --per flow --sf "$models/nat.yaml"
  run "c$c-limit" -r "$cap" --mode mac --per flow --limit 100
  run "c$c-refuse" -r "$cap" --mode mac --per flow --limit 100 --full refuse
  run "c$c-idle" -r "$cap" --mode vlan --per flow --idle 0.001
done
echo "compare-proxy-outputs: $runs runs, $([[ $fail == 0 ]] && echo "all outputs identical" || echo "DIFFERENCES above")"
exit "$fail"
