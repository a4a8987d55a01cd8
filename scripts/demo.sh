#!/usr/bin/env bash
# The first README command: install what is missing, build, and run trunkcheck's
# main jobs on the demo shipped in demo/ (certificates and a capture).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release >/dev/null
tc=build/release/trunkcheck
at=2026-11-23T00:00:00Z

section() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() {
  section "$*"
  "$@" || echo "(exit code $?: findings at or above --fail-on)"
}

run "$tc" cert demo/certs/sbc-leaf-and-root.pem --host sbc.demo.example --at "$at" \
  --trust demo/certs/demo-root.pem -v
run "$tc" cert demo/certs/sbc-full-chain.pem --host sbc.demo.example --at "$at" --trust demo/certs/demo-root.pem
run "$tc" cert demo/certs --each --at "$at" --trust demo/certs/demo-root.pem
if [[ -f demo/captures/outbound-eku-rejected.pcap ]] && "$tc" pcap --help >/dev/null 2>&1; then
  run "$tc" pcap demo/captures/outbound-eku-rejected.pcap --at "$at" -v
fi
run "$tc" roots --at "$at"
