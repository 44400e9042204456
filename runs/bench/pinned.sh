#!/usr/bin/env bash
# arc-solve (or another entry point: ARC_CMD=arc-report) with the code of a pinned commit, checked
# out as a worktree in runs/frozen/PIN, so that a benchmark spanning sessions runs one code
# version while main moves on (each record's "code" digest confirms it).
#   usage: runs/bench/pinned.sh PIN [overrides...]
set -euo pipefail
cd "$(dirname "$0")/../.."
pin=$1
shift
code=runs/frozen/$pin
[ -d "$code" ] || git worktree add --detach "$code" "$pin" >&2
# What git keeps of a run dir: a finished run's summary.json and tasks.jsonl (arc-report
# --compact), so it is not run again; an unfinished one's results compressed, unpacked to resume.
dir=$(printf '%s\n' "$@" | sed -n 's/^hydra\.run\.dir=//p' | tail -n 1)
if [ "${ARC_CMD:-arc-solve}" = arc-solve ] && [ -n "$dir" ]; then
  if [ -e "$dir/tasks.jsonl" ]; then
    echo "$dir: finished (summary.json, tasks.jsonl); not run again" >&2
    exit 0
  fi
  if [ -e "$dir/results.jsonl.gz" ] && [ ! -e "$dir/results.jsonl" ]; then
    gunzip -k "$dir/results.jsonl.gz"
  fi
fi
PYTHONPATH="$code" exec .venv/bin/"${ARC_CMD:-arc-solve}" "$@"
