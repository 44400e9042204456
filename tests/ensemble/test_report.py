"""arc-report: HTML generated from hand-built run dirs, checked as text and in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import numba
import numpy as np
import pytest

from dsl.datasets import raw_set
from dsl.types import Task, grid_to_list
from ensemble.cli import report_main as main
from ensemble.report.compare import write_compare
from ensemble.report.page import write_report
from ensemble.report.png import PALETTE, grid_png


@pytest.fixture(scope="module")
def eval_tasks() -> dict[str, Task]:
    data = raw_set("arc1_eval")
    return {tid: Task.from_json(tid, t) for tid, t in sorted(data.items())}


def _cand(grid, source: str, score: float = 0.0, **detail) -> dict:
    return {"grid": grid_to_list(grid), "score": score, "source": source, "detail": detail}


def _record(task: Task, status: str, attempts, sources, cands, error=None, time_s=1.0) -> dict:
    truth = task.test_outputs
    for i, ranked in enumerate(cands):  # like the runner: flag each candidate when truth is known
        for c in ranked:
            c["correct"] = bool(np.array_equal(np.asarray(c["grid"]), truth[i]))
    correct = [
        any(np.array_equal(np.asarray(a), truth[i]) for a in att) for i, att in enumerate(attempts)
    ]
    return {
        "task_id": task.id,
        "status": status,
        "error": error,
        "time_s": time_s,
        "solver": "ensemble",
        "n_test": len(task.test_inputs),
        "candidates": cands,
        "attempts": [[grid_to_list(g) for g in att] for att in attempts],
        "attempt_sources": sources,
        "correct": correct,
        "score": sum(correct) / len(correct),
    }


def _write_run(run_dir: Path, records: list[dict], data: dict | None = None) -> Path:
    (run_dir / ".hydra").mkdir(parents=True, exist_ok=True)
    ids = [r["task_id"] for r in records]
    data = data or {"name": "arc1_eval", "ids": ids}
    cfg = "data:\n" + "".join(f"  {k}: {json.dumps(v)}\n" for k, v in data.items())
    cfg += "solver:\n  _target_: ensemble.combine.Ensemble\nout: ${hydra:runtime.output_dir}\n"
    (run_dir / ".hydra" / "config.yaml").write_text(cfg)
    with (run_dir / "results.jsonl").open("w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
        f.write('{"task_id": "trunc')  # a run still being written
    scores = [r["score"] for r in records]
    (run_dir / "summary.json").write_text(
        json.dumps(
            {
                "score": sum(scores) / len(scores),
                "n_tasks": len(records),
                "solver": "ensemble",
                "data": data["name"],
                "status_counts": {},
                "problems": [],
            }
        )
    )
    return run_dir


PROGRAM = "x1 = rot90(I)\nx2 = replace_colour(x1, 3, 4)\nO = x2  # a<b & c>d"
EVIL = "Traceback: boom <script>alert('x')</script> & more"


def _small_records(tasks: dict[str, Task]) -> list[dict]:
    ids = [t for t in tasks if len(tasks[t].test_inputs) == 1][:4]
    multi = next(t for t in tasks if len(tasks[t].test_inputs) == 2)
    t0, t1, t2, t3 = (tasks[i] for i in ids)
    tm = tasks[multi]
    zero = np.zeros((2, 2), np.int8)
    return [
        _record(  # solved by the DSL on attempt 1
            t0,
            "ok",
            [[t0.test_outputs[0], t0.test_inputs[0]]],
            [["dsl", "ttt"]],
            [
                [
                    _cand(t0.test_outputs[0], "dsl", program=PROGRAM),
                    _cand(t0.test_inputs[0], "ttt", 0.4, votes=3),
                    _cand(zero, "ttt", 0.1, votes=1),
                ]
            ],
            time_s=0.7,
        ),
        _record(  # TTT answers, wrong
            t1,
            "ok",
            [[t1.test_inputs[0], zero]],
            [["ttt", "ttt"]],
            [
                [
                    _cand(t1.test_inputs[0], "ttt", 0.6, votes={"rot90": 2, "id": 3}),
                    _cand(zero, "ttt", 0.2, votes=1),
                ]
            ],
            time_s=12.5,
        ),
        _record(
            t2,
            "timeout",
            [[zero, zero]],
            [["fallback", "fallback"]],
            [[]],
            "timed out after 30 s",
            30.0,
        ),
        _record(t3, "error", [[zero, zero]], [["fallback", "fallback"]], [[]], EVIL, 2.0),
        _record(  # two test inputs, one solved (attempt 2, by TTT)
            tm,
            "ok",
            [[zero, tm.test_outputs[0]], [zero, zero]],
            [["dsl", "ttt"], ["dsl", "fallback"]],
            [
                [
                    _cand(zero, "dsl", program="O = I"),
                    _cand(tm.test_outputs[0], "ttt", 0.9, votes=5),
                ],
                [_cand(zero, "dsl", program="O = I")],
            ],
            time_s=5.0,
        ),
    ]


def _read_png(data: bytes) -> np.ndarray:
    """Decode an 8-bit PNG (palette, grey, RGB or RGBA, non-interlaced) to an (h, w, c) array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, plte = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
        elif kind == b"PLTE":
            plte = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * ch)
    img = _unfilter(raw, ch).reshape(h, w, ch)
    return plte[img[..., 0]] if ctype == 3 else img


