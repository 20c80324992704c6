#!/usr/bin/env bash
# Goods-issue benchmark: partsd over its admin socket against pgbench running the equivalent
# SQL transaction on the same database, fsync on.
#
#   deploy/bench-issue.sh
#
# Builds in release mode, starts a durable PostgreSQL cluster (fsync on) in a fresh directory
# under /tmp, migrates, starts partsd, loads 10,000 parts with stock at MAIN through the socket,
# warms up with 10 s of goods issues and refreshes statistics (see below), then for each
# client count N: partsbench with N connections issuing single-line goods issues
# (`issue MAIN <random part>:1`) for 10 s, and pgbench with N clients running the
# equivalent SQL (conditional balance UPDATE + document INSERT + line INSERT +
# ledger INSERT, one transaction) for 10 s. Prints a table: clients, issues/s, p50 and p99
# latency, pgbench tps, and the ratio issues/s : pgbench tps; and for partsd's best run the
# daemon's and the cluster's CPU a document and the share of the cores left idle (where the
# time went: a run that leaves cores idle is waiting, not computing).
#
# Settings (environment):
#   BENCH_CLIENTS    client counts (default "1 4 16")
#   BENCH_SECONDS    seconds per run (default 10)
#   BENCH_ROUNDS     runs of each side per client count, alternating; the best counts (default 2)
#   BENCH_PARTS      parts to load (default 10000)
#   BENCH_MIX=1      a mix instead of single-line issues, on both sides: 60 % single-line issues,
#                    10 % three-line issues, 20 % single-line receipts, 10 % transfers MAIN -> BR1
#   BENCH_WARMUP     seconds of goods issues before measuring (default 10; 0 for none)
#   BENCH_FORMAT     json or text replies for partsbench (default json: a program's client)
#   BENCH_POOL_SIZE  partsd --pool-size (default: the daemon's own)
#   BENCH_KEEP=1     keep the cluster directory (and print where it is)
#   PARTSD_BIN_DIR   use these binaries instead of building
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

clients_list=${BENCH_CLIENTS:-"1 4 16"}
seconds=${BENCH_SECONDS:-10}
parts=${BENCH_PARTS:-10000}
format=${BENCH_FORMAT:-json}
rounds=${BENCH_ROUNDS:-2}
mixed=${BENCH_MIX:-0}
stock_per_part=1000000

bench_setup partsd partsctl partsbench

serve_args=(--grant "$(id -un)=admin")
[[ -n ${BENCH_POOL_SIZE:-} ]] && serve_args+=(--pool-size "$BENCH_POOL_SIZE")
bench_start_daemon "${serve_args[@]}"

# --- load: a location, the parts, stock for every part (through the socket, 4 loaders) ------
part_no() { printf 'B-%05d' "$1"; }
log "loading $parts parts with stock through the socket"
"$bindir/partsctl" --socket "$socket" location add MAIN "Bench warehouse" kind=warehouse >/dev/null ||
    die "location add failed"
"$bindir/partsctl" --socket "$socket" location add BR1 "Bench branch" kind=branch >/dev/null ||
    die "location add failed"
for ((i = 1; i <= parts; i++)); do
    printf 'part add %s "Bench part %d" cost=%d.%02d category=bench\n' "$(part_no "$i")" "$i" $((1 + i % 90)) $((i % 100))
done >"$work/parts.txt"
lines=""
count=0
for ((i = 1; i <= parts; i++)); do
    lines+=" $(part_no "$i"):$stock_per_part"
    count=$((count + 1))
    if ((count == 50 || i == parts)); then
        printf 'receive MAIN%s note="bench opening stock"\n' "$lines"
        lines=""
        count=0
    fi
done >"$work/receipts.txt"

load_in_parallel() { # FILE: its lines sent by 4 partsctl processes at once
    local file=$1 piece pids=() failed=0
    split -n l/4 -d "$file" "$file.part-"
    for piece in "$file".part-*; do
        "$bindir/partsctl" --json --socket "$socket" <"$piece" >"$piece.out" 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    if ((failed)); then
        grep -h '"error"' "$file".part-*.out | head -n 5 >&2 || true
        die "loading $(basename "$file") failed"
    fi
}
load_started=$SECONDS
load_in_parallel "$work/parts.txt"
load_in_parallel "$work/receipts.txt"
loaded=$(cluster_psql "$work/pg" partsd -tAc \
    "SELECT count(*) FROM stock_balance b JOIN part p ON p.id = b.part_id WHERE p.part_no LIKE 'B-%' AND b.on_hand > 0")
