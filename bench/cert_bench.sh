#!/usr/bin/env bash
# Benchmark: `trunkcheck cert --each` over 10,000 generated certificates and
# over the system trust store, pinned to one core, against the way an
# administrator inventories certificates today (one `openssl x509` per file).
#
#   bench/cert_bench.sh            build (release), generate, time, print a markdown table
#
# Environment:
#   BUILD_DIR     build directory (default: build-certbench in the repo)
#   CERT_COUNT    certificates to generate (default 10000)
#   RUNS          timed runs per trunkcheck case (default 5; median reported)
#   OPENSSL_RUNS  timed runs of the openssl loops (default 1, no warm-up)
#   OPENSSL_SAMPLE files the 10k openssl loop visits (default 1000; the time is scaled
#                 to all files and labelled so; 0 = every file, ~20 min at ~0.12 s a call)
#   CPU           core to pin to (default 0)
#   SKIP_BUILD=1  use the binaries already in BUILD_DIR
# Targets (issue 2): 10,000 certificates < 2 s on one core; /etc/ssl/certs < 0.3 s.
# Generated files go to bench/out/ (gitignored); the table also goes to
# bench/out/cert-bench.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-certbench}
CERT_COUNT=${CERT_COUNT:-10000}
RUNS=${RUNS:-5}
OPENSSL_RUNS=${OPENSSL_RUNS:-1}
OPENSSL_SAMPLE=${OPENSSL_SAMPLE:-1000}
CPU=${CPU:-0}
OUT=$ROOT/bench/out
CERTS=$OUT/certs-$((CERT_COUNT / 1000))k
SYSTEM=${SYSTEM_CERTS:-/etc/ssl/certs}
AT=2026-06-01

