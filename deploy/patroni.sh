#!/usr/bin/env bash
# A three-node Patroni cluster on this machine, and failovers under load through partsd.
#
#   deploy/patroni.sh [FAILOVERS] [SECONDS]      default 3 failovers, 20 s of load around each
#
# Brings up etcd and three Patroni nodes (Debian's patroni and etcd-server; each node a
# PostgreSQL 15 on 127.0.0.1, synchronous_mode on), partsd on the three-host conninfo with
# target_session_attrs=read-write, and clerks (partsbench) posting issues and receipts with
# refs, each retrying what got no answer with its ref. Mid-way through each round the leader is
# killed (SIGKILL to its Patroni and its PostgreSQL); Patroni promotes the synchronous standby;
# the old leader is started again and rejoins (pg_rewind). Afterwards it prints, as soak.sh
# does: documents acknowledged, lost (must be 0), duplicated (must be 0), and the ledger's
# discrepancies (must be 0). Not part of CI: it needs a minute per failover and the network
# of the machine's loopback. BENCH_KEEP=1 keeps the work directory.
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
failovers=${1:-3}
seconds=${2:-20}

is_root || die "run as root: the nodes run as the postgres user"
for package in patroni etcd-server; do
    package_installed "$package" || DEBIAN_FRONTEND=noninteractive apt-get install -y "$package" >/dev/null
done
bench_setup partsd partsctl partsbench
pgbin=$(pg_bindir)
chown postgres "$work"
etcd_url=http://127.0.0.1:23790
ports=(5441 5442 5443)
rests=(8101 8102 8103)

log "etcd in $work/etcd"
runuser -u postgres -- etcd --name local --data-dir "$work/etcd" --enable-v2=true \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
    --initial-cluster local=http://127.0.0.1:23800 >"$work/etcd.log" 2>&1 &
echo $! >"$work/etcd.pid"

