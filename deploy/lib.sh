# shellcheck shell=bash
# Shared helpers of the deploy scripts: packages, PostgreSQL clusters, the partsd daemon.
# Source it from a script in deploy/:   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Every function works from any current directory.

PARTSD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PARTSD_PG_PORT=5432
# libqrencode-dev: the warranty tags' QR codes; zbar-tools: the test that decodes them;
# python3-yaml: the test that reads the sample alert rules when promtool (package prometheus,
# large, not installed for it) is not there.
PARTSD_PACKAGES=(postgresql-15 libpq-dev socat libqrencode-dev zbar-tools python3-yaml)

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}
is_root() { [[ $(id -u) -eq 0 ]]; }

# The user who asked for this: the sudo caller when run through sudo, else whoever runs it.
invoking_user() {
    if [[ -n ${SUDO_USER:-} && ${SUDO_USER} != root ]]; then
        printf '%s\n' "$SUDO_USER"
    else
        id -un
    fi
}

package_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Installs what the project needs (postgresql-15, libpq-dev, socat, libqrencode-dev, zbar-tools, python3-yaml)
# when missing. As root: keeps postgresql-common from creating its default cluster,
# runs `apt-get update` once, installs. Not root: says what to install and exits 1.
ensure_packages() {
    local wanted=("${PARTSD_PACKAGES[@]}") missing=() package
    if ! command -v dpkg-query >/dev/null 2>&1; then
        # Not a Debian system: check for the programs instead and hope for the best.
        command -v socat >/dev/null 2>&1 || die "socat is missing: install it"
        [[ -n $(pg_bindir 2>/dev/null) ]] || die "PostgreSQL 15 server programs (initdb, pg_ctl) are missing"
        return 0
    fi
    for package in "${wanted[@]}"; do
        package_installed "$package" || missing+=("$package")
    done
    ((${#missing[@]} == 0)) && return 0
    if ! is_root; then
        printf 'error: missing packages: %s\n' "${missing[*]}" >&2
        printf 'install them as root:  apt-get install -y %s\n' "${missing[*]}" >&2
        printf '(first, to keep Debian from creating its own cluster:\n' >&2
        printf "  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/partsd.conf)\n" >&2
        exit 1
    fi
    mkdir -p /etc/postgresql-common/createcluster.d
    if [[ ! -f /etc/postgresql-common/createcluster.d/partsd.conf ]]; then
        printf '%s\n' '# partsd runs clusters of its own: no default cluster on install.' \
            'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/partsd.conf
    fi
    log "installing ${missing[*]}"
    if [[ -z ${PARTSD_APT_UPDATED:-} ]]; then
        apt-get update -qq
        export PARTSD_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The directory of initdb, pg_ctl, postgres, psql and pgbench.
pg_bindir() {
    local dir
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]]; then
        printf '%s\n' "$dir"
        return 0
    fi
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

# Runs a command as the owner of the clusters: as root, the postgres user (initdb, pg_ctl and
# postgres refuse root), started from / because runuser keeps the current directory.
as_cluster_owner() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# True when the cluster owner can reach DIR (every directory above it must be searchable).
cluster_owner_can_reach() {
    local dir=$1
    if is_root; then
        (cd / && runuser -u postgres -- test -x "$dir") 2>/dev/null
    else
        [[ -x $dir ]]
    fi
}

# The libpq connection string of the cluster in DIR, for database DB (default postgres).
cluster_conninfo() {
    printf 'host=%s port=%s user=postgres dbname=%s\n' "$1/run" "$PARTSD_PG_PORT" "${2:-postgres}"
}

cluster_running() {
    local dir=$1 bindir
    [[ -f $dir/data/PG_VERSION ]] || return 1
    bindir=$(pg_bindir) || return 1
    as_cluster_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# start_cluster DIR [durable|throwaway]
# Creates (initdb) and starts a PostgreSQL cluster in DIR: data in DIR/data, the Unix socket
# in DIR/run, the server log in DIR/postgres.log. No TCP. Trust authentication for the
# `postgres` user over the socket. `throwaway` turns fsync, synchronous_commit and
# full_page_writes off (test clusters); `durable` (the default) keeps them on.
# Already running: nothing to do.
start_cluster() {
    local dir=$1 durability=${2:-durable} bindir socket locale_args=()
    bindir=$(pg_bindir) || die "PostgreSQL server programs not found (install postgresql-15)"
    case $durability in
    durable | throwaway) ;;
    *) die "start_cluster: durability must be durable or throwaway, not $durability" ;;
    esac
    socket="$dir/run/.s.PGSQL.$PARTSD_PG_PORT"
    ((${#socket} <= 107)) || die "cluster directory too long for a Unix socket path (${#socket} > 107 bytes): $dir"

    mkdir -p "$dir/run"
    chmod 0755 "$dir" "$dir/run"
    if is_root; then
        chown postgres:postgres "$dir" "$dir/run"
        [[ -d $dir/data ]] && chown -R postgres:postgres "$dir/data"
        [[ -f $dir/postgres.log ]] && chown postgres:postgres "$dir/postgres.log"
    fi
    cluster_owner_can_reach "$dir" || die "the postgres user cannot reach $dir (a directory above it is not searchable)"

    if [[ ! -f $dir/data/PG_VERSION ]]; then
        if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
            locale_args=(--locale=C.UTF-8)
        else
            locale_args=(--no-locale)
        fi
        as_cluster_owner "$bindir/initdb" --no-sync -U postgres --auth=trust --encoding=UTF8 \
            "${locale_args[@]}" -D "$dir/data" >"$dir/initdb.log" 2>&1 ||
            {
                cat "$dir/initdb.log" >&2
                die "initdb failed in $dir"
            }
        printf "\ninclude_if_exists = 'partsd.conf'\n" | as_cluster_owner tee -a "$dir/data/postgresql.conf" >/dev/null
    fi

    local sync=on
    [[ $durability == throwaway ]] && sync=off
    as_cluster_owner tee "$dir/data/partsd.conf" >/dev/null <<EOF
# Written by deploy/lib.sh start_cluster on every start.
listen_addresses = ''
unix_socket_directories = '$dir/run'
unix_socket_permissions = 0777
port = $PARTSD_PG_PORT
max_connections = 300
fsync = $sync
synchronous_commit = $sync
full_page_writes = $sync
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF

    if cluster_running "$dir"; then
        return 0
    fi
    as_cluster_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null ||
        {
            tail -n 30 "$dir/postgres.log" >&2 || true
            die "PostgreSQL did not start in $dir"
        }
}

# stop_cluster DIR: a fast shutdown of the cluster in DIR, when it runs.
stop_cluster() {
    local dir=$1 bindir
    [[ -f $dir/data/postmaster.pid ]] || return 0
    bindir=$(pg_bindir) || return 0
    as_cluster_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

# cluster_psql DIR DB [psql arguments...]: psql on the cluster, quiet, stopping on errors.
cluster_psql() {
    local dir=$1 db=$2 bindir
    shift 2
    bindir=$(pg_bindir) || die "psql not found"
    "$bindir/psql" "$(cluster_conninfo "$dir" "$db")" -X -q -v ON_ERROR_STOP=1 "$@"
}

# ensure_database DIR NAME: creates database NAME in the cluster when it does not exist.
ensure_database() {
    local dir=$1 name=$2
    if [[ $(cluster_psql "$dir" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'") != 1 ]]; then
        cluster_psql "$dir" postgres -c "CREATE DATABASE \"$name\""
    fi
}

# The directory of the embedded default (cluster, daemon socket, log, pid file): the repo's
# var/, or /tmp/partsd-<hash of the repo path> when var/ would make a socket path too long or
# the postgres user cannot reach the repo.
embedded_var_dir() {
    local var="$PARTSD_ROOT/var" hash
    local longest="$var/pg/run/.s.PGSQL.$PARTSD_PG_PORT"
    if ((${#longest} <= 100)) && cluster_owner_can_reach "$PARTSD_ROOT"; then
        printf '%s\n' "$var"
        return 0
    fi
    hash=$(printf '%s' "$PARTSD_ROOT" | sha256sum | cut -c1-10)
    printf '%s\n' "/tmp/partsd-$hash"
}

# The pid in PIDFILE when that process is a live partsd (not a zombie, not a reused pid).
running_pid() {
    local pidfile=$1 pid
    [[ -f $pidfile ]] || return 1
    pid=$(<"$pidfile")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    process_alive "$pid" || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == partsd ]] || return 1
    printf '%s\n' "$pid"
}

# True when PID is a live process (`kill -0` also succeeds on a zombie: read its state).
process_alive() {
    local state
    state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true)
    [[ -n $state && $state != Z && $state != X ]]
}

# wait_for_exit PID SECONDS: true when PID is gone (or a zombie) within SECONDS.
wait_for_exit() {
    local pid=$1 deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        process_alive "$pid" || return 0
        sleep 0.1
    done
    return 1
}

# wait_for_socket PARTSCTL SOCKET PID SECONDS: true once the daemon answers ping.
wait_for_socket() {
    local partsctl=$1 socket=$2 pid=$3 deadline=$(($(date +%s) + $4))
    while (($(date +%s) < deadline)); do
        if [[ -S $socket ]] && "$partsctl" --socket "$socket" --timeout 2 ping >/dev/null 2>&1; then
            return 0
        fi
        process_alive "$pid" || return 1
        sleep 0.2
    done
    return 1
}

# start_daemon BINDIR VARDIR SOCKET CONNINFO [extra serve arguments...]
# Starts `partsd serve` in the background (log VARDIR/partsd.log, pid VARDIR/partsd.pid) unless
# it already runs, and waits until it answers ping.
start_daemon() {
    local bindir=$1 var=$2 socket=$3 conninfo=$4 pid
    shift 4
    if pid=$(running_pid "$var/partsd.pid"); then
        log "partsd already runs (pid $pid)"
        return 0
    fi
    ((${#socket} <= 107)) || die "socket path too long (${#socket} > 107 bytes): $socket"
    [[ -x $bindir/partsd ]] || die "$bindir/partsd is not built"
    rm -f "$socket"
    log "starting partsd on $socket"
    setsid "$bindir/partsd" serve --socket "$socket" --database "$conninfo" "$@" \
        </dev/null >>"$var/partsd.log" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$var/partsd.pid"
    if ! wait_for_socket "$bindir/partsctl" "$socket" "$pid" 60; then
        tail -n 30 "$var/partsd.log" >&2 || true
        stop_daemon "$var"
        die "partsd did not answer on $socket (log: $var/partsd.log)"
    fi
}

# stop_daemon VARDIR: SIGTERM to the daemon in VARDIR/partsd.pid, SIGKILL after 30 s.
stop_daemon() {
    local var=$1 pid
    if pid=$(running_pid "$var/partsd.pid"); then
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_for_exit "$pid" 30; then
            warn "partsd (pid $pid) did not stop within 30 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
            wait_for_exit "$pid" 5 || true
        fi
    fi
    rm -f "$var/partsd.pid"
}

# write_build_commit BINDIR: writes BINDIR/partsd.commit, the commit `status` and
# partsd_build_info report: `git describe` of this source tree ("-dirty" when it has changes),
# or, in a tarball made by `git archive`, the commit git wrote into COMMIT; else "unknown".
write_build_commit() {
    local bindir=$1 commit=unknown top
    top=$(git -C "$PARTSD_ROOT" rev-parse --show-toplevel 2>/dev/null || true)
    if [[ -n $top && $(cd "$top" && pwd -P) == "$PARTSD_ROOT" ]]; then
        commit=$(git -C "$PARTSD_ROOT" describe --always --dirty --abbrev=12 2>/dev/null || printf unknown)
    elif [[ -f $PARTSD_ROOT/COMMIT ]] && ! grep -q 'Format:' "$PARTSD_ROOT/COMMIT"; then
        commit=$(head -n 1 "$PARTSD_ROOT/COMMIT")
    fi
    printf '%s\n' "$commit" >"$bindir/partsd.commit"
}

# cpu_ticks PID: the user and system CPU of a process so far, in clock ticks (getconf CLK_TCK
# a second); 0 for one that is gone.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# cpu_mark DIR: "pid ticks" for the postmaster of the cluster in DIR and each of its
# processes now, one a line, for cpu_since.
cpu_mark() {
    local postmaster pid
    postmaster=$(head -n 1 "$1/data/postmaster.pid")
    for pid in "$postmaster" $(pgrep -P "$postmaster"); do printf '%s %s\n' "$pid" "$(cpu_ticks "$pid")"; done
}

# cpu_since MARK DIR: the CPU seconds the cluster in DIR used since cpu_mark printed MARK,
# counting processes that started since from nothing (one that ended since is lost: the
# daemon's pool keeps its backends).
cpu_since() {
    local mark=$1 now
    now=$(cpu_mark "$2")
    awk -v hz="$(getconf CLK_TCK)" 'NR == FNR { before[$1] = $2; next } { used += $2 - before[$1] }
        END { printf "%.2f", used / hz }' <(printf '%s\n' "$mark") <(printf '%s\n' "$now")
}

# bench_catalogue BINDIR SOCKET PARTS QUANTITY: loads a benchmark's catalogue through the
# daemon on SOCKET with BINDIR's partsctl: location MAIN, parts B-00001, B-00002 ... (cost 1.00
# to 90.99 by number, category bench) as part load requests of 100, and QUANTITY of each
# received at MAIN in receipts of 50 lines. The replies go to $work/load.out.
bench_catalogue() {
    bench_catalogue_lines "$3" "$4" | "$1/partsctl" --json --socket "$2" >"$work/load.out" ||
        die "loading failed (see $work/load.out)"
    ! grep -q '"outcome":"refused"' "$work/load.out" || die "a part was refused (see $work/load.out)"
}

bench_catalogue_lines() {
    local parts=$1 quantity=$2 i j line
    printf 'location add MAIN "Bench warehouse" kind=warehouse\n'
    for ((i = 1; i <= parts; i += 100)); do
        line="part load columns=part_no,description,cost,category"
        for ((j = i; j < i + 100 && j <= parts; j++)); do
            line+=$(printf ' B-%05d "Bench part %d" %d.%02d bench' "$j" "$j" $((1 + j % 90)) $((j % 100)))
        done
        printf '%s\n' "$line"
    done
    for ((i = 1; i <= parts; i += 50)); do
        line="receive MAIN"
        for ((j = i; j < i + 50 && j <= parts; j++)); do line+=$(printf ' B-%05d:%s' "$j" "$quantity"); done
        printf '%s note="bench opening stock"\n' "$line"
    done
}

# bench_setup PROGRAM...: for the benchmark scripts. Sets bindir (a release build, or
# $PARTSD_BIN_DIR) and checks PROGRAMs are in it; sets pgbin; makes the work directory $work
# under /tmp, whose daemon and cluster are stopped, and which is removed (unless BENCH_KEEP=1),
# when the script exits.
bench_setup() {
    ensure_packages
    cd "$PARTSD_ROOT"
    if [[ -n ${PARTSD_BIN_DIR:-} ]]; then
        bindir=$PARTSD_BIN_DIR
    else
        log "building (swift build -c release)"
        swift build -c release
        bindir=$(swift build -c release --show-bin-path)
        write_build_commit "$bindir"
    fi
    local program
    for program in "$@"; do
        [[ -x $bindir/$program ]] || die "$bindir/$program is not built"
    done
    pgbin=$(pg_bindir) || die "PostgreSQL programs not found"
    work=$(mktemp -d /tmp/partsd-bench.XXXXXX)
    chmod 0755 "$work"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# bench_start_daemon [SERVE_ARGS...]: for the benchmark scripts, after bench_setup: a durable
# cluster (fsync on) in $work/pg with database partsd migrated, and partsd serving
# $work/partsd.sock with SERVE_ARGS. Sets conninfo and socket.
bench_start_daemon() {
    log "durable PostgreSQL (fsync on) in $work/pg"
    start_cluster "$work/pg" durable
    ensure_database "$work/pg" partsd
    conninfo=$(cluster_conninfo "$work/pg" partsd)
    "$bindir/partsd" migrate --database "$conninfo" >>"$work/partsd.log" 2>&1 ||
        die "partsd migrate failed (log: $work/partsd.log)"
    socket="$work/partsd.sock"
    start_daemon "$bindir" "$work" "$socket" "$conninfo" "$@"
}

# shellcheck disable=SC2317  # called by the EXIT trap
bench_cleanup() {
    stop_daemon "$work"
    stop_cluster "$work/pg"
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
        log "kept $work"
    else
        rm -rf "$work"
    fi
}

