"""Self-contained HTML run reports: `arc-report RUN_DIR` and `arc-report --compare RUN_A RUN_B`.

A report is one file with no network access: inline CSS and JS (ensemble/templates/), an inline SVG
histogram, and every grid as a tiny palette PNG (1 pixel per cell, scaled by the browser without
smoothing, so it stays crisp at any size). Cards use `content-visibility: auto`, so a 400-task
report only lays out what is on screen.

The run dir is read as the runner writes it (results.jsonl, summary.json, config.json or
.hydra/config.yaml). Test inputs, demonstrations and true outputs are not in results.jsonl: they are
reloaded through the config's `data:` section with `ensemble.data.load_tasks`. When that fails the
report still shows every attempt (marked from the runner's per-candidate "correct" flags), program,
vote and status, and says why the rest is missing. Records are type-checked on reading, so a
malformed line costs its own card at most, never the report.
"""

from __future__ import annotations

import argparse
import base64
import json
import struct
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from dsl.types import Task, grid_problem

PALETTE = (
    "#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00",
    "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25",
)  # fmt: skip
_PLTE = bytes.fromhex("".join(c[1:] for c in PALETTE))
_PNG_SIG = b"\x89PNG\r\n\x1a\n"
ERROR_STATUSES = ("timeout", "error", "oom", "invalid")
_MAX_EXTRA_CANDIDATES = 6
_MAX_PROGRAM_CHARS = 4000


# --------------------------------------------------------------------------------------- loading


@dataclass
class Run:
    """One run dir, read for reporting."""

    path: Path
    results: dict[str, dict]  # task_id -> last record for it in results.jsonl
    summary: dict
    tasks: dict[str, Task]  # reloaded tasks (demos, true outputs); may be empty
    data_cfg: dict | None
    notes: list[str] = field(default_factory=list)  # what the report could not do, and why


