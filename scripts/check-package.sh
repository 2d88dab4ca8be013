#!/usr/bin/env bash
# Checks that build/ (made by scripts/test.sh) installs and packages: `cmake --install` puts every tool
# (tools/<name>/main.cpp) in bin/ and every man/*.1 in share/man/man1, and `cpack -G DEB` makes a .deb
# holding the same files with a version, maintainer and shlibdeps-computed Depends. Generic on purpose:
# a new tool or man page is checked without editing this script, and none at all passes.
set -euo pipefail
cd "$(dirname "$0")/.."

build="${1:-build}"
[[ -f "$build/CMakeCache.txt" ]] || { echo "check-package: $build/ is not configured; run scripts/test.sh" >&2; exit 2; }
# Make sure the binaries are current even when called on its own.
cmake --build "$build" -j"$(nproc)"

expected=()
for main in tools/*/main.cpp; do
  [[ -e "$main" ]] || continue
  tool="${main#tools/}"
  expected+=("bin/${tool%/main.cpp}")
done
for page in man/*.1; do
  [[ -e "$page" ]] || continue
  expected+=("share/man/man1/${page#man/}")
done
echo "check-package: expecting ${#expected[@]} files: ${expected[*]:-(no tools or man pages yet)}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "--- cmake --install $build --prefix <tmp>"
mkdir -p "$tmp/inst"
cmake --install "$build" --prefix "$tmp/inst" >/dev/null
(cd "$tmp/inst" && find . \( -type f -o -type l \) | sort)
missing=()
for f in "${expected[@]}"; do
  if [[ "$f" == bin/* ]]; then
    [[ -x "$tmp/inst/$f" ]] || missing+=("$f")
  else
    [[ -f "$tmp/inst/$f" ]] || missing+=("$f")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "check-package: not installed: ${missing[*]}" >&2
  exit 1
fi

echo "--- cpack -G DEB (in $build/)"
(cd "$build" && cpack -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log" >&2; exit 1; }
debs=("$tmp"/pkg/*.deb)
[[ -f "${debs[0]}" ]] || { cat "$tmp/cpack.log" >&2; echo "check-package: cpack made no .deb" >&2; exit 1; }
((${#debs[@]} == 1)) || { echo "check-package: expected one .deb, got: ${debs[*]}" >&2; exit 1; }
deb="${debs[0]}"
echo "package: ${deb##*/} ($(stat -c %s "$deb") bytes)"
dpkg-deb -f "$deb" Package Version Architecture Maintainer Depends Recommends Section Description
dpkg-deb -c "$deb"
contents="$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./||')"
# The package installs under /usr (CPack's default packaging prefix for DEB).
for f in "${expected[@]}"; do
  grep -qxF "usr/$f" <<<"$contents" || missing+=("usr/$f")
done
if ((${#missing[@]} > 0)); then
  echo "check-package: missing from ${deb##*/}: ${missing[*]}" >&2
  exit 1
fi
for field in Version Maintainer Description; do
  [[ -n "$(dpkg-deb -f "$deb" "$field")" ]] || { echo "check-package: empty $field" >&2; exit 1; }
done
echo "check-package: ok"
