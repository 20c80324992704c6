#!/usr/bin/env bash
# Instructions PostgreSQL spends on one goods issue (issue 14), counted by callgrind: repeatable
# where timings on a shared machine are not. partsd's posting paths against the plain SQL
# transaction pgbench runs in deploy/bench-issue.sh, counted in the same run; prints each as a
# ratio to that plain transaction.
#
#   deploy/bench-instructions.sh
#
# A durable cluster with partsd's schema and BENCH_PARTS parts with stock at MAIN (loaded
# through the socket, as bench-issue.sh does); then the daemon and the cluster stop, and each
# case runs BENCH_CALLS and 5 × BENCH_CALLS times in a single-user backend under valgrind
# --tool=callgrind. The difference divided by the documents of the 4 × BENCH_CALLS calls between
# them is what one document costs, start-up excluded. Each call is one transaction with its
# commit, and each is a prepared statement, as the daemon's and pgbench's are.
#   plain        pgbench's goods issue: conditional balance UPDATE, document, line and movement
#                INSERTs (a PL/pgSQL function, so that its statements are prepared too)
#   one by one   post_stock_documents with one single-line goods issue: a lone clerk
#   set of 2/4/16  post_stock_documents with 2, 4 or 16 of them: clerks posting at the same
#                moment (at four clients most postings go in pairs: the batch-size histogram)
#   ..., ref=    one by one and a set of 16 again, every request with a ref= (retry-safe
#                clients, the imports): the ref lock, its probe and the kept reply included
#
# Settings (environment):
#   BENCH_PARTS      parts to load (default 2000)
#   BENCH_CALLS      calls of the shorter run of each case (default 40)
#   BENCH_KEEP=1     keep the cluster directory and callgrind's files (and print where)
#   PARTSD_BIN_DIR   use these binaries instead of building
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PARTSD_PACKAGES+=(valgrind)
parts=${BENCH_PARTS:-2000}
calls=${BENCH_CALLS:-40}

bench_setup partsd partsctl
bench_start_daemon --grant "$(id -un)=admin"

log "loading $parts parts with stock through the socket"
bench_catalogue "$bindir" "$socket" "$parts" 1000000
stop_daemon "$work"
cluster_psql "$work/pg" partsd -c "CREATE SEQUENCE bench_pgbench_doc" -c "ANALYZE" >/dev/null
stop_cluster "$work/pg"
mkdir -p "$work/cg"
chmod 0777 "$work/cg"

# calls.py CASE COUNT SEED: the statements of one run, one a line as the single-user backend
# reads them: a PREPARE, then COUNT EXECUTEs of random parts (distinct within a call).
cat >"$work/calls.py" <<'PY'
import random, sys
case, count, parts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(int(sys.argv[4]))
issue = ('{"actor":{"uid":0,"user":"bench","role":"admin"},"command":"issue MAIN %s:1","type":"GI",'
         '"location":"MAIN","counterparty":"bench","lines":[{"part_no":"%s","quantity":"1"}]}')
if case == "plain":
    print("CREATE FUNCTION pg_temp.plain(p_part integer) RETURNS void LANGUAGE plpgsql AS $$ "
          "DECLARE v_loc integer; v_balance numeric; v_cost numeric; v_doc bigint; BEGIN "
          "SELECT id INTO v_loc FROM location WHERE code = 'MAIN'; "
          "UPDATE stock_balance SET on_hand = on_hand - 1, last_issue_at = now() "
          "WHERE part_id = p_part AND location_id = v_loc AND on_hand - reserved >= 1 RETURNING on_hand, avg_cost INTO v_balance, v_cost; "
          "INSERT INTO document (doc_no, doc_type, location_id, counterparty, clerk, clerk_uid) "
          "VALUES ('GI-PGBENCH-' || nextval('bench_pgbench_doc'), 'GI', v_loc, 'pgbench', 'pgbench', 0) RETURNING id INTO v_doc; "
          "INSERT INTO document_line (document_id, line_no, part_id, quantity, unit_cost, value) "
          "VALUES (v_doc, 1, p_part, 1, v_cost, round(v_cost, 2)); "
          "INSERT INTO stock_movement (document_id, line_no, part_id, location_id, quantity, unit_cost, balance_after, posted_at) "
          "VALUES (v_doc, 1, p_part, v_loc, -1, v_cost, v_balance, now()); END $$")
    print("PREPARE plain(text) AS SELECT pg_temp.plain((SELECT id FROM part WHERE part_no = $1))")
    for _ in range(count):
        print("EXECUTE plain('B-%05d')" % rng.randint(1, parts))
else:
    # "-ref": every request carries a ref (and its fingerprint), as retry-safe clients and the
    # imports send; refs differ between cases and runs (both are in them), so none is a replay.
    with_ref = case.endswith("-ref")
    base = case[:-len("-ref")] if with_ref else case
    size = 1 if base == "one" else int(base)
    print("PREPARE post(jsonb) AS SELECT w.replies, current_setting('partsd.posted_types', true) "
          "FROM (SELECT post_stock_documents($1) AS replies OFFSET 0) w")
    for call in range(count):
        numbers = ["B-%05d" % n for n in rng.sample(range(1, parts + 1), size)]
        requests = [issue % (n, n) for n in numbers]
        if with_ref:
            requests = [r[:-1] + ',"ref":"b%s-%d-%d-%d","fingerprint":"f"}' % (base, count, call, k)
                        for k, r in enumerate(requests)]
        print("EXECUTE post('[%s]')" % ",".join(requests))
PY

# instructions CASE COUNT: callgrind's total for a single-user backend running COUNT calls.
instructions() {
    local file=$work/$1-$2.sql total
    python3 "$work/calls.py" "$1" "$2" "$parts" "$2" >"$file"
    chmod 0644 "$file"
    as_cluster_owner valgrind --tool=callgrind --callgrind-out-file="$work/cg/$1-$2.out" \
        "$pgbin/postgres" --single -D "$work/pg/data" partsd <"$file" >"$work/cg/$1-$2.log" 2>"$work/cg/$1-$2.valgrind"
    if grep -qE '(ERROR|FATAL):' "$work/cg/$1-$2.log"; then
        grep -m 3 -E '(ERROR|FATAL):' "$work/cg/$1-$2.log" >&2
        die "the $1 case failed"
    fi
    total=$(grep -oP 'Collected : \K[0-9]+' "$work/cg/$1-$2.valgrind") || die "no count from callgrind ($work/cg/$1-$2.valgrind)"
    printf '%s\n' "$total"
}

declare -A per_document
for case in plain one 2 4 16 one-ref 16-ref; do
    log "counting: $case"
    short=$(instructions "$case" "$calls")
    long=$(instructions "$case" $((5 * calls)))
    size=1
    [[ $case =~ ^[0-9] ]] && size=${case%-ref}
    per_document[$case]=$(((long - short) / (4 * calls * size)))
done

printf '\nInstructions PostgreSQL runs per goods issue (callgrind), %s parts, commit included\n' "$parts"
printf '%-28s %14s %8s\n' case instructions ratio
row() { printf '%-28s %14s %8s\n' "$1" "${per_document[$2]}" "$(awk -v a="${per_document[$2]}" -v b="${per_document[plain]}" 'BEGIN { printf "%.2f", a / b }')"; }
row "plain SQL (pgbench's)" plain
row "partsd, one by one" one
row "partsd, set of 2" 2
row "partsd, set of 4" 4
row "partsd, set of 16" 16
row "partsd, one by one, ref=" one-ref
row "partsd, set of 16, ref=" 16-ref
