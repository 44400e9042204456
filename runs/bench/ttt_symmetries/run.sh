#!/usr/bin/env bash
# TTT under all 8 symmetries against TTT on the task as given (2026-12-07): the probe on the first
# 60 ARC-AGI-1 training tasks (50 fit 2,048 tokens; a tuning set), 30 s a task, with and without
# TTT. MODEL: the dihedral run's step-3610 weights (runs/exp/f3610, not kept) or the shipped model
# (ttt/assets/default_model). The summaries beside this script are the runs' outputs; the
# settings before this date were those of sym8 (conf/ttt/cpu.yaml then: data.symmetries all 8,
# colour_copies 3, 8 views over the symmetries).
set -euo pipefail
cd "$(dirname "$0")/../../.."
MODEL=${MODEL:-ttt/assets/default_model}
P=(.venv/bin/python -m ttt.probe model.path="$PWD/$MODEL" 'probe.families=[]' probe.arc1_train=60
   ttt.threads=1 probe.ttt=true out.curve=runs/probe/curve.jsonl)
ALL8=('ttt.data.symmetries=[0,1,2,3,4,5,6,7]' ttt.data.colour_copies=3 'ttt.infer.symmetries=[0,1,2,3,4,5,6,7]')
case "${1:-sym1v8}" in
  sym8) "${P[@]}" "${ALL8[@]}" out.summary=runs/probe/sym8.json ;;
  sym1) "${P[@]}" ttt.infer.views=1 out.summary=runs/probe/sym1.json ;;   # identity, one view
  sym1v8) "${P[@]}" out.summary=runs/probe/sym1v8.json ;;   # today's default: identity, 8 colour views
esac
