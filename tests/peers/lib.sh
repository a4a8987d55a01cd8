# Live TLS peers for tests and demo captures (source it; bash only).
#
# Kamailio plays the customer endpoint (TLS server, tls.cfg variants), openssl
# s_client or gnutls-cli the platform calling out (TLS client) and sends one
# SIP OPTIONS; tcpdump records the loopback traffic of that one connection.
# Everything is on 127.0.0.1 with an ephemeral port, bounded in time, and
# every process this file starts is stopped on exit (even on failure).
#
#   peers_init MAKE_CERTS [DIR] [--fixed-dates]
#        scratch dir (default: a new temp dir, removed on exit), certificates
#        from `tc_make_certs peers` in $PEERS_CERTS; $PEERS_AT is the --at date
#        they are judged at. Dates cover the wall clock (Kamailio and openssl
#        read it): --around-now by default, --fixed-dates for 2026 fixtures.
#   peers_have_kamailio                    0 if kamailio and its tls module exist
#   peers_kamailio_start NAME [key=value...]
#        verify=no|yes  require=no|yes  cipher=OPENSSL-LIST  chain=FILE
#        method=TLSv1.2|TLSv1.3|…  ca=FILE (the CA list client certificates
#        must chain to; default root-ca.pem)
#        (chain default: server.pem = leaf + intermediate). Sets $PEERS_PORT.
#   peers_kamailio_stop
#   peers_capture_start FILE   tcpdump -i lo 'tcp port $PEERS_PORT', ready on return
#   peers_capture_stop         waits for the last packets, stops, flushes
#   peers_openssl NAME [--cert C] [--cipher LIST] [--no-chain]
#        openssl s_client -tls1_2 with SNI sbc.example.com, sends OPTIONS;
#        output in $PEERS_DIR/NAME.client; $PEERS_SIP_STATUS = reply code or "".
#   peers_gnutls NAME [--cert C]   the same with gnutls-cli
#   peers_record NAME openssl|gnutls [CLIENT-OPTIONS...]   capture_start + client + capture_stop
#        into $PEERS_DIR/NAME.pcap ($PEERS_PCAP)
#   peers_tshark FILE [PORT]   per TLS frame: number, handshake types, alert descs,
#                              certificates_length, ciphersuites, certificate_length,
#                              record content types, TCP source port (tab-separated)
#   peers_tshark_types FILE    every handshake type in order, space-joined
#   peers_tshark_alerts FILE   every plaintext alert description, space-joined
#   peers_tshark_certificates_lengths FILE  tls.handshake.certificates_length values
#   peers_tshark_cipher FILE   the suite the ServerHello chose ("0x003d")
#   peers_tshark_client_certificates FILE   certificates in the client's Certificate
#                              message ("" when it sent none)
#   peers_tshark_application_data FILE   "client server" sides that sent application data
#   peers_tshark_alert_records FILE   every alert record as from:frame:description
#
# Works under `set -euo pipefail`. Environment: PEERS_KEEP=1 keeps the scratch
# dir; PEERS_VERBOSE=1 logs steps.

PEERS_HOST=sbc.example.com
PEERS_DIR=""
PEERS_CERTS=""
PEERS_AT=""
PEERS_PORT=""
PEERS_PCAP=""
PEERS_SIP_STATUS=""
_peers_owns_dir=0
_peers_kamailio_pid=""
_peers_kamailio_dir=""
_peers_tcpdump_pid=""
_peers_tcpdump_err=""
_peers_prev_exit=""
_peers_trapped=0

_peers_log() { if [[ "${PEERS_VERBOSE:-0}" == 1 ]]; then echo "peers: $*" >&2; fi; return 0; }
_peers_die() { echo "peers: $*" >&2; return 1; }

