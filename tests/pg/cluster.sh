#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for tests.
#   cluster.sh start STATE_DIR   initdb in a fresh temp dir, start on 127.0.0.1:<free port>,
#                                write the connection URI to STATE_DIR/uri
#   cluster.sh stop STATE_DIR    stop it (immediate) and remove its data; safe to repeat
#   cluster.sh pause STATE_DIR   stop the server but keep its data (a PostgreSQL outage)
#   cluster.sh resume STATE_DIR  start it again on the same port
# MCRM_PG_DURABLE=1 keeps PostgreSQL's default durability (fsync on), for benchmarks; tests run
# with fsync off.
# initdb refuses to run as root, so as root the cluster runs as the postgres user.
set -euo pipefail

cmd=${1:?usage: cluster.sh start|stop|pause|resume STATE_DIR}
state=${2:?usage: cluster.sh start|stop|pause|resume STATE_DIR}

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  echo "cluster.sh: no PostgreSQL server binaries (install postgresql-15: deploy/install-deps.sh)" >&2
  exit 1
}

# How long pg_ctl waits for PostgreSQL to start or stop: a day, that is as long as it takes. pg_ctl
# gives up at once if the server process dies, and the ctest timeout bounds the rest.
wait_s=86400

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop() {
  [ -f "$state/datadir" ] || return 0
  local data
  data=$(cat "$state/datadir")
  if [ -d "$data/data" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$data/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
  rm -f "$state/datadir" "$state/uri" "$state/options"
}

start() {
  mkdir -p "$state"
  stop
  local bin data port
  bin=$(pg_bin)
  data=$(mktemp -d /tmp/mcrm-pg.XXXXXX)
  echo "$data" >"$state/datadir"
  chmod 755 "$data"
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$data"
  fi
  as_owner "$bin/initdb" -D "$data/data" --no-locale -E UTF8 -A trust -U postgres --no-sync >"$data/initdb.log" 2>&1 ||
    { cat "$data/initdb.log" >&2; echo "cluster.sh: initdb failed" >&2; exit 1; }
  # Tests: no fsync, and no autovacuum (its ANALYZE takes a transaction id, which briefly holds
  # back every pull's horizon and makes exact pull assertions flaky).
  local durability="-c fsync=off -c autovacuum=off"
  [ "${MCRM_PG_DURABLE:-0}" = 1 ] && durability=""
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 30000))
    if as_owner "$bin/pg_ctl" -D "$data/data" -w -t "$wait_s" -l "$data/server.log" \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 $durability -c max_connections=200" start >/dev/null; then
      echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/uri"
      echo "-p $port -k $data -c listen_addresses=127.0.0.1 $durability -c max_connections=200" >"$state/options"
      echo "cluster.sh: PostgreSQL up at $(cat "$state/uri") (data in $data)"
      return 0
    fi
    if ! grep -q "could not bind" "$data/server.log" 2>/dev/null; then break; fi
    echo "cluster.sh: port $port taken, retrying ($attempt)" >&2
  done
  cat "$data/server.log" >&2 || true
  echo "cluster.sh: PostgreSQL did not start" >&2
  exit 1
}

pause() {
  local data
  data=$(cat "$state/datadir")
  as_owner "$(pg_bin)/pg_ctl" -D "$data/data" -m fast -w -t "$wait_s" stop >/dev/null
}

resume() {
  local data
  data=$(cat "$state/datadir")
  as_owner "$(pg_bin)/pg_ctl" -D "$data/data" -w -t "$wait_s" -l "$data/server.log" -o "$(cat "$state/options")" start >/dev/null
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  *) echo "usage: cluster.sh start|stop|pause|resume STATE_DIR" >&2; exit 2 ;;
esac
