#!/usr/bin/env bash
# README command 2: installs what is missing, builds (debug preset) and runs the whole test suite.
# Extra arguments go to ctest, e.g. deploy/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
cmake --preset debug >/dev/null
cmake --build --preset debug

# The pg fixture stops its cluster itself; this also stops it when ctest is interrupted.
trap 'tests/pg/cluster.sh stop build/debug/tests/pg-cluster >/dev/null 2>&1 || true' EXIT
export QT_QPA_PLATFORM=offscreen
ctest --preset debug -j2 --timeout 600 "$@"
