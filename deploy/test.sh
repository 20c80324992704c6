#!/usr/bin/env bash
# README's second command: the whole test suite against a throwaway PostgreSQL.
#   deploy/test.sh [FILTER] [more swift test arguments...]
# Installs what is missing (as root), starts a cluster in a fresh directory under /tmp (fsync
# off), builds with the tests, runs `swift test` (its own summary line is the last word), and
# always stops the cluster and removes the directory. Exits with swift test's status.
#
# The tests find, in their environment:
#   PARTSD_TEST_DATABASE  base libpq conninfo (dbname=postgres); each test creates its own database
#   PARTSD_TEST_CLUSTER   the cluster's directory (socket in $PARTSD_TEST_CLUSTER/run)
#   PARTSD_CLUSTER_SCRIPT deploy/cluster.sh, to start private clusters (e.g. to restart PostgreSQL
#                         under a running daemon without disturbing the other tests)
#   PARTSD_BIN_DIR        where the debug build put partsd, partsctl and partsbench
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_args=()
if (($# > 0)) && [[ $1 != -* ]]; then
    test_args=(--filter "$1")
    shift
fi
test_args+=("$@")

ensure_packages

cluster=$(mktemp -d /tmp/partsd-test.XXXXXX)
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_cluster "$cluster"
    rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "throwaway PostgreSQL in $cluster"
start_cluster "$cluster" throwaway
export PARTSD_TEST_DATABASE
PARTSD_TEST_DATABASE=$(cluster_conninfo "$cluster" postgres)
export PARTSD_TEST_CLUSTER=$cluster
export PARTSD_CLUSTER_SCRIPT=$PARTSD_ROOT/deploy/cluster.sh

cd "$PARTSD_ROOT"
log "building (swift build --build-tests)"
swift build --build-tests
export PARTSD_BIN_DIR
PARTSD_BIN_DIR=$(swift build --show-bin-path)

log "swift test ${test_args[*]}"
status=0
swift test "${test_args[@]}" || status=$?
exit "$status"
