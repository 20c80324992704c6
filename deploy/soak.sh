#!/usr/bin/env bash
# Soak: mixed clerks, a manager, the jobs and periodic daemon kills, for a while; then the
# books are checked. Not part of CI: run it before a release, or after a change to posting.
#
#   deploy/soak.sh [MINUTES]     default 30
#
# On a durable cluster (fsync on): partsbench clerks issue, receive, transfer both ways, ship
# to a branch and raise requisitions; a manager counts (adjust); snapshot and reorder runs
# come every minute; every SOAK_KILL_S seconds (default 45) the daemon is killed with SIGKILL
# and started again. Every client sends each request with a ref of its own and, when it gets
# no answer (the daemon gone, or 503), sends it again with the same ref until it is answered.
# Afterwards it prints: documents acknowledged, lost (acknowledged, but not what the database
# recorded for the ref: must be 0), duplicated (a ref with more than one document: must be 0),
# deadlocks PostgreSQL broke (0), 5xx answers, the daemon's RSS at the start and at the end,
# and the ledger's discrepancies (0). Exits non-zero when any must-be-zero figure is not.
#
# Settings: SOAK_CLIENTS (clerks per kind, default 2), SOAK_KILL_S, SOAK_PARTS (default 500),
# BENCH_KEEP=1 (keep the work directory), PARTSD_BIN_DIR (binaries instead of a release build).
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

minutes=${1:-30}
clients=${SOAK_CLIENTS:-2}
kill_every=${SOAK_KILL_S:-45}
parts=${SOAK_PARTS:-500}
seconds=$((minutes * 60))

bench_setup partsd partsctl partsbench
log "durable PostgreSQL (fsync on) in $work/pg"
start_cluster "$work/pg" durable
ensure_database "$work/pg" partsd
conninfo=$(cluster_conninfo "$work/pg" partsd)
"$bindir/partsd" migrate --database "$conninfo" >>"$work/partsd.log" 2>&1 || die "partsd migrate failed"
socket="$work/partsd.sock"
serve=(--grant "$(id -un)=admin")
start_daemon "$bindir" "$work" "$socket" "$conninfo" "${serve[@]}"
ctl() { "$bindir/partsctl" --socket "$socket" "$@"; }

part_no() { printf 'S-%04d' "$1"; }
log "loading $parts parts"
{
    echo 'location add MAIN "Soak warehouse"'
    echo 'location add BR1 "Soak branch" kind=branch'
    echo 'location add BR2 "Soak branch 2" kind=branch'
    for ((i = 1; i <= parts; i++)); do printf 'part add %s "Soak part %d" cost=5\n' "$(part_no "$i")" "$i"; done
    for ((i = 1; i <= parts; i++)); do printf 'receive MAIN %s:100000@5\nreceive BR1 %s:1000@5\n' "$(part_no "$i")" "$(part_no "$i")"; done
} | "$bindir/partsctl" --json --socket "$socket" >"$work/load.out" || die "loading failed"

