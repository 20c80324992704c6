#!/usr/bin/env bash
# A PostgreSQL cluster in a directory of its own, for tests, benchmarks and by hand.
#   deploy/cluster.sh start DIR [durable|throwaway]   initdb when new, then start (default durable)
#   deploy/cluster.sh stop DIR                        fast shutdown
#   deploy/cluster.sh restart DIR [durable|throwaway]
#   deploy/cluster.sh status DIR                      exit 0 when it runs
#   deploy/cluster.sh conninfo DIR [DB]               prints the libpq connection string
#   deploy/cluster.sh createdb DIR DB                 creates DB when it does not exist
#   deploy/cluster.sh psql DIR [DB [psql args...]]    psql on it
#   deploy/cluster.sh destroy DIR                     stop, then remove DIR
# DIR must be short: its socket path DIR/run/.s.PGSQL.5432 has to fit in 107 bytes.
# As root, the cluster runs as the postgres user, which then owns DIR.
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

(($# >= 2)) || usage
command=$1
dir=$2
shift 2
[[ $dir == /* ]] || dir="$PWD/$dir"

case $command in
start) start_cluster "$dir" "${1:-durable}" ;;
stop) stop_cluster "$dir" ;;
restart)
    stop_cluster "$dir"
    start_cluster "$dir" "${1:-durable}"
    ;;
status) cluster_running "$dir" ;;
conninfo) cluster_conninfo "$dir" "${1:-postgres}" ;;
createdb)
    (($# == 1)) || usage
    ensure_database "$dir" "$1"
    ;;
psql)
    db=${1:-postgres}
    (($# > 0)) && shift
    cluster_psql "$dir" "$db" "$@"
    ;;
destroy)
    stop_cluster "$dir"
    rm -rf "$dir"
    ;;
*) usage ;;
esac
