#!/usr/bin/env bash
# Runs a test with MCRM_TEST_PG_URI set to the fixture cluster's URI.
# A missing cluster is a failure, never a skip.
#   with-cluster.sh STATE_DIR COMMAND [ARGS...]
set -euo pipefail
state=${1:?usage: with-cluster.sh STATE_DIR COMMAND...}
shift
if [ -z "${MCRM_TEST_PG_URI:-}" ]; then
  if [ ! -s "$state/uri" ]; then
    echo "with-cluster.sh: no PostgreSQL cluster (fixture pg_cluster_start did not succeed)" >&2
    exit 1
  fi
  MCRM_TEST_PG_URI=$(cat "$state/uri")
  export MCRM_TEST_PG_URI
fi
exec "$@"
