# Helpers for the scan/history/forecast CLI tests (sourced after tests/peers/lib.sh).

# start_s_server NAME PORT ARGS...: openssl s_server on 127.0.0.1:PORT (0: a free
# one), ready on return; its port in $S_PORT, its pid in S_PIDS[NAME].
declare -A S_PIDS=()
start_s_server() {
  local name=$1 port=$2
  shift 2
  [[ "$port" == 0 ]] && port=$(peers_free_port)
  timeout 120 openssl s_server -accept "127.0.0.1:$port" -quiet "$@" >"$WORK/s_server.$name.log" 2>&1 </dev/null &
  S_PIDS[$name]=$!
  for _ in $(seq 1 100); do _peers_listening "$port" && break; sleep 0.05; done
  S_PORT=$port
}
stop_s_server() {
  local pid=${S_PIDS[$1]:-}
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "S_PIDS[$1]"
}
stop_all_s_servers() {
  local name
  for name in "${!S_PIDS[@]}"; do stop_s_server "$name"; done
}

# db_query DB SQL: one value (Python's sqlite3; the CLI may be missing).
db_query() {
  python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(db.execute(sys.argv[2]).fetchone()[0])' "$1" "$2"
}
