#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release). Used by demo.sh,
# test.sh and the benchmarks so that every path builds the same way.
set -euo pipefail
preset=${1:-release}
cd "$(dirname "$0")/.."
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
