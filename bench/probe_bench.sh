#!/usr/bin/env bash
# Probe benchmark: `trunkcheck probe` (all five steps) vs testssl.sh (default
# run) and sslscan against the same local Kamailio TLS endpoint (the harness
# of tests/peers/lib.sh: ephemeral loopback port, client certificates
# required, like DOMAIN.md §9's measurement). Prints medians of wall time,
# peak RSS, the ratios, and what each tool reported about suites, versions,
# chain and client authentication.
#
#   bench/probe_bench.sh [--no-build] [--build-dir DIR] [--runs N] [--testssl-runs N]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/release
DO_BUILD=1 RUNS=7 TESTSSL_RUNS=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-build) DO_BUILD=0 ;;
    --build-dir) BUILD=$(cd "$2" && pwd); shift ;;
    --runs) RUNS=$2; shift ;;
    --testssl-runs) TESTSSL_RUNS=$2; shift ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
  esac
  shift
done
for tool in kamailio sslscan testssl /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install kamailio kamailio-tls-modules sslscan testssl.sh time)" >&2; exit 1; }
done
if ((DO_BUILD)); then
  cmake --preset release >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target trunkcheck tc_make_certs >/dev/null
fi
TRUNKCHECK=$BUILD/trunkcheck
MAKE_CERTS=$BUILD/tests/tools/tc_make_certs

source "$ROOT/tests/peers/lib.sh"
peers_init "$MAKE_CERTS"
peers_kamailio_start bench verify=yes require=yes
PORT=$PEERS_PORT
LOG=$PEERS_DIR/bench
mkdir -p "$LOG"

# run NAME COMMAND...: one timed run; appends "seconds kilobytes" to $LOG/NAME.
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$LOG/$name.one" "$@" >"$LOG/$name.out" 2>"$LOG/$name.err" || true
  tail -1 "$LOG/$name.one" >>"$LOG/$name"  # time prefixes "Command exited with …" on failure
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for _ in $(seq 1 "$RUNS"); do
  run trunkcheck "$TRUNKCHECK" probe "127.0.0.1:$PORT" --sni sbc.example.com --trust "$PEERS_CERTS/root-ca.pem" \
    --at "$PEERS_AT" --format json \
    --client-cert "$PEERS_CERTS/client-server-only.pem" --client-key "$PEERS_CERTS/client-server-only-key.pem"
  run sslscan sslscan --no-colour "127.0.0.1:$PORT"
done
for _ in $(seq 1 "$TESTSSL_RUNS"); do
  run testssl testssl --quiet --color 0 --warnings off "127.0.0.1:$PORT"
done

python3 - "$LOG" <<'PY'
import json, re, sys
log = sys.argv[1]
def figures(name):
    rows = [line.split() for line in open(f"{log}/{name}") if line.strip()]
    secs = sorted(float(r[0]) for r in rows); kb = max(int(r[1]) for r in rows)
    n = len(secs); med = secs[n // 2] if n % 2 else (secs[n // 2 - 1] + secs[n // 2]) / 2
    return med, kb / 1024, n
t = figures("trunkcheck"); s = figures("sslscan"); x = figures("testssl")
print(f"{'tool':<12}{'runs':>5}{'median s':>10}{'peak MB':>9}{'vs trunkcheck':>15}")
for name, f in (("trunkcheck", t), ("sslscan", s), ("testssl.sh", x)):
    print(f"{name:<12}{f[2]:>5}{f[0]:>10.2f}{f[1]:>9.1f}{f[0] / t[0]:>14.1f}x")
d = json.load(open(f"{log}/trunkcheck.out"))
e = d["endpoint"]
print("\ntrunkcheck: client_auth", e["client_auth"], "| suites", len(e["suites_accepted"] or []),
      "| versions", e["versions"], "| chain", len(e["chain"]), "| drill",
      [(a["certificate"], a["outcome"], a["alert"]) for a in e["eku_drill"]], "| SIP", e["sip"] and e["sip"]["status"])
scan = open(f"{log}/sslscan.out", errors="replace").read()
print("sslscan: TLSv1.2 suite lines", len(re.findall(r"(Accepted|Preferred)\s+TLSv1\.2", scan)),
      "| mentions client certificates:", "client" in scan.lower() and "certificate" in scan.lower())
ts = open(f"{log}/testssl.out", errors="replace").read()
print("testssl.sh: mentions certificate-based authentication:", "certificate-based" in ts.lower() or "client authentication" in ts.lower())
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
