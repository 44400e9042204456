"""The import graph: dsl <- ttt <- ensemble, no module importing another's private names, and the
run loop knowing solvers only through the Solver protocol (no solver module imported)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dsl", "ttt", "ensemble")
ALLOWED = {"dsl": {"dsl"}, "ttt": {"dsl", "ttt"}, "ensemble": {"dsl", "ttt", "ensemble"}}
SOLVER_MODULES = {"dsl.solver", "ttt.solver", "ensemble.solver", "ensemble.baselines"}


def _imports(path: Path):
    """(module, names) of every `import` / `from ... import` in a file, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def _files(pkg: str):
    return sorted((ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("pkg", PACKAGES)
def test_imports_point_one_way_and_reach_no_private_names(pkg):
    bad = []
    for f in _files(pkg):
        me = ".".join(f.relative_to(ROOT).with_suffix("").parts)
        for module, names in _imports(f):
            top = module.split(".")[0]
            if top in PACKAGES and top not in ALLOWED[pkg]:
                bad.append(f"{me} imports {module}")
            if top in PACKAGES and top != pkg:  # another package: its public names only
                bad += [f"{me} imports {module}.{n}" for n in names if n.startswith("_")]
            if any(p.startswith("_") and p != "__future__" for p in module.split(".")[1:]):
                bad.append(f"{me} imports private module {module}")
    assert bad == []


def test_the_run_loop_imports_no_solver_module():
    for f in _files("ensemble/run"):
        mods = {m for m, _ in _imports(f)}
        assert not mods & SOLVER_MODULES, f"{f.name} imports {mods & SOLVER_MODULES}"
        assert not {m for m in mods if m.split(".")[0] == "ttt"}, f"{f.name} imports ttt"
