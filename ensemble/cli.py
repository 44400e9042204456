"""Command-line entry points. Every @hydra.main of the project lives here.

- arc-solve [overrides]           run a solver over a task set (Hydra app, conf/config.yaml)
- arc-score SUBMISSION --solutions SOURCE
- arc-report RUN_DIR | --compare RUN_A RUN_B
- arc-pretrain [overrides]        pre-train the default TTT model (conf/pretrain.yaml)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

CONF_DIR = str(Path(__file__).resolve().parent.parent / "conf")


def format_summary(summary: dict) -> str:
    """A few human lines for the end of a run."""
    lines = [f"solver {summary.get('solver')}  data {summary.get('data')}"]
    if "score" in summary:
        lines.append(
            f"score {summary['score']:.4f} (mean per-task fraction, 2 attempts)  "
            f"per output {summary['score_per_output']:.4f}  "
            f"({summary['n_solved_outputs']}/{summary['n_outputs']} outputs, "
            f"{summary['n_tasks_scored']} tasks scored)"
        )
    if "cell_accuracy" in summary:
        lines.append(
            f"cell accuracy {summary['cell_accuracy']:.4f} (best attempt per output; "
            "a wrong shape counts 0)"
        )
    counts = "  ".join(f"{k} {v}" for k, v in summary["status_counts"].items() if v)
    t = summary["time_s"]
    lines.append(f"tasks {summary['n_tasks_run']}: {counts}")
    lines.append(f"time per task: median {t['median']}s  p90 {t['p90']}s  max {t['max']}s")
    mem = summary.get("peak_rss_mb") or {}
    if mem.get("max"):
        lines.append(f"peak memory per task: median {mem['median']} MB  max {mem['max']} MB")
    for src, s in sorted(summary.get("by_source", {}).items()):
        lines.append(
            f"  {src:>10}: correct in attempts {s['attempts_correct']}, "
            f"oracle {s['oracle_correct']}, outputs answered {s['outputs_with_candidates']}"
        )
    table = summary.get("ablation") or {}
    if len(table) > 3:  # more than one solver: show what each alone, combined and oracle score
        lines.append("ablation: " + "  ".join(f"{k} {v:.4f}" for k, v in table.items()))
    if summary.get("routing"):
        lines.append("routing: " + "  ".join(f"{k} {v}" for k, v in summary["routing"].items()))
    return "\n".join(lines)


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="config")
def solve_main(cfg: DictConfig) -> dict:
    """arc-solve: run, write results.jsonl / submission.json / summary.json (/ report.html)."""
    from hydra.core.hydra_config import HydraConfig

    from ensemble.runner import run
    from ensemble.submission import write_json_atomic

    run_dir = Path(HydraConfig.get().runtime.output_dir)
    plain = OmegaConf.to_container(cfg, resolve=True)
    write_json_atomic(run_dir / "config.json", plain)
    try:
        summary = run(plain, run_dir, progress=bool(cfg.progress))
    except KeyboardInterrupt as e:  # Ctrl-C, or a SIGTERM (ensemble.runner.Stopped)
        print(f"\ninterrupted: finished tasks are in {run_dir / 'results.jsonl'}; run the same "
              f"command with hydra.run.dir={run_dir} to resume", file=sys.stderr)  # fmt: skip
        raise SystemExit(128 + getattr(e, "signum", 2)) from None  # 130 Ctrl-C, 143 SIGTERM
    print(format_summary(summary))
    if cfg.report:
        try:
            from ensemble.report import write_report

            print(f"report: {write_report(run_dir)}")
        except (ImportError, OSError, ValueError) as e:
            print(f"report not written: {e}", file=sys.stderr)
    print(f"run dir: {run_dir}")
    return summary


def _solutions_from(source: str) -> dict[str, list]:
    """{task_id: [output grids]} from a bundled set name, a Kaggle solutions file, or tasks with
    outputs (a directory of task files or a challenges file)."""
    from dsl.types import grid_to_list
    from ensemble.data import BUNDLED, load_tasks

    path = Path(source)
    if source in BUNDLED:
        loaded = load_tasks({"name": source})
    else:
        data = json.loads(path.read_text()) if path.is_file() else None
        if isinstance(data, dict) and data and all(isinstance(v, list) for v in data.values()):
            return data  # Kaggle solutions: {task_id: [grid, ...]}
        loaded = load_tasks({"name": "path", "path": source})
    return {
        t.id: [grid_to_list(g) for g in t.test_outputs]
        for t in loaded.tasks
        if t.test_outputs is not None
    }


def score_main(argv: list[str] | None = None) -> int:
    """arc-score: score a submission.json against known solutions."""
    from ensemble.scoring import score_submission
    from ensemble.submission import SubmissionError, validate

    ap = argparse.ArgumentParser(prog="arc-score", description=score_main.__doc__)
    ap.add_argument("submission", type=Path)
    ap.add_argument(
        "--solutions", required=True,
        help="bundled set (arc1_eval, ...), Kaggle solutions JSON, or tasks with outputs",
    )  # fmt: skip
    ap.add_argument(
        "--subset", action="store_true",
        help="score only the tasks the submission contains (default: every task in the solutions; "
        "missing ones score 0)",
    )  # fmt: skip
    args = ap.parse_args(argv)
    submission = json.loads(args.submission.read_text())
    try:
        validate(submission)
    except SubmissionError as e:
        print(f"invalid submission: {e}", file=sys.stderr)
        return 2
    solutions = _solutions_from(args.solutions)
    if args.subset:
        solutions = {k: v for k, v in solutions.items() if k in submission}
    result = score_submission(submission, solutions)
    print(json.dumps({k: v for k, v in result.items() if k != "missing_tasks"}, indent=1))
    if result["missing_tasks"]:
        print(f"{len(result['missing_tasks'])} tasks missing from the submission (scored 0)")
    return 0


def report_main(argv: list[str] | None = None) -> int:
    """arc-report: see ensemble.report."""
    from ensemble.report import main

    return main(argv)


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="pretrain")
def pretrain_main(cfg: DictConfig) -> None:
    """arc-pretrain: pre-train the default TTT model from scratch (see ttt.pretrain)."""
    from ttt.pretrain import main

    main(cfg)
