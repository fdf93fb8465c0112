#!/usr/bin/env bash
# Renders every page of the app to PNG, at phone and tablet size, in English (German demo data)
# and in Chinese (Chinese demo data), under Qt's offscreen platform, into docs/screenshots/.
# Builds what it runs (debug preset); each language gets a throwaway demo server on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
cmake --preset debug >/dev/null
cmake --build --preset debug --target mcrm-server mcrm-app-screenshots

out=${1:-docs/screenshots}
mkdir -p "$out"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for pair in "en de" "zh_CN zh"; do
  set -- $pair
  language=$1 locale=$2
  mkdir -p "$work/$locale"
  build/debug/server/mcrm-server --listen 127.0.0.1:0 --data-dir "$work/$locale" --demo \
    --demo-locale "$locale" --demo-accounts 60 >"$work/$locale.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    grep -q "listening on" "$work/$locale.log" 2>/dev/null && break
    sleep 0.1
  done
  address=$(grep -o "listening on [^ ]*" "$work/$locale.log" | head -n 1 | cut -d' ' -f3)
  [ -n "$address" ] || { cat "$work/$locale.log" >&2; exit 1; }
  build/debug/mobile/mcrm-app-screenshots --server "$address" --language "$language" --out "$out"
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
done
