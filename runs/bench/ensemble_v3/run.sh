#!/usr/bin/env bash
# Issue 15's last figure: the default ensemble (DSL + TTT, `split`, adaptive routing) at 30 s on
# all 400 ARC-AGI-1 evaluation tasks with session 13's search, against the DSL alone at the same
# commit (PIN; its dsl/ gives the answers of runs/bench/dsl_v11's pin 9ba7533, and the run's own
# ablation table replays the DSL's candidates alone). Idle machine: pre-training paused.
#   1. (`ens`) `arc-solve experiment=arc1_eval` (about 80 min);
#   2. (`sample`) the README's run command (the seeded 40-task sample; about 8 min).
# Full run dirs go to runs/ensv3/ (git-ignored); what is committed here per run is its summary
# and one compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/ensemble_v3
runs=runs/ensv3
pin=$(cat $here/PIN)
one() {
  name=$1
  shift
  runs/bench/pinned.sh "$pin" progress=false "$@" hydra.run.dir="$runs/$name"
  ARC_CMD=arc-report runs/bench/pinned.sh "$pin" --compact "$runs/$name"
  mkdir -p "$here/$name"
  cp "$runs/$name/summary.json" "$runs/$name/tasks.jsonl" "$here/$name/"
}
case "${1:-ens}" in
  ens) one arc1_eval_ens30 experiment=arc1_eval ;;
  sample) one sample_ens30 ;;
esac
