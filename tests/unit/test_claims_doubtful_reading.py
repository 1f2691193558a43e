"""check.doubtful_reading: an area far off the map figure under a place taken from the context is
not a verdict (frontwatch.claims.check._doubtful_reading); one rule, its edges."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from frontwatch.claims.check import (
    FAR_FACTOR, NOT_CHECKABLE, OVERSTATED, READING_FACTOR, UNDERSTATED, Check, MapFigure, _doubtful_reading)
from frontwatch.claims.verdicts import AREA, SHARE, TOWN_SHARE

from claimtext import claims


@pytest.fixture(scope="module")
def claim():
    (c,) = claims("Russian forces captured 1,000 square kilometres in October.")
    return c


def _check(c, map_km2: float, verdict: str = OVERSTATED, place: str = "place.carried: Kursk (an earlier sentence)",
           inferred: bool = True) -> Check:
    c = dataclasses.replace(c, place_inferred=inferred, explain={**c.explain, "place": place})
    fig = MapFigure(map_km2, "km2", (dt.date(2024, 10, 31),), "Kursk oblast")
    return _doubtful_reading(Check(c, verdict, "reason", fig, AREA, 0.0, "the map figure"))


def test_far_figure_under_carried_place_is_not_checkable(claim):
    assert _check(claim, 1000 / (READING_FACTOR + 1)).verdict == NOT_CHECKABLE


def test_far_figure_under_carried_place_names_the_rule(claim):
    assert "check.doubtful_reading" in _check(claim, 100).reason


def test_understatement_far_off_is_not_checkable(claim):
    assert _check(claim, 1000 * (READING_FACTOR + 1), verdict=UNDERSTATED).verdict == NOT_CHECKABLE


def test_figure_within_the_factor_keeps_its_verdict(claim):
    assert _check(claim, 1000 / (READING_FACTOR - 0.5)).verdict == OVERSTATED


def test_place_named_in_the_sentence_keeps_its_verdict(claim):
    assert _check(claim, 100, place="place.attached: Kursk", inferred=False).verdict == OVERSTATED


def test_whole_country_by_default_keeps_its_verdict(claim):
    assert _check(claim, 100, place="place.whole_country: no place named").verdict == OVERSTATED


def test_area_far_off_under_a_named_place_is_not_checkable(claim):
    assert _check(claim, 1000 * (FAR_FACTOR + 1), verdict=UNDERSTATED, place="place.attached: Kursk",
                  inferred=False).verdict == NOT_CHECKABLE


def test_area_within_the_far_factor_under_a_named_place_keeps_its_verdict(claim):
    assert _check(claim, 1000 * (FAR_FACTOR - 1), verdict=UNDERSTATED, place="place.attached: Kursk",
                  inferred=False).verdict == UNDERSTATED


def _share_check(c, claimed: float, side_share: float, tolerance=SHARE) -> Check:
    c = dataclasses.replace(c, measure="share_held", value_normalized=claimed, unit_normalized="percent",
                            explain={**c.explain, "place": "place.attached: Ukraine"})
    fig = MapFigure(side_share, "percent", (dt.date(2024, 10, 5),), "UKR", with_grey_zone=side_share + 0.1)
    return _doubtful_reading(Check(c, UNDERSTATED, "reason", fig, tolerance, 0.0, "the map figure"))


def test_share_that_fits_the_other_sides_is_not_checkable(claim):
    assert _share_check(claim, 18.0, 81.8).verdict == NOT_CHECKABLE


def test_share_that_fits_neither_side_keeps_its_verdict(claim):
    assert _share_check(claim, 40.0, 81.8).verdict == UNDERSTATED


def test_town_share_keeps_its_verdict_even_near_the_other_sides(claim):
    assert _share_check(claim, 66.7, 15.0, tolerance=TOWN_SHARE).verdict == UNDERSTATED