rss() { awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$(cat "$work/partsd.pid")/status" 2>/dev/null || echo "?"; }
rss_start=$(rss)
deadlocks_before=$(cluster_psql "$work/pg" partsd -tAc "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")

run=$(date +%s)
clerk() { # NAME TEMPLATE: partsbench for the whole soak
    "$bindir/partsbench" --socket "$socket" --clients "$clients" --seconds "$seconds" --retry-unanswered --timeout 120 \
        --part-prefix S- --part-width 4 --part-count "$parts" --template "$2" \
        --acknowledged "$work/ack-$1.txt" >"$work/bench-$1.out" 2>&1 || true
}
log "soaking for $minutes min: $clients clients per kind, the daemon killed every $kill_every s"
pids=()
clerk issue "issue MAIN {part}:1 to=WO-{seq} ref=i$run-{client}-{seq}" &
pids+=($!)
clerk receive "receive MAIN {part}:2@5 ref=r$run-{client}-{seq}" &
pids+=($!)
clerk transfer "transfer MAIN BR1 {part}:1 ref=t$run-{client}-{seq}" &
pids+=($!)
clerk back "transfer BR1 MAIN {part}:1 ref=b$run-{client}-{seq}" &
pids+=($!)
clerk ship "ship MAIN BR2 {part}:1 ref=s$run-{client}-{seq}" &
pids+=($!)
clerk requisition "req new MAIN {part}:1 for=WO-{seq} ref=q$run-{client}-{seq}" &
pids+=($!)
clerk count "adjust BR1 {part}:1000 reason=\"soak count\" ref=a$run-{client}-{seq}" &
pids+=($!)

kills=0
jobs_run=0
end=$((SECONDS + seconds))
next_kill=$((SECONDS + kill_every))
next_job=$((SECONDS + 60))
while ((SECONDS < end)); do
    sleep 1
    if ((SECONDS >= next_job)); then
        ctl job run snapshot --wait >/dev/null 2>&1 && jobs_run=$((jobs_run + 1)) || true
        ctl job run reorder --wait >/dev/null 2>&1 && jobs_run=$((jobs_run + 1)) || true
        next_job=$((SECONDS + 60))
    fi
    if ((SECONDS >= next_kill && SECONDS < end - 10)); then
        kill -KILL "$(cat "$work/partsd.pid")" 2>/dev/null || true
        wait_for_exit "$(cat "$work/partsd.pid")" 10 || true
        rm -f "$work/partsd.pid"
        start_daemon "$bindir" "$work" "$socket" "$conninfo" "${serve[@]}"
        kills=$((kills + 1))
        next_kill=$((SECONDS + kill_every))
    fi
done
# The clerks, not the daemon (start_daemon runs it in the background of this shell too).
wait "${pids[@]}"
rss_end=$(rss)

log "checking the books"
cat "$work"/ack-*.txt >"$work/acknowledged.txt" 2>/dev/null || : >"$work/acknowledged.txt"
# ref <tab> the number the client was told (the last word of the reply)
awk -F'\t' '{ n = split($1, w, " "); ref = ""; for (i = 1; i <= n; i++) if (w[i] ~ /^ref=/) ref = substr(w[i], 5);
             m = split($2, t, " "); print ref "\t" t[m] }' "$work/acknowledged.txt" | sort -u >"$work/told.tsv"
cluster_psql "$work/pg" partsd -c "CREATE TEMP TABLE told (ref text, key text)" \
    -c "\\copy told FROM '$work/told.tsv'" \
    -c "\\o $work/figures.txt" -tA -F' ' -c "
    SELECT (SELECT count(*) FROM told),
           (SELECT count(*) FROM told t LEFT JOIN client_request c ON c.ref = t.ref
             WHERE c.ref IS NULL OR coalesce(c.doc_no, c.message) <> t.key),
           (SELECT count(*) FROM (SELECT client_ref FROM document WHERE client_ref IS NOT NULL
                                   GROUP BY 1 HAVING count(*) > 1) twice),
           (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()) - $deadlocks_before,
           (SELECT count(*) FROM ledger_discrepancy)"
read -r acknowledged lost duplicated deadlocks discrepancies <"$work/figures.txt"
fivexx=$(cat "$work"/bench-*.out | tr ' ' '\n' | awk -F= '$1 == "codes" { n = split($2, c, ","); for (i = 1; i <= n; i++) { split(c[i], kv, ":"); if (kv[1] >= 500) s += kv[2] } }
                                                  $1 == "unavailable" { u += $2 } END { print s + u + 0 }')
unanswered=$(cat "$work"/bench-*.out | tr ' ' '\n' | awk -F= '$1 == "unanswered" { u += $2 } END { print u + 0 }')

printf '\n| minutes | kills | jobs run | documents acknowledged | lost | duplicated | deadlocks | 5xx answers | unanswered | ledger discrepancies | RSS start MiB | RSS end MiB |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$minutes" "$kills" "$jobs_run" "$acknowledged" \
    "$lost" "$duplicated" "$deadlocks" "$fivexx" "$unanswered" "$discrepancies" "$rss_start" "$rss_end"
((lost == 0 && duplicated == 0 && deadlocks == 0 && discrepancies == 0)) || die "the books do not hold"
