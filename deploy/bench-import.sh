#!/usr/bin/env bash
# Go-live import benchmark: partsctl --import-parts and --import-stock through the admin socket
# against COPY of the same rows into bare tables, in the same run, on the same durable cluster.
#
#   deploy/bench-import.sh            # 100,000 parts
#   BENCH_PARTS=10000 deploy/bench-import.sh
#
# Builds in release mode, starts a durable PostgreSQL cluster (fsync on) in a fresh directory
# under /tmp, migrates, starts partsd, writes a parts CSV (part_no, description with a comma and
# a quote, unit, cost, category, lead_days) and an opening-stock CSV (one balance per part at
# MAIN), then times:
#   - partsctl --import-parts (part load requests of --batch parts), then partsctl
#     --import-stock (--batch receipt lines), with the CPU each took in the daemon, in
#     PostgreSQL and in partsctl;
#   - psql COPY of the same two files into two bare tables (no keys, no constraints), which is
#     the floor any load reaches;
#   - psql COPY of the parts file into a table like part (its keys, checks and indexes), the
#     floor the parts master's own invariants set.
# Prints the times, rows/s and the ratios import : COPY (the issue's aim is within 10x) and
# parts import : COPY like part.
#
# Settings (environment):
#   BENCH_PARTS      parts (and balances) to load (default 100000)
#   BENCH_BATCH      receipt lines per receive (default 200, the document line limit)
#   BENCH_PARTS_BATCH  parts per part load (default 100, partsctl's own)
#   BENCH_KEEP=1     keep the cluster directory (and print where it is)
#   PARTSD_BIN_DIR   use these binaries instead of building
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parts=${BENCH_PARTS:-100000}
batch=${BENCH_BATCH:-200}
parts_batch=${BENCH_PARTS_BATCH:-100}
connections=${BENCH_CONNECTIONS:-4}

bench_setup partsd partsctl

bench_start_daemon --grant "$(id -un)=admin"
"$bindir/partsctl" --socket "$socket" location add MAIN "Bench warehouse" kind=warehouse >/dev/null ||
    die "location add failed"

log "writing $parts parts and their opening stock as CSV"
awk -v n="$parts" 'BEGIN {
    print "part_no,description,unit,cost,category,lead_days"
    for (i = 1; i <= n; i++)
        printf "B-%06d,\"Bench part %d, \"\"grade %d\"\"\",PCS,%d.%02d,bench,%d\n", i, i, i % 7, 1 + i % 90, i % 100, i % 60
}' >"$work/parts.csv"
awk -v n="$parts" 'BEGIN {
    print "location,part_no,quantity,unit_cost"
    for (i = 1; i <= n; i++) printf "MAIN,B-%06d,%d,%d.%02d\n", i, 1 + i % 500, 1 + i % 90, i % 100
}' >"$work/stock.csv"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Where each phase's CPU went: the daemon, PostgreSQL (every process of the cluster) and
# partsctl, in seconds of user and system time.
daemon_pid=$(cat "$work/partsd.pid")
hz=$(getconf CLK_TCK)
cpu_table=$work/cpu
# phase NAME OUTPUT PARTSCTL_ARGS...: runs partsctl and appends the phase's CPU to $cpu_table.
phase() {
    local name=$1 output=$2 mark daemon_before partsctl_cpu
    shift 2
    mark=$(cpu_mark "$work/pg")
    daemon_before=$(cpu_ticks "$daemon_pid")
    local TIMEFORMAT=%U+%S
    partsctl_cpu=$({ time "$bindir/partsctl" --socket "$socket" --timeout 0 --connections "$connections" "$@" >"$output" 2>&1; } 2>&1) ||
        { cat "$output" >&2; die "partsctl $name failed"; }
    printf '%-28s %10s %12s %10s\n' "$name" \
        "$(awk -v a="$daemon_before" -v b="$(cpu_ticks "$daemon_pid")" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')" \
        "$(cpu_since "$mark" "$work/pg")" "$(awk "BEGIN { printf \"%.2f\", $partsctl_cpu }")" >>"$cpu_table"
}

