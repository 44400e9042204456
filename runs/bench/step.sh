#!/usr/bin/env bash
# One benchmark step: `arc-solve solver=dsl` with 2 workers at the commit pinned in HERE/PIN, into
# RUNS/NAME (git-ignored), then its summary and one compact line per task copied to HERE/NAME
# (committed). Resumable: pinned.sh finishes an unfinished run and skips a finished one.
#   usage: runs/bench/step.sh HERE RUNS NAME [overrides...]
set -euo pipefail
cd "$(dirname "$0")/../.."
here=$1 runs=$2 name=$3
shift 3
pin=$(cat "$here/PIN")
runs/bench/pinned.sh "$pin" solver=dsl parallel.n_jobs=2 report=false progress=false "$@" \
  hydra.run.dir="$runs/$name"
ARC_CMD=arc-report runs/bench/pinned.sh "$pin" --compact "$runs/$name"
mkdir -p "$here/$name"
cp "$runs/$name/summary.json" "$runs/$name/tasks.jsonl" "$here/$name/"