node_config() { # N: the node's Patroni configuration
    local n=$1 port=${ports[$(($1 - 1))]} rest=${rests[$(($1 - 1))]}
    mkdir -p "$work/n$n"
    cat >"$work/n$n.yml" <<YAML
scope: partsd-local
name: n$n
restapi: { listen: 127.0.0.1:$rest, connect_address: 127.0.0.1:$rest }
etcd: { host: 127.0.0.1:23790 }
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 0
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters: { wal_level: replica, hot_standby: "on", max_wal_senders: 10, max_replication_slots: 10,
                    wal_log_hints: "on", synchronous_commit: "on" }
  initdb: [ { encoding: UTF8 } ]
  pg_hba:
    - local all all trust
    - host replication all 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$port
  connect_address: 127.0.0.1:$port
  data_dir: $work/n$n/data
  bin_dir: $pgbin
  pgpass: $work/n$n/pgpass
  authentication:
    replication: { username: postgres, password: unused }
    superuser: { username: postgres, password: unused }
    rewind: { username: postgres, password: unused }
  parameters: { unix_socket_directories: "$work/n$n" }
YAML
    chown -R postgres "$work/n$n" "$work/n$n.yml"
}
start_node() { # N
    runuser -u postgres -- patroni "$work/n$1.yml" >>"$work/n$1.log" 2>&1 &
    echo $! >"$work/n$1.pid"
}
leader() { # the node number of the leader, or nothing
    local n
    for n in 1 2 3; do
        if curl -fs "http://127.0.0.1:${rests[$((n - 1))]}/leader" >/dev/null 2>&1; then
            echo "$n"
            return
        fi
    done
}
wait_for() { # SECONDS COMMAND...: until COMMAND succeeds
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}
synchronous() { # true when a synchronous standby streams to the leader
    local l
    l=$(leader)
    [[ -n $l ]] && [[ $(psql_on "$l" -tAc "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") -ge 1 ]]
}
psql_on() { # N psql arguments...
    local n=$1
    shift
    "$pgbin/psql" "host=127.0.0.1 port=${ports[$((n - 1))]} user=postgres dbname=postgres" -X -q "$@"
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup_nodes() {
    local n
    for n in 1 2 3; do [[ -f $work/n$n.pid ]] && kill "$(cat "$work/n$n.pid")" 2>/dev/null || true; done
    sleep 3
    pkill -KILL -f "$work/n[123]" 2>/dev/null || true
    [[ -f $work/etcd.pid ]] && kill "$(cat "$work/etcd.pid")" 2>/dev/null || true
    bench_cleanup
}
trap cleanup_nodes EXIT

for n in 1 2 3; do node_config "$n"; done
log "three Patroni nodes"
start_node 1
wait_for 60 leader || die "no leader came up (log: $work/n1.log)"
start_node 2
start_node 3
wait_for 90 synchronous || die "no synchronous standby came up"

hosts="host=127.0.0.1,127.0.0.1,127.0.0.1 port=${ports[0]},${ports[1]},${ports[2]}"
conninfo="$hosts user=postgres dbname=postgres target_session_attrs=read-write connect_timeout=2"
"$bindir/partsd" migrate --database "$conninfo" >>"$work/partsd.log" 2>&1 || die "partsd migrate failed"
socket="$work/partsd.sock"
start_daemon "$bindir" "$work" "$socket" "$conninfo" --grant "$(id -un)=admin"
{
    echo 'location add MAIN "Main"'
    for i in $(seq 1 50); do printf 'part add F-%02d "failover part %d" cost=5\nreceive MAIN F-%02d:100000@5\n' "$i" "$i" "$i"; done
} | "$bindir/partsctl" --json --socket "$socket" >"$work/load.out" || die "loading failed"

run=$(date +%s)
for ((round = 1; round <= failovers; round++)); do
    before=$(leader)
    log "round $round: the leader is n$before; load for $seconds s, the leader killed after $((seconds / 3)) s"
    clerks=()
    for kind in issue receive; do
        template="issue MAIN {part}:1 ref=pi$run-$round-{client}-{seq}"
        [[ $kind == receive ]] && template="receive MAIN {part}:1@5 ref=pr$run-$round-{client}-{seq}"
        "$bindir/partsbench" --socket "$socket" --clients 4 --seconds "$seconds" --retry-unanswered --timeout 120 \
            --part-prefix F- --part-width 2 --part-count 50 --template "$template" \
            --acknowledged "$work/ack.txt" >>"$work/bench.out" 2>&1 &
        clerks+=($!)
    done
    sleep $((seconds / 3))
    killed=$(date +%s.%N)
    pkill -KILL -f "patroni $work/n$before.yml" || true
    pkill -KILL -f "$work/n$before/data" || true
    wait_for 60 bash -c "l=\$(for n in 1 2 3; do curl -fs http://127.0.0.1:\$((8100 + n))/leader >/dev/null 2>&1 && echo \$n; done); [[ -n \$l && \$l != $before ]]" ||
        die "no new leader after n$before was killed"
    promoted=$(date +%s.%N)
    log "n$(leader) leads $(awk -v a="$killed" -v b="$promoted" 'BEGIN { printf "%.1f", b - a }') s after n$before was killed"
    start_node "$before"
    wait "${clerks[@]}"
    wait_for 120 synchronous || warn "n$before has not rejoined as a synchronous standby yet"
done

log "checking the books"
awk -F'\t' '{ n = split($1, w, " "); ref = ""; for (i = 1; i <= n; i++) if (w[i] ~ /^ref=/) ref = substr(w[i], 5);
             m = split($2, t, " "); print ref "\t" t[m] }' "$work/ack.txt" | sort -u >"$work/told.tsv"
l=$(leader)
psql_on "$l" -c "CREATE TEMP TABLE told (ref text, key text)" -c "\\copy told FROM '$work/told.tsv'" -tA -F' ' -c "
    SELECT (SELECT count(*) FROM told),
           (SELECT count(*) FROM told t LEFT JOIN client_request c ON c.ref = t.ref
             WHERE c.ref IS NULL OR coalesce(c.doc_no, c.message) <> t.key),
           (SELECT count(*) FROM (SELECT client_ref FROM document WHERE client_ref IS NOT NULL
                                   GROUP BY 1 HAVING count(*) > 1) twice),
           (SELECT count(*) FROM ledger_discrepancy)" >"$work/figures.txt"
read -r acknowledged lost duplicated discrepancies <"$work/figures.txt"
unavailable=$(tr ' ' '\n' <"$work/bench.out" | awk -F= '$1 == "unavailable" { u += $2 } END { print u + 0 }')
printf '\n| failovers | documents acknowledged | lost | duplicated | 503 answers | ledger discrepancies |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
printf '| %s | %s | %s | %s | %s | %s |\n' "$failovers" "$acknowledged" "$lost" "$duplicated" "$unavailable" "$discrepancies"
((lost == 0 && duplicated == 0 && discrepancies == 0)) || die "the books do not hold"
