#!/usr/bin/env bash
# Fails if any tracked C++ file differs from what clang-format (the repo's .clang-format) would produce,
# and lists the offenders. Only tracked files: build trees and scratch files are not the project's style.
# Fix with: git ls-files -z -- <same pathspecs> | xargs -0 clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."

# CI may run as root on a clone owned by someone else; git would then refuse to read the repo.
mapfile -d '' files < <(git -c safe.directory="$PWD" ls-files -z -- \
  'lib/*.cpp' 'lib/*.hpp' 'tools/*.cpp' 'tools/*.hpp' 'test/*.cpp' 'test/*.hpp' \
  'bench/*.cpp' 'bench/*.hpp' 'captures/*.cpp' 'captures/*.hpp')
echo "check-format: $(clang-format --version | head -1), ${#files[@]} files"
((${#files[@]} > 0)) || exit 0

bad=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" 2>/dev/null || bad+=("$f")
done
if ((${#bad[@]} > 0)); then
  echo "check-format: ${#bad[@]} file(s) not clang-formatted:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  # Show the first offender's diagnostics so the failure is actionable from the CI log alone.
  clang-format --dry-run -Werror "${bad[0]}" 2>&1 | head -20 >&2 || true
  echo "fix with: clang-format -i ${bad[*]}" >&2
  exit 1
fi
echo "check-format: ok"