def _num(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
    return float(value) if ok else None


def _clean(rec: dict) -> dict:
    """A record with every field of the expected type, so rendering never trips on a bad one."""

    def lists(value: Any) -> list[list]:
        return [x if isinstance(x, list) else [] for x in value] if isinstance(value, list) else []

    out = dict(rec)
    out["status"] = str(rec.get("status") or "unknown")
    out["error"] = None if rec.get("error") is None else str(rec["error"])
    out["solver"] = str(rec.get("solver") or "?")
    out["time_s"] = max(0.0, _num(rec.get("time_s")) or 0.0)
    out["attempts"] = lists(rec.get("attempts"))
    out["attempt_sources"] = [[str(s) for s in x] for x in lists(rec.get("attempt_sources"))]
    out["candidates"] = [
        [c for c in x if isinstance(c, dict)] for x in lists(rec.get("candidates"))
    ]
    n_test = rec.get("n_test")
    out["n_test"] = n_test if isinstance(n_test, int) and 0 <= n_test <= 100 else 0
    correct = rec.get("correct")
    out["correct"] = (
        [c if isinstance(c, bool) else None for c in correct] if isinstance(correct, list) else None
    )
    score = _num(rec.get("score"))
    out["score"] = None if score is None else min(1.0, max(0.0, score))
    return out


def _read_results(path: Path, notes: list[str]) -> dict[str, dict]:
    results: dict[str, dict] = {}
    if not path.is_file():
        notes.append(f"{path.name} not found")
        return results
    bad = 0
    with path.open("rb") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                rec = json.loads(line.decode("utf-8"))
            except (ValueError, RecursionError):  # not UTF-8, not JSON (a line being written)
                bad += 1
                continue
            if isinstance(rec, dict) and isinstance(rec.get("task_id"), str):
                results[rec["task_id"]] = _clean(rec)  # a resumed run may repeat a task: last wins
            else:
                bad += 1
    if bad:
        notes.append(f"{bad} unreadable line(s) in {path.name} skipped")
    return results


def _data_config(run_dir: Path, notes: list[str]) -> dict | None:
    """The run's data config: config.json (resolved by arc-solve), else .hydra/config.yaml."""
    plain = run_dir / "config.json"
    if plain.is_file():
        try:
            data = json.loads(plain.read_text(encoding="utf-8")).get("data")
        except (json.JSONDecodeError, OSError, AttributeError):
            data = None
        if isinstance(data, dict):
            return data
    path = run_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        notes.append("no .hydra/config.yaml: demonstrations and true outputs not reloaded")
        return None
    from omegaconf import OmegaConf  # hydra's own config library; imported only when needed

    try:
        data = OmegaConf.load(path).get("data")
    except Exception as e:  # a malformed config must not stop the report
        notes.append(f"could not read .hydra/config.yaml: {e}")
        return None
    if data is None:
        notes.append(".hydra/config.yaml has no data section: demonstrations not reloaded")
        return None
    try:
        return OmegaConf.to_container(data, resolve=True)
    except Exception:  # e.g. ${hydra:...} interpolations only resolve inside a Hydra app
        return OmegaConf.to_container(data, resolve=False)


def _reload_tasks(data_cfg: dict, ids: set[str], notes: list[str]) -> dict[str, Task]:
    try:
        from ensemble.data import load_tasks
    except ImportError as e:
        notes.append(f"demonstrations not shown: ensemble.data.load_tasks unavailable ({e})")
        return {}
    try:
        loaded = load_tasks(dict(data_cfg)).tasks
    except Exception as e:  # data moved or unreadable: degrade to a report without demos
        notes.append(
            f"demonstrations not shown: reloading the data failed ({type(e).__name__}: {e})"
        )
        return {}
    tasks = {t.id: t for t in loaded if t.id in ids}
    if ids and len(tasks) < len(ids):
        notes.append(f"{len(ids) - len(tasks)} task(s) not found when reloading the data")
    return tasks


def load_run(run_dir: Path, tasks: list[Task] | None = None, reload_tasks: bool = True) -> Run:
    """Read a run dir; `tasks` (already in memory) spares reloading them from the data config."""
    run_dir = Path(run_dir)
    notes: list[str] = []
    results = _read_results(run_dir / "results.jsonl", notes)
    summary: dict = {}
    if (run_dir / "summary.json").is_file():
        try:
            summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        except (json.JSONDecodeError, OSError) as e:
            notes.append(f"summary.json unreadable: {e}")
    data_cfg = None
    task_map: dict[str, Task] = {}
    if tasks is not None:
        task_map = {t.id: t for t in tasks if t.id in results}
    elif reload_tasks:
        data_cfg = _data_config(run_dir, notes)
        if data_cfg is not None:
            task_map = _reload_tasks(data_cfg, set(results), notes)
    else:
        notes.append("demonstrations not reloaded (--no-tasks)")
    return Run(
        run_dir, results, summary if isinstance(summary, dict) else {}, task_map, data_cfg, notes
    )


# ------------------------------------------------------------------------------ grids as images


def grid_png(grid: Any) -> bytes:
    """A grid as an 8-bit palette PNG, one pixel per cell (pure python + zlib)."""
    a = np.asarray(grid, dtype=np.uint8)
    h, w = a.shape
    raw = np.zeros((h, w + 1), np.uint8)  # filter byte 0 (None) in front of every row
    raw[:, 1:] = a

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    n_colours = int(a.max()) + 1  # a shorter palette is valid as long as it covers every index
    return b"".join(
        (
            _PNG_SIG,
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)),
            chunk(b"PLTE", _PLTE[: 3 * n_colours]),
            chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)),
            chunk(b"IEND", b""),
        )
    )


def _as_grid(value: Any) -> np.ndarray | None:
    if value is None or grid_problem(value) is not None:
        return None
    return np.asarray(value, dtype=np.uint8)


