#!/usr/bin/env bash
# Starts the embedded default from an existing build: the PostgreSQL cluster under var/ (or
# /tmp/partsd-<hash> when var/ is unsuitable), database `partsd`, migrations, and `partsd serve`
# in the background. Harmless when it already runs. deploy/setup.sh builds first and calls this;
# deploy/stop.sh stops both.
#   PARTSD_BIN_DIR   where partsd and partsctl are (default: .build/release)
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bindir=${PARTSD_BIN_DIR:-$PARTSD_ROOT/.build/release}
[[ -x $bindir/partsd && -x $bindir/partsctl ]] ||
    die "no partsd/partsctl in $bindir: run deploy/setup.sh (or swift build -c release) first"

var=$(embedded_var_dir)
mkdir -p "$var"
socket="$var/partsd.sock"
conninfo=$(cluster_conninfo "$var/pg" partsd)

log "PostgreSQL cluster in $var/pg"
start_cluster "$var/pg" durable
ensure_database "$var/pg" partsd
log "migrating"
"$bindir/partsd" migrate --database "$conninfo"
start_daemon "$bindir" "$var" "$socket" "$conninfo" --grant "$(invoking_user)=admin"
