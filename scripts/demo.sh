#!/usr/bin/env bash
# The first README command: install what is missing, build, and run trunkcheck's
# main jobs on the demo shipped in demo/ (certificates and a capture).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release >/dev/null
tc=build/release/trunkcheck
# The demo certificates carry fixed dates; judge them on a fixed day.
at=2026-04-02T00:00:00Z
trust=(--trust demo/certs/demo-root.pem)

run() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  local status=0
  "$@" || status=$?
  [[ $status == 0 ]] || echo "(exit code $status: findings at or above --fail-on)"
}

# An SBC that sends only its leaf: outbound calls from the platform fail.
run "$tc" cert demo/certs/sbc-leaf-only.pem --host sbc.example.com --at "$at" "${trust[@]}" -v
# The same certificate with its intermediate: what remains.
run "$tc" cert demo/certs/sbc-full-chain.pem --host sbc.example.com --at "$at" "${trust[@]}"
# An inventory of every certificate in the folder (seed 004's audit).
run "$tc" cert demo/certs --at "$at" "${trust[@]}"
# Captures of an outbound call (the platform connects to the SBC at
# 203.0.113.5:5061): seed 000's alert 43, and seed 002's deprecated suite.
for capture in demo/captures/outbound-eku-rejected.pcap demo/captures/outbound-deprecated-cipher.pcap; do
  run "$tc" pcap "$capture" --endpoint 203.0.113.5 --trust demo/captures/root-ca.pem --at 2026-04-01 -v
done
run "$tc" roots --at "$at"