need() { command -v "$1" >/dev/null 2>&1 || { echo "cert_bench: '$1' is missing ($2)" >&2; exit 2; }; }
need taskset "apt-get install util-linux"
need openssl "apt-get install openssl"
[ -x /usr/bin/time ] || { echo "cert_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$BUILD_DIR" trunkcheck tc_make_certs >/dev/null
fi
TC=$BUILD_DIR/trunkcheck
MAKE=$BUILD_DIR/tests/tools/tc_make_certs

mkdir -p "$OUT"
# +1: root-ca.pem next to the N certificate files.
if [ ! -d "$CERTS" ] || [ "$(find "$CERTS" -maxdepth 1 -name '*.pem' | wc -l)" -ne $((CERT_COUNT + 1)) ]; then
  rm -rf "$CERTS"
  echo "cert_bench: generating $CERT_COUNT certificates in $CERTS" >&2
  "$MAKE" bulk "$CERTS" "$CERT_COUNT"
fi
# Peer comparison input: every certificate file concatenated (storeutl reads one file).
BUNDLE=$OUT/certs-bundle.pem
[ "$BUNDLE" -nt "$CERTS" ] || cat "$CERTS"/*.pem >"$BUNDLE"

# Warm the page cache.
cat "$CERTS"/* "$SYSTEM"/*.pem "$BUNDLE" >/dev/null 2>&1 || true

PIN=(taskset -c "$CPU")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# median_seconds NAME RUNS WARMUP COMMAND... : median wall time of RUNS runs after WARMUP
# untimed ones (exit codes ignored: trunkcheck exits 1 when it has findings).
median_seconds() {
  local name=$1 runs=$2 warmup=$3
  shift 3
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --style none --ignore-failure --warmup "$warmup" --runs "$runs" --export-json "$TMP/$name.json" \
      --shell=none -- "$(printf '%q ' "$@")" >/dev/null 2>&1 ||
      hyperfine --style none --ignore-failure --warmup "$warmup" --runs "$runs" --export-json "$TMP/$name.json" \
        -- "$(printf '%q ' "$@")" >/dev/null
    jq -r '.results[0].median' "$TMP/$name.json"
  else
    local i
    for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 || true; done
    for ((i = 0; i < runs; i++)); do
      local start end
      start=$(date +%s.%N)
      "$@" >/dev/null 2>&1 || true
      end=$(date +%s.%N)
      echo "$end - $start" | bc -l
    done | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
  fi
}

# peak_rss_mib COMMAND... : maximum resident set size of one run.
peak_rss_mib() {
  /usr/bin/time -v "$@" >/dev/null 2>"$TMP/time.txt" || true
  awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$TMP/time.txt"
}

# The openssl loop an administrator runs today: one process per file.
# Second argument: visit only the first N files (0: all).
cat >"$TMP/openssl_loop.sh" <<'EOF'
#!/usr/bin/env bash
n=0
for f in "$1"/*; do
  if [ "${2:-0}" -gt 0 ] && [ "$n" -ge "$2" ]; then break; fi
  n=$((n + 1))
  openssl x509 -in "$f" -noout -subject -enddate -ext extendedKeyUsage >/dev/null 2>&1 || true
done
EOF
chmod +x "$TMP/openssl_loop.sh"

count_10k=$(find "$CERTS" -maxdepth 1 -type f | wc -l)
count_sys=$(find "$SYSTEM" -maxdepth 1 -name '*.pem' | wc -l)
echo "cert_bench: timing ($RUNS runs, core $CPU)" >&2

t_10k=$(median_seconds tc10k "$RUNS" 1 "${PIN[@]}" "$TC" cert "$CERTS" --each --at "$AT" --format json)
rss_10k=$(peak_rss_mib "${PIN[@]}" "$TC" cert "$CERTS" --each --at "$AT" --format json)
t_sys=$(median_seconds tcsys "$RUNS" 1 "${PIN[@]}" "$TC" cert "$SYSTEM" --each --at "$AT" --format json)
rss_sys=$(peak_rss_mib "${PIN[@]}" "$TC" cert "$SYSTEM" --each --at "$AT" --format json)
echo "cert_bench: timing the openssl peers ($OPENSSL_RUNS run(s))" >&2
sample=$OPENSSL_SAMPLE
if [ "$sample" -le 0 ] || [ "$sample" -ge "$count_10k" ]; then sample=$count_10k; fi
o_sample=$(median_seconds ossl10k "$OPENSSL_RUNS" 0 "${PIN[@]}" "$TMP/openssl_loop.sh" "$CERTS" "$sample")
o_10k=$(awk -v t="$o_sample" -v n="$sample" -v all="$count_10k" 'BEGIN {print t * all / n}')
o_10k_note=""
[ "$sample" -eq "$count_10k" ] || o_10k_note=" (scaled from $sample files)"
o_sys=$(median_seconds osslsys "$OPENSSL_RUNS" 0 "${PIN[@]}" "$TMP/openssl_loop.sh" "$SYSTEM" 0)
s_10k=$(median_seconds storeutl "$RUNS" 1 "${PIN[@]}" openssl storeutl -noout -certs "$BUNDLE")

verdict() { awk -v t="$1" -v limit="$2" 'BEGIN {print (t < limit) ? "met" : "missed"}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f×", a / b}'; }
secs() { awk -v t="$1" 'BEGIN {printf "%.3f s", t}'; }

{
  echo "| case | files | trunkcheck median | peak RSS | target | openssl x509 loop | loop / trunkcheck |"
  echo "|---|---:|---:|---:|---|---:|---:|"
  echo "| \`cert bench/out/certs-10k --each --format json\` | $count_10k | $(secs "$t_10k") | $rss_10k MiB | < 2 s: $(verdict "$t_10k" 2) | $(secs "$o_10k")$o_10k_note | $(ratio "$o_10k" "$t_10k") |"
  echo "| \`cert $SYSTEM --each --format json\` | $count_sys (*.pem) + links, bundle | $(secs "$t_sys") | $rss_sys MiB | < 0.3 s: $(verdict "$t_sys" 0.3) | $(secs "$o_sys") | $(ratio "$o_sys" "$t_sys") |"
  echo
  echo "Single pass \`openssl storeutl -noout -certs\` over the 10k files concatenated (parse only, no judging): $(secs "$s_10k")."
  echo "All runs pinned with \`taskset -c $CPU\`, page cache warm, --at $AT; median of $RUNS runs (openssl loop: $OPENSSL_RUNS)."
} | tee "$OUT/cert-bench.md"
