#!/usr/bin/env bash
# Builds every libFuzzer target (test/fuzz/fuzz_*.cpp) with clang + ASan/UBSan into build-fuzz/ and runs
# each for SECONDS (default 30) starting from its committed seed corpus. Fails if any target crashes,
# leaks, times out or trips an invariant; the reproducer is kept in build-fuzz/artifacts/<name>/.
#
#   scripts/run-fuzzers.sh [SECONDS] [NAME...]     e.g. scripts/run-fuzzers.sh 600 nsh
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [NAME...]" >&2; exit 2; }
jobs="$(nproc)"

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPKTMAP_FUZZ=ON -DPKTMAP_TESTS=OFF -DPKTMAP_BENCH=OFF
# Only the fuzz targets: tools are not fuzzed and would just cost build time.
cmake --build build-fuzz -j"$jobs" --target fuzzers

if (($# > 0)); then
  names=("$@")
else
  names=()
  for src in test/fuzz/fuzz_*.cpp; do
    [[ -e "$src" ]] || continue
    n="${src##*/fuzz_}"
    names+=("${n%.cpp}")
  done
fi
if ((${#names[@]} == 0)); then
  echo "run-fuzzers: no fuzz targets"
  exit 0
fi

# libFuzzer adds what it finds to its corpus directory: give it a scratch copy so the repo stays clean.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

run_one() {
  local name="$1" bin="build-fuzz/bin/fuzz_$1" corpus="$scratch/corpus/$1" art="build-fuzz/artifacts/$1/"
  rm -rf "$art"  # stale reproducers from an earlier run would be reported again
  mkdir -p "$corpus" "$art"
  if [[ -d "test/fuzz/corpus/$name" ]]; then cp -r "test/fuzz/corpus/$name/." "$corpus/"; fi
  # -timeout: one input taking over 10 s is a hang worth failing on. -rss_limit_mb guards runaway memory.
  local rc=0
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art" "$corpus" >"$scratch/$name.log" 2>&1 || rc=$?
  # The status goes to a file: `wait -n` below may reap this job before its status is asked for.
  echo "$rc" >"$scratch/$name.rc"
}

# Targets run in parallel, one per core; each log is printed whole on failure, summarised on success.
for name in "${names[@]}"; do
  [[ -x "build-fuzz/bin/fuzz_$name" ]] || { echo "run-fuzzers: no target fuzz_$name" >&2; exit 2; }
done
for name in "${names[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  echo "run-fuzzers: fuzz_$name for ${seconds}s"
  run_one "$name" &
done
wait

failed=()
for name in "${names[@]}"; do
  if [[ "$(cat "$scratch/$name.rc" 2>/dev/null)" == 0 ]]; then
    runs="$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$scratch/$name.log" | tail -1 || true)"
    cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' "$scratch/$name.log" | tail -1 || true)"
    echo "run-fuzzers: fuzz_$name ok (${runs:-?}s; ${cov:-no coverage line})"
  else
    failed+=("$name")
    echo "===== fuzz_$name FAILED; log follows =====" >&2
    cat "$scratch/$name.log" >&2
    for a in "build-fuzz/artifacts/$name"/*; do
      [[ -e "$a" ]] || continue
      echo "reproducer: $a ($(stat -c %s "$a") bytes): $(od -An -tx1 -v "$a" | tr -d ' \n' | head -c 512)" >&2
      echo "reproduce:  build-fuzz/bin/fuzz_$name $a   (or, with gcc: build/bin/fuzz_$name $a)" >&2
    done
  fi
done
if ((${#failed[@]} > 0)); then
  echo "run-fuzzers: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "run-fuzzers: all ${#names[@]} targets ok"
