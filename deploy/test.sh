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
# PARTSD_TEST_TIMEOUT (seconds, default 1800, 0 for none) bounds `swift test`.
# Unless a FILTER is given, a short coverage-guided fuzzing run of the protocol parser
# (deploy/fuzz.sh, PARTSD_FUZZ_SECONDS, default 15; 0 skips it) comes first.
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
# The pids of every process below $1, deepest first.
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        descendants "$child"
        printf '%s\n' "$child"
    done
}

test_pid=
# shellcheck disable=SC2317  # called by the signal traps
on_signal() {
    if [[ -n $test_pid ]]; then
        # shellcheck disable=SC2046  # a list of pids
        kill -TERM $(descendants "$test_pid") "$test_pid" 2>/dev/null || true
    fi
    exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

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
write_build_commit "$PARTSD_BIN_DIR"

# A hung test must not hold CI for its whole time limit: after PARTSD_TEST_TIMEOUT seconds
# (default 1800; 0 for none) the test processes are killed and the run fails.
# shellcheck disable=SC2317  # runs in the background
watchdog() {
    local pid=$1 limit=$2 waited=0 victims
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        waited=$((waited + 1))
        if ((waited >= limit)); then
            : >"$cluster/watchdog-fired"
            victims=$(descendants "$pid")
            printf '\nerror: swift test did not finish within %s s; still running:\n' "$limit" >&2
            # shellcheck disable=SC2086  # a list of pids
            ps -o pid=,args= -p "$(printf '%s,' $victims "$pid" | sed 's/,$//')" >&2 || true
            # shellcheck disable=SC2086
            kill -TERM $victims "$pid" 2>/dev/null || true
            sleep 5
            # shellcheck disable=SC2086
            kill -KILL $victims "$pid" 2>/dev/null || true
            return 0
        fi
    done
}

fuzz_seconds=${PARTSD_FUZZ_SECONDS:-15}
if ((${#test_args[@]} == 0 && fuzz_seconds > 0)); then
    bash "$PARTSD_ROOT/deploy/fuzz.sh" "$fuzz_seconds"
fi

log "swift test ${test_args[*]}"
status=0
timeout_seconds=${PARTSD_TEST_TIMEOUT:-1800}
swift test "${test_args[@]}" &
test_pid=$!
watchdog_pid=
if ((timeout_seconds > 0)); then
    watchdog "$test_pid" "$timeout_seconds" &
    watchdog_pid=$!
fi
wait "$test_pid" || status=$?
if [[ -n $watchdog_pid ]]; then
    if [[ -f $cluster/watchdog-fired ]]; then
        wait "$watchdog_pid" 2>/dev/null || true # let it finish off what is left
        status=124
    else
        kill "$watchdog_pid" 2>/dev/null || true
        wait "$watchdog_pid" 2>/dev/null || true
    fi
fi
exit "$status"
