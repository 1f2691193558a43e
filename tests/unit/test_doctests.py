"""The examples in the public modules' docstrings run, on the synthetic archive (synthetic.py):
``store_path`` in an example is the session's ``unit_store``. An example that stops matching
what the code prints fails here, so the documented figures stay true."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["frontwatch.workspace", "frontwatch.analysis.results", "frontwatch.analysis.holdings", "frontwatch.analysis.measure",
           "frontwatch.analysis.front", "frontwatch.analysis.settlements", "frontwatch.analysis.summary"]


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_run(name, unit_store):
    module = importlib.import_module(name)
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in finder.find(module, name, extraglobs={"store_path": str(unit_store)}) if t.examples]
    assert tests, f"{name} has no examples"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (output above)"
