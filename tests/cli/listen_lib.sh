# Helpers for the `trunkcheck listen` CLI tests (source it after lib.sh).
#
#   listen_start NAME [listen options...]   starts the listener on 127.0.0.1
#        with an ephemeral port in the background, JSON to NAME.json, stderr to
#        NAME.err; returns once it prints "listening on"; sets LISTEN_PORT.
#   listen_stop          SIGINT, waits; STDOUT/STDERR/STATUS as tc() sets them.
#   listen_vmhwm_kb      peak resident memory of the running listener (kB).
#   listen_wait_connections N   until NAME.json's stream holds N connections (10 s).
#   ln_want EXPR VALUE / ln_check SCENARIO   batched JSON assertions over STDOUT
#        (one python run; same meaning as expect_json).
#   sip_over_openssl REQUEST-FILE [s_client options...]   sends one SIP message
#        over s_client and prints what came back.
# Every process started here is stopped on exit.
LISTEN_PID=""
LISTEN_NAME=""
LISTEN_PORT=""

_listen_cleanup() {
  if [[ -n "$LISTEN_PID" ]]; then
    kill "$LISTEN_PID" 2>/dev/null || true
    wait "$LISTEN_PID" 2>/dev/null || true
    LISTEN_PID=""
  fi
}
_listen_previous_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
trap '_listen_cleanup; eval "$_listen_previous_trap"' EXIT

listen_start() {
  LISTEN_NAME=$1
  shift
  "$TRUNKCHECK" listen --bind 127.0.0.1 --port 0 --format json "$@" >"$LISTEN_NAME.json" 2>"$LISTEN_NAME.err" &
  LISTEN_PID=$!
  local _
  for _ in $(seq 200); do
    if grep -q "^listening on " "$LISTEN_NAME.err" 2>/dev/null; then
      LISTEN_PORT=$(sed -nE 's/^listening on .*:([0-9]+)$/\1/p' "$LISTEN_NAME.err" | head -1)
      return 0
    fi
    kill -0 "$LISTEN_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "listener $LISTEN_NAME did not start: $(cat "$LISTEN_NAME.err")"
  return 1
}

listen_stop() {
  kill -INT "$LISTEN_PID" 2>/dev/null || true
  set +e
  wait "$LISTEN_PID"
  STATUS=$?
  set -e
  LISTEN_PID=""
  STDOUT=$(cat "$LISTEN_NAME.json")
  STDERR=$(cat "$LISTEN_NAME.err")
}

listen_vmhwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$LISTEN_PID/status"; }

# The connections the listener has streamed so far (one JSON object a line).
listen_connections_so_far() { grep -c '^    {"alerts"' "$LISTEN_NAME.json" 2>/dev/null || true; }

listen_wait_connections() {
  local want=$1 _
  for _ in $(seq 100); do
    (($(listen_connections_so_far) >= want)) && return 0
    sleep 0.1
  done
  return 1
}

# Batched JSON assertions: lib.sh's want/check_wants, the scenario named at the check.
ln_want() { want "$@"; }
ln_check() { SCENARIO=$1 check_wants; }

# A SIP request with CRLF line ends and a correct Content-Length (no body).
sip_request() {
  local method=$1 uri=$2 contact=$3
  printf '%s %s SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-%s-1\r\nMax-Forwards: 70\r\nFrom: <sip:test@sbc.example.com>;tag=t1\r\nTo: <%s>\r\nCall-ID: %s-1@sbc.example.com\r\nCSeq: 1 %s\r\n%sUser-Agent: listen-test/1.0\r\nContent-Length: 0\r\n\r\n' \
    "$method" "$uri" "$method" "$uri" "$method" "$method" "${contact:+Contact: $contact$'\r\n'}"
}

# Sends the file's bytes over s_client and keeps the connection open long
# enough for the answer (s_client closes on stdin EOF).
sip_over_openssl() {
  local request=$1
  shift
  (cat "$request"; sleep 1) | timeout 15 openssl s_client -connect "127.0.0.1:$LISTEN_PORT" -tls1_2 -quiet \
    -servername sip.trunkcheck.invalid "$@" 2>/dev/null || true
}
