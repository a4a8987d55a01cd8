#!/usr/bin/env bash
# `trunkcheck listen` throughput: N (default 1,000) TLS 1.2 handshakes, each
# with one SIP OPTIONS answered 200, from C (default 8) concurrent client
# threads (bench/listen_load.cpp, target tc_listen_load) against `listen --self-signed --count N`;
# handshakes/s and the listener's peak RSS, next to `openssl speed -seconds 3
# rsa2048` RSA-2048 signs/s on the same machine — every full handshake with an
# RSA certificate costs the server one RSA-2048 signature, so that figure (one
# core) times the listener's worker count is the physical limit. Appends the
# result to bench/RESULTS.md under "listen" with --record.
#
# The timed window is the load generator's: from its first connection to its
# last answer. The listener's start-up (two RSA-2048 key generations, the trust
# store) happens before it prints "listening on", so before that window.
# The clients run on the same cores: --client raw (tc_listen_load_raw, the
# default: a hand-rolled TLS 1.2 client that neither parses certificates nor
# makes a new X25519 key per connection) costs the least, --client gnutls
# (tc_listen_load_gnutls) about half the CPU per handshake of --client openssl
# (tc_listen_load). The listener's work per connection is the same for all three.
#
#   bench/listen_bench.sh [--build-dir DIR] [--count N] [--concurrency C] [--client raw|gnutls|openssl] [--record]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/release COUNT=1000 CONCURRENCY=8 RECORD=0 CLIENT=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) BUILD=$(cd "$2" && pwd); shift ;;
    --count) COUNT=$2; shift ;;
    --concurrency) CONCURRENCY=$2; shift ;;
    --client) CLIENT=$2; shift ;;
    --record) RECORD=1 ;;
    *) echo "usage: $0 [--build-dir DIR] [--count N] [--concurrency C] [--client raw|gnutls|openssl] [--record]" >&2; exit 2 ;;
  esac
  shift
done
BIN=$BUILD/trunkcheck
CLIENT=${CLIENT:-raw}
case $CLIENT in
  raw) LOAD=$BUILD/bench/tc_listen_load_raw ;;
  gnutls) LOAD=$BUILD/bench/tc_listen_load_gnutls ;;
  openssl) LOAD=$BUILD/bench/tc_listen_load ;;
  *) echo "--client raw, gnutls or openssl" >&2; exit 2 ;;
esac
for tool in "$BIN" "$LOAD"; do
  [[ -x "$tool" ]] || { echo "no $tool: build it first (cmake --build --preset release --target trunkcheck tc_listen_load tc_listen_load_gnutls tc_listen_load_raw)" >&2; exit 2; }
done
WORK=$(mktemp -d)
trap 'kill "$listener" 2>/dev/null || true; rm -rf "$WORK"' EXIT
listener=""

signs=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $6 }')
cores=$(nproc)

/usr/bin/time -v "$BIN" listen --bind 127.0.0.1 --port 0 --self-signed --count "$COUNT" --format json \
  -o "$WORK/report.json" 2>"$WORK/listen.err" &
listener=$!
for _ in $(seq 100); do grep -q '^listening on' "$WORK/listen.err" && break; sleep 0.1; done
port=$(sed -nE 's/^listening on .*:([0-9]+)$/\1/p' "$WORK/listen.err")
read -r ok failed seconds < <(/usr/bin/time -o "$WORK/load.time" -f '%U %S' "$LOAD" "$port" "$COUNT" "$CONCURRENCY" || true)
wait "$listener" || true
listener=""
peak_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/listen.err")
cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$WORK/listen.err")
judged=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["listen"]["handshakes_completed"], sum(1 for c in d["connections"] if c["sip"] and c["sip"]["requests"] and c["sip"]["requests"][0]["answered"] == 200))' "$WORK/report.json")
client_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/load.time")
rate=$(python3 -c "print('%.0f' % ($ok / $seconds))")
limit_pct=$(python3 -c "print('%.0f' % (100 * $ok / $seconds / $signs))")
limit_all_pct=$(python3 -c "print('%.0f' % (100 * $ok / $seconds / ($signs * $cores)))")

cat <<REPORT
listen: $COUNT handshakes + OPTIONS, $CONCURRENCY concurrent clients ($CLIENT), load average $(cut -d' ' -f1 /proc/loadavg)
  completed ${ok} (failed ${failed}) in ${seconds} s: ${rate} handshakes/s
  listener: handshakes completed / OPTIONS answered 200 (from its JSON): ${judged}
  listener peak RSS: $((peak_kb / 1024)) MiB; listener CPU (user+sys, incl. start-up: two RSA-2048 key generations, trust store): ${cpu} s
  clients' CPU (user+sys, $CLIENT): ${client_cpu} s
  openssl speed rsa2048 (one core): ${signs} signs/s; ${cores} cores
  ${limit_pct}% of one core's RSA-2048 signing rate, ${limit_all_pct}% of all ${cores} cores' (clients share the cores)
REPORT

if ((RECORD)); then
  {
    echo
    echo "### listen, $(date -u +%Y-%m-%d) ($(git -C "$ROOT" rev-parse --short HEAD), $(lscpu | sed -nE 's/^Model name: +//p'), ${cores} cores, load $(cut -d' ' -f1 /proc/loadavg))"
    echo
    echo "| handshakes + OPTIONS | clients | handshakes/s | listener CPU | client CPU | peak RSS | openssl speed rsa2048 signs/s (1 core) | % of 1 core | % of ${cores} cores |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| ${ok} of ${COUNT} | ${CONCURRENCY} ${CLIENT} | ${rate} | ${cpu} s | ${client_cpu} s | $((peak_kb / 1024)) MiB | ${signs} | ${limit_pct}% | ${limit_all_pct}% |"
  } >>"$ROOT/bench/RESULTS.md"
fi
