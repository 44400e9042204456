"""TTTSolver: per task, a fresh LoRA adapter trained on the task's demos, augmented inference,
hierarchical voting, optional product-of-experts reranking; the adapter is discarded after."""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import replace

import numpy as np
import torch
from tqdm import tqdm

from dsl.types import Budget, Candidate, Grid, Solver, SolveResult, Task, grid_key
from ttt.augment import inference_views
from ttt.data import DataConfig, build_examples
from ttt.decode import measure_rates
from ttt.discover import DiscoverConfig, discover
from ttt.format import serialized_length
from ttt.infer import (
    InferConfig,
    answer_budget,
    fit_prompt,
    hinted_length,
    max_answer_tokens,
    predict,
    predicted_shape,
)
from ttt.model import ModelConfig, load_model, plain, weights_digest
from ttt.poe import default_views, poe_score
from ttt.positions import positions_for
from ttt.train import TrainConfig, attach_adapter, detach_adapter, train_adapter
from ttt.vote import to_candidates, vote

log = logging.getLogger(__name__)

_TRAIN_KEYS = set(TrainConfig.__dataclass_fields__)
# TTT's part of the time plan (README "Time per task"); values from the config only
# (conf/ttt/cpu.yaml), so that the YAML is the one place that holds them.
_PLAN_KEYS = ("train_fraction", "safety_seconds", "inference_margin")


