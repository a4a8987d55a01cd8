#!/usr/bin/env bash
# Regenerates demo/certs from the test fixture generator (fixed dates, fresh
# keys). The demo is judged at 2026-04-02, when the 398-day leaf is already
# over SC-081's 200-day limit.
set -euo pipefail
cd "$(dirname "$0")"
make_certs=${1:-../build/release/tests/tools/tc_make_certs}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$make_certs" scenario "$scratch" >/dev/null
rm -rf certs && mkdir certs
cp "$scratch/root-ca.pem" certs/demo-root.pem
cp "$scratch/leaf-missing-intermediate.pem" certs/sbc-leaf-only.pem
cp "$scratch/leaf-server-client.pem" certs/sbc-full-chain.pem
cp "$scratch/leaf-398-days.pem" certs/sbc-398-days.pem
cp "$scratch/leaf-wildcard.pem" certs/sbc-wildcard.pem
cp "$scratch/leaf-server-only.pem" certs/sbc-server-only.pem
