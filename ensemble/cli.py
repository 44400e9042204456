"""Command-line entry points: every CLI of the project lives here. The two that run configured
work are Hydra apps; the two that read files take a few plain arguments (argparse).

- arc-solve [overrides]           run a solver over a task set (Hydra app, conf/config.yaml)
- arc-score SUBMISSION --solutions SOURCE               (argparse)
- arc-report RUN_DIR | --compare RUN_A RUN_B            (argparse)
- arc-pretrain [overrides]        pre-train the default TTT model (conf/pretrain.yaml)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

import conf

# conf/ is the top-level package conf, in a checkout and in an installed wheel alike (pyproject
# ships it): its location is the config tree's.
CONF_DIR = str(Path(conf.__file__).resolve().parent)

log = logging.getLogger(__name__)  # status lines; conf/hydra/job_logging/status.yaml prints them


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


def _one_line(text: str) -> str:
    """A multi-line message (Hydra's) as one line, without Hydra's search-path dump."""
    text = str(text).split("\nConfig search path")[0].removeprefix("In 'config': ")
    out, listing = "", False
    for part in (p.strip() for p in text.splitlines()):
        if part:
            sep = " " if out.endswith(":") else ", " if listing else "; "
            listing = out.endswith(":") or listing
            out = f"{out}{sep}{part}" if out else part
    return out


def _usage_exit(message: str) -> SystemExit:
    print(f"arc-solve: {message}", file=sys.stderr)
    return SystemExit(2)


def _bad_override(overrides: list[str]) -> str | None:
    """The first override Hydra's grammar cannot parse, or None."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    parser = OverridesParser.create()
    for o in overrides:
        try:
            parser.parse_overrides([o])
        except OverrideParseException:
            return o
    return None


def precheck(overrides: list[str]) -> None:
    """Compose the config the command line names and check it before Hydra starts the job
    (Hydra writes into the run dir and sets up logging there first): raise SystemExit(2) with one
    line for an override Hydra cannot apply, an unusable value (ensemble.checks), a run dir that
    cannot be written, or one another arc-solve holds (whose lock this process then keeps)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.hydra_config import HydraConfig
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from ensemble import runlock
    from ensemble.checks import UsageError, check_config, check_writable

    try:
        with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
            cfg = compose("config", overrides=overrides, return_hydra_config=True)
            HydraConfig.instance().set_config(cfg)
            plain = {
                str(k): OmegaConf.to_container(cfg[k], resolve=True)
                if OmegaConf.is_config(cfg[k])
                else cfg[k]
                for k in cfg
                if k != "hydra"
            }
            run_dir = Path(str(cfg.hydra.run.dir))
    except HydraException as e:
        bad = _bad_override(overrides)
        where = f"override {bad!r}: " if bad else ""
        raise _usage_exit(f"{where}{_one_line(e)}") from None
    except OmegaConfBaseException as e:
        raise _usage_exit(f"config: {_one_line(e)}") from None
    try:
        check_config(plain)
        check_writable(run_dir)
        if run_dir.is_dir():  # a resume: refuse before Hydra rewrites its .hydra/ files
            runlock.acquire(run_dir)
    except UsageError as e:
        raise _usage_exit(str(e)) from None


def solve_main() -> None:
    """arc-solve: check the command line (exit 2 with one line when it cannot run), then run."""
    args = sys.argv[1:]
    # flags (--help, --cfg, -m, ...) are Hydra's own business; multirun sweeps check per job
    if not any(a.startswith("-") for a in args):
        precheck(args)
    _solve_app()


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="config")
def _solve_app(cfg: DictConfig) -> dict:
    """arc-solve: run, write results.jsonl / submission.json / summary.json (/ report.html)."""
    from hydra.core.hydra_config import HydraConfig

    from ensemble import runlock
    from ensemble.checks import UsageError, check_config
    from ensemble.run.loop import run
    from ensemble.submission import write_json_atomic

    run_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        plain = OmegaConf.to_container(cfg, resolve=True)
        check_config(plain)
    except UsageError as e:
        raise _usage_exit(str(e)) from None
    except Exception as e:  # noqa: BLE001 - an interpolation OmegaConf cannot resolve
        raise _usage_exit(f"config: {_one_line(e)}") from None
    try:
        runlock.acquire(run_dir)  # before writing here (run() takes it again, and releases it)
        write_json_atomic(run_dir / "config.json", plain)
        summary = run(plain, run_dir, progress=bool(cfg.progress))
    except UsageError as e:
        raise _usage_exit(str(e)) from None
    except KeyboardInterrupt as e:  # Ctrl-C, or a SIGTERM (ensemble.run.loop.Stopped)
        signum = getattr(e, "signum", 2)
        why = "stopped by SIGTERM" if signum == 15 else "interrupted"
        sub = run_dir / "submission.json"
        written = " and submission.json (fallbacks for the rest)" if sub.exists() else ""
        print(f"\n{why}: finished tasks are in {run_dir / 'results.jsonl'}{written}; run the "
              f"same command with hydra.run.dir={run_dir} to resume", file=sys.stderr)  # fmt: skip
        raise SystemExit(128 + signum) from None  # 130 Ctrl-C, 143 SIGTERM
    except OSError as e:  # a full disk, a file made read-only mid-run: what finished is on disk
        print(f"arc-solve: cannot write in {run_dir}: {e}", file=sys.stderr)
        raise SystemExit(1) from None
    print(format_summary(summary))
    if cfg.report:
        try:
            from ensemble.report.page import write_report

            print(f"report: {write_report(run_dir)}")
        except (ImportError, OSError, ValueError) as e:
            log.warning("report not written: %s", e)
    print(f"run dir: {run_dir}")
    return summary


def _solutions_from(source: str) -> dict[str, list]:
    """{task_id: [output grids]} from a bundled set name, a Kaggle solutions file, or tasks with
    outputs (a directory of task files or a challenges file). Raises UsageError naming the
    source when it cannot be read; a malformed entry is reported on stderr and left out."""
    from dsl.types import grid_to_list
    from ensemble.checks import UsageError
    from ensemble.data import BUNDLED, answer_problem, json_kind, load_tasks, read_named_json

    path = Path(source)
    if source in BUNDLED:
        loaded = load_tasks({"name": source})
    elif not path.exists():
        raise UsageError(
            f"--solutions {source}: not a bundled set ({', '.join(BUNDLED)}) nor a file or "
            "directory"
        )
    else:
        data = None
        if path.is_file():
            data, dups = read_named_json(path, f"--solutions {source}")
            if not isinstance(data, dict) or not data:
                raise UsageError(
                    f"--solutions {source}: want {{task_id: [grid, ...]}} or ARC tasks, "
                    f"found {json_kind(data)}"
                )
            for k in dict.fromkeys(dups):
                print(f"arc-score: {source}: task {k} appears more than once; the last is kept",
                      file=sys.stderr)  # fmt: skip
        if isinstance(data, dict) and not any(isinstance(v, dict) for v in data.values()):
            out = {}  # Kaggle solutions: {task_id: [grid, ...]}
            for tid, grids in data.items():
                problem = answer_problem(grids)
                if problem:
                    print(f"arc-score: {source}: task {tid}: {problem}; not scored",
                          file=sys.stderr)  # fmt: skip
                else:
                    out[tid] = grids
            return out
        loaded = load_tasks({"name": "path", "path": source})
        for line in loaded.warnings:
            print(f"arc-score: {line}", file=sys.stderr)
    return {
        t.id: [grid_to_list(g) for g in t.test_outputs]
        for t in loaded.tasks
        if t.test_outputs is not None
    }


def _read_submission(path: Path) -> dict:
    """The submission's JSON object; UsageError naming the file and the problem (a repeated task
    id is one: JSON would keep the last silently)."""
    from ensemble.checks import UsageError
    from ensemble.data import read_named_json

    if not path.is_file():
        what = "a directory" if path.is_dir() else "no such file"
        raise UsageError(f"{path}: {what}")
    if path.stat().st_size == 0:
        raise UsageError(f"{path}: empty file")
    data, dups = read_named_json(path, str(path))
    if dups:
        raise UsageError(f"{path}: task {dups[0]} appears more than once")
    return data


def score_main(argv: list[str] | None = None) -> int:
    """arc-score: score a submission.json against known solutions."""
    from ensemble.checks import UsageError
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
    try:
        submission = _read_submission(args.submission)
        validate(submission)
        solutions = _solutions_from(args.solutions)
        unknown = sorted(set(submission) - set(solutions))
        if unknown:
            raise SubmissionError(
                f"task {unknown[0]}: not in the solutions {args.solutions}"
                + (f" ({len(unknown)} such tasks)" if len(unknown) > 1 else "")
            )
        for tid, entries in submission.items():
            if len(entries) != len(solutions[tid]):
                raise SubmissionError(
                    f"task {tid}: {len(entries)} entries for {len(solutions[tid])} test outputs"
                )
    except SubmissionError as e:
        print(f"arc-score: invalid submission {args.submission}: {e}", file=sys.stderr)
        return 2
    except UsageError as e:
        print(f"arc-score: {e}", file=sys.stderr)
        return 2
    if args.subset:
        solutions = {k: v for k, v in solutions.items() if k in submission}
    result = score_submission(submission, solutions)
    print(json.dumps({k: v for k, v in result.items() if k != "missing_tasks"}, indent=1))
    if result["missing_tasks"]:
        print(f"{len(result['missing_tasks'])} tasks missing from the submission (scored 0)")
    return 0


def report_main(argv: list[str] | None = None) -> int:
    """arc-report RUN_DIR [-o OUT] | --compare RUN_A RUN_B [-o OUT] | --compact RUN_DIR: an HTML
    report of a run, a comparison of two, or a run's compact per-task lines (ensemble.report)."""
    p = argparse.ArgumentParser(
        prog="arc-report",
        description="Write a self-contained HTML report of a run (or compare two).",
    )
    p.add_argument("run_dir", nargs="?", type=Path, help="run dir holding results.jsonl")
    p.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("RUN_A", "RUN_B"),
        help="compare two runs: the tasks one scores higher on (default out: RUN_A/compare_*.html)",
    )
    p.add_argument(
        "--compact",
        action="store_true",
        help="write RUN_DIR/tasks.jsonl: one short line per task (what a benchmark commits)",
    )
    p.add_argument("-o", "--out", type=Path, help="output file (default: in the run dir)")
    p.add_argument(
        "--no-tasks", action="store_true", help="do not reload demonstrations and true outputs"
    )
    args = p.parse_args(argv)
    if (args.run_dir is None) == (args.compare is None):
        p.error("give either RUN_DIR or --compare RUN_A RUN_B")
    if args.compact and args.compare:
        p.error("--compact takes one RUN_DIR")
    dirs = args.compare or [args.run_dir]
    for d in dirs:
        if not (d / "results.jsonl").is_file():
            print(f"arc-report: {d}: no results.jsonl (is this a run dir?)", file=sys.stderr)
            return 2
    if args.compact and args.run_dir is not None:
        from ensemble.report.compact import write_compact

        path = write_compact(args.run_dir, args.out)
    elif args.compare:
        from ensemble.report.compare import format_paired, paired, write_compare

        pair = paired(*args.compare)
        print(format_paired(pair))
        path = write_compare(args.compare[0], args.compare[1], args.out, pair)
    else:
        from ensemble.report.page import write_report

        path = write_report(args.run_dir, args.out, reload_tasks=not args.no_tasks)
    print(path)
    return 0


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="pretrain")
def pretrain_main(cfg: DictConfig) -> None:
    """arc-pretrain: pre-train the default TTT model from scratch (see ttt.pretrain)."""
    from ttt.pretrain import main

    main(cfg)
