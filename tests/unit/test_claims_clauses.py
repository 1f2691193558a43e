"""Measure and side from the structure of the figure's clause (claims/extract.py): fronted
participle clauses, elided clauses, verbs of holding over a period, running totals, differences,
widths, and the action lexicon's control and de-occupation verbs. One rule per test, on sentences
written for the test."""
from __future__ import annotations

from claimtext import D, claims


def _one(text: str, published=D(2024, 11, 25)):
    (c,) = claims(text, published=published)
    return c


def test_fronted_participle_clause_takes_the_main_subject():
    c = _one("After controlling 40% of the region in May, Russia now holds less of it.")
    assert c.side == "russia" and c.explain["side"].startswith("side.fronted_clause_subject")


def test_fronted_clause_with_its_own_actor_keeps_it():
    c = _one("After Ukrainian forces retook 300 square kilometres in June, Russia moved reserves north.")
    assert c.side == "ukraine"


def test_occupied_over_a_named_period_is_a_gain():
    assert _one("In October, the Russians managed to occupy 0.05% of the country's territory.").measure == "share_gained"
    assert _one("In October, Russian troops managed to occupy 400 square kilometres.").measure == "area_change"


def test_occupy_with_no_period_is_a_holding():
    assert _one("Russian troops occupy 400 square kilometres of the region.").measure == "area_held"


def test_total_brought_to_is_a_share_held():
    c = claims("Russian troops took 0.1% of the country in October, bringing the total figure to 19.1%.")[-1]
    assert c.measure == "share_held"


def test_total_of_a_change_brought_to_stays_a_change():
    c = claims("Ukraine retook 10 sq km last week, bringing the total territory recaptured to 180 sq km.")[-1]
    assert c.measure == "area_change"


def test_more_than_in_another_period_is_a_difference():
    c = claims("Russia seized 3,600 km2 this year, 1,200 km2 more than in the same "
               "period of 2023.")[-1]
    assert c.measure == "other"


def test_breadth_of_is_a_width():
    # the width of a push: a front length (measure.front_width), not a depth
    c = claims("Ukrainian units pushed as far as 15 kilometres deep over a breadth of 35 kilometres.")[-1]
    assert c.measure == "front_length"


def test_taking_control_is_a_gain():
    assert _one("Ukrainian forces advanced, taking control of 1,000 sq km in August.").measure == "area_change"


def test_de_occupy_is_a_gain():
    assert _one("They managed to de-occupy about 200 square kilometres in June.").measure == "area_change"


def test_marked_undefined_on_the_map_is_the_grey_zone():
    c = claims("Some 620 square kilometers of the Kursk region are held by Ukraine. About 140 square "
               "kilometers are marked as \"undefined\" on the map.")[-1]
    assert (c.measure, c.side) == ("grey_zone", None)


def test_sentence_after_a_claim_goes_on_about_the_claims_side():
    c = claims("Ukraine's deputy defence minister said troops had won back 6 sq km near Bakhmut over the past week; Russian forces took the city "
               "in May. That raised the total recaptured around the city to 29 sq km.",
               published=D(2023, 7, 17))[-1]
    assert c.side == "ukraine" and c.explain["side"].startswith("side.carried")


def test_clause_runs_on_past_an_aside():
    c = _one("About 300 square kilometres of the region, including the town of Kupiansk, were retaken by Ukraine "
             "in September.", published=D(2022, 10, 1))
    assert c.side == "ukraine" and c.explain["side"].startswith("side.agent_after")


def test_share_named_by_a_noun_of_taking_is_held():
    c = _one("With regard to the region, the liberation figure has come close to 70%, the Russian general said.")
    assert c.measure == "share_held"


def test_relative_clause_after_the_figure_names_its_taker():
    c = claims("Of the 1,376 sq km Kyiv's troops captured at the height of the incursion, only part remains.")[0]
    assert c.side == "ukraine" and c.explain["side"].startswith("side.relative_agent")


def test_figure_with_no_side_in_its_sentence_takes_the_reports_last_claims_side():
    c = claims("Russian forces captured 400 sq km in October. Of the ground taken by the attackers in the east, "
               "120 sq km lay around Pokrovsk.", published=D(2024, 11, 5))[-1]
    assert c.side == "russia"


def test_verbless_area_outside_a_list_is_ground_held():
    c = claims("Russian forces captured 187 square kilometers.\nTheir bridgehead: about 33 square kilometers.")[-1]
    assert c.measure == "area_held"


def test_share_taken_over_a_named_period_stays_a_gain():
    c = _one("Over the course of the month, Russian troops seized 0.05% of the country's area.")
    assert c.measure == "share_gained"


def test_share_taken_with_only_the_statement_dated_is_held():
    c = _one("An official said last week that Russian forces had taken between 40 and 55 percent of the city.")
    assert c.measure == "share_held"


def test_share_of_the_gains_is_not_a_share_of_territory():
    c = claims("Russia gained 450 square kilometres in October. Two-thirds of the Russian gains, or 300 "
               "square kilometres, were in Donetsk region.")
    assert [x.measure for x in c if x.unit_normalized == "percent"] == ["other"]


def test_holding_grown_by_is_a_gain():
    c = _one("The area controlled by Russia has grown by 3,000 square kilometres this year.")
    assert (c.measure, c.direction) == ("area_change", "gained")


def test_ground_an_advance_covered_is_a_gain():
    c = _one("The Russian advance, which covered 25 square kilometres last week, slowed.")
    assert (c.measure, c.direction) == ("area_change", "gained")


def test_ground_a_pocket_covers_is_held():
    assert _one("The Russian-held pocket covers about 120 square kilometres.").measure == "area_held"
