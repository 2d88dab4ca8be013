# shellcheck shell=bash
# Sourced by the bench scripts. make_work_dir PREFIX sets `work` to a fresh directory, removed when the
# script exits: on tmpfs when there is one, so the disk is not what is measured.
make_work_dir() {
  local dir=/dev/shm
  [[ -d "$dir" && -w "$dir" ]] || dir="${TMPDIR:-/tmp}"
  work="$(mktemp -d "$dir/$1.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
}
