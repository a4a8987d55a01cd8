#!/usr/bin/env bash
# Runs one CLI test script with TRUNKCHECK pointing at the binary under test,
# SRC at the source tree and WORK at a fresh scratch directory.
set -euo pipefail
test_script=$1
export TRUNKCHECK=$2
export SRC=$3
export MAKE_CERTS=$4
export GEN_CAPTURE=${5:-}  # bench/tc_gen_capture, for tests that need a large real capture
export WORK
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export NO_COLOR=1
source "$SRC/tests/cli/lib.sh"
cd "$WORK"
source "$test_script"
finish
