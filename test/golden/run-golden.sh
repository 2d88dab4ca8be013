#!/usr/bin/env bash
# Golden tests for mapdump: each TESTLIST row runs mapdump on a committed capture and compares what it
# printed (stdout, then stderr and the exit status, then the packet count of a --rejected file) with a
# committed expected file. Runs from the repo root, so file names in messages are repo-relative; always
# with TZ=UTC and -u, so output does not depend on the machine's time zone.
#
#   test/golden/run-golden.sh MAPDUMP [NAME...]        compare (prints a diff per failure)
#   UPDATE=1 test/golden/run-golden.sh MAPDUMP [NAME...] rewrite the expected files (review the diff!)
#
# TESTLIST: `name | args | input | expected-file`; '#' starts a comment line. args are shell words (quote a
# BPF filter); {tmp} is a scratch directory, and {tmp}/rejected.pcap, when written, has its packets counted.
set -euo pipefail
cd "$(dirname "$0")/../.."

mapdump="${1:?usage: $0 MAPDUMP [NAME...]}"
shift
[[ -x "$mapdump" ]] || { echo "run-golden: $mapdump is not executable" >&2; exit 2; }
mapdump="$(cd "$(dirname "$mapdump")" && pwd)/$(basename "$mapdump")"
export TZ=UTC LC_ALL=C

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# Runs one row and writes what it printed, in the expected-file layout, to stdout.
run_row() {
  local args="$1" input="$2" tmp="$3"
  local -a argv=()
  eval "argv=(${args//\{tmp\}/$tmp})"
  local rc=0
  "$mapdump" -u -r "$input" "${argv[@]}" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
  cat "$tmp/stdout"
  if [[ -s "$tmp/stderr" ]]; then
    echo "--- stderr"
    cat "$tmp/stderr"
  fi
  echo "--- exit $rc"
  if [[ -e "$tmp/rejected.pcap" ]]; then
    local count
    count="$("$mapdump" -q --stats -r "$tmp/rejected.pcap" | head -1)"
    echo "--- rejected.pcap: ${count%%,*}"
  fi
}

want=("$@")
selected() {
  ((${#want[@]} == 0)) && return 0
  local w
  for w in "${want[@]}"; do [[ "$w" == "$1" ]] && return 0; done
  return 1
}

ran=0
failed=()
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ -z "$(trim "$line")" || "$(trim "$line")" == \#* ]] && continue
  IFS='|' read -r name args input expected <<<"$line"
  name="$(trim "$name")" args="$(trim "$args")" input="$(trim "$input")" expected="$(trim "$expected")"
  if [[ -z "$name" || -z "$input" || -z "$expected" ]]; then
    echo "run-golden: bad TESTLIST line: $line" >&2
    exit 2
  fi
  selected "$name" || continue
  ran=$((ran + 1))
  tmp="$scratch/$name"
  mkdir -p "$tmp"
  run_row "$args" "$input" "$tmp" >"$tmp/actual"
  if [[ "${UPDATE:-0}" == 1 ]]; then
    cp "$tmp/actual" "$expected"
    echo "run-golden: $name: wrote $expected"
  elif [[ ! -e "$expected" ]]; then
    failed+=("$name")
    echo "run-golden: $name: missing $expected (UPDATE=1 creates it)" >&2
  elif ! diff -u --label "$expected" --label "mapdump -u -r $input $args" "$expected" "$tmp/actual"; then
    failed+=("$name")
    echo "run-golden: $name: FAILED (expected $expected)" >&2
  fi
done <test/golden/TESTLIST

if ((ran == 0)); then
  echo "run-golden: no tests ran" >&2
  exit 2
fi
if ((${#failed[@]} > 0)); then
  echo "run-golden: ${#failed[@]} of $ran failed: ${failed[*]}" >&2
  exit 1
fi
echo "run-golden: all $ran ok"
