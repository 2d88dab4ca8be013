#!/usr/bin/env bash
# Builds with gcc + AddressSanitizer/UndefinedBehaviorSanitizer into build-asan/ and runs the same ctest
# suite as scripts/test.sh (unit tests, fuzz corpus replays, and whatever else registers itself).
# Any sanitizer report aborts the test that triggered it, so ctest fails.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="$(nproc)"
# gcc explicitly: the fuzz job covers clang, and a CC/CXX left in the environment must not change this job.
CC=gcc CXX=g++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPKTMAP_SANITIZE=ON
cmake --build build-asan -j"$jobs"

# abort_on_error/halt_on_error: a report must fail the test, not scroll past in a passing one.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
ctest --test-dir build-asan --output-on-failure -j"$jobs"
