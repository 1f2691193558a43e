"""Places named by reference ("this area", "the border region", "in the area") and the region a
sentence is about (claims/places.py AREA_REF and REGION_REF, extract._PlaceContext): one rule per
test, on sentences written for the test."""
from __future__ import annotations

from claimtext import D, claims

from frontwatch.claims.places import place_mentions


def test_this_area_is_a_reference():
    assert [m.kind for m in place_mentions("Ukraine held 500 square kilometres of this area.")] == ["area_ref"]


def test_the_area_under_control_is_not_a_reference():
    assert place_mentions("the area under Russian control grew by 30 square kilometres") == []


def test_the_border_region_is_a_region_reference():
    assert [m.kind for m in place_mentions("1,000 sq km of the border region")] == ["region_ref"]


def test_this_area_is_the_region_where_the_sentence_before_happens():
    c = claims("In August, the army opened an offensive in Russia's Belgorod region to pull Russian troops away "
               "from Donbas. By late August, Ukraine held about 400 square kilometres of this area.",
               published=D(2024, 9, 10))[-1]
    assert c.place == "Belgorod oblast"


def test_border_region_resolves_to_the_region_named_before():
    c = claims("Fighting goes on in the Kursk region. The general said his troops now control 900 sq km of the border "
               "region, in Russia's south.", published=D(2024, 8, 20))[-1]
    assert c.place == "Kursk oblast"


def test_in_the_area_is_the_place_last_named():
    c = claims("Ukrainian troops advanced near Bakhmut last week. That raised the total recaptured in the area to "
               "40 sq km.", published=D(2023, 7, 17))[-1]
    assert c.place == "Bakhmut"


def test_the_city_stays_unsure_when_the_report_names_several_towns():
    (c,) = claims("Russian troops are within eight kilometers of the city's edge. "
                  "They took Pokrovsk's suburbs and shelled Kostiantynivka.")
    assert c.place is None


def test_there_after_a_figure_is_the_place_last_named():
    c = claims("Ukrainian forces repelled 40 attacks near Pokrovsk. Over the past week, the enemy captured "
               "30 square kilometres there.")[-1]
    assert c.place == "Pokrovsk"


def test_existential_there_is_no_place():
    assert not [m for m in place_mentions("There are 30 villages left, and there were more.") if m.rule == "place.there"]


def test_that_area_is_never_a_whole_country():
    c = claims("A Ukrainian brigade says its troops retook ground in the northeastern region of Kharkiv. It is "
               "an area of eastern Ukraine. The brigade said its troops advanced almost three square kilometers in "
               "that area.")[-1]
    assert c.place == "Kharkiv oblast"
