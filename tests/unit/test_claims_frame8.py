"""Measure, side and quantity mechanisms of the eighth pass (issue 21, branch cx-frame4): each test is
one mechanism, on a sentence written for it (no real passage); the whole pipeline is judged on real
writing by bench/claims_eval.py."""
from __future__ import annotations

import datetime as dt

import pytest
from claimtext import claims, only_claim as _only_claim

PUBLISHED = dt.date(2024, 11, 20)


def claims_of(text: str, published: dt.date = PUBLISHED):
    return claims(text, published)


def only_claim(text: str, published: dt.date = PUBLISHED):
    return _only_claim(text, published)


@pytest.mark.parametrize("sentence", [
    "The Russian army now has to capture roughly the final 30 square kilometers of the Luhansk region.",
    "Moscow would still need to conquer about 6,000 square kilometres to hold all of Donetsk oblast.",
    "Some 30 square kilometers of the Luhansk region still have to be captured by Russian forces.",
])
def test_ground_a_side_still_has_to_take_is_held_by_the_other_side(sentence):
    claim = only_claim(sentence)
    assert (claim.measure, claim.side) == ("area_held", "ukraine")
    assert claim.explain["measure"].startswith("measure.remainder_to_take")


def test_ground_a_side_took_stays_a_change():
    claim = only_claim("The Russian army captured roughly 30 square kilometers of the Luhansk region last week.")
    assert (claim.measure, claim.side) == ("area_change", "russia")


@pytest.mark.parametrize("sentence, metres", [
    ("Ukrainian troops said the Russians were now within roughly a mile of the town of Kurakhove.", 1609.344),
    ("Russian units reported advances of up to a kilometre near Kupiansk over the past week.", 1000.0),
])
def test_the_article_before_a_unit_of_length_is_the_number_one(sentence, metres):
    claim = only_claim(sentence)
    assert claim.unit_normalized == "m" and claim.value_normalized == pytest.approx(metres)


def test_not_a_single_metre_is_none():
    claim = only_claim("Over the past week the Russian army has not moved forward a single metre near Kurakhove, "
                       "the Ukrainian general staff said.")
    assert claim.value_normalized == 0.0


def test_a_kilometre_long_thing_is_no_figure():
    assert claims_of("A kilometre-long column of Russian trucks was seen near Kurakhove.") == []


@pytest.mark.parametrize("sentence", [
    "Russian troops are about 4 kilometres to the west of the small Ukrainian mining town of Kurakhove.",
    "Russia says it holds Hirnyk, 6 km from the badly damaged Ukrainian industrial town Kurakhove.",
])
def test_a_length_from_a_town_named_with_several_words_before_it_is_a_distance(sentence):
    claim = only_claim(sentence)
    assert (claim.measure, claim.side) == ("distance", "russia")


def test_a_verbless_list_item_naming_only_a_place_has_no_measure():
    claim = claims_of("According to the analysts, Russian forces captured 120 square kilometers in the week to "
                      "Sunday, and most of that ground was in the east of the country.\n"
                      "Kharkiv Oblast: 14 square kilometers near Vovchansk.")[-1]
    assert claim.value_normalized == 14.0 and claim.measure == "other"


@pytest.mark.parametrize("sentence", [
    "Since January, 300 square kilometers of land became under the control of Russian troops, Moscow said.",
    "The Russian defence ministry said that 300 square kilometers were taken under control last month.",
])
def test_a_holding_phrase_after_become_or_take_is_a_gain(sentence):
    claim = only_claim(sentence)
    assert claim.measure == "area_change"


@pytest.mark.parametrize("sentence", [
    "Fighting continued near the village of Hlyboke, which is 12 km from Kharkiv, the regional governor said.",
    "Kupiansk is a railway town about 40 km west of the Russian border, and it has been shelled for months.",
])
def test_a_length_after_a_place_noun_or_which_is_says_where_a_place_lies(sentence):
    assert [c for c in claims_of(sentence) if c.unit_normalized == "m"] == []


def test_a_length_after_which_is_to_the_front_stays_a_claim():
    (claim,) = [c for c in claims_of("Heavy fighting continued near Kupiansk, which is 8 km from the front line, "
                                     "the regional governor said on Monday.") if c.unit_normalized == "m"]
    assert claim.measure == "distance"


@pytest.mark.parametrize("sentence", [
    "Before the war the town had a population of about 12,000 people, local officials said on Monday.",
    "Only about 900 residents remained in the town by the end of the summer, the governor said.",
])
def test_a_places_population_is_no_claim(sentence):
    assert [c for c in claims_of(sentence) if c.unit_normalized == "persons"] == []


def test_the_people_of_ground_a_side_took_stay_a_claim():
    claims = claims_of("Kyiv said the territory recaptured in the east had around 40,000 residents, a spokesman said.")
    assert [c.value_normalized for c in claims if c.unit_normalized == "persons"] == [40000.0]


def test_the_sides_of_a_rectangle_are_no_claim():
    text = "Ukrainian forces hold a bridgehead of roughly five by five kilometres on the eastern bank, the general staff said."
    assert [c for c in claims_of(text) if c.unit_normalized == "m"] == []


def test_a_share_of_gains_with_no_determiner_is_no_share_of_territory():
    claim = only_claim("Almost 60% of Russian territorial gains last month were made in the Donetsk region, analysts said.")
    assert claim.measure == "other"


@pytest.mark.parametrize("sentence, measure", [
    ("Russian forces took 1.2% of the country in 2023 and 0.9% in 2024, the analysts said.", "share_gained"),
    ("In May, 40% of the district was under Russian control, and now it is 25%, the governor said.", "share_held"),
])
def test_a_verbless_coordinated_figure_shares_the_measure_of_the_figure_before(sentence, measure):
    claims = [c for c in claims_of(sentence) if c.unit_normalized == "percent"]
    assert [c.measure for c in claims] == [measure, measure]
    assert claims[1].side == "russia"
    assert claims[1].explain["measure"].startswith("measure.coordinated")


def test_a_coordinated_figure_with_its_own_verb_keeps_its_own_measure():
    claims = claims_of("Russia holds 18% of the country, and Ukrainian troops have retaken 0.5% since June, officials said.")
    assert [c.measure for c in claims if c.unit_normalized == "percent"][1] != "share_held"


def test_a_coordinated_figure_after_another_figure_is_not_read_as_the_first():
    claims = claims_of("Russia holds 18% of the country, and the incursion took 1,000 square kilometres, or 0.006%, "
                       "of Russian land, officials said.")
    assert all(not c.explain["measure"].startswith("measure.coordinated") for c in claims)
