#!/usr/bin/env bash
# Issue 16's ensemble figures: the default ensemble (DSL + TTT, `split`, adaptive routing) at 30 s
# on all 400 ARC-AGI-1 evaluation tasks with the dihedral default model (step 4133) and today's
# `ttt=cpu`, against the DSL alone at the same commit (the run's own ablation table replays the
# DSL's candidates alone; the DSL runs first and its search's work is counted, not timed), then
# `ensemble=poe` on the same 400. Idle machine: pre-training paused.
#   1. (`ens`) `arc-solve experiment=arc1_eval` (about 65 min);
#   2. (`poe`) `arc-solve experiment=arc1_eval ensemble=poe` (about 65-80 min).
# Run dirs are here; what is committed of a finished run is its summary and one compact line per
# task (`arc-report --compact`), of an unfinished one its results.jsonl gzipped (pinned.sh unpacks
# it), so a later session resumes it: re-run the step.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/ensemble_v4
pin=$(cat $here/PIN)
case "${1:-ens}" in
  ens) name=arc1_eval_ens30 extra=() ;;
  poe) name=arc1_eval_poe30 extra=(ensemble=poe) ;;
esac
runs/bench/pinned.sh "$pin" progress=false experiment=arc1_eval "${extra[@]}" hydra.run.dir="$here/$name"
ARC_CMD=arc-report runs/bench/pinned.sh "$pin" --compact "$here/$name"
