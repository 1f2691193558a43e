"""The place of a figure (claims/places.py and the place rules of claims/extract.py), seventh pass:
names that are actors or formations rather than places, names that narrow a place, references to a
front sector, and what the report's discourse says a figure's place is. One rule per test, on
sentences written for the test."""
from __future__ import annotations

from claimtext import claims

from frontwatch.claims.places import place_mentions


def test_country_in_an_institution_name_is_not_a_place():
    found = place_mentions("The General Staff of the Armed Forces of Ukraine gave the figure on Monday.")
    assert [m.canonical for m in found] == []


def test_country_after_in_the_hands_of_is_not_a_place():
    found = place_mentions("The retreat left about 300 square miles back in the hands of Ukraine.")
    assert [m.kind for m in found] == []


def test_name_of_a_military_formation_is_not_a_place():
    found = place_mentions("Troops of the Bakhmut (East) group of forces moved up.")
    assert [m.text for m in found] == []


def test_oblast_names_joined_by_and_are_a_union():
    (m,) = place_mentions("Moscow holds most of Kherson and Zaporizhzhia.")
    assert (m.kind, m.canonical, m.rule) == ("union", "Kherson oblast+Zaporizhzhia oblast", "place.union_of_names")


def test_share_of_two_oblasts_named_bare_is_the_union():
    (c,) = claims("Russian troops hold about 70% of Kherson and Zaporizhzhia.")
    assert set(c.place.split("+")) == {"Kherson oblast", "Zaporizhzhia oblast"}


def test_countrys_total_territory_is_the_country():
    (c,) = claims("By the end of the month Russian forces held 18.5% of Ukraine's total territory.")
    assert c.place == "UKR"


def test_region_in_the_possessive_before_a_town_gives_the_town():
    (c,) = claims("Kyiv's troops retook 4 square kilometres of land near Donetsk Oblast's Bakhmut in a week.")
    assert c.place == "Bakhmut"


def test_this_front_is_the_sector_last_named():
    (c,) = claims("Fighting went on along the Kupiansk front. Ukrainian troops on this front retook "
                  "three square kilometres last week.")
    assert c.place == "Kupiansk direction"
    assert c.explain["place"].startswith("place.in_clause: this front")