class TTTSolver(Solver):
    """Config: `model` (ttt.model.ModelConfig fields) and `ttt` (threads, seed, the time plan:
    train_fraction, safety_seconds, inference_margin; max_task_tokens, poe_views, data:
    DataConfig, infer: InferConfig, discover: DiscoverConfig, and TrainConfig fields at the top
    level: steps, epochs, batch_size, lr, ..., lora). `ttt.steps=0` skips test-time training and
    runs the same inference on the base model; `ttt.discover.share` > 0 gives that share of the
    training time to test-time RL."""

    name = "ttt"

    def __init__(self, model: dict | None = None, ttt: dict | None = None, name: str = "ttt"):
        self.name = name
        self.model_cfg = ModelConfig.from_dict(plain(model))
        t = dict(plain(ttt))
        threads = t.pop("threads", 1)
        self.threads = None if threads is None else int(threads)  # None: leave as the runner set
        self.seed = int(t.pop("seed", 0))
        plan = {k: t.pop(k, None) for k in _PLAN_KEYS}
        self.poe_views = int(t.pop("poe_views", 0))
        cap = t.pop("max_task_tokens", None)
        self.max_task_tokens = None if cap is None else int(cap)
        self.data_cfg = DataConfig.from_dict(t.pop("data", None))
        self.infer_cfg = InferConfig.from_dict(t.pop("infer", None))
        # views ask the adapter under the symmetries it was trained under unless told otherwise
        self.view_symmetries = self.infer_cfg.symmetries or self.data_cfg.symmetries
        self.discover_cfg = DiscoverConfig.from_dict(t.pop("discover", None))
        unknown = set(t) - _TRAIN_KEYS
        if unknown:
            raise ValueError(f"unknown ttt config keys: {sorted(unknown)}")
        self.train_cfg = TrainConfig.from_dict(t)
        missing = [f"ttt.{k}" for k, v in plan.items() if v is None]
        if missing:
            raise ValueError(f"no {', '.join(missing)} in the ttt config (conf/ttt/cpu.yaml)")
        self.train_fraction = float(plan["train_fraction"])  # of the time left, for training
        self.safety_seconds = float(plan["safety_seconds"])  # return this long before the end
        # inference time estimates come from a 1,024-token cache on a quiet process: real prompts
        # run longer and the CPU may be shared, so plans keep this factor of room
        self.inference_margin = float(plan["inference_margin"])
        self._rates: tuple[float, float, float] | None = None

    def _set_threads(self) -> None:
        if self.threads is not None:
            torch.set_num_threads(self.threads)

    def warmup(self) -> None:
        """Load the model (cached per process) and run one tiny forward pass, so a worker pays
        for it once and the tasks it forks start warm."""
        self._set_threads()
        # peft's unload opens a (disabled) tqdm bar, whose first use creates a multiprocessing
        # lock: made here once per worker, not in each forked task process, which exits without
        # releasing it (the run's "leaked semaphore objects" warning at shutdown)
        tqdm.get_lock()
        model, tok, _ = load_model(self.model_cfg)
        ids = torch.tensor([[tok.bos_token_id or 0, *tok("0\n")["input_ids"]]])
        with torch.inference_mode():
            model(input_ids=ids.to(next(model.parameters()).device))
        self._measure(model, tok)

    def _measure(self, model, tok) -> tuple[float, float, float]:
        """This process's inference speed (measured once: prefill, decode of 1 and of a batch)."""
        if self._rates is None:
            self._rates = measure_rates(model, tok, batch=max(1, self.infer_cfg.batch_size))
        return self._rates

    def _inference_seconds(
        self, model, tok, task: Task, prompts: list, n_views: int | None = None
    ) -> float:
        """Expected inference time from this process's measured prefill rate and decode step
        time: every view prefills about the full prompt and decodes its answer (`_answer_tokens`).
        `prompts`: (ids, demos) or None per test input; `n_views`: default the configured."""
        prefill_tok_s, step_1, step_b = self._measure(model, tok)
        n_views = n_views or self.infer_cfg.views
        batch = 1 if self.infer_cfg.sampler == "dfs" else max(1, self.infer_cfg.batch_size)
        b = min(batch, n_views)  # decode step cost grows about linearly from 1 to `batch` rows
        per_batch_step = step_1 + (step_b - step_1) * (b - 1) / max(1, batch - 1)
        samples = self.infer_cfg.max_samples if self.infer_cfg.sampler == "dfs" else 1
        total = 0.0
        for i, got in enumerate(prompts):
            if got is None:
                continue
            answer = self._answer_tokens(task, i)
            total += n_views * len(got[0]) / prefill_tok_s
            total += -(-n_views // batch) * samples * answer * per_batch_step
        return total

    def _poe_seconds(self, model, tok, task: Task, prompts: list, extra=None) -> float:
        """Expected time of the product-of-experts reranks `_infer` will run (with `poe_views`,
        or to score `extra` grids): one forward pass over prompt and answer per candidate and
        view, at the measured prefill rate."""
        prefill_tok_s = self._measure(model, tok)[0]
        n_views = self.poe_views or 8
        total = 0.0
        for i, got in enumerate(prompts):
            n_extra = len(extra[i]) if extra is not None and i < len(extra) else 0
            if got is None or not (self.poe_views > 0 or n_extra):
                continue
            n = self.infer_cfg.max_candidates + n_extra
            total += n * n_views * (len(got[0]) + self._answer_tokens(task, i)) / prefill_tok_s
        return total

    def _answer_tokens(self, task: Task, i: int) -> int:
        """Tokens test input `i`'s answer decodes to at most: the shape hint's exact length where
        `predict` holds decoding to it (a 1x1 answer to a 30x30 input decodes 3 tokens, not
        930), else room for the largest grid the task shows."""
        cap = max_answer_tokens(self.infer_cfg.max_answer_tokens, self.model_cfg.fmt)
        target = predicted_shape(task, i) if self.infer_cfg.shape_hint else None
        if target:
            return min(cap, hinted_length(target, self.model_cfg.fmt))
        return min(cap, answer_budget(task, i, self.model_cfg.fmt))

    def _prompts(self, task: Task, tok, ctx: int) -> list:
        """Per test input: (prompt ids, demos kept) that fit the context with room for the
        answer, or None."""
        fmt = self.model_cfg.fmt
        return [
            fit_prompt(tok, task.train, q, fmt, ctx, answer_budget(task, i, fmt))
            for i, q in enumerate(task.test_inputs)
        ]

    def fingerprint(self) -> dict:
        """The weights' digest (retrained weights under the same path are another solver)."""
        return {"model": weights_digest(self.model_cfg.path)}

    def declines(self, task: Task) -> str | None:
        """Why this solver takes no part in the task, or None: its full serialization is longer
        than `ttt.max_task_tokens` (checked without loading the model), or no test input fits
        the model's context. The ensemble then gives the program search the whole budget."""
        if self.max_task_tokens is not None:
            n = serialized_length(task, self.model_cfg.fmt)
            if n > self.max_task_tokens:
                return f"longer than ttt.max_task_tokens ({n} > {self.max_task_tokens} tokens)"
        _, tok, ctx = load_model(self.model_cfg)
        if any(p is not None for p in self._prompts(task, tok, ctx)):
            return None
        return f"too long for the model's context ({ctx} tokens)"

    def _views_that_fit(self, model, tok, task: Task, i: int, prompt, seconds: float) -> int:
        """The most views (up to the configured) whose expected inference fits `seconds`: under
        a short budget fewer views finish instead of all being cut off unparsed."""
        n = self.infer_cfg.views
        one = [prompt if k == i else None for k in range(len(task.test_inputs))]
        while (
            n > 1
            and self.inference_margin * self._inference_seconds(model, tok, task, one, n) > seconds
        ):
            n -= 1
        return n

    def solve(
        self, task: Task, budget: Budget, extra: list[list[Grid]] | None = None
    ) -> SolveResult:
        """One ranked candidate list per test input. `extra` (optional, one list of grids per test
        input, e.g. the DSL's outputs) joins the pool and everything is ranked by the
        product-of-experts score under the task's adapter."""
        self._set_threads()
        end = time.monotonic() + budget.remaining() - self.safety_seconds
        model, tok, ctx = load_model(self.model_cfg)
        fmt = self.model_cfg.fmt
        n_test = len(task.test_inputs)
        detail: dict = {"task_id": task.id}
        prompts = self._prompts(task, tok, ctx)
        if all(p is None for p in prompts):
            detail["status"] = "too_long"
            log.warning("task %s: too long for the model's context (%d tokens)", task.id, ctx)
            return SolveResult([[] for _ in range(n_test)], detail)

        rng = np.random.default_rng([self.seed, zlib.crc32(task.id.encode())])
        torch.manual_seed(self.seed)
        data_cfg = replace(self.data_cfg, max_tokens=min(self.data_cfg.max_tokens, ctx))
        net = model
        adapter = None
        try:
            if self.train_cfg.steps != 0:
                examples, dstats = build_examples(task, tok, data_cfg, rng, fmt)
                detail["data"] = dstats
                left = end - time.monotonic()
                reserve = self.inference_margin * (
                    self._inference_seconds(model, tok, task, prompts)
                    + self._poe_seconds(model, tok, task, prompts, extra)
                )
                seconds = min(left * self.train_fraction, left - reserve)
                detail["inference_reserve_s"] = round(reserve, 2)
                if examples and seconds > 0:
                    adapter = attach_adapter(model, self.train_cfg.lora)
                    net = adapter
                    rl_s = seconds * self.discover_cfg.share  # test-time RL after supervision
                    positions = positions_for(model, tok, fmt)
                    detail["train"] = train_adapter(
                        adapter,
                        examples,
                        self.train_cfg,
                        seconds - rl_s,
                        rng,
                        tok.pad_token_id,
                        positions,
                    )
                    if rl_s > 0:
                        rl_s = min(rl_s, end - time.monotonic() - reserve)
                        detail["discover"] = discover(
                            adapter,
                            tok,
                            task,
                            self.discover_cfg,
                            rl_s,
                            rng,
                            fmt,
                            ctx,
                            positions,
                            data_cfg.symmetries,
                        )
            out = self._infer(net, tok, task, ctx, prompts, end, rng, detail, extra)
        finally:
            if adapter is not None:
                detach_adapter(adapter)
        return SolveResult(out, detail)

    def _infer(
        self, net, tok, task, ctx, prompts, end, rng, detail, extra
    ) -> list[list[Candidate]]:
        fmt = self.model_cfg.fmt
        n_test = len(task.test_inputs)
        results: list[list[Candidate]] = []
        detail["infer"] = []
        for i in range(n_test):
            if prompts[i] is None:  # too long for the context (solve checked that one fits)
                detail["infer"].append({"status": "too_long"})
                results.append([])
                continue
            # split what is left evenly over the remaining test inputs
            deadline = time.monotonic() + (end - time.monotonic()) / (n_test - i)
            n_views = self._views_that_fit(
                net, tok, task, i, prompts[i], deadline - time.monotonic()
            )
            views = inference_views(
                n_views,
                len(task.train),
                rng,
                self.infer_cfg.colours,
                self.infer_cfg.keep_zero,
                self.infer_cfg.shuffle,
                self.view_symmetries,
            )
            preds, stats = predict(net, tok, task, i, views, self.infer_cfg, ctx, fmt, deadline)
            tallies = vote(preds, self.infer_cfg.top_k_per_group)
            cands = to_candidates(tallies, len(preds), self.infer_cfg.max_candidates, self.name)
            extra_i = extra[i] if extra is not None and i < len(extra) else []
            if self.poe_views > 0 and time.monotonic() < end:
                cands = self._rerank(net, tok, task, i, cands, [], ctx, end)
            # the order TTT alone submits, kept through a rerank done only for the ensemble
            for k, c in enumerate(cands):
                c.detail["own_rank"] = k
            if extra_i and time.monotonic() < end:
                cands = self._rerank(net, tok, task, i, cands, extra_i, ctx, end)
            detail["infer"].append(stats)
            results.append(cands)
        return results

    def _rerank(self, net, tok, task, i, cands, extra_i, ctx, end) -> list[Candidate]:
        """Score every candidate (and the extra grids) by product of experts; best first."""
        seen = {grid_key(c.grid) for c in cands}
        for g in extra_i:
            g = np.ascontiguousarray(np.asarray(g, dtype=np.int8))
            if grid_key(g) not in seen:
                seen.add(grid_key(g))
                cands.append(Candidate(g, 0.0, self.name, {"votes": 0, "views": 0, "extra": True}))
        views = default_views(self.poe_views or 8, len(task.train), self.view_symmetries)
        # the grids the caller asked about first: under the deadline they are what it needs
        wanted = {grid_key(np.asarray(g, dtype=np.int8)) for g in extra_i}
        for c in sorted(cands, key=lambda c: grid_key(c.grid) not in wanted):
            if c.detail.get("poe") is not None:  # scored by an earlier rerank
                continue
            if time.monotonic() >= end:
                c.detail["poe"] = None
                continue
            c.detail["poe"] = poe_score(net, tok, task, i, c.grid, views, self.model_cfg.fmt, ctx)
        scored = [c for c in cands if c.detail["poe"] is not None]
        rest = [c for c in cands if c.detail["poe"] is None]
        scored.sort(key=lambda c: -c.detail["poe"])
        return scored + rest
