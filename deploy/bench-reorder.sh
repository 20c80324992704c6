#!/usr/bin/env bash
# Reorder-run benchmark: a full `job run reorder` over a large catalogue against the time
# PostgreSQL alone takes to stream the same history once, measured in the same run.
#
#   deploy/bench-reorder.sh
#
# Builds in release mode, starts a PostgreSQL cluster in a fresh directory under /tmp,
# migrates, and generates in SQL: BENCH_PARTS parts at BENCH_LOCATIONS warehouses (100,000
# part-locations by default), two years of intermittent demand per part-location (several
# million history lines; rates and sizes vary so every demand class occurs) and stock for most
# of them (posted as goods receipts, so the ledger stays whole). One more warehouse, SMALL,
# holds a tenth of the parts.
#
# Then, twice each, alternating: the baseline,
#   COPY (SELECT part_id, location_id, demand_date, quantity FROM demand_line
#          WHERE demand_date BETWEEN <from> AND <through>) TO STDOUT
# through psql into /dev/null, and `partsctl job run reorder --wait` through the socket. The
# table gives the best of each (a run's time is its job_run row's, start to finish) and the
# ratio (bar, issue 14: at most 2), with the default two reader sessions. A second table gives
# partsd's peak resident memory, each on a fresh daemon: a run over SMALL alone and one over
# everything, both reading with one session (the run streams, so the two stay close however
# large the catalogue), and the timed daemon with two readers (each holds one more chunk).
#
# Settings (environment):
#   BENCH_PARTS       parts per warehouse (default 50000)
#   BENCH_LOCATIONS   warehouses (default 2)
#   BENCH_LINES       mean demand lines per part-location over two years (default 40)
#   BENCH_METHOD_TRIAL=1  then also time `job run method-trial` on the timed daemon, and one more
#                     reorder run with its choices in force (plan set method_choice=simulation)
#   BENCH_KEEP=1      keep the cluster directory (and print where it is)
#   PARTSD_BIN_DIR    use these binaries instead of building
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parts=${BENCH_PARTS:-50000}
locations=${BENCH_LOCATIONS:-2}
lines=${BENCH_LINES:-40}
small=$((parts / 10))

bench_setup partsd partsctl

start_cluster "$work/pg" durable
ensure_database "$work/pg" partsd
conninfo=$(cluster_conninfo "$work/pg" partsd)
"$bindir/partsd" migrate --database "$conninfo" >>"$work/partsd.log" 2>&1 ||
    die "partsd migrate failed (log: $work/partsd.log)"
psql_bench() { "$pgbin/psql" "$conninfo" -X -q -v ON_ERROR_STOP=1 "$@"; }

log "generating $parts parts x $locations warehouses (+ SMALL with $small), ~$lines demand lines each over two years"
started=$SECONDS
psql_bench <<SQL
INSERT INTO location (code, name, kind)
SELECT 'W' || n, 'Bench warehouse ' || n, 'warehouse' FROM generate_series(1, $locations) n;
INSERT INTO location (code, name, kind) VALUES ('SMALL', 'Small bench warehouse', 'warehouse');
INSERT INTO part (part_no, description, unit, cost, category, pack, lead_days)
SELECT format('B-%s', lpad(n::text, 6, '0')), 'Bench part ' || n, 'PCS',
       round((0.5 + random() * random() * 500)::numeric, 2), 'cat' || (n % 12),
       CASE WHEN n % 7 = 0 THEN 10 WHEN n % 5 = 0 THEN 5 ELSE 1 END, 7 + n % 36
  FROM generate_series(1, $parts) n;
-- Per part-location: a demand rate (most parts slow, a few fast) and a size spread.
CREATE TEMP TABLE profile AS
SELECT p.id AS part_id, l.id AS location_id,
       greatest(1, round($lines * 2 * random() * random() * 2))::int AS events,
       1 + (random() * random() * 6)::int AS max_size
  FROM part p CROSS JOIN location l
 WHERE l.code <> 'SMALL' OR p.id % 10 = 0;
INSERT INTO demand_history (part_id, location_id, demand_date, quantity, recorded_by)
SELECT f.part_id, f.location_id, current_date - 1 - (random() * 729)::int, 1 + (random() * f.max_size)::int, 'bench'
  FROM profile f CROSS JOIN LATERAL generate_series(1, f.events) e;
-- Stock for four in five part-locations, as goods receipts of 1,000 lines each.
SELECT count(*) FROM (
    SELECT post_stock_document(jsonb_build_object(
               'type', 'GR', 'location', code, 'command', 'bench load',
               'actor', jsonb_build_object('uid', 0, 'user', 'bench', 'role', 'admin'),
               'lines', jsonb_agg(jsonb_build_object('part_no', part_no, 'quantity', qty::text, 'unit_cost', cost::text))))
      FROM (SELECT l.code, p.part_no, 1 + (random() * 30)::int AS qty, p.cost,
                   (row_number() OVER (PARTITION BY l.code ORDER BY p.id) - 1) / 1000 AS chunk
              FROM profile f JOIN part p ON p.id = f.part_id JOIN location l ON l.id = f.location_id
             WHERE random() < 0.8) s
     GROUP BY code, chunk) posted;