# Stops what this file started (by pid), then runs the EXIT trap that was set
# before peers_init (run_cli_test.sh removes $WORK there).
peers_cleanup() {
  peers_capture_stop >/dev/null 2>&1 || true
  peers_kamailio_stop >/dev/null 2>&1 || true
  if ((_peers_owns_dir)) && [[ -n "$PEERS_DIR" && "${PEERS_KEEP:-0}" != 1 ]]; then
    rm -rf "$PEERS_DIR"
  fi
}
_peers_on_exit() {
  local status=$?
  peers_cleanup
  if [[ -n "$_peers_prev_exit" ]]; then eval "$_peers_prev_exit"; fi
  return $status
}
_peers_on_signal() {
  trap - INT TERM HUP
  exit 130
}
_peers_install_trap() {
  ((_peers_trapped)) && return 0
  local previous
  previous=$(trap -p EXIT)
  if [[ -n "$previous" ]]; then
    previous=${previous#trap -- }
    previous=${previous% EXIT}
    eval "_peers_prev_exit=$previous"
  fi
  trap _peers_on_exit EXIT
  trap _peers_on_signal INT TERM HUP
  _peers_trapped=1
}

peers_have_kamailio() {
  command -v kamailio >/dev/null 2>&1 || return 1
  [[ -n "$(_peers_module_dir)" ]]
}

_peers_module_dir() {
  local dir
  for dir in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/aarch64-linux-gnu/kamailio/modules \
             /usr/lib64/kamailio/modules /usr/lib/kamailio/modules /usr/local/lib64/kamailio/modules \
             /usr/local/lib/kamailio/modules; do
    [[ -f "$dir/tls.so" && -f "$dir/sl.so" ]] && { echo "$dir"; return 0; }
  done
  # Fall back to the build's default module path as `kamailio -I` reports it.
  dir=$(kamailio -I 2>/dev/null | sed -nE 's/.*MODULE_PATH[^/]*(\/[^ ",]*).*/\1/p' | head -1)
  [[ -n "$dir" && -f "$dir/tls.so" ]] && echo "$dir"
  return 0
}

peers_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Is something listening on 127.0.0.1:PORT (TCP)? Reads /proc, opens nothing.
_peers_listening() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v want="0100007F:$hex" 'NR > 1 && $2 == want && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp
}

