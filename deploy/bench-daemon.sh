#!/usr/bin/env bash
# The daemon's own CPU per request, one build against another in the same run (issue 14).
#
#   deploy/bench-daemon.sh BEFORE_BIN_DIR AFTER_BIN_DIR
#
# Both directories hold a release partsd, partsctl and partsbench (copy a build's binaries
# aside before building the other). One cluster with fsync off, so the disk's noise (on these
# machines the fsync time moves pgbench's one-client figure by half within minutes) stays out
# of a measure of CPU: what is measured is the daemon's user and system time from
# /proc/<pid>/stat while partsbench runs, divided by the requests it answered. The two builds
# take turns on the same database, BENCH_ROUNDS times; the table gives each round's figure and
# the ratio after : before of the best of each (lower is better).
#
# Settings (environment):
#   BENCH_ROUNDS     turns of each build (default 3)
#   BENCH_SECONDS    seconds per run (default 6)
#   BENCH_CLIENTS    client counts for the templates (default "1 4 16"; ping runs at 1)
#   BENCH_TEMPLATES  partsbench templates, separated by "|" (default: a one-line goods issue
#                    and a stock show)
#   BENCH_PARTS      parts to load (default 2000)
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# == 2)) || { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
before=$1
after=$2
rounds=${BENCH_ROUNDS:-3}
seconds=${BENCH_SECONDS:-6}
clients_list=${BENCH_CLIENTS:-"1 4 16"}
parts=${BENCH_PARTS:-2000}
default_templates='issue MAIN {part}:1|stock show {part}'
IFS='|' read -r -a templates <<<"${BENCH_TEMPLATES:-$default_templates}"
for dir in "$before" "$after"; do
    for program in partsd partsctl partsbench; do [[ -x $dir/$program ]] || die "$dir/$program is not built"; done
done

ensure_packages
work=$(mktemp -d /tmp/partsd-bench.XXXXXX)
chmod 0755 "$work"
cleanup() {
    stop_daemon "$work"
    stop_cluster "$work/pg"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "throwaway PostgreSQL (fsync off) in $work/pg"
start_cluster "$work/pg" throwaway
ensure_database "$work/pg" partsd
conninfo=$(cluster_conninfo "$work/pg" partsd)
"$after/partsd" migrate --database "$conninfo" >>"$work/partsd.log" 2>&1 || die "partsd migrate failed"
socket=$work/partsd.sock
serve() { start_daemon "$1" "$work" "$socket" "$conninfo" --grant "$(id -un)=admin"; }

log "loading $parts parts with stock"
serve "$after"
bench_catalogue "$after" "$socket" "$parts" 1000000
stop_daemon "$work"

ticks_per_second=$(getconf CLK_TCK)
results=$work/results
: >"$results"
# run BUILD_LABEL BIN_DIR ROUND CLIENTS TEMPLATE: one partsbench run, one result line
run() {
    local label=$1 bin=$2 round=$3 clients=$4 template=$5 pid start end out requests rate
    pid=$(cat "$work/partsd.pid")
    start=$(cpu_ticks "$pid")
    out=$("$bin/partsbench" --socket "$socket" --clients "$clients" --seconds "$seconds" --template "$template" \
        --part-prefix B- --part-width 5 --part-count "$parts" --json | tail -n 1) || die "partsbench failed: $out"
    end=$(cpu_ticks "$pid")
    requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$out")
    rate=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$out")
    awk -v l="$label" -v r="$round" -v c="$clients" -v t="$template" -v a="$start" -v b="$end" -v n="$requests" \
        -v hz="$ticks_per_second" -v rate="$rate" \
        'BEGIN { printf "%s\t%s\t%s\t%s\t%.1f\t%s\n", l, r, c, t, (b - a) * 1e6 / hz / n, rate }' >>"$results"
}
for ((round = 1; round <= rounds; round++)); do
    for label in before after; do
        bin=$before
        [[ $label == after ]] && bin=$after
        log "round $round: $label"
        serve "$bin"
        run "$label" "$bin" "$round" 1 ping
        for template in "${templates[@]}"; do
            for clients in $clients_list; do run "$label" "$bin" "$round" "$clients" "$template"; done
        done
        stop_daemon "$work"
    done
done

printf '\nDaemon CPU per request (µs, user + system), fsync off, %s rounds of %s s; best of each build\n' "$rounds" "$seconds"
awk -F '\t' '
    { key = $4 "\t" $3; if (!(key in order)) { order[key] = ++n; keys[n] = key }
      cell[key, $1] = cell[key, $1] (cell[key, $1] == "" ? "" : " ") $5
      if (!((key, $1) in best) || $5 < best[key, $1]) best[key, $1] = $5
      if (!((key, $1) in rate) || $6 > rate[key, $1]) rate[key, $1] = $6 }
    END {
        printf "%-28s %7s  %-22s %-22s %8s %8s %6s\n", "request", "clients", "before, each round", "after, each round", "before", "after", "ratio"
        for (i = 1; i <= n; i++) {
            split(keys[i], k, "\t")
            printf "%-28s %7s  %-22s %-22s %8.1f %8.1f %6.2f\n", k[1], k[2], cell[keys[i], "before"], cell[keys[i], "after"],
                best[keys[i], "before"], best[keys[i], "after"], best[keys[i], "after"] / best[keys[i], "before"]
        }
        printf "\nBest rate (requests/s)\n"
        for (i = 1; i <= n; i++) {
            split(keys[i], k, "\t")
            printf "%-28s %7s  before %9.1f  after %9.1f\n", k[1], k[2], rate[keys[i], "before"], rate[keys[i], "after"]
        }
    }' "$results"