-- A site's autovacuum would have vacuumed a table this size after its import: the run reads
-- the history through an index, which then needs no table pages.
VACUUM ANALYZE;
SQL
history=$(psql_bench -tAc "SELECT count(*) FROM demand_history")
part_locations=$(psql_bench -tAc "SELECT count(*) FROM (SELECT part_id, location_id FROM demand_history UNION SELECT part_id, location_id FROM stock_balance) k")
log "generated $history history lines over $part_locations part-locations in $((SECONDS - started)) s"

# The run reads complete weeks: the same window for the baseline.
through=$(psql_bench -tAc "SELECT date_trunc('week', current_date)::date - 1")
from=$(psql_bench -tAc "SELECT date_trunc('week', date '$through' - 727)::date")

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

baseline() {
    local t0 t1
    t0=$(now)
    psql_bench -c "COPY (SELECT part_id, location_id, demand_date, quantity FROM demand_line
                         WHERE demand_date BETWEEN '$from' AND '$through') TO STDOUT" >/dev/null
    t1=$(now)
    elapsed "$t0" "$t1"
}

socket="$work/partsd.sock"
# The run's own duration, from its job_run row: the client's polling is not part of the run.
reorder() {
    "$bindir/partsctl" --socket "$socket" job run reorder "$@" --wait >"$work/reorder.out" ||
        die "reorder run failed: $(tail -n 3 "$work/reorder.out")"
    psql_bench -tAc "SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 2)
                       FROM job_run WHERE job = 'reorder' ORDER BY id DESC LIMIT 1"
}

peak_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$(cat "$work/partsd.pid")/status"; }

serve_args=(--grant "$(id -un)=admin")
planned_in() { grep -o '[0-9]* part-locations planned' "$work/reorder.out" | head -n 1 | cut -d' ' -f1; }

# Memory, each on a fresh daemon reading with one session: the small warehouse alone, then
# everything (twenty times as many part-locations).
PARTSD_JOBS_REORDER_READERS=1 start_daemon "$bindir" "$work" "$socket" "$conninfo" "${serve_args[@]}"
reorder location=SMALL >/dev/null
small_kib=$(peak_kib)
small_planned=$(planned_in)
stop_daemon "$work"
PARTSD_JOBS_REORDER_READERS=1 start_daemon "$bindir" "$work" "$socket" "$conninfo" "${serve_args[@]}"
single=$(reorder)
single_kib=$(peak_kib)
stop_daemon "$work"

# Time, with the default configuration (two reader sessions).
start_daemon "$bindir" "$work" "$socket" "$conninfo" "${serve_args[@]}"
copy1=$(baseline)
run1=$(reorder)
planned=$(planned_in)
copy2=$(baseline)
run2=$(reorder)
full_kib=$(peak_kib)
if [[ -n ${BENCH_METHOD_TRIAL:-} ]]; then
    "$bindir/partsctl" --socket "$socket" plan set method_choice=simulation >/dev/null
    "$bindir/partsctl" --socket "$socket" job run method-trial --wait >"$work/trial.out" ||
        die "method trial failed: $(tail -n 3 "$work/trial.out")"
    trial=$(psql_bench -tAc "SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 2)
                               FROM job_run WHERE job = 'method-trial' ORDER BY id DESC LIMIT 1")
    trial_message=$(tail -n 1 "$work/trial.out")
    with_trials=$(reorder)
fi
stop_daemon "$work"

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
copy=$(best "$copy1" "$copy2")
run=$(best "$run1" "$run2")
ratio=$(awk -v r="$run" -v c="$copy" 'BEGIN { printf "%.2f", r / c }')

printf '\n'
printf '| history lines | part-locations planned | COPY stream s | reorder run s | ratio (bar <= 2) |\n'
printf '| --- | --- | --- | --- | --- |\n'
printf '| %s | %s | %s (%s, %s) | %s (%s, %s) | %s |\n' "$history" "$planned" "$copy" "$copy1" "$copy2" "$run" "$run1" "$run2" "$ratio"
printf '\n'
printf '| run | readers | part-locations | run s | partsd peak RSS MiB |\n'
printf '| --- | --- | --- | --- | --- |\n'
printf '| SMALL only | 1 | %s | - | %s |\n' "$small_planned" "$((small_kib / 1024))"
printf '| everything | 1 | %s | %s | %s |\n' "$planned" "$single" "$((single_kib / 1024))"
printf '| everything | 2 | %s | %s | %s |\n' "$planned" "$run" "$((full_kib / 1024))"
if [[ -n ${BENCH_METHOD_TRIAL:-} ]]; then
    printf '\n'
    printf '| method trial s | reorder run with its choices s | ratio to the COPY stream (bar <= 2) |\n'
    printf '| --- | --- | --- |\n'
    printf '| %s | %s | %s |\n' "$trial" "$with_trials" "$(awk -v r="$with_trials" -v c="$copy" 'BEGIN { printf "%.2f", r / c }')"
    printf '%s\n' "$trial_message"
fi
awk -v r="$ratio" 'BEGIN { exit !(r <= 2) }' || warn "ratio $ratio is above the bar of 2"