def _grid_html(value: Any, box: int = 168, title: str = "") -> str:
    """One grid: an <img> of the PNG, sized to whole CSS pixels per cell, with grid lines."""
    g = _as_grid(value)
    if g is None:
        return '<span class="bad-grid">no valid grid</span>'
    h, w = g.shape
    cell = max(3, min(24, box // max(h, w)))
    src = base64.b64encode(grid_png(g)).decode("ascii")
    fine = " fine" if cell < 6 else ""  # lines would hide the colours on tiny cells
    tip = escape(f"{title} {h}×{w}".strip())
    return (
        f'<span class="g{fine}" style="--c:{cell}px" title="{tip}"><img alt="{tip}" '
        f'width="{w * cell}" height="{h * cell}" src="data:image/png;base64,{src}"></span>'
    )


# ------------------------------------------------------------------------------------- analysis


def _equal(a: Any, b: np.ndarray | None) -> bool:
    g = _as_grid(a)
    return g is not None and b is not None and g.shape == b.shape and bool((g == b).all())


@dataclass
class TaskView:
    """What the report needs for one task, derived from its record and (maybe) the task itself."""

    rec: dict
    task: Task | None
    truths: list[np.ndarray | None]
    marks: list[list[bool | None]]  # per test input, per attempt: right, wrong or unknown
    correct: list[bool | None]  # per test input
    score: float | None
    solved_by: set[str]
    sources: set[str]
    oracle: list[bool | None]  # per test input: did any candidate match the true output?
    oracle_by: dict[str, list[bool]]  # source -> per test input


def _cands(cands: Any, i: int) -> list[dict]:
    """Candidates of test input i, tolerating malformed records."""
    if not isinstance(cands, list) or i >= len(cands) or not isinstance(cands[i], list):
        return []
    return [c for c in cands[i] if isinstance(c, dict)]


def _marks(
    atts: list, cands: list[dict], truth: np.ndarray | None, correct: bool | None
) -> tuple[list[bool | None], list[tuple[str, bool]] | None]:
    """Per attempt right/wrong/unknown, and (source, right) per candidate when that is known.

    With the true output at hand, compare grids; otherwise use the runner's per-candidate
    "correct" flags and the record's per-test verdict.
    """
    if truth is not None:
        hits = [(str(c.get("source", "")), _equal(c.get("grid"), truth)) for c in cands]
        return [_equal(a, truth) for a in atts], hits
    flagged = [c for c in cands if isinstance(c.get("correct"), bool)]
    marks: list[bool | None] = []
    for a in atts:
        same = [c["correct"] for c in flagged if c.get("grid") == a]
        marks.append(False if correct is False else same[0] if same else None)
    if correct is True and True not in marks and marks.count(None) == 1:
        marks[marks.index(None)] = True  # the only attempt not known to be wrong
    hits = [(str(c.get("source", "")), c["correct"]) for c in flagged] if flagged else None
    return marks, hits


def _view(rec: dict, task: Task | None) -> TaskView:
    attempts = rec.get("attempts") or []
    srcs = rec.get("attempt_sources") or []
    cands = rec.get("candidates") or []
    n_test = max(int(rec.get("n_test") or 0), len(attempts), len(task.test_inputs) if task else 0)
    truths: list[np.ndarray | None] = [None] * n_test
    if task is not None and task.test_outputs is not None:
        for i, t in enumerate(task.test_outputs[:n_test]):
            truths[i] = np.asarray(t, dtype=np.uint8)
    rec_correct = rec.get("correct")
    marks, correct, oracle = [], [], []
    oracle_by: dict[str, list[bool]] = {}
    solved_by: set[str] = set()
    sources: set[str] = set()
    for i in range(n_test):
        atts = attempts[i] if i < len(attempts) and isinstance(attempts[i], list) else []
        s_i = srcs[i] if i < len(srcs) and isinstance(srcs[i], list) else []
        sources.update(str(s) for s in s_i)
        c_i = rec_correct[i] if isinstance(rec_correct, list) and i < len(rec_correct) else None
        cl = _cands(cands, i)
        m, hits = _marks(atts, cl, truths[i], c_i)
        if c_i is None and truths[i] is not None:
            c_i = any(m)
        marks.append(m)
        correct.append(c_i)
        right_srcs = [str(s_i[k]) for k, ok in enumerate(m) if ok and k < len(s_i)]
        solved_by.update(right_srcs)
        if hits is None:
            oracle.append(None)
            continue
        oracle.append(any(h for _, h in hits) or any(m))
        for src, hit in hits + [(r, True) for r in right_srcs]:
            per = oracle_by.setdefault(src, [False] * n_test)
            per[i] = per[i] or hit
    score = rec.get("score")
    if score is None and correct and all(c is not None for c in correct):
        score = sum(bool(c) for c in correct) / len(correct)
    return TaskView(rec, task, truths, marks, correct, score, solved_by, sources, oracle, oracle_by)


def _status(rec: dict) -> str:
    return str(rec.get("status") or "unknown")


def _stats(views: dict[str, TaskView]) -> dict:
    """Score, outputs, statuses, times, and per-source figures, computed from results.jsonl."""
    times = sorted(float(v.rec.get("time_s") or 0.0) for v in views.values())
    scores = [v.score for v in views.values()]
    known = [s for s in scores if s is not None]
    outs = [c for v in views.values() for c in v.correct]
    known_outs = [c for c in outs if c is not None]
    orc = [o for v in views.values() for o in v.oracle if o is not None]
    per_source: dict[str, Counter] = {}
    for v in views.values():
        srcs = v.rec.get("attempt_sources") or []
        for i, s_i in enumerate(srcs):
            for k, s in enumerate(s_i if isinstance(s_i, list) else []):
                c = per_source.setdefault(str(s), Counter())
                c["attempts"] += 1
                if i < len(v.marks) and k < len(v.marks[i]) and v.marks[i][k]:
                    c["right"] += 1
        n_cands = len(v.rec.get("candidates") or [])
        for s in {
            str(c.get("source", "")) for i in range(n_cands) for c in _cands(v.rec["candidates"], i)
        }:
            per_source.setdefault(s, Counter())["tasks"] += 1
        for s, per in v.oracle_by.items():
            per_source.setdefault(s, Counter())["oracle"] += sum(per)
        for s in v.solved_by:
            per_source.setdefault(s, Counter())["solved_tasks"] += 1

    return {
        "n_tasks": len(views),
        "score": sum(known) / len(known) if known else None,
        "score_sum": sum(known),
        "n_scored": len(known),
        "n_outputs": len(outs),
        "outputs_right": sum(bool(c) for c in known_outs),
        "score_per_output": sum(bool(c) for c in known_outs) / len(known_outs)
        if known_outs
        else None,
        "oracle": sum(orc) / len(orc) if orc else None,
        "oracle_n": (sum(orc), len(orc)),
        "status_counts": dict(Counter(_status(v.rec) for v in views.values()).most_common()),
        "time": {
            "median": float(np.median(times)) if times else 0.0,  # as summary.json has them
            "p90": float(np.percentile(times, 90)) if times else 0.0,
            "max": times[-1] if times else 0.0,
            "total": sum(times),
        },
        "per_source": per_source,
        "truth_known": bool(orc),
    }


# ------------------------------------------------------------------------------------ rendering


def _fmt_s(t: float) -> str:
    if t < 10:
        return f"{t:.2f} s"
    if t < 120:
        return f"{t:.1f} s"
    m, s = divmod(int(round(t)), 60)
    return f"{m // 60}h {m % 60:02d}m" if m >= 60 else f"{m}m {s:02d}s"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _asset(name: str) -> str:
    return resources.files("ensemble").joinpath("templates", name).read_text(encoding="utf-8")


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_asset('report.css')}</style></head>"
        f'<body><div class="wrap">{body}</div>'
        f"<script>{_asset('report.js')}</script></body></html>\n"
    )


