"""The place recogniser (claims/places.py) on names that look like places and are not, or that
stand for a country: one rule per test, on sentences written for the test."""
from __future__ import annotations

from claimtext import claims

from frontwatch.claims.places import place_mentions


def test_publication_name_is_not_a_place():
    found = place_mentions("According to an article in The New York Times, troops lost 40% of the city.")
    assert [m.kind for m in found] == ["city_ref"]


def test_city_reference_with_only_a_publication_named_stays_unsure():
    (c,) = claims("According to an article in The New York Times, Ukrainian troops have lost about 40% of the city.")
    assert c.place is None


def test_capital_possessive_before_land_is_the_country():
    (m,) = place_mentions("Russia had taken 67,192 square kilometres of Kyiv's land.")
    assert (m.kind, m.canonical, m.rule) == ("country", "UKR", "place.country_territory")


def test_capital_possessive_land_places_the_claim_in_the_country():
    (c,) = claims("Russia had taken 67,192 square kilometres of Kyiv's land since February 2022.")
    assert c.place == "UKR"


def test_front_length_after_a_sector_of_it_is_the_whole_fronts():
    (c,) = claims("Ukraine's General Staff said the Kurakhove sector of the 1,000-km (600-mile) front was gripped "
                  "by heavy fighting.")
    assert (c.measure, c.place) == ("front_length", "UKR")
    assert c.explain["place"].startswith("place.whole_front")


def test_capital_possessive_before_an_actor_is_not_a_town():
    assert [m.kind for m in place_mentions("About 20% of the town is in the hands of Kyiv's forces.")] == ["city_ref"]


def test_apposition_giving_the_extent_places_the_figure_before_it():
    first, _ = claims("Ukraine maintains that its forces control about 100 villages, spanning over 1,300 square "
                      "kilometers in Kursk.")
    assert first.place == "Kursk oblast"

