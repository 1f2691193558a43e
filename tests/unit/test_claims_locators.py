"""Locators: a length that says where a place lies from another place is not a claim about the
front (claims/extract.py, quantity.locator). One rule per test, on sentences written for the test."""
from __future__ import annotations

from claimtext import claims


def _lengths(text: str):
    return [c.surface for c in claims(text) if c.unit_normalized in ("m", "m_per_day")]


def test_place_that_lies_from_another_is_a_locator():
    assert _lengths("Horlivka lies 40 kilometers northeast of Donetsk city.") == []


def test_place_located_from_the_border_is_a_locator():
    assert _lengths("Troops shelled Vovchansk, a town located less than four kilometers from the Russian border.") == []


def test_second_locator_of_the_same_place_is_left_out():
    assert _lengths("They hit Vovchansk, a town located less than four kilometers from the border and some 55 "
                    "kilometers from the city of Kharkiv.") == []


def test_conversion_of_a_locator_is_left_out():
    assert _lengths("They hit Vovchansk, a town located less than four kilometers (2.5 miles) from the border "
                    "and some 55 kilometers (34 miles) from the city of Kharkiv.") == []


def test_parenthetical_after_a_place_is_a_locator():
    assert _lengths("Russian forces gained ground north of Khromove (3km west of Bakhmut).") == []


def test_length_to_a_compass_direction_stays_a_claim():
    # "located about 10 km to the north" names no second place: a fresh holdout labels such a
    # figure a distance (how close a side's ground is), so it is not a locator.
    assert _lengths("The village lies about 10 kilometres to the north.") == ["10 kilometres"]


def test_place_name_in_apposition_stays_a_claim():
    assert _lengths("Russian troops captured Kurakhove, about 30 kilometres from Pokrovsk.") == ["30 kilometres"]


def test_town_distance_to_the_front_stays_a_claim():
    assert _lengths("Pokrovsk is located 8 kilometres from the front line.") == ["8 kilometres"]


def test_actor_distance_from_a_town_stays_a_claim():
    assert _lengths("Russian troops are located 3 kilometres from Pokrovsk.") == ["3 kilometres"]


def test_village_captured_near_a_town_stays_a_claim():
    assert _lengths("Russia claimed to have captured another village, just a dozen kilometres from Pokrovsk.") \
        == ["a dozen kilometres"]
