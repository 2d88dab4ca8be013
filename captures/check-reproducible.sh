#!/usr/bin/env bash
# ctest captures_reproducible: regenerates the sample set with pktmap-gencap and byte-compares every
# generated file with the one committed here. A difference means the generator changed: regenerate with
# `build/bin/pktmap-gencap all captures` and commit the files (and update README.md if the content moved).
set -euo pipefail
gencap=${1:?usage: check-reproducible.sh PKTMAP_GENCAP CAPTURES_DIR}
captures=${2:?usage: check-reproducible.sh PKTMAP_GENCAP CAPTURES_DIR}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gencap" all "$tmp"

status=0
shopt -s nullglob
generated=("$tmp"/*.pcap)
if ((${#generated[@]} == 0)); then
  echo "FAIL: pktmap-gencap all wrote no .pcap files"
  exit 1
fi
for f in "${generated[@]}"; do
  name=$(basename "$f")
  if [[ ! -f $captures/$name ]]; then
    echo "FAIL: $name is generated but not committed in $captures"
    status=1
  elif ! cmp "$f" "$captures/$name"; then
    echo "FAIL: $name differs from the committed file"
    status=1
  else
    echo "ok: $name ($(stat -c %s "$f") bytes) is byte-identical"
  fi
done
exit $status
