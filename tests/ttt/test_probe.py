"""The probe suite on a tiny model with 2 families: summary, curve line, held-out seeds."""

from __future__ import annotations

import json

import pytest

from ttt.pretrain_data import heldout_task
from ttt.probe import main, probe_tasks


def test_probe_tasks_are_fixed_and_never_evaluation():
    a = probe_tasks(["flip_lr", "rot90"], 2, 3)
    b = probe_tasks(["flip_lr", "rot90"], 2, 3)
    assert [t.id for _, t in a] == [t.id for _, t in b]
    assert [g for g, _ in a] == ["flip_lr"] * 2 + ["rot90"] * 2 + ["arc1_train"] * 3
    from dsl.datasets import raw_set

    assert not {t.id for _, t in a} & set(raw_set("arc1_eval"))
    assert heldout_task("flip_lr", 0).id == a[0][1].id


def test_probe_families_by_name_tag_or_group():
    from ttt.generators import by_tag, families
    from ttt.probe import expand_families

    known = families()
    groups = {"flips": ["flip_lr", "flip_ud"]}
    assert expand_families(None, known, groups) == sorted(known)
    assert expand_families([], known, groups) == []  # ARC-AGI-1 training alone
    assert expand_families(["flips", "rot90"], known, groups) == ["flip_lr", "flip_ud", "rot90"]
    assert expand_families(["colour"], known, groups) == sorted(by_tag()["colour"])
    with pytest.raises(ValueError, match="not a family, tag"):
        expand_families(["flipz"], known, groups)
    with pytest.raises(ValueError, match="unknown families"):
        expand_families(["bad"], known, {"bad": ["no_such_family"]})


def test_probe_scores_a_group_it_covers(tmp_path, tiny_model_dir):
    s = main(
        [
            f"model.path={tiny_model_dir}",
            "model.device=cpu",
            "probe.families=[flips]",
            "+probe.groups.flips=[flip_lr,flip_ud]",
            "probe.per_family=1",
            "probe.arc1_train=0",
            f"out.summary={tmp_path / 'summary.json'}",
            f"out.curve={tmp_path / 'curve.jsonl'}",
        ]
    )
    base = s["scores"]["base"]
    assert set(base["families"]) == {"flip_lr", "flip_ud"}
    assert base["groups"]["flips"] == base["generators"]
    line = json.loads((tmp_path / "curve.jsonl").read_text())
    assert line["base"]["flips"] == base["generators"]


def test_probe_writes_summary_and_curve(tmp_path, tiny_model_dir):
    curve = tmp_path / "curve.jsonl"
    args = [
        f"model.path={tiny_model_dir}",
        "model.device=cpu",
        "probe.families=[flip_lr,rot90]",
        "probe.per_family=1",
        "probe.arc1_train=1",
        "probe.budget_s=20",
        "probe.ttt=true",
        "ttt.infer.views=2",
        "ttt.steps=2",
        f"out.summary={tmp_path / 'summary.json'}",
        f"out.curve={curve}",
    ]
    summary = main(args)
    assert json.loads((tmp_path / "summary.json").read_text()) == summary
    assert set(summary["scores"]) == {"base", "ttt"}
    s = summary["scores"]["base"]
    assert set(s["families"]) == {"flip_lr", "rot90"} and 0.0 <= s["generators"] <= 1.0
    assert s["arc1_train"] is not None and set(s["tags"]) == {"geometry"}
    assert s["groups"] == {"flips_rotations": None, "colour_maps": None}  # not all probed
    main(
        args[:-2] + ["probe.ttt=false", f"out.summary={tmp_path / 's2.json'}", f"out.curve={curve}"]
    )
    lines = [json.loads(x) for x in curve.read_text().splitlines()]
    assert len(lines) == 2 and "ttt" in lines[0] and "ttt" not in lines[1]
    assert {"tokens", "cpu_hours", "base"} <= set(lines[1])
    assert lines[1]["probed"] == {"families": 2, "per_family": 1, "arc1_train": 1}


def test_probe_records_the_weights_it_loaded(tmp_path, tiny_model_dir, monkeypatch):
    """A pre-training run beside the probe may save newer weights into the same directory: the
    curve line names the ones the probe loaded."""
    import shutil

    import ttt.probe as probe

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    info = model / "pretrain_info.json"
    info.write_text(json.dumps({"step": 5, "tokens": 100, "cpu_seconds": 36.0}))
    real_score = probe.score

    def score_then_save(solver, task, seconds):  # a save lands mid-probe
        info.write_text(json.dumps({"step": 6, "tokens": 200, "cpu_seconds": 72.0}))
        return real_score(solver, task, seconds)

    monkeypatch.setattr(probe, "score", score_then_save)
    summary = main(
        [
            f"model.path={model}",
            "model.device=cpu",
            "probe.families=[flip_lr]",
            "probe.per_family=1",
            "probe.arc1_train=0",
            "ttt.infer.views=1",
            f"out.summary={tmp_path / 'summary.json'}",
            f"out.curve={tmp_path / 'curve.jsonl'}",
        ]
    )
    assert (summary["step"], summary["tokens"], summary["cpu_hours"]) == (5, 100, 0.01)
