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


# --- check.doubtful_reading.more_than_the_place and .read_from_outside (seventh pass)

def _own(c, **explain):
    """The claim read wholly from its own clause, but for the fields given."""
    base = {"measure": "measure.area_change, gained: verb 'captured'", "side": "side.subject: Russian forces",
            "place": "place.attached: Kursk", "date": "date.named_period: October"}
    return dataclasses.replace(c, place_inferred=False, explain={**base, **explain})


def _judge(c, value: float, unit: str = "km2", verdict: str = OVERSTATED, land: float | None = None,
           tolerance=AREA, grey: float | None = None) -> Check:
    fig = MapFigure(value, unit, (dt.date(2024, 10, 31),), "Kursk:15km", with_grey_zone=grey, land_km2=land)
    return _doubtful_reading(Check(c, verdict, "reason", fig, tolerance, 0.0, "the map figure"))


def test_area_larger_than_the_places_land_is_not_checkable(claim):
    assert _judge(_own(claim), 500.0, land=707.0).verdict == NOT_CHECKABLE


def test_area_larger_than_the_places_land_names_the_rule(claim):
    assert "more_than_the_place" in _judge(_own(claim), 500.0, land=707.0).reason


def test_area_within_the_places_land_keeps_its_verdict(claim):
    assert _judge(_own(claim), 500.0, land=5000.0).verdict == OVERSTATED


def test_side_from_an_earlier_sentence_far_off_is_not_checkable(claim):
    c = _own(claim, side="side.previous_subject: a pronoun for the previous sentence's subject")
    assert _judge(c, 1000 / (READING_FACTOR + 1)).verdict == NOT_CHECKABLE


def test_reason_names_the_field_read_from_outside(claim):
    c = _own(claim, side="side.previous_subject: a pronoun for the previous sentence's subject")
    assert "the side (side.previous_subject)" in _judge(c, 100.0).reason


def test_period_from_the_operation_far_off_is_not_checkable(claim):
    c = _own(claim, date="date.statement: on Monday; start.operation: the incursion began on 2024-08-06")
    c = dataclasses.replace(c, measure="depth", value_normalized=1500.0, unit_normalized="m")
    assert _judge(c, 12.7, unit="km", verdict=UNDERSTATED, tolerance=SHARE).verdict == NOT_CHECKABLE


def test_zero_map_figure_under_a_side_from_context_is_not_checkable(claim):
    c = _own(claim, side="side.carried: the previous sentence's side")
    assert _judge(c, 0.0).verdict == NOT_CHECKABLE


def test_zero_map_figure_under_an_own_reading_keeps_its_verdict(claim):
    assert _judge(_own(claim), 0.0).verdict == OVERSTATED


def test_measure_from_its_unit_alone_far_off_is_not_checkable_in_the_whole_country(claim):
    c = _own(claim, measure="measure.area_held: unit km2 and the words around it",
             place="place.whole_country: no place named")
    assert _judge(c, 1000 * 400, verdict=UNDERSTATED).verdict == NOT_CHECKABLE


def test_whole_country_by_default_far_off_keeps_its_verdict(claim):
    c = _own(claim, place="place.whole_country: no place named")
    assert _judge(c, 1000 / (FAR_FACTOR + 1)).verdict == OVERSTATED


def test_share_from_another_clause_far_off_is_not_checkable(claim):
    c = _own(claim, place="place.earlier_clause: Kharkiv")
    c = dataclasses.replace(c, measure="share_lost", value_normalized=1.8, unit_normalized="percent")
    assert _judge(c, 88.0, unit="percent", verdict=UNDERSTATED, tolerance=SHARE).verdict == NOT_CHECKABLE


def test_small_share_within_two_tolerances_keeps_its_verdict(claim):
    c = _own(claim, place="place.earlier_clause: Kharkiv")
    c = dataclasses.replace(c, measure="share_held", value_normalized=0.5, unit_normalized="percent")
    assert _judge(c, 9.0, unit="percent", verdict=UNDERSTATED, tolerance=SHARE).verdict == UNDERSTATED


def test_check_record_says_where_each_field_was_read(claim):
    rec = Check(_own(claim, side="side.carried: x"), OVERSTATED, "reason").to_record()
    assert rec["reading"]["side"] == {"source": "context", "rule": "side.carried"}


def test_zero_map_figure_under_a_period_from_the_operation_keeps_its_verdict(claim):
    c = _own(claim, date="date.publication: no date named; start.operation: the incursion began on 2024-08-06")
    assert _judge(c, 0.0).verdict == OVERSTATED


def test_zero_map_figure_with_no_place_named_is_not_checkable(claim):
    c = _own(claim, place="place.none: no place named")
    assert _judge(c, 0.0).verdict == NOT_CHECKABLE


# --- check.doubtful_reading.far_figure: the whole country by default excuses a change only (eighth pass)

def test_holding_of_the_whole_country_by_default_far_off_is_not_checkable(claim):
    c = _own(claim, measure="measure.area_held: verb 'under the control'", place="place.whole_country: no place named")
    c = dataclasses.replace(c, measure="area_held")
    assert _judge(c, 1000 * (FAR_FACTOR + 1), verdict=UNDERSTATED).verdict == NOT_CHECKABLE


def test_holding_of_the_whole_country_within_the_far_factor_keeps_its_verdict(claim):
    c = _own(claim, measure="measure.area_held: verb 'under the control'", place="place.whole_country: no place named")
    c = dataclasses.replace(c, measure="area_held")
    assert _judge(c, 1000 * (FAR_FACTOR - 1), verdict=UNDERSTATED).verdict == UNDERSTATED
