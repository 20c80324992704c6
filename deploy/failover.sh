#!/usr/bin/env bash
# Failovers, repeated: runs the suite's failover test (a primary and a synchronous standby
# made with pg_basebackup, clients posting with refs through a daemon on the two-host
# conninfo, the primary crashed mid-way and the standby promoted) N times, and prints one
# table row per failover: documents acknowledged, lost, duplicated, 503 answers, seconds until
# service came back after the promotion, and seconds without a posting.
#   deploy/failover.sh [N]     default 5
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runs=${1:-5}
out=$(mktemp /tmp/partsd-failover.XXXXXX)
trap 'rm -f "$out"' EXIT
for ((i = 1; i <= runs; i++)); do
    log "failover $i of $runs"
    bash "$PARTSD_ROOT/deploy/test.sh" aFailoverToTheSynchronousStandbyLosesNoAcknowledgedDocument >"$out.log" 2>&1 ||
        { tail -n 30 "$out.log" >&2; die "failover $i failed"; }
    grep '^failover:' "$out.log" >>"$out" || die "failover $i printed no figures"
done
printf '\n| failover | acknowledged | lost | duplicated | 503 answers | served again s after promotion | s without a posting |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
awk '{ n++; for (i = 1; i <= NF; i++) { if ($(i+1) == "documents") a = $i; if ($(i+1) == "lost,") l = $i; if ($(i+1) == "duplicated,") d = $i;
        if ($(i+1) == "answers") u = $i; if ($i == "again") s = $(i+1); if ($(i+1) == "s" && $(i+2) == "without") g = $i }
       printf "| %d | %s | %s | %s | %s | %s | %s |\n", n, a, l, d, u, s, g }' "$out"
rm -f "$out.log"
