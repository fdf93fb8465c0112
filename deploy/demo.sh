#!/usr/bin/env bash
# README command 1: installs what is missing, builds (release preset), then runs mcrm-server on its
# embedded store and the app connected to it. Ctrl-C stops both.
#   MCRM_DEMO_DIR   server data directory (default ~/.local/share/mcrm-demo)
#   MCRM_DEMO_PORT  server port on 127.0.0.1 (default 50551)
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release

data_dir=${MCRM_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/mcrm-demo}
port=${MCRM_DEMO_PORT:-50551}
mkdir -p "$data_dir"
log="$data_dir/server.log"

build/release/server/mcrm-server --listen "127.0.0.1:$port" --data-dir "$data_dir" --demo >"$log" 2>&1 &
server_pid=$!
app_pid=""

stop_all() {
  [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null || true
  kill -TERM "$server_pid" 2>/dev/null || true
}
trap stop_all INT TERM

for _ in $(seq 100); do
  grep -q "listening on" "$log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q "listening on" "$log"; then
  cat "$log" >&2
  echo "demo: mcrm-server did not start (is port $port taken? set MCRM_DEMO_PORT)" >&2
  stop_all
  exit 1
fi
cat "$log"

build/release/mobile/mcrm-app --server "127.0.0.1:$port" &
app_pid=$!
echo "demo: server and app running; press Ctrl-C to stop both"

# Whichever ends first (Ctrl-C, the window closed, a crash) stops the other.
wait -n "$server_pid" "$app_pid" || true
stop_all
status=0
wait "$app_pid" || status=$?
wait "$server_pid" || status=$?
tail -n 1 "$log"
exit "$status"
