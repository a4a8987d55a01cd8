#!/usr/bin/env bash
# The second README command: install what is missing (with the test peers),
# build, and run the whole test suite — normal build, then ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-test-peers
jobs=$(nproc)

echo "== build and test (release preset)"
bash scripts/build.sh release
ctest --test-dir build/release --output-on-failure -j "$jobs" --timeout 600

if [[ "${TRUNKCHECK_SKIP_SANITIZERS:-0}" != 1 ]]; then
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
  bash scripts/build.sh asan-ubsan
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan-ubsan --output-on-failure -j "$jobs" --timeout 900
fi
