"""The layers of docs/architecture.md hold: import-linter's contracts (pyproject.toml) are kept,
and no module of frontwatch imports, through any chain, a module that imports it back."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter not installed (pip install -e '.[test]')")
    done = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index, low, on, stack, found = {}, {}, set(), [], []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on.add(v)
            for j in range(i, len(edges[v])):
                w = edges[v][j]
                if w not in index:
                    work += [(v, j + 1), (w, 0)]
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
    return found


def test_no_module_imports_itself_back():
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (pip install -e '.[test]')")
    assert _cycles(grimp.build_graph("frontwatch")) == []


def test_a_cycle_is_found_when_there_is_one():
    class Graph:
        modules = {"a", "b", "c", "d"}
        _edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, m):
            return self._edges[m]

    assert _cycles(Graph()) == [["a", "b", "c"]]


def test_no_function_imports_a_module_of_frontwatch():
    """A module of frontwatch is imported at the top of the module that uses it (or declared
    there with frontwatch.lazy), never inside a function, where it hid import cycles."""
    import ast

    found = []
    for path in sorted((ROOT / "src" / "frontwatch").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("frontwatch"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
                    elif isinstance(node, ast.Import) and any(a.name.startswith("frontwatch") for a in node.names):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], found