peers_init() {
  local make_certs=$1 dir="" mode=--around-now
  shift
  while (($#)); do
    case $1 in
      --fixed-dates) mode="" ;;
      *) dir=$1 ;;
    esac
    shift
  done
  [[ -x "$make_certs" ]] || { _peers_die "tc_make_certs not executable: $make_certs"; return 1; }
  _peers_install_trap
  if [[ -z "$dir" ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/tc-peers.XXXXXX") || return 1
    _peers_owns_dir=1
  fi
  mkdir -p "$dir"
  PEERS_DIR=$(cd "$dir" && pwd)
  PEERS_CERTS=$PEERS_DIR/certs
  # shellcheck disable=SC2086  # $mode is empty or one word
  "$make_certs" peers "$PEERS_CERTS" $mode >/dev/null || { _peers_die "tc_make_certs peers failed"; return 1; }
  PEERS_AT=$(cat "$PEERS_CERTS/AT")
  _peers_log "dir $PEERS_DIR, certificates judged at $PEERS_AT"
}

# Writes kamailio.cfg + tls.cfg for one variant into $1 and checks the config.
_peers_write_config() {
  local dir=$1 port=$2 verify=$3 require=$4 cipher=$5 chain=$6 method=${7:-TLSv1.2} ca=${8:-$PEERS_CERTS/root-ca.pem} modules
  modules=$(_peers_module_dir)
  {
    echo "[server:default]"
    echo "method = $method"
    echo "verify_certificate = $verify"
    echo "require_certificate = $require"
    echo "certificate = $chain"
    echo "private_key = $PEERS_CERTS/server-key.pem"
    echo "ca_list = $ca"
    [[ -n "$cipher" ]] && echo "cipher_list = $cipher"
    echo
    echo "[client:default]"
    echo "verify_certificate = no"
    echo "require_certificate = no"
  } >"$dir/tls.cfg"
  cat >"$dir/kamailio.cfg" <<EOF
#!KAMAILIO
# The customer endpoint of trunkcheck's live-peer tests (tests/peers/lib.sh).
debug=2
log_stderror=yes
fork=yes
children=1
tcp_children=1
auto_aliases=no
dns=no
rev_dns=no
enable_tls=yes
listen=tls:127.0.0.1:$port
tcp_connection_lifetime=30

mpath="$modules/"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "textops.so"
modparam("tls", "config", "$dir/tls.cfg")

request_route {
  if (is_method("OPTIONS")) {
    sl_send_reply("200", "OK");
    exit;
  }
  sl_send_reply("404", "Not here");
}
EOF
}

peers_kamailio_start() {
  local name=$1 verify=no require=no cipher="" chain="" method=TLSv1.2 ca="" arg attempt dir port deadline
  shift
  for arg in "$@"; do
    case $arg in
      verify=*) verify=${arg#verify=} ;;
      require=*) require=${arg#require=} ;;
      cipher=*) cipher=${arg#cipher=} ;;
      chain=*) chain=${arg#chain=} ;;
      method=*) method=${arg#method=} ;;
      ca=*) ca=${arg#ca=} ;;
      *) _peers_die "peers_kamailio_start: unknown option $arg"; return 1 ;;
    esac
  done
  [[ -n "$PEERS_CERTS" ]] || { _peers_die "peers_init first"; return 1; }
  [[ -z "$_peers_kamailio_pid" ]] || peers_kamailio_stop
  [[ -n "$chain" ]] || chain=$PEERS_CERTS/server.pem
  [[ "$chain" == /* ]] || chain=$PEERS_CERTS/$chain
  dir=$PEERS_DIR/kamailio-$name
  mkdir -p "$dir"
  # The port is free when chosen, but something may take it before Kamailio
  # binds: try a few.
  for attempt in 1 2 3; do
    port=$(peers_free_port) || return 1
    _peers_write_config "$dir" "$port" "$verify" "$require" "$cipher" "$chain" "$method" "${ca:-$PEERS_CERTS/root-ca.pem}"
    # Foreground (-DD) under a hard time limit, logs on stderr, runs as the
    # current user; -E logs to stderr, -m/-M keep memory small.
    timeout --kill-after=5 "${PEERS_KAMAILIO_LIMIT:-120}" \
      kamailio -f "$dir/kamailio.cfg" -DD -E -m 32 -M 4 -w "$dir" -Y "$dir" -P "$dir/kamailio.pid" \
      >"$dir/kamailio.log" 2>&1 </dev/null &
    _peers_kamailio_pid=$!
    _peers_kamailio_dir=$dir
    deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)); do
      if _peers_listening "$port"; then
        PEERS_PORT=$port
        _peers_log "kamailio $name (verify=$verify require=$require cipher=${cipher:-default} chain=${chain##*/}) on 127.0.0.1:$port"
        return 0
      fi
      kill -0 "$_peers_kamailio_pid" 2>/dev/null || break
      sleep 0.05
    done
    peers_kamailio_stop
    _peers_log "kamailio did not listen on $port (attempt $attempt)"
  done
  _peers_die "kamailio did not start; last log $dir/kamailio.log:"
  tail -20 "$dir/kamailio.log" >&2
  kamailio -c -f "$dir/kamailio.cfg" >"$dir/check.log" 2>&1 ||
    { echo "kamailio -c rejects $dir/kamailio.cfg:" >&2; tail -20 "$dir/check.log" >&2; }
  return 1
}

peers_kamailio_stop() {
  [[ -n "$_peers_kamailio_pid" ]] || return 0
  local pid=$_peers_kamailio_pid main="" i
  _peers_kamailio_pid=""
  if [[ -f "$_peers_kamailio_dir/kamailio.pid" ]]; then main=$(cat "$_peers_kamailio_dir/kamailio.pid" 2>/dev/null) || true; fi
  # `timeout` forwards TERM to Kamailio's main process, which stops its children.
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    if [[ -n "$main" ]]; then kill -KILL "$main" 2>/dev/null || true; fi
  fi
  wait "$pid" 2>/dev/null || true
  PEERS_PORT=""
  return 0
}

peers_capture_start() {
  local file=$1 deadline
  [[ -n "$PEERS_PORT" ]] || { _peers_die "peers_capture_start: no Kamailio running"; return 1; }
  [[ -z "$_peers_tcpdump_pid" ]] || peers_capture_stop
  _peers_tcpdump_err=$file.tcpdump.log
  : >"$_peers_tcpdump_err"
  # --immediate-mode: hand over each packet at once (otherwise the kernel ring
  # holds them up to a second and a quick stop loses them); -U: write each
  # packet as it comes; -s 0: whole packets; -Z: stay the current
  # user. Bounded: at most PEERS_CAPTURE_LIMIT seconds.
  timeout --kill-after=3 "${PEERS_CAPTURE_LIMIT:-30}" \
    tcpdump -i lo -n -s 0 -U --immediate-mode -w "$file" -Z "$(id -un)" "tcp port $PEERS_PORT" \
    2>"$_peers_tcpdump_err" </dev/null &
  _peers_tcpdump_pid=$!
  deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do
    grep -q "listening on" "$_peers_tcpdump_err" && return 0
    if ! kill -0 "$_peers_tcpdump_pid" 2>/dev/null; then
      break
    fi
    sleep 0.05
  done
  _peers_die "tcpdump did not start:"; cat "$_peers_tcpdump_err" >&2
  peers_capture_stop
  return 1
}

peers_capture_stop() {
  [[ -n "$_peers_tcpdump_pid" ]] || return 0
  local pid=$_peers_tcpdump_pid i
  _peers_tcpdump_pid=""
  # The last FIN/ACK of a closed connection leaves the client a moment after it
  # exits; give the capture time to see them, then stop it (TERM: tcpdump
  # flushes and prints its counts).
  sleep "${PEERS_CAPTURE_TAIL:-0.3}"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  _peers_log "$(grep -E 'packets (captured|received)' "$_peers_tcpdump_err" | tr '\n' ' ')"
  if grep -q '^0 packets captured' "$_peers_tcpdump_err"; then
    echo "peers: tcpdump captured nothing ($_peers_tcpdump_err)" >&2
  fi
  return 0
}

_peers_options_request() {
  local branch=z9hG4bK-tc-$RANDOM$RANDOM
  printf 'OPTIONS sip:%s;transport=tls SIP/2.0\r\n' "$PEERS_HOST"
  printf 'Via: SIP/2.0/TLS 127.0.0.1:5061;branch=%s;rport\r\n' "$branch"
  printf 'Max-Forwards: 70\r\n'
  printf 'From: <sip:trunkcheck@platform.example.net>;tag=tc%s\r\n' "$RANDOM"
  printf 'To: <sip:%s>\r\n' "$PEERS_HOST"
  printf 'Call-ID: %s@trunkcheck.test\r\n' "$branch"
  printf 'CSeq: 1 OPTIONS\r\n'
  printf 'User-Agent: trunkcheck peer test\r\n'
  printf 'Content-Length: 0\r\n\r\n'
}

_peers_sip_status() {
  PEERS_SIP_STATUS=$(grep -aoE '^SIP/2\.0 [0-9]{3}' "$1" | head -1 | cut -d' ' -f2) || true
}

# Client certificate NAME (e.g. client-both) -> cert file and key file.
_peers_client_cert() {
  local name=${1%.pem}
  [[ -f "$PEERS_CERTS/$name.pem" && -f "$PEERS_CERTS/$name-key.pem" ]] || {
    _peers_die "no client certificate $name in $PEERS_CERTS"; return 1; }
  echo "$PEERS_CERTS/$name.pem $PEERS_CERTS/$name-key.pem"
}

peers_openssl() {
  local name=$1 cert="" cipher="" chain=1 files out
  shift
  while (($#)); do
    case $1 in
      --cert) cert=$2; shift ;;
      --cipher) cipher=$2; shift ;;
      --no-chain) chain=0 ;;
      *) _peers_die "peers_openssl: unknown option $1"; return 1 ;;
    esac
    shift
  done
  local args=(s_client -connect "127.0.0.1:$PEERS_PORT" -tls1_2 -servername "$PEERS_HOST"
              -CAfile "$PEERS_CERTS/root-ca.pem" -verify_hostname "$PEERS_HOST" -no_ticket)
  if [[ -n "$cert" ]]; then
    files=$(_peers_client_cert "$cert") || return 1
    read -r c k <<<"$files"
    args+=(-cert "$c" -key "$k")
    # The client sends leaf + intermediate, as a platform does.
    ((chain)) && args+=(-cert_chain "$PEERS_CERTS/intermediate-ca.pem")
  fi
  [[ -n "$cipher" ]] && args+=(-cipher "$cipher")
  out=$PEERS_DIR/$name.client
  # s_client sends what it reads; at EOF (after the pause) it closes with
  # close_notify. A failed handshake ends it at once (the pause, a process
  # substitution, is not waited for and ends on its own).
  timeout --kill-after=2 10 openssl "${args[@]}" >"$out" 2>&1 \
    < <(_peers_options_request; exec sleep "${PEERS_REPLY_WAIT:-1}") || true
  _peers_sip_status "$out"
  _peers_log "openssl $name: SIP status ${PEERS_SIP_STATUS:-none}"
  return 0
}

