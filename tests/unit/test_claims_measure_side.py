"""Measure and side mechanisms of the seventh pass (issue 21): each test is one mechanism, on a
sentence written for it (no real passage); the whole pipeline is judged on real writing by
bench/claims_eval.py."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from frontwatch.claims import extract_claims  # noqa: E402
from frontwatch.claims.actors import actor_mentions  # noqa: E402

PUBLISHED = "2024-11-20"


def claims_of(text: str, published: str = PUBLISHED):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract_claims(text, published=published)


def only_claim(text: str, published: str = PUBLISHED):
    (claim,) = claims_of(text, published)
    return claim


@pytest.mark.parametrize("sentence", [
    # a period by its two ends
    "The analysts say Moscow's army occupied about 300 square kilometres between March 3 and May 9.",
    # a qualifier "less than" between the verb and the figure
    "In June the invaders occupied less than 90 square miles, the monitors wrote.",
    # a participle
    "In September, with the Russians occupying 350 square kilometres, the pace slowed.",
])
def test_occupied_over_a_named_period_is_a_gain(sentence):
    claim = only_claim(sentence)
    assert (claim.measure, claim.direction) == ("area_change", "gained")
    assert claim.explain["measure"].startswith("measure.occupied_over_period")


def test_occupied_with_no_period_stays_held():
    assert only_claim("Russian forces have occupied about 110,000 square kilometres.").measure == "area_held"


def test_freed_is_a_verb_of_gain():
    claim = only_claim("Last week Ukrainian troops freed 12 square kilometres near Robotyne.")
    assert (claim.measure, claim.direction, claim.side) == ("area_change", "gained", "ukraine")


@pytest.mark.parametrize("words,side", [
    ("The Armed Forces of Ukraine", "ukraine"),
    ("the troops of Russia", "russia"),
    ("The Defence Forces", "ukraine"),
])
def test_a_force_named_by_its_country_after_of_is_an_actor(words, side):
    (m,) = actor_mentions(words + " have advanced.")
    assert (m.side, m.governed) == (side, None)
