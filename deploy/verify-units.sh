#!/usr/bin/env bash
# Checks the systemd units offline: `systemd-analyze verify --man=no --recursive-errors=yes`
# on every unit in systemd/, and `systemd-analyze security --offline=true` on the services.
#   deploy/verify-units.sh [BINDIR]
# verify insists that every ExecStart= program exists and is executable, and the units name
# /usr/local/bin/partsd and /usr/local/bin/partsctl, which a test machine need not have: the
# units are copied to a temporary directory with /usr/local/bin/ replaced by BINDIR (the built
# binaries), or, without BINDIR, by a directory of stub executables.
# Exits non-zero when verify reports anything at all (warnings included: an unknown key is a
# typo) or when a service's exposure score is above PARTSD_UNITS_MAX_EXPOSURE (default 1.0, the bar the daemon's unit is held to).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

command -v systemd-analyze >/dev/null 2>&1 || {
    echo "error: systemd-analyze not found (Debian package systemd)" >&2
    exit 2
}

work=$(mktemp -d /tmp/partsd-units.XXXXXX)
trap 'rm -rf "$work"' EXIT

if (($# > 0)); then
    bindir=$(cd "$1" && pwd -P)
    for program in partsd partsctl; do
        [[ -x $bindir/$program ]] || {
            echo "error: $bindir/$program is missing or not executable" >&2
            exit 2
        }
    done
else
    bindir=$work/bin
    mkdir -p "$bindir"
    for program in partsd partsctl; do
        printf '#!/bin/sh\nexit 0\n' >"$bindir/$program"
        chmod 0755 "$bindir/$program"
    done
fi

units=()
for unit in "$root"/systemd/*.service "$root"/systemd/*.socket "$root"/systemd/*.timer; do
    [[ -e $unit ]] || continue
    sed "s#/usr/local/bin/#$bindir/#g" "$unit" >"$work/$(basename "$unit")"
    units+=("$work/$(basename "$unit")")
done
# The optional drop-ins (systemd/<unit>.d/*.conf) are verified with their units; the exposure
# below is scored on the units as shipped, without them.
mkdir -p "$work/scored"
cp "$work"/*.service "$work/scored/"
for dropins in "$root"/systemd/*.d; do
    [[ -d $dropins ]] && cp -r "$dropins" "$work/"
done
((${#units[@]} > 0)) || {
    echo "error: no units in $root/systemd" >&2
    exit 2
}

status=0
output=$(cd "$work" && systemd-analyze verify --man=no --recursive-errors=yes "${units[@]}" 2>&1) || status=$?
if [[ -n $output ]]; then
    printf '%s\n' "$output" >&2
fi
if ((status != 0)) || [[ -n $output ]]; then
    echo "FAIL: systemd-analyze verify (exit $status) on ${#units[@]} units" >&2
    exit 1
fi
echo "ok: systemd-analyze verify: ${#units[@]} units"

threshold=${PARTSD_UNITS_MAX_EXPOSURE:-1.0}
for unit in "$work"/scored/*.service; do
    report=$(systemd-analyze security --offline=true "$unit" 2>&1) || true
    score=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    if [[ -z $score ]]; then
        printf '%s\n' "$report" >&2
        echo "FAIL: no exposure level for $(basename "$unit")" >&2
        exit 1
    fi
    if awk -v s="$score" -v t="$threshold" 'BEGIN { exit !(s > t) }'; then
        printf '%s\n' "$report" >&2
        echo "FAIL: $(basename "$unit") exposure $score is above $threshold" >&2
        exit 1
    fi
    echo "ok: $(basename "$unit") exposure $score"
done
