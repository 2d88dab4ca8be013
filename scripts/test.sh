#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test (ctest).
# Tests that need root or network namespaces print why they skip when they cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