log "partsctl --import-parts"
t0=$(now)
phase "partsctl --import-parts" "$work/import-parts.out" --import-parts "$work/parts.csv" --batch "$parts_batch"
t1=$(now)
log "partsctl --import-stock --batch $batch"
phase "partsctl --import-stock" "$work/import-stock.out" --import-stock "$work/stock.csv" --batch "$batch"
t2=$(now)
loaded=$(cluster_psql "$work/pg" partsd -tAc \
    "SELECT count(*) FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no LIKE 'B-%' AND b.on_hand > 0")
[[ $loaded == "$parts" ]] || die "expected $parts parts with stock, found $loaded"

log "COPY of the same rows into bare tables"
cluster_psql "$work/pg" partsd -q -c "CREATE TABLE bench_part (part_no text, description text, unit text, cost numeric,
    category text, lead_days int); CREATE TABLE bench_stock (location text, part_no text, quantity numeric, unit_cost numeric)"
t3=$(now)
cluster_psql "$work/pg" partsd -q -c "\\copy bench_part FROM '$work/parts.csv' WITH (FORMAT csv, HEADER true)"
cluster_psql "$work/pg" partsd -q -c "\\copy bench_stock FROM '$work/stock.csv' WITH (FORMAT csv, HEADER true)"
t4=$(now)
# The floor the parts master itself sets: the same file into a table like part, with its
# identity, defaults, checks and indexes (no foreign key, no audit, no ref).
cluster_psql "$work/pg" partsd -q -c "CREATE TABLE bench_part_schema (LIKE part INCLUDING ALL)"
t5=$(now)
cluster_psql "$work/pg" partsd -q -c "\\copy bench_part_schema (part_no, description, unit, cost, category, lead_days) FROM '$work/parts.csv' WITH (FORMAT csv, HEADER true)"
t6=$(now)
copied=$(cluster_psql "$work/pg" partsd -tAc "SELECT (SELECT count(*) FROM bench_part) + (SELECT count(*) FROM bench_stock)")
[[ $copied == $((2 * parts)) ]] || die "COPY loaded $copied rows, expected $((2 * parts))"
discrepancies=$(cluster_psql "$work/pg" partsd -tAc "SELECT count(*) FROM ledger_discrepancy")

parts_s=$(elapsed "$t0" "$t1") stock_s=$(elapsed "$t1" "$t2") import_s=$(elapsed "$t0" "$t2") copy_s=$(elapsed "$t3" "$t4")
schema_s=$(elapsed "$t5" "$t6")
echo
echo "Go-live import, fsync on, $parts parts and $parts opening balances (receipts of $batch lines)"
printf '%-28s %10s %12s\n' step seconds rows/s
printf '%-28s %10s %12.0f\n' "partsctl --import-parts" "$parts_s" "$(awk -v n="$parts" -v s="$parts_s" 'BEGIN { print n / s }')"
printf '%-28s %10s %12.0f\n' "partsctl --import-stock" "$stock_s" "$(awk -v n="$parts" -v s="$stock_s" 'BEGIN { print n / s }')"
printf '%-28s %10s %12.0f\n' "import, both" "$import_s" "$(awk -v n="$parts" -v s="$import_s" 'BEGIN { print 2 * n / s }')"
printf '%-28s %10s %12.0f\n' "COPY, both, bare tables" "$copy_s" "$(awk -v n="$parts" -v s="$copy_s" 'BEGIN { print 2 * n / s }')"
printf '%-28s %10s %12.0f\n' "COPY, parts, like part" "$schema_s" "$(awk -v n="$parts" -v s="$schema_s" 'BEGIN { print n / s }')"
awk -v a="$import_s" -v b="$copy_s" 'BEGIN { printf "ratio import : COPY  %.1fx\n", a / b }'
awk -v a="$parts_s" -v b="$schema_s" 'BEGIN { printf "ratio parts import : COPY like part  %.1fx\n", a / b }'
echo
echo "CPU seconds (user + system)"
printf '%-28s %10s %12s %10s\n' step partsd PostgreSQL partsctl
cat "$cpu_table"
tail -n 1 "$work/import-parts.out" "$work/import-stock.out" | grep -v '^$' | grep -v '^==>' || true
echo "ledger discrepancies after the import: $discrepancies"
[[ $discrepancies == 0 ]] || die "balances and the ledger disagree"
