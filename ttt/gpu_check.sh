#!/usr/bin/env bash
# The prepared GPU check (issue 16): run from the repository root on a lent GPU machine, e.g.
#   bash ttt/gpu_check.sh 3        # 3 minutes of pre-training; results under $OUT
# 1. installs what the machine lacks (torch pinned as the README says, then the project);
# 2. runs the gpu-marked tests; 3. python -m ttt.gpu_check: pre-training and TTT throughput on
# CUDA (synchronised clocks), a few minutes of pre-training, bf16 weights to $OUT/pretrain/weights.
# Every step logs to $OUT/check.log and a failing step does not stop the next.
set -u
MINUTES=${1:-3}
OUT=${OUT:-runs/gpu_check}
mkdir -p "$OUT"
log() { echo "[gpu_check $(date +%T)] $*" | tee -a "$OUT/check.log"; }
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
log "python: $($PY --version 2>&1)"
nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1 || log "nvidia-smi failed"

if ! $PY -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  log "no CUDA torch: pip install torch==2.13.0"
  $PY -m pip install -q "torch==2.13.0" >>"$OUT/check.log" 2>&1 || log "torch install failed"
fi
if ! $PY -c "import transformers, peft, hydra, numba, ttt.model" 2>/dev/null; then
  log "project missing: pip install -e '.[dev]' (torch pinned)"
  $PY -m pip install -q "torch==2.13.0" -e '.[dev]' >>"$OUT/check.log" 2>&1 || log "install failed"
fi
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())" \
  2>&1 | tee -a "$OUT/check.log"

log "gpu-marked tests"
$PY -m pytest -q -m gpu tests/ >"$OUT/pytest_gpu.txt" 2>&1
log "pytest -m gpu: exit $? ($(tail -1 "$OUT/pytest_gpu.txt"))"

log "throughput and $MINUTES minutes of pre-training"
$PY -m ttt.gpu_check --out "$OUT" --minutes "$MINUTES" 2>&1 | tail -40 >>"$OUT/check.log"
log "done: $OUT/gpu_check.json"
rm -rf "$OUT/pretrain/run"  # float32 + optimizer state: over the size that comes back