@numba.njit
def _unfilter(raw: np.ndarray, ch: int) -> np.ndarray:
    """Undo the PNG row filters (None, Sub, Up, Average, Paeth)."""
    h, n = raw.shape[0], raw.shape[1] - 1
    out = np.zeros((h, n), np.uint8)
    for y in range(h):
        f = raw[y, 0]
        for x in range(n):
            a = np.int32(out[y, x - ch]) if x >= ch else 0
            b = np.int32(out[y - 1, x]) if y > 0 else 0
            c = np.int32(out[y - 1, x - ch]) if x >= ch and y > 0 else 0
            if f == 0:
                pred = 0
            elif f == 1:
                pred = a
            elif f == 2:
                pred = b
            elif f == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            out[y, x] = (np.int32(raw[y, x + 1]) + pred) % 256
    return out


def test_grid_png_round_trip():
    rng = np.random.default_rng(0)
    for shape in [(1, 1), (3, 7), (30, 30)]:
        g = rng.integers(0, 10, shape).astype(np.int8)
        rgb = _read_png(grid_png(g))
        want = np.array([list(bytes.fromhex(PALETTE[v][1:])) for v in g.ravel()], np.uint8)
        assert rgb.shape == (*shape, 3)
        assert np.array_equal(rgb.reshape(-1, 3), want.reshape(-1, 3))


def test_report_with_tasks(tmp_path, eval_tasks):
    records = _small_records(eval_tasks)
    run = _write_run(tmp_path / "run", records)
    summary = json.loads((run / "summary.json").read_text())
    summary["ablation"] = {"dsl only": {"score": 0.25, "n_tasks": 5}, "ttt only": {"score": 0.1}}
    summary["ttt_train"] = {"tasks": 4, "tokens_per_s": 2345.6}
    summary["code"] = {"3c81cd1be7eb": 3, "0123456789ab": 2}
    (run / "summary.json").write_text(json.dumps(summary))
    out = write_report(run, tasks=list(eval_tasks.values()))
    page = out.read_text()
    assert "test-time training" in page and "2345.6" in page
    assert "tasks per code version" in page and "0123456789ab" in page
    assert out == run / "report.html"
    page = out.read_text()
    assert page.count('<section class="card"') == 5
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    assert "x1 = rot90(I)" in page and "a&lt;b &amp; c&gt;d" in page  # program text, escaped
    assert "votes: 3" in page and "rot90" in page  # TTT votes shown
    assert "timed out after 30 s" in page
    assert 'data-solved="1"' in page and 'data-solved="p"' in page
    assert "demonstrations (" in page and "expected" in page
    assert "unreadable line(s)" in page  # the truncated last line is reported, not fatal
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    # score 1.5 / 5 tasks: first task solved, multi-test half solved
    assert "30.0%" in page
    assert "ablation" in page and "dsl only" in page and "0.25" in page


def test_report_degrades_without_tasks(tmp_path, eval_tasks):
    records = _small_records(eval_tasks)
    run = _write_run(tmp_path / "run", records, data={"name": "no_such_dataset"})
    out = write_report(run, tmp_path / "elsewhere" / "r.html")
    page = out.read_text()
    assert page.count('<section class="card"') == 5
    assert "demonstrations not shown" in page
    assert "x1 = rot90(I)" in page and "attempt 2" in page
    # without true outputs, attempts are marked from the runner's per-candidate flags
    assert 'class="mark-wrong"' in page and 'class="mark-right"' in page
    for line in (run / "results.jsonl").read_text().splitlines()[:-1]:
        rec = json.loads(line)
        for ranked in rec["candidates"]:
            for c in ranked:
                del c["correct"]
        (run / "results.jsonl").write_text(json.dumps(rec) + "\n")  # one task, no flags
        break
    page = write_report(run).read_text()
    assert page.count('<section class="card"') == 1 and 'class="mark-right"' not in page


