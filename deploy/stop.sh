#!/usr/bin/env bash
# Stops the embedded default that deploy/setup.sh (or deploy/run.sh) started: the daemon
# (SIGTERM, so in-flight commands finish), then its PostgreSQL cluster. The data stays.
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

var=$(embedded_var_dir)
if pid=$(running_pid "$var/partsd.pid"); then
    log "stopping partsd (pid $pid)"
fi
stop_daemon "$var"
if cluster_running "$var/pg"; then
    log "stopping PostgreSQL in $var/pg"
fi
stop_cluster "$var/pg"
