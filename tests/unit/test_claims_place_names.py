"""The place recogniser (claims/places.py) on names that look like places and are not, or that
stand for a country: one rule per test, on sentences written for the test."""
from __future__ import annotations

from claimtext import claims

from frontwatch.claims.places import place_mentions


def test_publication_name_is_not_a_place():
    found = place_mentions("A report in The New York Times said troops had lost 40% of the city.")
    assert [m.kind for m in found] == ["city_ref"]


def test_city_reference_with_only_a_publication_named_stays_unsure():
    (c,) = claims("A report in The New York Times said Ukrainian troops had lost about 40% of the city.")
    assert c.place is None


def test_capital_possessive_before_land_is_the_country():
    (m,) = place_mentions("Russia had seized 71,350 square kilometres of Kyiv's land.")
    assert (m.kind, m.canonical, m.rule) == ("country", "UKR", "place.country_territory")


def test_capital_possessive_land_places_the_claim_in_the_country():
    (c,) = claims("Russia had seized 71,350 square kilometres of Kyiv's land since February 2022.")
    assert c.place == "UKR"


def test_front_length_after_a_sector_of_it_is_the_whole_fronts():
    (c,) = claims("Kyiv's General Staff reported that the Pokrovsk sector of the 1,200-km (750-mile) front saw "
                  "the heaviest fighting.")
    assert (c.measure, c.place) == ("front_length", "UKR")
    assert c.explain["place"].startswith("place.whole_front")


def test_capital_possessive_before_an_actor_is_not_a_town():
    assert [m.kind for m in place_mentions("About 20% of the town is in the hands of Kyiv's forces.")] == ["city_ref"]


def test_apposition_giving_the_extent_places_the_figure_before_it():
    first, _ = claims("Kyiv says its troops hold some 90 villages, covering over 1,200 square "
                      "kilometers in Kursk.")
    assert first.place == "Kursk oblast"