def test_cli_and_compare(tmp_path, eval_tasks, capsys):
    records = _small_records(eval_tasks)
    run_a = _write_run(tmp_path / "a", records)
    b = [dict(r) for r in records]
    t1 = eval_tasks[b[1]["task_id"]]
    b[1] = _record(t1, "ok", [[t1.test_outputs[0], t1.test_inputs[0]]], [["ttt", "dsl"]], [[]])
    b[0] = _record(
        eval_tasks[b[0]["task_id"]], "timeout", [[np.zeros((1, 1))] * 2], [["fallback"] * 2], [[]]
    )
    run_b = _write_run(tmp_path / "b", b)
    assert main([str(run_a), "--no-tasks"]) == 0
    assert (run_a / "report.html").is_file()
    out = tmp_path / "cmp.html"
    assert main(["--compare", str(run_a), str(run_b), "-o", str(out)]) == 0
    page = out.read_text()
    assert f'id="t-{b[0]["task_id"]}"' in page and f'id="t-{b[1]["task_id"]}"' in page
    assert 'data-cmp="a"' in page and 'data-cmp="b"' in page
    assert "A scores higher (1)" in page and "B scores higher (1)" in page
    assert f"paired on the {len(records)} tasks both runs scored" in page
    assert "report.html#t-" in page  # links into A's own report
    text = capsys.readouterr().out  # the paired table on the terminal
    assert f"paired on the {len(records)} tasks both runs scored" in text
    assert f"A scores higher (1): {b[0]['task_id']}" in text
    assert f"B scores higher (1): {b[1]['task_id']}" in text
    from ensemble.report.compare import paired

    p = paired(run_a, _write_run(tmp_path / "c", b[1:]))  # a run still going: one task missing
    assert (p["tasks"], p["only_in_a"], p["only_in_b"]) == (len(records) - 1, 1, 0)
    assert p["a_higher"] == [] and p["b_higher"] == [b[1]["task_id"]]
    assert main([str(tmp_path / "nowhere")]) == 2
    with pytest.raises(SystemExit):
        main([])
    assert write_compare(run_a, run_b).name == "compare_b.html"


def _synthetic_run(tmp_path: Path, tasks: dict[str, Task]) -> Path:
    """All 400 ARC-AGI-1 evaluation tasks with made-up results of every kind."""
    rng = np.random.default_rng(1)
    records = []
    for k, t in enumerate(tasks.values()):
        n = len(t.test_inputs)
        kind = k % 5
        if kind == 4:
            att = [[np.zeros((1, 1), np.int8)] * 2 for _ in range(n)]
            records.append(
                _record(t, "timeout", att, [["fallback"] * 2] * n, [[]] * n, "timeout", 60.0)
            )
            continue
        att = [
            [t.test_outputs[i] if kind == 0 else t.test_inputs[i], t.test_inputs[i]]
            for i in range(n)
        ]
        cands = [
            [_cand(att[i][0], "dsl", program=PROGRAM), _cand(att[i][1], "ttt", 0.5, votes=4)]
            + [_cand(rng.integers(0, 10, (5, 5)), "ttt", 0.1, votes=1) for _ in range(3)]
            for i in range(n)
        ]
        secs = float(rng.gamma(2.0, 8.0))
        records.append(_record(t, "ok", att, [["dsl", "ttt"]] * n, cands, time_s=secs))
    return _write_run(tmp_path / "big", records)


def test_large_report_is_small_and_quick_to_write(tmp_path, eval_tasks):
    run = _synthetic_run(tmp_path, eval_tasks)
    t0 = time.perf_counter()
    out = write_report(run, tasks=list(eval_tasks.values()))
    took = time.perf_counter() - t0
    size = out.stat().st_size
    assert out.read_text().count('<section class="card"') == 400
    assert size < 12_000_000, size
    assert took < 30, took


