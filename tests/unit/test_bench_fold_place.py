"""bench/claims_eval.py compares places after folding names (fold_place): the naming variants the
labels use for one place compare equal, different places do not."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from claims_eval import fold_place  # noqa: E402


def test_front_sector_folds_to_its_town():
    assert fold_place("Bakhmut direction") == fold_place("Bakhmut") == fold_place("the Bakhmut sector")


def test_front_sector_of_another_town_differs():
    assert fold_place("Pokrovsk direction") != fold_place("Bakhmut")


def test_region_words_fold_together():
    assert fold_place("Kursk region") == fold_place("Kursk oblast")