[[ $loaded == "$parts" ]] || die "expected $parts parts with stock, found $loaded"
log "loaded in $((SECONDS - load_started)) s"
# A warehouse that has been up for a while has posted thousands of documents. Measured from a
# nearly empty document table, the daemon's long-lived sessions would keep plans made while it
# was tiny (the foreign-key check of every document line scanning the whole table as it grows
# during the run), while pgbench's fresh sessions, started later, plan for the grown table. So
# first a warm-up of goods issues through the daemon, then fresh statistics (as autovacuum
# gives a running database), which also makes every session plan again; both sides then start
# from the same state.
warmup=${BENCH_WARMUP:-10}
if ((warmup > 0)); then
    log "warm-up: 16 clients for $warmup s"
    "$bindir/partsbench" --socket "$socket" --clients 16 --seconds "$warmup" \
        --template "issue MAIN {part}:1 to=warm-up" --part-prefix B- --part-width 5 --part-count "$parts" \
        --json >/dev/null || warn "the warm-up reported errors"
fi
cluster_psql "$work/pg" partsd -c "ANALYZE" >/dev/null

# --- the pgbench side: the same work as one goods issue of one line, as plain SQL ------------
# Table and column names follow sql/001_stock_ledger.sql. What partsd does in addition (the
# audit_log row, document numbering by year, the receipt) is left out: this is the floor that
# one-transaction-per-command SQL reaches.
read -r loc branch min_part max_part < <(cluster_psql "$work/pg" partsd -tA -F ' ' -c "
    SELECT (SELECT id FROM location WHERE code = 'MAIN'), (SELECT id FROM location WHERE code = 'BR1'), min(id), max(id)
      FROM part WHERE part_no LIKE 'B-%'")
((loc < branch)) || die "MAIN was expected to have the lower location id (the lock order below)"
((max_part - min_part + 1 == parts)) || die "bench part ids are not contiguous ($min_part..$max_part)"
cluster_psql "$work/pg" partsd -c "CREATE SEQUENCE IF NOT EXISTS bench_pgbench_doc"
cat >"$work/issue.sql" <<'SQL'
\set part random(:min_part, :max_part)
BEGIN;
UPDATE stock_balance SET on_hand = on_hand - 1, last_issue_at = now()
 WHERE part_id = :part AND location_id = :loc AND on_hand - reserved >= 1
RETURNING on_hand AS balance, avg_cost AS cost \gset
INSERT INTO document (doc_no, doc_type, location_id, counterparty, clerk, clerk_uid)
VALUES ('GI-PGBENCH-' || nextval('bench_pgbench_doc'), 'GI', :loc, 'pgbench', 'pgbench', 0)
RETURNING id AS doc \gset
INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
VALUES (:doc, 1, :part, 1, :cost, round(:cost::numeric, 2));
INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
VALUES (:doc, 1, :part, :loc, -1, :cost, :balance, now());
END;
SQL

# The mix's other documents, as plain SQL in the same shape: a receipt re-averages the cost as
# stock_in does; a transfer takes from MAIN and puts into BR1 at the cost it left at, balance
# rows in the one lock order (part, then location); a three-line issue locks its parts in order.
cat >"$work/issue3.sql" <<'SQL'
\set part random(:min_part, :max_part - 2)
BEGIN;
UPDATE stock_balance SET on_hand = on_hand - 1, last_issue_at = now()
 WHERE part_id = :part AND location_id = :loc AND on_hand - reserved >= 1
RETURNING on_hand AS balance1, avg_cost AS cost1 \gset
UPDATE stock_balance SET on_hand = on_hand - 1, last_issue_at = now()
 WHERE part_id = :part + 1 AND location_id = :loc AND on_hand - reserved >= 1
RETURNING on_hand AS balance2, avg_cost AS cost2 \gset
UPDATE stock_balance SET on_hand = on_hand - 1, last_issue_at = now()
 WHERE part_id = :part + 2 AND location_id = :loc AND on_hand - reserved >= 1
RETURNING on_hand AS balance3, avg_cost AS cost3 \gset
INSERT INTO document (doc_no, doc_type, location_id, counterparty, clerk, clerk_uid)
VALUES ('GI-PGBENCH-' || nextval('bench_pgbench_doc'), 'GI', :loc, 'pgbench', 'pgbench', 0)
RETURNING id AS doc \gset
INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
VALUES (:doc, 1, :part, 1, :cost1, round(:cost1::numeric, 2)), (:doc, 2, :part + 1, 1, :cost2, round(:cost2::numeric, 2)),
       (:doc, 3, :part + 2, 1, :cost3, round(:cost3::numeric, 2));
INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
VALUES (:doc, 1, :part, :loc, -1, :cost1, :balance1, now()), (:doc, 2, :part + 1, :loc, -1, :cost2, :balance2, now()),
       (:doc, 3, :part + 2, :loc, -1, :cost3, :balance3, now());
END;
SQL
cat >"$work/receipt.sql" <<'SQL'
\set part random(:min_part, :max_part)
BEGIN;
INSERT INTO stock_balance AS b (part_id, location_id, on_hand, avg_cost, last_receipt_at)
VALUES (:part, :loc, 1, 5, now())
ON CONFLICT (part_id, location_id) DO UPDATE
   SET avg_cost = round((b.on_hand * b.avg_cost + 5) / (b.on_hand + 1), 4), on_hand = b.on_hand + 1,
       last_receipt_at = now()
RETURNING on_hand AS balance \gset
INSERT INTO document (doc_no, doc_type, location_id, counterparty, clerk, clerk_uid)
VALUES ('GR-PGBENCH-' || nextval('bench_pgbench_doc'), 'GR', :loc, 'pgbench', 'pgbench', 0)
RETURNING id AS doc \gset
INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value) VALUES (:doc, 1, :part, 1, 5, 5);
INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
VALUES (:doc, 1, :part, :loc, 1, 5, :balance, now());
END;
SQL
cat >"$work/transfer.sql" <<'SQL'
\set part random(:min_part, :max_part)
BEGIN;
UPDATE stock_balance SET on_hand = on_hand - 1, last_issue_at = now()
 WHERE part_id = :part AND location_id = :loc AND on_hand - reserved >= 1
