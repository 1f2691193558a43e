"""The quantity recognisers of claim extraction on their own (the number grammar of
frontwatch.claims.extract and the unit lexicon of frontwatch.claims.units). Sentences written
for these tests, one per rule; the whole pipeline is judged on real writing by
bench/claims_eval.py."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from frontwatch.claims import extract_claims  # noqa: E402

PUBLISHED = "2024-11-20"


def claims_of(text: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract_claims(text, published=PUBLISHED)


def test_times_before_a_comparison_is_a_ratio():
    (claim,) = claims_of("Russia gained 2,000 sq km this year, seven times more than last year.")[1:]
    assert (claim.value_normalized, claim.unit_normalized, claim.measure) == (7.0, "ratio", "other")


def test_times_without_a_comparison_is_no_figure():
    assert claims_of("The town was shelled three times on Monday.") == []


def test_a_rate_written_after_a_bracketed_conversion_is_a_rate():
    (claim,) = claims_of("Russian forces are advancing by around 25 square kilometers (9.7 square miles) a day.")
    assert (claim.value_normalized, claim.unit_normalized, claim.measure) == (25.0, "km2_per_day", "advance_rate")


@pytest.mark.parametrize("sentence,value", [
    ("Russia captured 1.234.567 square metres.", 1.234567),   # thousands grouped by dots
    ("Russia captured 1'200 square kilometres.", 1200.0),     # ... by apostrophes
    ("Russian troops advanced 1,5 km.", 1500.0),               # a decimal comma before a unit
    ("Russia captured 3,000-plus square kilometres.", 3000.0),
])
def test_number_grammar_of_other_conventions(sentence, value):
    (claim,) = claims_of(sentence)
    assert claim.value_normalized == pytest.approx(value)


@pytest.mark.parametrize("sentence,value", [
    ("Russia captured some two dozen villages.", 24.0),
    ("Russia captured half a dozen villages.", 6.0),
    ("Russia captured a half-dozen villages.", 6.0),
    ("Russia captured a hundred and twenty villages.", 120.0),
])
def test_number_words_of_dozens_and_hundreds(sentence, value):
    (claim,) = claims_of(sentence)
    assert claim.value_normalized == value


def test_a_decimal_comma_is_read_only_before_a_length_area_or_share():
    assert claims_of("Russia took 12,5 villages.") == []


@pytest.mark.parametrize("sentence", [
    "Russia seized a 100-square-kilometre area near Pokrovsk.",
    "Russia seized 100 kilometres squared near Pokrovsk.",
])
def test_area_units_written_with_hyphens_or_squared(sentence):
    (claim,) = claims_of(sentence)
    assert (claim.value_normalized, claim.unit_normalized) == (100.0, "km2")


@pytest.mark.parametrize("sentence,value,unit", [
    ("In November the Russians captured about 20 square kilometers on a daily basis.", 20.0, "km2_per_day"),
    ("Russian troops advance 200 metres on a daily basis near Pokrovsk.", 200.0, "m_per_day"),
    ("Russian forces gained 100 square kilometres on a weekly basis in October.", 100.0 / 7, "km2_per_day"),
])
def test_a_figure_on_a_daily_or_weekly_basis_is_a_rate(sentence, value, unit):
    (c,) = claims_of(sentence)
    assert c.unit_normalized == unit and c.measure == "advance_rate" and abs(c.value_normalized - value) < 0.01


@pytest.mark.parametrize("sentence,value", [
    ("As of today, 274 residential settlements have been liberated.", 274.0),
    ("Ukrainian forces have retaken 12 liberated villages.", 12.0),
])
def test_a_count_with_an_adjective_before_its_noun_is_read(sentence, value):
    (c,) = claims_of(sentence)
    assert (c.value_normalized, c.unit_normalized) == (value, "settlements")


def test_a_word_that_is_no_adjective_does_not_join_a_number_to_a_noun():
    assert [c.unit_normalized for c in claims_of("Russia fired 40 drones at villages overnight.")] == []


@pytest.mark.parametrize("sentence", [
    "Ukraine regained 3.1 square kilometers (around 1.2 square miles) near Pokrovsk over the past day.",
    "Russian troops are five kilometers (three miles) from Pokrovsk.",
    "Russian forces advanced 10 kilometres (over six miles) near Kurakhove over the past week.",
])
def test_a_bracketed_conversion_with_a_qualifier_or_a_number_word_is_no_claim_of_its_own(sentence):
    assert len(claims_of(sentence)) == 1


def test_a_second_figure_in_brackets_that_is_no_conversion_is_a_claim():
    assert len(claims_of("Russian forces captured 40 square kilometres (about 100 square miles in total) in October.")) == 2


def test_a_number_coordinated_with_a_figure_takes_its_unit():
    cs = claims_of("Russian troops took 512 and 430 square kilometres in the two months.")
    assert [(c.value, c.unit_normalized) for c in cs] == [(512, "km2"), (430, "km2")]


def test_a_gapped_number_takes_the_unit_of_the_figure_before():
    cs = claims_of("This year Russia captured 250 square miles and Ukraine 90.")
    assert [c.unit_normalized for c in cs] == ["km2", "km2"] and cs[1].side == "ukraine"


def test_the_object_of_a_verb_of_gain_takes_the_area_of_the_sentence_before():
    cs = claims_of("In 2023 Russian forces seized 600 square kilometres. Since January they have taken "
                "more than 2,400, an area larger than Moscow.")
    assert (cs[1].value, cs[1].unit_normalized, cs[1].qualifier) == (2400, "km2", "more than")


def test_a_bare_number_after_a_verb_with_no_area_before_is_no_claim():
    assert claims_of("Russian forces have taken more than 2,400, the ministry said.") == []


def test_populated_areas_are_settlements():
    (c,) = claims_of("The ministry said its forces had liberated 190 populated areas since the start of the year.")
    assert (c.value_normalized, c.unit_normalized) == (190, "settlements")


def test_a_loosely_rounded_conversion_in_brackets_is_no_second_claim():
    cs = claims_of("Ukraine had freed over 7,000 sq km (2,800 sq miles) of its land since Sept. 1.")
    assert [c.value_normalized for c in cs] == [7000]


def test_n_odd_is_about_n():
    (c,) = claims_of("Russian troops have captured 200-odd square kilometres in the region this year, officials said.")
    assert (c.value_normalized, c.unit_normalized, c.qualifier) == (200, "km2", "about")


def test_pc_is_percent():
    (c,) = claims_of("Russia now occupies almost 20pc of the country's territory, the analysts said on Monday.")
    assert (c.value_normalized, c.unit_normalized) == (20, "percent")


def test_one_of_a_count_takes_the_settlement_noun_before():
    cs = claims_of("On Sunday Russia said it had taken the village of Novoselydivka, one of nearly a dozen it claims "
                   "to have seized in the Donetsk region this month.")
    assert [(c.value_normalized, c.unit_normalized, c.qualifier) for c in cs] == [(12, "settlements", "nearly")]
