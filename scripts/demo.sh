#!/usr/bin/env bash
# The first README command: install what is missing, build, and run trunkcheck's
# main jobs on the demo shipped in demo/ (certificates and a capture) and on a
# local endpoint it starts (openssl s_server).
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

# A live endpoint: openssl s_server on an ephemeral loopback port plays an SBC
# that requires client certificates from the CA it trusts (certificates made
# for today by tc_make_certs; keys stay in a temp dir removed on exit). The
# probe presents a serverAuth-only certificate that CA issued — what the
# platform's renewed certificate looks like — and gets seed 000's alert 43.
live=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null
  exec 3>&-
  rm -rf "$live"
}
trap cleanup EXIT
build/release/tests/tools/tc_make_certs peers "$live" --around-now >/dev/null
# s_server reads stdin and closes the connection at its end: give it a FIFO
# that this script holds open for writing (never EOF, never blocks).
mkfifo "$live/stdin"
exec 3<>"$live/stdin"
timeout 60 openssl s_server -accept 127.0.0.1:0 -cert "$live/server.pem" -cert_chain "$live/intermediate-ca.pem" -key "$live/server-key.pem" \
  -CAfile "$live/root-ca.pem" -Verify 2 -verify_return_error -tls1_2 >"$live/s_server.log" 2>&1 <"$live/stdin" &
server_pid=$!
for _ in $(seq 1 100); do grep -q '^ACCEPT' "$live/s_server.log" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$live/s_server.log" | head -1)
run "$tc" probe "127.0.0.1:$port" --sni sbc.example.com --trust "$live/root-ca.pem" --timeout 3 \
  --client-cert "$live/client-server-only.pem" --client-key "$live/client-server-only-key.pem"
