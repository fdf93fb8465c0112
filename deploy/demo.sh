#!/usr/bin/env bash
# README command 1: installs what is missing, builds what it runs (release preset), then runs
# mcrm-server on its embedded store with demo data and the app signed in to it as a demo rep.
# Ctrl-C stops both.
#   MCRM_DEMO_DIR     data directory of the server and the app (default ~/.local/share/mcrm-demo)
#   MCRM_DEMO_PORT    server port on 127.0.0.1 (default 50551)
#   MCRM_DEMO_LOCALE  language of the demo data: de (default) or zh; used when the data is made
#   MCRM_APP_LOGIN    demo user the app signs in as (default rep1; password MCRM_APP_PASSWORD,
#                     default demo)
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target mcrm-server mcrm-app

data_dir=${MCRM_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/mcrm-demo}
port=${MCRM_DEMO_PORT:-50551}
mkdir -p "$data_dir"
log="$data_dir/server.log"

locale=${MCRM_DEMO_LOCALE:-de}
build/release/server/mcrm-server --listen "127.0.0.1:$port" --data-dir "$data_dir" --demo \
  --demo-locale "$locale" >"$log" 2>&1 &
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

MCRM_APP_LOGIN=${MCRM_APP_LOGIN:-rep1} MCRM_APP_PASSWORD=${MCRM_APP_PASSWORD:-demo} \
  build/release/mobile/mcrm-app --server "127.0.0.1:$port" --data-dir "$data_dir/app" &
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