RETURNING on_hand AS from_balance, avg_cost AS cost \gset
INSERT INTO stock_balance AS b (part_id, location_id, on_hand, avg_cost, last_receipt_at)
VALUES (:part, :branch, 1, :cost, now())
ON CONFLICT (part_id, location_id) DO UPDATE
   SET avg_cost = round((b.on_hand * b.avg_cost + :cost) / (b.on_hand + 1), 4), on_hand = b.on_hand + 1,
       last_receipt_at = now()
RETURNING on_hand AS to_balance \gset
INSERT INTO document (doc_no, doc_type, location_id, to_location_id, counterparty, clerk, clerk_uid)
VALUES ('TR-PGBENCH-' || nextval('bench_pgbench_doc'), 'TR', :loc, :branch, 'pgbench', 'pgbench', 0)
RETURNING id AS doc \gset
INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value)
VALUES (:doc, 1, :part, 1, :cost, round(:cost::numeric, 2));
INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at)
VALUES (:doc, 1, :part, :loc, -1, :cost, :from_balance, now()), (:doc, 1, :part, :branch, 1, :cost, :to_balance, now());
END;
SQL
if ((mixed)); then
    what="Mixed documents (60 % issues, 10 % three-line issues, 20 % receipts, 10 % transfers)"
    pgbench_scripts=(-f "$work/issue.sql@60" -f "$work/issue3.sql@10" -f "$work/receipt.sql@20" -f "$work/transfer.sql@10")
    mix_args=(--mix "60:issue MAIN {part}:1 to=bench-RUN" --mix "10:issue MAIN {part}:1 {part2}:1 {part3}:1 to=bench-RUN"
              --mix "20:receive MAIN {part}:1@5 note=bench-RUN" --mix "10:transfer MAIN BR1 {part}:1 note=bench-RUN")
else
    what="Goods issues"
    pgbench_scripts=(-f "$work/issue.sql")
    mix_args=(--template "issue MAIN {part}:1 to=bench-RUN")
fi

