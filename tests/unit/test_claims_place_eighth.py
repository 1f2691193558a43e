"""The place of a figure, eighth pass (claims/places.py and the place rules of claims/extract.py):
mechanisms kept because they fixed labelled claims in at least two sets of real writing. One rule
per test, on sentences written for the test."""
from __future__ import annotations

import datetime as dt

from claimtext import claims

from frontwatch.claims.places import place_mentions, region_area_km2

D = dt.date


def test_russian_territory_held_during_the_incursion_is_kursk_oblast():
    (c,) = claims("Kyiv's army still controls roughly 600 square kilometres of Russian territory.", D(2024, 12, 1))
    assert (c.place, c.place_inferred) == ("Kursk oblast", True)
    assert c.explain["place"].startswith("place.incursion: Russian territory")


def test_russian_territory_before_the_incursion_stays_russia():
    (c,) = claims("Kyiv's army controlled roughly 600 square kilometres of Russian territory.", D(2023, 12, 1))
    assert c.place != "Kursk oblast"


def test_share_of_russia_as_a_whole_is_not_the_incursion():
    (c,) = claims("Ukraine holds about 0.01% of Russia, the analyst wrote.", D(2024, 12, 1))
    assert (c.measure, c.place) == ("share_held", "RUS")


def test_ukrainian_loss_with_no_place_is_the_whole_country():
    (c,) = claims("Kyiv's troops gave up some 700 square kilometres over the year, the monitors said.", D(2025, 1, 5))
    assert (c.side, c.place, c.place_inferred) == ("ukraine", "UKR", True)
    assert c.explain["place"].startswith("place.whole_country")



def test_depth_near_a_plain_settlement_is_measured_in_its_oblast():
    (c,) = claims("The brigade pushed on past the village of Vysokopillia, some 12 kilometres in three days.",
                  D(2022, 9, 10))
    assert (c.measure, c.place) == ("depth", "Kherson oblast")
    assert c.explain["place"].startswith("place.depth_in_oblast: Vysokopillia")


def test_depth_on_a_front_sector_keeps_the_sector():
    (c,) = claims("On the Kupiansk front the enemy advanced three kilometres in a week.", D(2024, 11, 25))
    assert (c.measure, c.place) == ("depth", "Kupiansk direction")


def test_region_later_in_the_clause_of_a_country_is_the_place():
    (c,) = claims("Some 40 square kilometres of Ukrainian land were freed in the Zaporizhzhia region.", D(2023, 7, 10))
    assert c.place == "Zaporizhzhia oblast"
    assert c.explain["place"] == "place.attached: Ukrainian land ... Zaporizhzhia region"


def test_region_named_as_a_part_leaves_the_country():
    (c,) = claims("Russia took 500 sq km of Ukrainian territory in 2024, mostly in the Donetsk region.", D(2024, 12, 30))
    assert c.place == "UKR"


def test_south_of_ukraine_is_a_part_of_the_front_not_the_country():
    (c,) = claims("Some 40 square kilometres of Ukrainian land were freed in the south of Ukraine.", D(2023, 7, 10))
    assert set(c.place.split("+")) == {"Zaporizhzhia oblast", "Donetsk oblast"}


def test_ground_larger_than_the_region_named_is_not_the_regions():
    (c,) = claims("Fighting went on in Kherson. Ukraine has now freed around 70,000 square kilometres.", D(2022, 11, 14))
    assert c.place != "Kherson oblast"


def test_ground_smaller_than_the_region_named_is_the_regions():
    (c,) = claims("Fighting went on in the Kherson region. Ukraine has now freed around 7,000 square kilometres.",
                  D(2022, 11, 14))
    assert c.place == "Kherson oblast"


def test_region_area_of_a_union_is_the_sum_of_its_oblasts():
    assert region_area_km2("Donetsk oblast+Luhansk oblast") == region_area_km2("Donetsk oblast") + region_area_km2("Luhansk oblast")
    assert region_area_km2("UKR") is None


def test_older_transliteration_of_a_town_is_named_in_the_national_one():
    (c,) = claims("Russian units are now some 3 kilometres from Kupyansk, the governor said.", D(2024, 10, 29))
    assert c.place == "Kupiansk"
    assert c.explain["place"].endswith("place.ukrainian_spelling: Kupyansk is Kupiansk")


def test_sector_named_by_its_town_in_the_older_transliteration_gets_the_national_one():
    (m,) = place_mentions("Fighting went on in the Kupyansk direction.")
    assert (m.kind, m.canonical) == ("direction", "Kupiansk direction")


def test_depth_toward_a_town_keeps_the_town():
    (c,) = claims("The enemy pushed 2 kilometres toward Vuhledar over the week.", D(2024, 10, 1))
    assert (c.measure, c.place) == ("depth", "Vuhledar")


def test_troops_sent_to_russia_during_the_incursion_stay_in_russia():
    (c,) = claims("Pyongyang has sent some 11,000 soldiers to Russia, officials said.", D(2024, 11, 20))
    assert c.place != "Kursk oblast"