peers_gnutls() {
  local name=$1 cert="" files out
  shift
  while (($#)); do
    case $1 in
      --cert) cert=$2; shift ;;
      *) _peers_die "peers_gnutls: unknown option $1"; return 1 ;;
    esac
    shift
  done
  command -v gnutls-cli >/dev/null 2>&1 || { _peers_die "gnutls-cli not installed"; return 1; }
  local args=(--port "$PEERS_PORT" --sni-hostname "$PEERS_HOST" --verify-hostname "$PEERS_HOST"
              --x509cafile "$PEERS_CERTS/root-ca.pem" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" --noticket)
  if [[ -n "$cert" ]]; then
    files=$(_peers_client_cert "$cert") || return 1
    read -r c k <<<"$files"
    args+=(--x509certfile "$c" --x509keyfile "$k")
  fi
  out=$PEERS_DIR/$name.client
  timeout --kill-after=2 10 gnutls-cli "${args[@]}" 127.0.0.1 >"$out" 2>&1 \
    < <(_peers_options_request; exec sleep "${PEERS_REPLY_WAIT:-1}") || true
  _peers_sip_status "$out"
  _peers_log "gnutls-cli $name: SIP status ${PEERS_SIP_STATUS:-none}"
  return 0
}

# peers_record NAME openssl|gnutls [client options...]
peers_record() {
  local name=$1 client=$2
  shift 2
  PEERS_PCAP=$PEERS_DIR/$name.pcap
  rm -f "$PEERS_PCAP"
  peers_capture_start "$PEERS_PCAP" || return 1
  case $client in
    openssl) peers_openssl "$name" "$@" ;;
    gnutls) peers_gnutls "$name" "$@" ;;
    *) _peers_die "peers_record: unknown client $client" ;;
  esac
  local status=$?
  peers_capture_stop
  return $status
}

