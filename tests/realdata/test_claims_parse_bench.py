"""bench/claims_parse.py runs its comparison on the real labelled passages of
../shared/data/claims/dev.jsonl: the parse's side, place and measure against the rules', in a
2x2 table per field. Skipped without the shared data or without spaCy and its model."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import claims_syntax as syntax  # noqa: E402

DEV = Path(os.environ.get("FRONTWATCH_SHARED", ROOT.parent / "shared")) / "data" / "claims" / "dev.jsonl"


def _bench():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("claims_parse_bench", ROOT / "bench" / "claims_parse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/claims/dev.jsonl absent")
@pytest.mark.skipif(not syntax.available(), reason="spaCy or en_core_web_sm not installed (pip install 'frontwatch[parse]')")
def test_the_parse_comparison_runs_on_the_labelled_passages():
    bench = _bench()
    rows = bench.compare(DEV)["rows"]
    t = bench.table(rows)
    assert t["claims"] == len(rows) > 100
    for fld in bench.FIELDS:
        x = t[fld]
        assert x["both"] + x["only_ours"] + x["only_parse"] + x["neither"] == t["claims"]
        # the parse reads something for most figures, and is right on some of them
        assert x["parse_silent"] < t["claims"] and x["parse"] > 0