# ------------------------------------------------------------------------------------ Chromium


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run_chromium(
    args: list[str], profile: Path, timeout: float = 60
) -> subprocess.CompletedProcess:
    exe = _chromium()
    if exe is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}",
    ]  # fmt: skip
    env = dict(os.environ, HOME=str(profile))
    return subprocess.run(
        [exe, *flags, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def _visible_cards(dom: str) -> int:
    return len(re.findall(r'<section class="card"(?![^>]*\shidden)[^>]*>', dom))


def test_report_in_chromium(tmp_path, eval_tasks):
    if _chromium() is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    run = _write_run(tmp_path / "run", _small_records(eval_tasks))
    out = write_report(run, tasks=list(eval_tasks.values()))
    url = out.resolve().as_uri()
    dom = _run_chromium(["--dump-dom", url], tmp_path / "p1").stdout
    assert 'data-ready="1"' in dom  # the inline script ran
    assert "showing 5 of 5 tasks" in dom
    assert dom.count('<section class="card"') == 5 and _visible_cards(dom) == 5
    assert 'id="summary"' in dom and "x1 = rot90(I)" in dom
    assert len(re.findall(r'<button type="button" data-f=', dom)) == 4
    filtered = _run_chromium(["--dump-dom", url + "#f=solved"], tmp_path / "p2").stdout
    assert "showing 1 of 5 tasks" in filtered and _visible_cards(filtered) == 1
    first = next(iter(eval_tasks))
    view = f"{url}#q={first[:6]}&src=a:ttt&sort=time"
    searched = _run_chromium(["--dump-dom", view], tmp_path / "p3").stdout
    assert "showing 1 of 5 tasks" in searched
    times = [
        float(t) for t in re.findall(r'<section class="card"[^>]*data-time="([\d.]+)"', searched)
    ]
    assert len(times) == 5 and times == sorted(times, reverse=True)
    shot = tmp_path / "shot.png"
    _run_chromium([f"--screenshot={shot}", "--window-size=1280,2000", url], tmp_path / "p4")
    assert shot.is_file() and shot.stat().st_size > 20_000
    img = _read_png(shot.read_bytes())[..., :3]
    assert img.shape[:2] == (2000, 1280)
    colours = {tuple(c) for c in img[::4, ::4].reshape(-1, 3)}
    palette = {tuple(bytes.fromhex(c[1:])) for c in PALETTE}
    assert len(colours) > 20 and len(colours & palette) >= 4  # text, panels and ARC grids drawn
    if os.environ.get("ARC_REPORT_SHOT"):
        shutil.copy(shot, os.environ["ARC_REPORT_SHOT"])


@pytest.mark.slow
def test_large_report_opens_quickly_in_chromium(tmp_path, eval_tasks):
    if _chromium() is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    small = write_report(_write_run(tmp_path / "small", _small_records(eval_tasks)))
    big = write_report(_synthetic_run(tmp_path, eval_tasks), tasks=list(eval_tasks.values()))
    timings = {}
    for name, page in (("small", small), ("big", big)):
        t0 = time.perf_counter()
        dom = _run_chromium(["--dump-dom", page.resolve().as_uri()], tmp_path / name).stdout
        timings[name] = time.perf_counter() - t0
        assert 'data-ready="1"' in dom
        load_ms = int(re.search(r'data-load-ms="(\d+)"', dom).group(1))
        timings[name + "_load_ms"] = load_ms
    assert "showing 400 of 400 tasks" in dom
    assert timings["big_load_ms"] < 5000, timings
    assert timings["big"] - timings["small"] < 5, timings


def test_malformed_records_do_not_stop_the_report(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    records = [
        {"task_id": "a1", "status": "invalid", "error": "bad <grid>", "attempts": None},
        {"task_id": "b2", "attempts": [[[[1, 2]], [[99]]]], "candidates": [["junk", {"grid": 5}]]},
        {"task_id": "c3", "status": "ok", "n_test": 2, "correct": [True], "score": 0.5,
         "attempts": [[[[1]], [[2]]]], "attempt_sources": [["dsl"]], "candidates": "x"},
        ["not", "a", "record"],
    ]  # fmt: skip
    (run / "results.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    page = write_report(run).read_text()
    assert page.count('<section class="card"') == 3
    assert "bad &lt;grid&gt;" in page and "no valid grid" in page
    assert "no .hydra/config.yaml" in page and "1 unreadable line(s)" in page


def test_markup_in_ids_programs_and_errors_is_escaped(tmp_path, eval_tasks):
    """Task ids, programs, sources, errors and solver notes are text, never markup."""
    evil = "<script>alert(1)</script>"
    records = _small_records(eval_tasks)
    records[0]["task_id"] = f"t{evil}&\"'"
    for c in records[0]["candidates"][0]:
        c["detail"]["program"] = f"O = {evil}"
        c["source"] = f"src{evil}"
    records[0]["attempt_sources"] = [[f"src{evil}", f"src{evil}"]]
    records[0]["error"] = f"boom {evil}"
    records[0]["solver_detail"] = {"note": evil}
    run = _write_run(tmp_path / "run", records)
    page = write_report(run, tasks=list(eval_tasks.values())).read_text()
    cmp_page = write_compare(run, _write_run(tmp_path / "b", records[1:])).read_text()
    for text in (page, cmp_page):
        assert "<script>alert" not in text
        assert text.count("<script>") == 1  # the page's own inline script, nothing else
    assert 'data-id="t&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#34;&#39;"' in page
    assert "O = &lt;script&gt;alert(1)&lt;/script&gt;" in page  # the program
    assert "boom &lt;script&gt;" in page and "src&lt;script&gt;" in page
    assert "t&lt;script&gt;alert(1)&lt;/script&gt;" in cmp_page  # listed as only in run A


def test_solver_notes_and_memory_shown(tmp_path, eval_tasks):
    records = _small_records(eval_tasks)
    records[0]["solver_detail"] = {"ttt": "skipped: confident <program>"}
    records[0]["peak_rss_mb"] = 321.4
    run = _write_run(tmp_path / "run", records)
    page = write_report(run, tasks=list(eval_tasks.values())).read_text()
    assert "solver notes" in page and "skipped: confident &lt;program&gt;" in page
    assert "321 MB" in page


FLIP = {"train": [{"input": [[1, 2], [5, 6]], "output": [[2, 1], [6, 5]]}] * 2,
        "test": [{"input": [[3, 4], [7, 8]], "output": [[4, 3], [8, 7]]}]}  # fmt: skip


def _symmetry_run(tmp_path: Path, files: dict[str, str]) -> Path:
    """A real run (the symmetry baseline) over task a (a left-right flip) and `files` (name ->
    text) in a task dir; returns the run dir."""
    from ensemble.run.loop import run

    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "a.json").write_text(json.dumps(FLIP))
    for name, text in files.items():
        (tasks / name).write_text(text)
    cfg = {
        "data": {"name": "path", "path": str(tasks)},
        "solver": {"_target_": "ensemble.baselines.SymmetrySolver"},
        "budget": {"task_s": 5.0, "grace_s": 1.0, "memory_mb": None},
        "parallel": {"backend": "sequential", "n_jobs": 1, "threads_per_worker": 1},
    }
    run(cfg, tmp_path / "run", progress=False)
    return tmp_path / "run"


def test_page_figures_are_the_runners_summary(tmp_path):
    """The page's score, outputs, statuses and times are summary.json's (the runner's own
    `summarize`), its oracle the ablation's."""
    from ensemble.report.load import load_run
    from ensemble.report.views import run_stats, task_view

    same = {"input": [[1, 2], [5, 6]], "output": [[1, 2], [5, 6]]}  # no one symmetry fits both
    run_dir = _symmetry_run(
        tmp_path,
        {
            "b.json": json.dumps({**FLIP, "test": FLIP["test"] * 2}),
            "c.json": json.dumps({**FLIP, "train": [FLIP["train"][0], same]}),
        },
    )
    summary = json.loads((run_dir / "summary.json").read_text())
    r = load_run(run_dir, reload_tasks=False)
    stats = run_stats({t: task_view(rec, None) for t, rec in sorted(r.results.items())})
    assert stats["score"] == summary["score"] and stats["n_scored"] == summary["n_tasks_scored"]
    assert stats["outputs_right"] == summary["n_solved_outputs"]
    assert stats["score_per_output"] == summary["score_per_output"]
    assert stats["time"] == summary["time_s"]
    assert stats["status_counts"] == {k: n for k, n in summary["status_counts"].items() if n}
    assert summary["score"] == pytest.approx(2 / 3) and stats["oracle_n"] == (3, 4)  # per output
    assert summary["ablation"]["oracle"] == pytest.approx(2 / 3, abs=1e-4)  # per task
    for src, c in summary["by_source"].items():
        assert stats["per_source"][src]["right"] == c["attempts_correct"]
        assert stats["per_source"][src]["oracle"] == c["oracle_correct"]


def test_compact_lines_keep_what_a_benchmark_commits(tmp_path):
    _symmetry_run(tmp_path, {"b.json": "{not json"})
    assert main(["--compact", str(tmp_path / "run")]) == 0
    lines = (tmp_path / "run" / "tasks.jsonl").read_text().splitlines()
    a, b = (json.loads(line) for line in lines)
    assert a == {"task_id": "a", "status": "ok", "score": 1.0, "time_s": a["time_s"],
                 "correct": [True], "by": [["symmetry", "fallback"]],
                 "program": ["O = flip_lr(I)"]}  # fmt: skip
    assert b["status"] == "invalid" and b["program"] is None and "bad JSON" in b["error"]