# tshark's reading of a capture (port $PEERS_PORT or $2 decoded as TLS), one
# line per TLS frame; cached next to the capture.
peers_tshark() {
  local file=$1 port=${2:-$PEERS_PORT}
  local cache=$file.tshark2-$port  # bump when the fields change
  if [[ ! -s "$cache" || "$cache" -ot "$file" ]]; then
    timeout 30 tshark -r "$file" -n -d "tcp.port==$port,tls" -Y tls -T fields -E separator=/t \
      -e frame.number -e tls.handshake.type -e tls.alert_message.desc -e tls.handshake.certificates_length \
      -e tls.handshake.ciphersuite -e tls.handshake.certificate_length -e tls.record.content_type -e tcp.srcport \
      2>/dev/null >"$cache.tmp" && mv "$cache.tmp" "$cache"
  fi
  cat "$cache" 2>/dev/null
}
_peers_tshark_column() {
  local column=$1
  shift
  peers_tshark "$@" | cut -f"$column" | tr ',' '\n' | { grep -v '^$' || true; } | tr '\n' ' ' | sed 's/ $//'
}
peers_tshark_types() { _peers_tshark_column 2 "$@"; }
peers_tshark_alerts() { _peers_tshark_column 3 "$@"; }
peers_tshark_certificates_lengths() { _peers_tshark_column 4 "$@"; }
# The suite the ServerHello chose, as "0x003d" (tshark prints the ClientHello
# offer in the same field, so take the frame that carries a ServerHello).
peers_tshark_cipher() {
  peers_tshark "$@" | awk -F '\t' '{ n = split($2, t, ","); for (i = 1; i <= n; i++) if (t[i] == 2) { print $5; exit } }' |
    tr ',' '\n' | tail -1 | { read -r v || true; if [[ -n "$v" ]]; then printf '0x%04x\n' "$((v))"; fi; }
}
# How many certificates the client's Certificate message holds: the second
# Certificate message of the connection (the first is the server's).
peers_tshark_client_certificates() {
  peers_tshark "$@" | awk -F '\t' '
    { n = split($2, t, ","); for (i = 1; i <= n; i++) if (t[i] == 11) { seen++; if (seen == 2) {
        print ($6 == "" ? 0 : split($6, l, ",")); exit } } }'
}
# Which sides sent application data records (type 23): "client", "server",
# "client server" or "" (server = the side on port $2 / $PEERS_PORT).
peers_tshark_application_data() {
  local port=${2:-$PEERS_PORT}
  peers_tshark "$@" | awk -F '\t' -v port="$port" '
    { n = split($7, t, ","); for (i = 1; i <= n; i++) if (t[i] == 23) { if ($8 == port) s = 1; else c = 1 } }
    END { out = c ? "client" : ""; if (s) out = out (out == "" ? "" : " ") "server"; print out }'
}
# Every alert record as "from:frame:description" (from = client|server;
# description "null" when the alert is encrypted), space-joined.
peers_tshark_alert_records() {
  local port=${2:-$PEERS_PORT}
  peers_tshark "$@" | awk -F '\t' -v port="$port" '
    { n = split($7, t, ","); m = split($3, desc, ","); k = 0
      for (i = 1; i <= n; i++) if (t[i] == 21) { k++
        out = out (out == "" ? "" : " ") ($8 == port ? "server" : "client") ":" $1 ":" (k <= m ? desc[k] : "null") } }
    END { print out }'
}
