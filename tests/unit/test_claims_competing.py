"""check.competing_readings: the other readings a figure's own words allow
(frontwatch.claims.competing); one rule, its edges. Sentences written for the rule."""
from __future__ import annotations

import dataclasses

import pytest

from frontwatch.claims.competing import competing_readings, locator_anchor

from claimtext import claims


def _length(text: str):
    (c,) = [c for c in claims(text) if c.unit_normalized == "m"]
    return c


def test_compass_of_a_town_is_a_locator():
    s = "The column halted six kilometres south of Kurakhove on Monday."
    assert locator_anchor(s, s.index(" south")) == ("south of Kurakhove on Monday", "Kurakhove")


def test_from_the_front_line_is_a_locator_with_no_town():
    s = "The strikes left the town within twelve kilometres from the front line."
    assert locator_anchor(s, s.index(" from")) == ("from the front line", None)


def test_length_followed_by_a_verb_is_no_locator():
    s = "Russian troops advanced six kilometres in the week."
    assert locator_anchor(s, s.index(" in the week")) is None


def test_from_a_word_that_is_no_place_is_no_locator():
    s = "The troops advanced six kilometres from their trenches."
    assert locator_anchor(s, s.index(" from")) is None


def test_depth_before_a_locator_competes_with_a_distance():
    c = dataclasses.replace(_length("Russian advances stopped six kilometres south of Kurakhove in October."),
                            measure="depth")
    (other,) = competing_readings(c)
    assert (other.rule, other.fields["measure"], other.fields["place"]) == (
        "check.competing_readings.locator", "distance", "Kurakhove")


def test_distance_from_the_place_the_locator_names_has_no_competitor():
    c = dataclasses.replace(_length("Russian troops are six kilometres from Kurakhove."), measure="distance",
                            place="Kurakhove")
    assert competing_readings(c) == []


def test_distance_from_another_village_competes_with_the_locators_town():
    c = dataclasses.replace(_length("Russian troops entered Hirnyk, about six kilometres from Kurakhove's edge."),
                            measure="distance", place="Hirnyk")
    (other,) = competing_readings(c)
    assert other.fields["place"] == "Kurakhove"


@pytest.mark.parametrize("measure", ["area_change", "advance_rate"])
def test_only_lengths_have_a_locator_reading(measure):
    c = dataclasses.replace(_length("Russian advances stopped six kilometres south of Kurakhove in October."),
                            measure=measure)
    assert competing_readings(c) == []


def test_a_claim_rebuilt_from_its_record_finds_its_locator_by_its_surface():
    c = dataclasses.replace(_length("Russian advances stopped six kilometres south of Kurakhove in October."),
                            measure="depth", span_in_sentence=None)
    assert [o.fields["place"] for o in competing_readings(c)] == ["Kurakhove"]
