#!/usr/bin/env bash
# Scan benchmark: `trunkcheck scan` of N targets on loopback, all served by one
# Kamailio TLS listener (tests/peers/lib.sh; each target a distinct SNI, so
# each is a full probe of its own: platform handshake, suites, versions, SIP).
# Prints wall time, endpoints/s, peak RSS and the rows stored.
#
#   bench/scan_bench.sh [--build-dir DIR] [--targets N] [--concurrency C] [--skip-suites]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/release N=200 CONCURRENCY=64 EXTRA=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) BUILD=$(cd "$2" && pwd); shift ;;
    --targets) N=$2; shift ;;
    --concurrency) CONCURRENCY=$2; shift ;;
    --skip-suites) EXTRA+=(--skip-suites) ;;
    *) sed -n '2,7p' "$0"; exit 2 ;;
  esac
  shift
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
source "$ROOT/tests/peers/lib.sh"
peers_init "$BUILD/tests/tools/tc_make_certs" "$WORK/peers"
PEERS_KAMAILIO_LIMIT=600 peers_kamailio_start bench verify=no require=no
for i in $(seq 1 "$N"); do
  printf '127.0.0.1:%s t%s sni=t%s.sbc.example.com\n' "$PEERS_PORT" "$i" "$i"
done >"$WORK/targets.txt"
/usr/bin/time -f '%e %M' -o "$WORK/time" "$BUILD/trunkcheck" scan --targets "$WORK/targets.txt" --db "$WORK/b.db" \
  --at "$PEERS_AT" --trust "$PEERS_CERTS/root-ca.pem" --concurrency "$CONCURRENCY" "${EXTRA[@]}" --format json \
  >"$WORK/out.json" 2>"$WORK/err" || true
tail -1 "$WORK/time" >"$WORK/time.last"; read -r wall rss <"$WORK/time.last"; tail -3 "$WORK/err" >&2
stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from endpoints where error is null").fetchone()[0])' "$WORK/b.db")
python3 - "$N" "$wall" "$rss" "$stored" "$CONCURRENCY" "${EXTRA[*]:-full probe}" <<'PY'
import sys
n, wall, rss, stored, conc, mode = sys.argv[1:]
print(f"targets {n}, concurrency {conc}, {mode}: {float(wall):.1f} s wall, {int(n)/float(wall):.1f} endpoints/s, "
      f"peak RSS {int(rss)/1024:.0f} MiB, {stored} endpoints stored with a verdict")
PY
