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
PYTHONPATH="$code" exec .venv/bin/"${ARC_CMD:-arc-solve}" "$@"
