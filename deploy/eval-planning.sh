#!/usr/bin/env bash
# Planning evaluation (issue 15): a seeded synthetic catalogue planned by partsd through the
# admin socket, then the following year simulated with weekly review against the hand-set
# min/max practice scaled to the same fill rate. See deploy/eval_planning.py for the model.
#
#   deploy/eval-planning.sh                 # 600 parts, the fixed seed
#   EVAL_PARTS=1200 EVAL_SEED=7 deploy/eval-planning.sh
#
# Prints, per demand class: fill rate of partsd's levels and of min/max, lines fully served,
# average stock value of both and their ratio, stock-out weeks, and forecast total against the
# demand that followed.
#
# Settings (environment):
#   EVAL_PARTS       parts in the catalogue (default 600)
#   EVAL_SEED        the generator's seed (default 20261201)
#   EVAL_MEASURE     fill or cycle: plan set service_measure= (default: the daemon's, fill)
#   EVAL_MODEL       analytic or bootstrap: plan set demand_model= (default: the daemon's, analytic)
#   EVAL_METHOD_CHOICE  class or simulation: plan set method_choice= (default: the daemon's); with
#                    simulation, job run method-trial replays every part before it is planned
#   EVAL_DUMP        also write every part's series and plan (JSON) to this file
#   PARTSD_BIN_DIR   use these binaries instead of building
set -euo pipefail
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_setup partsd
bench_start_daemon --grant "$(id -un)=admin"
log "planning ${EVAL_PARTS:-600} parts and simulating a year"
python3 "$PARTSD_ROOT/deploy/eval_planning.py" --socket "$socket" --parts "${EVAL_PARTS:-600}" --seed "${EVAL_SEED:-20261201}" \
    ${EVAL_MEASURE:+--measure "$EVAL_MEASURE"} ${EVAL_DUMP:+--dump "$EVAL_DUMP"} \
    ${EVAL_MODEL:+--demand-model "$EVAL_MODEL"} ${EVAL_METHOD_CHOICE:+--method-choice "$EVAL_METHOD_CHOICE"}
