#!/usr/bin/env bash
# ctest captures_tshark_clean: every committed capture decodes in tshark without a malformed packet or
# error-level expert info. Checksum validation is on, so a bad IPv4/UDP/TCP checksum also fails.
# Warnings are listed but do not fail. Exit 77 (ctest SKIP_RETURN_CODE) when tshark is missing.
set -uo pipefail
captures=${1:?usage: check-tshark-clean.sh CAPTURES_DIR}

if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIP: tshark is not installed (apt-get install tshark), so the captures cannot be cross-checked"
  exit 77
fi

readonly kSeverityError=8388608  # PI_ERROR (0x00800000) as -T fields prints _ws.expert.severity
readonly kSeverityWarn=6291456   # PI_WARN (0x00600000)

status=0
shopt -s nullglob
files=("$captures"/*.pcap "$captures"/*.pcapng)
if ((${#files[@]} == 0)); then
  echo "FAIL: no captures in $captures"
  exit 1
fi
for f in "${files[@]}"; do
  if ! out=$(tshark -n -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -T fields -E occurrence=a -E aggregator=';' \
    -e frame.number -e _ws.malformed -e _ws.expert.severity -e _ws.expert.message 2>/dev/null); then
    echo "FAIL: tshark could not read $f"
    status=1
    continue
  fi
  packets=$(wc -l <<<"$out")
  errors=$(awk -F'\t' -v e="$kSeverityError" '$2 != "" || (";" $3 ";") ~ (";" e ";")' <<<"$out")
  warnings=$(awk -F'\t' -v w="$kSeverityWarn" '(";" $3 ";") ~ (";" w ";")' <<<"$out")
  if [[ -n $errors ]]; then
    echo "FAIL: $(basename "$f"): malformed packets or errors (frame, malformed, severity, message):"
    head -20 <<<"$errors"
    status=1
  else
    echo "ok: $(basename "$f"): $packets packets, no malformed packets or expert errors"
  fi
  if [[ -n $warnings ]]; then
    echo "note: $(basename "$f") has $(wc -l <<<"$warnings") packets with expert warnings:"
    head -5 <<<"$warnings"
  fi
done
exit $status
