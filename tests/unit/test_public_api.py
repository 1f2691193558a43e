"""The public modules say what they offer (``__all__``), every name they offer exists and is
documented, and the workspace's questions and the analysis functions behind them are documented
in numpydoc (Parameters, Returns with units, an Example that test_doctests.py runs)."""
from __future__ import annotations

import importlib
import inspect

import pytest

PUBLIC = ["frontwatch.workspace", "frontwatch.store", "frontwatch.claims", "frontwatch.sources",
          "frontwatch.analysis", "frontwatch.analysis.front", "frontwatch.analysis.holdings",
          "frontwatch.analysis.measure", "frontwatch.analysis.official", "frontwatch.analysis.results",
          "frontwatch.analysis.settlements", "frontwatch.analysis.shares", "frontwatch.analysis.summary",
          "frontwatch.analysis.tasks", "frontwatch.analysis.views", "frontwatch.geo", "frontwatch.geo.admin",
          "frontwatch.geo.display", "frontwatch.geo.files", "frontwatch.geo.geodesy", "frontwatch.geo.names",
          "frontwatch.geo.placefiles", "frontwatch.geo.places", "frontwatch.geo.regions", "frontwatch.geo.tiling"]

QUESTIONS = ["area", "change", "peak", "front", "advance", "settlements", "summary", "snapshots", "snapshot"]
BEHIND_THEM = ["frontwatch.analysis.holdings:area_by_status", "frontwatch.analysis.measure:change",
               "frontwatch.analysis.measure:peak", "frontwatch.analysis.front:front",
               "frontwatch.analysis.front:advance", "frontwatch.analysis.settlements:settlements_on",
               "frontwatch.analysis.settlements:settlement_changes", "frontwatch.analysis.summary:region_summary"]


def _numpydoc_sections(obj) -> set:
    doc = inspect.getdoc(obj) or ""
    lines = doc.splitlines()
    return {lines[i].strip() for i in range(len(lines) - 1) if set(lines[i + 1].strip()) == {"-"}}


@pytest.mark.parametrize("name", PUBLIC)
def test_a_public_module_names_what_it_offers(name):
    module = importlib.import_module(name)
    offered = getattr(module, "__all__", None)
    assert offered, f"{name} has no __all__"
    missing = [n for n in offered if not hasattr(module, n) and importlib.util.find_spec(f"{name}.{n}") is None]
    assert not missing, f"{name}.__all__ names what it does not hold: {missing}"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_offered_callable_is_documented(name):
    module = importlib.import_module(name)
    bare = [n for n in module.__all__ if hasattr(module, n)
            and (inspect.isfunction(getattr(module, n)) or inspect.isclass(getattr(module, n)))
            and not inspect.getdoc(getattr(module, n))]
    assert not bare, f"{name}: no docstring on {bare}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_workspace_question_is_documented_in_numpydoc(question):
    from frontwatch.workspace import Workspace

    assert {"Parameters", "Returns", "Examples"} <= _numpydoc_sections(getattr(Workspace, question))


@pytest.mark.parametrize("target", BEHIND_THEM)
def test_an_analysis_function_behind_a_question_is_documented_in_numpydoc(target):
    module, name = target.split(":")
    assert {"Parameters", "Returns", "Examples"} <= _numpydoc_sections(getattr(importlib.import_module(module), name))
