# Helpers for CLI tests (sourced by run_cli_test.sh). Each assertion failure is
# recorded with the test's line; `finish` exits non-zero if any failed.
failures=0
STDOUT=""; STDERR=""; STATUS=0

tc() {
  set +e
  STDOUT=$("$TRUNKCHECK" "$@" 2>"$WORK/.stderr")
  STATUS=$?
  set -e
  STDERR=$(cat "$WORK/.stderr")
}

fail() {
  echo "FAIL (line ${BASH_LINENO[1]}): $*" >&2
  echo "  command stdout (first 40 lines):" >&2
  printf '%s\n' "$STDOUT" | head -40 | sed 's/^/    /' >&2
  echo "  command stderr:" >&2
  printf '%s\n' "$STDERR" | head -20 | sed 's/^/    /' >&2
  failures=$((failures + 1))
}

expect_status() { [[ "$STATUS" == "$1" ]] || fail "exit status $STATUS, expected $1"; }
expect_stdout_has() { grep -qF -- "$1" <<<"$STDOUT" || fail "stdout lacks: $1"; }
expect_stdout_lacks() { ! grep -qF -- "$1" <<<"$STDOUT" || fail "stdout has: $1"; }
expect_stderr_has() { grep -qF -- "$1" <<<"$STDERR" || fail "stderr lacks: $1"; }

# json_query EXPR: evaluates a Python expression over the JSON on stdout as `d`.
json_query() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$STDOUT"; }
expect_json() {
  local got
  got=$(json_query "$1" 2>&1) || { fail "json query failed: $1: $got"; return; }
  [[ "$got" == "$2" ]] || fail "json $1 = '$got', expected '$2'"
}
# The sorted, unique finding ids of a JSON report.
# Findings whose subject starts with $IGNORE_SUBJECT (if set) are left out.
finding_ids() {
  IGNORE_SUBJECT=${IGNORE_SUBJECT:-} python3 -c '
import json, os, sys
d = json.load(sys.stdin)
skip = os.environ["IGNORE_SUBJECT"]
print(" ".join(sorted({f["id"] for f in d["findings"] if not (skip and f["subject"].startswith(skip))})))
' <<<"$STDOUT"
}
expect_findings() {
  local got
  got=$(finding_ids)
  [[ "$got" == "$1" ]] || fail "finding ids '$got', expected '$1'"
}

# Golden stdout: fingerprints, temp paths and versions are masked.
expect_golden() {
  local name=$1 golden="$SRC/tests/cli/golden/$1.txt" masked
  masked=$(printf '%s\n' "$STDOUT" | sed -E -e "s#$WORK#<work>#g" -e 's/[0-9a-f]{64}/<sha256>/g' \
    -e 's/sha256 [0-9a-f]{16}…/sha256 <sha256>…/g')
  if [[ "${UPDATE_GOLDEN:-0}" == 1 ]]; then
    mkdir -p "$(dirname "$golden")"
    printf '%s\n' "$masked" >"$golden"
    return
  fi
  if ! diff -u "$golden" <(printf '%s\n' "$masked") >"$WORK/.golden.diff"; then
    fail "stdout differs from golden $name:"
    sed 's/^/    /' "$WORK/.golden.diff" | head -60 >&2
  fi
}

# Batched JSON assertions: python starts slowly on a loaded machine, so every
# `want EXPR VALUE` of a scenario ($SCENARIO names it) is evaluated in one run by `check_wants`
# (same meaning as expect_json: str() of the expression over the JSON `d`; `C` is
# d['connections']).
WANTS=()
want() { WANTS+=("$1" "$2"); }
want_findings() { want "' '.join(sorted({f['id'] for f in d['findings']}))" "$1"; }
check_wants() {
  local -a got
  local i
  mapfile -d '' got < <(python3 -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
except Exception as error:
    d = None; bad = "no JSON on stdout: %s" % error
C = d.get("connections", []) if isinstance(d, dict) else []  # shorthand for expressions
for expr in sys.argv[1::2]:
    try:
        out = str(eval(expr)) if d is not None else "ERROR " + bad
    except Exception as error:
        out = "ERROR %s: %s" % (type(error).__name__, error)
    sys.stdout.write(out + "\0")
' "${WANTS[@]}" <<<"$STDOUT")
  for ((i = 0; i < ${#WANTS[@]}; i += 2)); do
    [[ "${got[i / 2]:-}" == "${WANTS[i + 1]}" ]] ||
      fail "$SCENARIO: json ${WANTS[i]} = '${got[i / 2]:-}', expected '${WANTS[i + 1]}'"
  done
  WANTS=()
}
finish() {
  if ((failures > 0)); then
    echo "$failures assertion(s) failed" >&2
    exit 1
  fi
  echo "all assertions passed"
}