def _notes_html(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f'<div class="notes"><b>Notes</b><ul>{items}</ul></div>'


def _status_badge(status: str) -> str:
    cls = "ok" if status == "ok" else "bad" if status in ERROR_STATUSES else "warn"
    return f'<span class="badge {cls}">{escape(status)}</span>'


def _score_badge(v: TaskView) -> str:
    n = len(v.correct)
    if v.score is None:
        return '<span class="badge">no solutions known</span>'
    right = sum(bool(c) for c in v.correct)
    cls = "ok" if v.score >= 1 else "warn" if v.score > 0 else ""
    return f'<span class="badge {cls}">{right}/{n} solved</span>'


def _detail_html(cand: dict | None) -> str:
    if not cand:
        return ""
    detail = cand.get("detail") if isinstance(cand.get("detail"), dict) else {}
    parts = []
    program = detail.get("program")
    if program:
        text = str(program)
        if len(text) > _MAX_PROGRAM_CHARS:
            text = text[:_MAX_PROGRAM_CHARS] + "\n…"
        parts.append(f'<pre class="prog">{escape(text)}</pre>')
    facts = []
    if "votes" in detail:
        facts.append(f"votes: {_short(detail['votes'])}")
    score = cand.get("score")
    if isinstance(score, (int, float)) and (score or "votes" in detail):
        facts.append(f"score: {score:.4g}")
    for k, val in detail.items():
        if k not in ("program", "votes") and isinstance(val, (str, int, float, bool)):
            facts.append(f"{k}: {_short(val, 80)}")
        if len(facts) >= 6:
            break
    if facts:
        parts.append(f'<div class="kv">{escape(" · ".join(facts))}</div>')
    return "".join(parts)


def _find_candidate(cands: list, grid: Any, source: str) -> dict | None:
    found = None
    for c in cands:
        if isinstance(c, dict) and c.get("grid") == grid:
            if c.get("source") == source:
                return c
            found = found or c
    return found


def _attempts_html(v: TaskView, i: int, label: str = "") -> tuple[str, list[dict]]:
    """Figures for both attempts of test input i, and the candidates that were not attempts."""
    rec = v.rec
    atts = (rec.get("attempts") or [])[i : i + 1]
    atts = atts[0] if atts and isinstance(atts[0], list) else []
    srcs = (rec.get("attempt_sources") or [])[i : i + 1]
    srcs = srcs[0] if srcs and isinstance(srcs[0], list) else []
    cands = _cands(rec.get("candidates"), i)
    used: list[int] = []
    figs = []
    for k, grid in enumerate(atts):
        source = str(srcs[k]) if k < len(srcs) else "?"
        cand = _find_candidate(cands, grid, source)
        if cand is not None:
            used.append(id(cand))
        mark = v.marks[i][k] if k < len(v.marks[i]) else None
        cls, sign = {True: ("right", "✓"), False: ("wrong", "✗"), None: ("", "")}[mark]
        sign_html = f' <span class="mark-{cls}">{sign}</span>' if sign else ""
        figs.append(
            f'<figure class="att {cls}"><figcaption>{escape(label)}attempt {k + 1} · '
            f'<span class="src">{escape(source)}</span>{sign_html}</figcaption>'
            f"{_grid_html(grid, title=f'attempt {k + 1}')}{_detail_html(cand)}</figure>"
        )
    if not atts:
        figs.append('<span class="missing">no attempts recorded</span>')
    extra = [c for c in cands if id(c) not in used]
    return "".join(figs), extra


def _extra_html(extra: list[dict], truth: np.ndarray | None) -> str:
    if not extra:
        return ""
    figs = []
    for c in extra[:_MAX_EXTRA_CANDIDATES]:
        ok = _equal(c.get("grid"), truth) if truth is not None else c.get("correct") is True
        mark = ' <span class="mark-right">✓</span>' if ok else ""
        score = c.get("score")
        score_txt = f" · {score:.3g}" if isinstance(score, (int, float)) else ""
        figs.append(
            f'<figure><figcaption><span class="src">{escape(str(c.get("source", "?")))}</span>'
            f"{escape(score_txt)}{mark}</figcaption>{_grid_html(c.get('grid'), box=96)}"
            f"{_detail_html(c)}</figure>"
        )
    more = len(extra) - _MAX_EXTRA_CANDIDATES
    tail = f'<span class="missing">and {more} more</span>' if more > 0 else ""
    return (
        f"<details><summary>{len(extra)} other candidate(s)</summary>"
        f'<div class="row">{"".join(figs)}{tail}</div></details>'
    )


def _test_input(v: TaskView, i: int) -> Any:
    if v.task is not None and i < len(v.task.test_inputs):
        return v.task.test_inputs[i]
    return None


def _card_attrs(tid: str, v: TaskView, extra: str = "") -> str:
    solved = "?" if v.score is None else "1" if v.score >= 1 else "p" if v.score > 0 else "0"
    score = "" if v.score is None else f"{v.score:.4g}"
    t = float(v.rec.get("time_s") or 0.0)
    return (
        f'class="card" id="t-{escape(tid)}" data-id="{escape(tid)}" '
        f'data-status="{escape(_status(v.rec))}" data-solved="{solved}" data-score="{score}" '
        f'data-time="{t:.3f}" data-src="{escape(" ".join(sorted(v.sources)))}" '
        f'data-by="{escape(" ".join(sorted(v.solved_by)))}"{extra}'
    )


def _card_header(tid: str, v: TaskView, show_solver: bool) -> str:
    rec = v.rec
    solver = f" · solver {rec.get('solver')}" if show_solver else ""
    peak = _num(rec.get("peak_rss_mb"))
    memory = f" · {peak:.0f} MB" if peak else ""
    meta = _fmt_s(float(rec.get("time_s") or 0.0)) + memory + solver
    return (
        f'<header><h2><a href="#t-{escape(tid)}">{escape(tid)}</a></h2>'
        f"{_status_badge(_status(rec))}{_score_badge(v)}"
        f'<span class="meta">{escape(meta)}</span>'
        "</header>"
    )


def _solver_detail_html(rec: dict) -> str:
    """The solver's task-level notes (routing decision, too-long tasks, training stats)."""
    detail = rec.get("solver_detail")
    if not isinstance(detail, dict) or not detail:
        return ""
    text = json.dumps(detail, sort_keys=True, default=str)
    return (
        f'<details class="solver-detail"><summary>solver notes</summary>'
        f"<pre>{escape(text[:4000])}</pre></details>"
    )


def _error_html(rec: dict, label: str = "") -> str:
    err = rec.get("error")
    return f'<pre class="err">{escape(label + str(err))}</pre>' if err else ""


def _card(tid: str, v: TaskView, demo_note: str, show_solver: bool = False) -> str:
    header = _card_header(tid, v, show_solver)
    parts = [
        f"<section {_card_attrs(tid, v)}>",
        header,
        _error_html(v.rec),
        _solver_detail_html(v.rec),
    ]
    if v.task is not None:
        pairs = "".join(
            f'<div class="pair">{_grid_html(p.input, 120, "input")}<span class="arrow">→</span>'
            f"{_grid_html(p.output, 120, 'output')}</div>"
            for p in v.task.train
        )
        parts.append(
            f'<h3>demonstrations ({len(v.task.train)})</h3><div class="demos">{pairs}</div>'
        )
    else:
        parts.append(f'<h3>demonstrations</h3><div class="missing">{escape(demo_note)}</div>')
    for i in range(len(v.correct)):
        atts, extra = _attempts_html(v, i)
        test_in = _test_input(v, i)
        shown_in = (
            _grid_html(test_in)
            if test_in is not None
            else '<span class="missing">unavailable</span>'
        )
        figs = [
            f"<figure><figcaption>test input {i + 1}</figcaption>{shown_in}</figure>",
            '<span class="sep"></span>',
            atts,
        ]
        if v.truths[i] is not None:
            figs.append(
                '<figure class="truth"><figcaption>expected</figcaption>'
                f"{_grid_html(v.truths[i], title='expected')}</figure>"
            )
        parts.append(
            f'<h3>test {i + 1} of {len(v.correct)}</h3><div class="row">{"".join(figs)}</div>'
            f"{_extra_html(extra, v.truths[i])}"
        )
    parts.append("</section>")
    return "".join(parts)


def _histogram(views: dict[str, TaskView], width: int = 440, height: int = 150) -> str:
    """Inline SVG: time per task, bars stacked by outcome."""
    kinds = (
        ("solved", "#16a34a"), ("partly solved", "#86c79a"), ("unsolved", "#9ca3af"),
        ("no solutions known", "#60a5fa"), ("timeout", "#f59e0b"), ("error", "#dc2626"),
    )  # fmt: skip
    if not views:
        return ""

    def kind(v: TaskView) -> int:
        st = _status(v.rec)
        if st == "timeout":
            return 4
        if st != "ok":
            return 5
        if v.score is None:
            return 3
        return 0 if v.score >= 1 else 1 if v.score > 0 else 2

    times = [(float(v.rec.get("time_s") or 0.0), kind(v)) for v in views.values()]
    top = max(t for t, _ in times) or 1.0
    n_bins = 24
    counts = np.zeros((n_bins, len(kinds)), int)
    for t, k in times:
        counts[min(n_bins - 1, int(t / top * n_bins)), k] += 1
    peak = int(counts.sum(1).max()) or 1
    left, bottom, plot_h = 30, 20, height - 30
    bw = (width - left - 6) / n_bins
    rects = []
    for b in range(n_bins):
        y = height - bottom
        lo, hi = b * top / n_bins, (b + 1) * top / n_bins
        for k, (name, colour) in enumerate(kinds):
            n = int(counts[b, k])
            if not n:
                continue
            hgt = n / peak * plot_h
            y -= hgt
            rects.append(
                f'<rect x="{left + b * bw + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" '
                f'height="{hgt:.1f}" fill="{colour}"><title>{_fmt_s(lo)}–{_fmt_s(hi)}: '
                f"{n} {name}</title></rect>"
            )
    axis = (
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" '
        'stroke="#9ca3af"/>'
        f'<text x="{left}" y="{height - 5}">0</text>'
        f'<text x="{left + (width - left) / 2:.0f}" y="{height - 5}" text-anchor="middle">'
        f"{_fmt_s(top / 2)}</text>"
        f'<text x="{width - 4}" y="{height - 5}" text-anchor="end">{_fmt_s(top)}</text>'
        f'<text x="{left - 4}" y="{height - bottom - plot_h + 8}" text-anchor="end">{peak}</text>'
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>'
    )
    present = {k for _, k in times}
    legend = "".join(
        f'<i style="background:{c}"></i>{escape(n)}'
        for k, (n, c) in enumerate(kinds)
        if k in present
    )
    return (
        f'<svg class="hist" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="histogram of time per task">{axis}{"".join(rects)}</svg>'
        f'<div class="legend">{legend}</div>'
    )


def _summary_html(run: Run, views: dict[str, TaskView], stats: dict) -> str:
    score = stats["score"]
    big = _pct(score)
    frac = f"{stats['score_sum']:.4g} / {stats['n_scored']} tasks" if score is not None else ""
    t = stats["time"]
    o_right, o_n = stats["oracle_n"]
    rows = [
        ("score (per task, pass@2)", f'<span class="big">{big}</span> {escape(frac)}'),
        (
            "score per test output",
            f"{_pct(stats['score_per_output'])} ({stats['outputs_right']} / {stats['n_outputs']})",
        ),
        (
            "oracle (any candidate right)",
            f"{_pct(stats['oracle'])} ({o_right} / {o_n})" if o_n else "— (true outputs unknown)",
        ),
        ("tasks", str(stats["n_tasks"])),
        (
            "statuses",
            escape(", ".join(f"{k}: {n}" for k, n in stats["status_counts"].items()) or "—"),
        ),
        (
            "time per task",
            escape(f"median {_fmt_s(t['median'])} · p90 {_fmt_s(t['p90'])}")
            + "<br>"
            + escape(f"max {_fmt_s(t['max'])} · total {_fmt_s(t['total'])}"),
        ),
    ]
    head = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    src_rows = []
    for s, c in sorted(stats["per_source"].items()):
        orc = str(c["oracle"]) if stats["truth_known"] else "—"
        right = str(c["right"]) if stats["truth_known"] else "—"
        src_rows.append(
            f'<tr><th>{escape(s or "?")}</th><td class="n">{c["tasks"]}</td>'
            f'<td class="n">{c["attempts"]}</td><td class="n">{right}</td>'
            f'<td class="n">{c["solved_tasks"] if stats["truth_known"] else "—"}</td>'
            f'<td class="n">{orc}</td></tr>'
        )
    src_table = (
        '<table class="t"><thead><tr><th>source</th><th class="n">tasks with candidates</th>'
        '<th class="n">attempts</th><th class="n">attempts right</th>'
        '<th class="n">tasks solved</th><th class="n">oracle outputs</th></tr></thead>'
        f"<tbody>{''.join(src_rows)}</tbody></table>"
    )
    extra = ""
    if run.summary.get("ablation"):
        extra += f"<h3>ablation (summary.json)</h3>{_generic_table(run.summary['ablation'])}"
    if run.summary.get("routing"):
        extra += f"<h3>routing (summary.json)</h3>{_generic_table(run.summary['routing'])}"
    if run.summary.get("ttt_train"):
        extra += f"<h3>test-time training</h3>{_generic_table(run.summary['ttt_train'])}"
    if len(run.summary.get("code") or {}) > 1:  # a resumed run that mixed code versions
        extra += f"<h3>tasks per code version</h3>{_generic_table(run.summary['code'])}"
    problems = run.summary.get("problems") or []
    if problems:
        items = "".join(f"<li>{escape(_short(p, 200))}</li>" for p in problems[:50])
        extra += f"<h3>data problems ({len(problems)})</h3><ul class='kv'>{items}</ul>"
    return (
        '<section id="summary">'
        f'<div class="panel"><h3>summary</h3><table class="t">{head}</table>'
        f"<h3>time per task</h3>{_histogram(views)}</div>"
        f'<div class="panel"><h3>per solver</h3>{src_table}{extra}</div></section>'
    )


def _generic_table(value: Any) -> str:
    """A dict of dicts (or of scalars) from summary.json as a small table."""
    if not isinstance(value, dict):
        return f"<pre>{escape(_short(value, 2000))}</pre>"
    cols: list[str] = []
    for v in value.values():
        for k in v if isinstance(v, dict) else ["value"]:
            if k not in cols:
                cols.append(str(k))
    head = "".join(f'<th class="n">{escape(c)}</th>' for c in cols)
    body = []
    for name, v in value.items():
        cells = v if isinstance(v, dict) else {"value": v}
        tds = "".join(
            f'<td class="n">{escape(_short(cells[c], 60)) if c in cells else ""}</td>' for c in cols
        )
        body.append(f"<tr><th>{escape(str(name))}</th>{tds}</tr>")
    return (
        f'<table class="t"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _filters_html(views: dict[str, TaskView], buttons: list[tuple[str, str]]) -> str:
    btns = "".join(
        f'<button type="button" data-f="{k}" aria-pressed="{str(k == "all").lower()}">'
        f"{escape(label)}</button>"
        for k, label in buttons
    )
    sources = sorted({s for v in views.values() for s in v.sources})
    solved_by = sorted({s for v in views.values() for s in v.solved_by})
    opts = "".join(
        f'<option value="a:{escape(s)}">attempt from {escape(s)}</option>' for s in sources
    )
    opts += "".join(
        f'<option value="s:{escape(s)}">solved by {escape(s)}</option>' for s in solved_by
    )
    return (
        f'<nav class="filters">{btns}'
        f'<select id="src" aria-label="solver"><option value="">any solver</option>{opts}</select>'
        '<select id="sort" aria-label="sort"><option value="id">sort: task id</option>'
        '<option value="time">sort: slowest first</option><option value="score">sort: best score'
        '</option><option value="status">sort: failures first</option></select>'
        '<input id="q" type="search" placeholder="search task id" aria-label="search task id">'
        '<span id="shown"></span></nav>'
    )


def _report_buttons(views: dict[str, TaskView]) -> list[tuple[str, str]]:
    counts = Counter(
        solved=sum(v.score is not None and v.score >= 1 for v in views.values()),
        unsolved=sum(v.score is not None and v.score < 1 for v in views.values()),
        errors=sum(_status(v.rec) != "ok" for v in views.values()),
    )
    return [("all", f"all ({len(views)})")] + [
        (k, f"{k} ({counts[k]})") for k in ("solved", "unsolved", "errors")
    ]


def write_report(
    run_dir: Path,
    out: Path | None = None,
    *,
    tasks: list[Task] | None = None,
    reload_tasks: bool = True,
) -> Path:
    """Write RUN_DIR/report.html (or `out`); returns its path.

    `tasks` (the run's tasks, already loaded) spares reloading them from .hydra/config.yaml;
    `reload_tasks=False` skips demonstrations and true outputs altogether.
    """
    run = load_run(Path(run_dir), tasks=tasks, reload_tasks=reload_tasks)
    out = Path(out) if out is not None else run.path / "report.html"
    views = {tid: _view(run.results[tid], run.tasks.get(tid)) for tid in sorted(run.results)}
    stats = _stats(views)
    notes = list(run.notes)
    summary_score = run.summary.get("score")
    if isinstance(summary_score, (int, float)) and stats["score"] is not None:
        if abs(summary_score - stats["score"]) > 1e-9:
            notes.append(
                f"summary.json gives score {_pct(summary_score)} over "
                f"{run.summary.get('n_tasks', '?')} tasks; this page counts the "
                f"{stats['n_tasks']} tasks in results.jsonl"
            )
    demo_note = "not available (see the notes at the top)"
    solver = run.summary.get("solver") or next(
        (str(v.rec.get("solver")) for v in views.values() if v.rec.get("solver")), "?"
    )
    data = run.summary.get("data") or (run.data_cfg or {}).get("name", "?")
    title = f"ARC run report · {solver} · {data}"
    meta = (
        f"{escape(str(run.path.resolve()))} · solver <b>{escape(str(solver))}</b> · data "
        f"<b>{escape(str(data))}</b> · generated {escape(time.strftime('%Y-%m-%d %H:%M:%S'))}"
    )
    # name the solver on each card only when the run mixes several (e.g. a merged results file)
    mixed = len({str(v.rec.get("solver")) for v in views.values()}) > 1
    cards = "".join(_card(tid, v, demo_note, mixed) for tid, v in views.items())
    if not views:
        cards = '<p class="missing">no finished tasks in results.jsonl</p>'
    body = (
        f"<h1>{escape(title)}</h1><div class='meta'>{meta}</div>{_notes_html(notes)}"
        f"{_summary_html(run, views, stats)}{_filters_html(views, _report_buttons(views))}"
        f'<main id="cards">{cards}</main>'
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_page(title, body), encoding="utf-8")
    return out


# ------------------------------------------------------------------------------------------ CLI


def main(argv: list[str] | None = None) -> int:
    """`arc-report RUN_DIR [-o OUT]` or `arc-report --compare RUN_A RUN_B [-o OUT]`."""
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
    p.add_argument("-o", "--out", type=Path, help="output file (default: in the run dir)")
    p.add_argument(
        "--no-tasks", action="store_true", help="do not reload demonstrations and true outputs"
    )
    args = p.parse_args(argv)
    if (args.run_dir is None) == (args.compare is None):
        p.error("give either RUN_DIR or --compare RUN_A RUN_B")
    dirs = args.compare or [args.run_dir]
    for d in dirs:
        if not (d / "results.jsonl").is_file():
            print(f"arc-report: {d}: no results.jsonl (is this a run dir?)", file=sys.stderr)
            return 2
    if args.compare:
        from ensemble.compare import format_paired, paired, write_compare

        pair = paired(*args.compare)
        print(format_paired(pair))
        path = write_compare(args.compare[0], args.compare[1], args.out, pair)
    else:
        path = write_report(args.run_dir, args.out, reload_tasks=not args.no_tasks)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