# --- the runs ---------------------------------------------------------------------------------
field() { # KEY LINE: the value of KEY=value in a partsbench result line
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
bench_flags=()
[[ $format == json ]] && bench_flags+=(--json)
run_id=$(date +%s)
results=()
idle_ticks() { awk '/^cpu / { print $5 + $6 }' /proc/stat; }
# partsbench_run N: one partsbench result line, with where the CPU went while it ran: the
# daemon's and the cluster's CPU a document in µs, and the share of the machine's cores left
# idle (a run that leaves cores idle waits on something else: commits, hand-overs).
partsbench_run() {
    cluster_psql "$work/pg" partsd -c "CHECKPOINT"
    log "partsbench: $1 client(s), $seconds s"
    local line daemon_pid daemon_before pg_mark idle_before
    daemon_pid=$(cat "$work/partsd.pid")
    daemon_before=$(cpu_ticks "$daemon_pid") pg_mark=$(cpu_mark "$work/pg") idle_before=$(idle_ticks)
    line=$("$bindir/partsbench" --socket "$socket" --clients "$1" --seconds "$seconds" \
        "${mix_args[@]//bench-RUN/bench-$run_id}" --part-prefix B- --part-width 5 \
        --part-count "$parts" "${bench_flags[@]}") || warn "partsbench reported errors: $line"
    line+=$(awk -v d="$(($(cpu_ticks "$daemon_pid") - daemon_before))" -v pg="$(cpu_since "$pg_mark" "$work/pg")" \
        -v idle="$(($(idle_ticks) - idle_before))" -v rate="$(field rate "$line")" -v s="$seconds" \
        -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" \
        'BEGIN { docs = rate * s; if (docs < 1) docs = 1
                 printf " daemon_us=%.0f pg_us=%.0f idle_pct=%.0f", d / hz / docs * 1e6, pg / docs * 1e6,
                        100 * idle / hz / (s * cores) }')
    printf '  %s\n' "$line" >&2
    printf '%s\n' "$line"
}
pgbench_run() { # N: pgbench's transactions per second
    cluster_psql "$work/pg" partsd -c "CHECKPOINT"
    log "pgbench: $1 client(s), $seconds s"
    local threads=$1 out tps
    ((threads > 4)) && threads=4
    out=$("$pgbin/pgbench" -n -M prepared -c "$1" -j "$threads" -T "$seconds" \
        -D "loc=$loc" -D "branch=$branch" -D "min_part=$min_part" -D "max_part=$max_part" "${pgbench_scripts[@]}" \
        -h "$work/pg/run" -p "$PARTSD_PG_PORT" -U postgres partsd 2>&1) ||
        {
            printf '%s\n' "$out" >&2
            die "pgbench failed"
        }
    tps=$(printf '%s\n' "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
    printf '  pgbench tps=%s\n' "$tps" >&2
    printf '%s\n' "${tps:-0}"
}
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# Each side runs BENCH_ROUNDS times, alternating, and keeps its best run: on a shared machine
# a neighbour's burst lands on one side's 10 s or the other's, and the best of each is the
# figure least disturbed; alternating gives both sides the same chances.
for n in $clients_list; do
    best_line="" best_tps=0
    for ((round = 1; round <= rounds; round++)); do
        line=$(partsbench_run "$n")
        if [[ -z $best_line ]] || above "$(field rate "$line")" "$(field rate "$best_line")"; then best_line=$line; fi
        tps=$(pgbench_run "$n")
        if above "$tps" "$best_tps"; then best_tps=$tps; fi
    done
    results+=("$n $(field rate "$best_line") $(field p50_ms "$best_line") $(field p99_ms "$best_line") $best_tps $(field errors "$best_line") $(field daemon_us "$best_line") $(field pg_us "$best_line") $(field idle_pct "$best_line")")
done

discrepancies=$(cluster_psql "$work/pg" partsd -tAc "SELECT count(*) FROM ledger_discrepancy")

echo
echo "$what, fsync on, best of $rounds runs of $seconds s each side, $parts parts; partsd replies: $format"
printf '%8s %10s %8s %8s %12s %7s %8s %10s %7s %6s\n' clients docs/s p50_ms p99_ms pgbench_tps ratio errors \
    daemon_us pg_us idle%
for row in "${results[@]}"; do
    read -r n rate p50 p99 tps errors daemon_us pg_us idle <<<"$row"
    ratio=$(awk -v a="$rate" -v b="$tps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    printf '%8s %10s %8s %8s %12.1f %7s %8s %10s %7s %6s\n' "$n" "$rate" "$p50" "$p99" "$tps" "$ratio" "$errors" \
        "$daemon_us" "$pg_us" "$idle"
done
echo "daemon_us, pg_us: CPU a document in partsd's best run, of the daemon and of every process of the cluster;"
echo "idle%: the machine's cores left idle during that run"
echo "ledger discrepancies after the runs: $discrepancies"
[[ $discrepancies == 0 ]] || die "balances and the ledger disagree"
