#!/usr/bin/env bash
# README's first command. On a fresh machine: installs what is missing (as root), builds
# partsd in release mode, starts the embedded default (a PostgreSQL cluster of its own under
# var/, database `partsd`, migrations, `partsd serve` in the background with the invoking user
# as admin), loads the demo data the first time, and prints how to talk to it.
# Running it again while the daemon runs is harmless. deploy/stop.sh stops everything.
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages
cd "$PARTSD_ROOT"
log "building (swift build -c release)"
swift build -c release
bindir=$(swift build -c release --show-bin-path)
write_build_commit "$bindir"
# .build/release is the same directory under a shorter name: nicer in the lines printed below.
if [[ $(cd "$PARTSD_ROOT/.build/release" 2>/dev/null && pwd -P) == "$(cd "$bindir" && pwd -P)" ]]; then
    bindir=$PARTSD_ROOT/.build/release
fi

PARTSD_BIN_DIR=$bindir "$PARTSD_ROOT/deploy/run.sh"

var=$(embedded_var_dir)
socket="$var/partsd.sock"
if [[ ! -f $var/demo-loaded ]]; then
    log "loading the demo data (log: $var/demo-load.log)"
    if "$PARTSD_ROOT/deploy/demo-data.sh" | "$bindir/partsctl" --socket "$socket" >"$var/demo-load.log" 2>&1; then
        date -u +%FT%TZ >"$var/demo-loaded"
    else
        grep -E '^[45][0-9][0-9] ' "$var/demo-load.log" | head -n 20 >&2 || true
        die "the demo data did not load cleanly (replies in $var/demo-load.log)"
    fi
fi

cat <<INFO

partsd is running.
  admin socket  $socket
  daemon log    $var/partsd.log
  database      $(cluster_conninfo "$var/pg" partsd)

Try:
  $bindir/partsctl --socket $socket stock show P-1001
  $bindir/partsctl --socket $socket issue MAIN P-1001:1 to=WO-1 ref=try-1
  socat - UNIX-CONNECT:$socket            (then type: help)

Or, for this shell:
  export PATH="$bindir:\$PATH" PARTSD_SOCKET=$socket
  partsctl                                 (interactive, with history)

Stop it with deploy/stop.sh; run deploy/setup.sh again to start it.
INFO
