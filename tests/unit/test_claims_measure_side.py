"""Measure and side mechanisms of the seventh pass (issue 21): each test is one mechanism, on a
sentence written for it (no real passage); the whole pipeline is judged on real writing by
bench/claims_eval.py."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from frontwatch.claims import extract_claims  # noqa: E402
from frontwatch.claims.actors import actor_mentions  # noqa: E402

PUBLISHED = "2024-11-20"


def claims_of(text: str, published: str = PUBLISHED):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract_claims(text, published=published)


def only_claim(text: str, published: str = PUBLISHED):
    (claim,) = claims_of(text, published)
    return claim


@pytest.mark.parametrize("sentence", [
    # a period by its two ends
    "The analysts say Moscow's army occupied about 300 square kilometres between March 3 and May 9.",
    # a qualifier "less than" between the verb and the figure
    "In June the invaders occupied less than 90 square miles, the monitors wrote.",
    # a participle
    "In September, with the Russians occupying 350 square kilometres, the pace slowed.",
])
def test_occupied_over_a_named_period_is_a_gain(sentence):
    claim = only_claim(sentence)
    assert (claim.measure, claim.direction) == ("area_change", "gained")
    assert claim.explain["measure"].startswith("measure.occupied_over_period")


def test_occupied_with_no_period_stays_held():
    assert only_claim("Russian forces have occupied about 110,000 square kilometres.").measure == "area_held"


def test_freed_is_a_verb_of_gain():
    claim = only_claim("Last week Ukrainian troops freed 12 square kilometres near Robotyne.")
    assert (claim.measure, claim.direction, claim.side) == ("area_change", "gained", "ukraine")


@pytest.mark.parametrize("words,side", [
    ("The Armed Forces of Ukraine", "ukraine"),
    ("the troops of Russia", "russia"),
    ("The Defence Forces", "ukraine"),
])
def test_a_force_named_by_its_country_after_of_is_an_actor(words, side):
    (m,) = actor_mentions(words + " have advanced.")
    assert (m.side, m.governed) == (side, None)


@pytest.mark.parametrize("sentence,measure", [
    ("Russia's troops captured 0.3% of Ukraine's territory last month, a rise of 0.1 percentage points.", None),
    ("Kyiv saw its territorial control increase by 0.5% in March.", "share_gained"),
    ("Moscow's control of the land grew by 0.2% and 0.3% in the two months.", "share_gained"),
    ("The army reported a 2.4% regain of territorial control in the spring.", "share_gained"),
    ("Russia holds about 17% of Ukraine, an increase of one percentage point from a year ago.", "share_gained"),
    ("Ukraine reported a drop of 3 percentage points in the ground it controls.", "share_lost"),
])
def test_a_share_written_as_the_rise_or_fall_of_a_holding(sentence, measure):
    shares = [c for c in claims_of(sentence) if c.explain["measure"].startswith("measure.share_rise_or_fall")]
    if measure is None:  # the share taken is read by its verb; the points of rise are the rise
        assert [c.measure for c in shares] == ["share_gained"]
    else:
        assert shares and all(c.measure == measure for c in shares)


def test_a_rise_of_a_percent_that_names_no_holding_is_not_a_share():
    claim = only_claim("The pace of the Russian advance rose by 20% in October.")
    assert not claim.explain["measure"].startswith("measure.share_rise_or_fall")


def test_regaining_a_share_of_land_control_is_the_regainers_gain():
    claim = only_claim("In May Ukrainian troops pushed on, regaining 1.2% of land control.")
    assert (claim.measure, claim.side) == ("share_gained", "ukraine")


@pytest.mark.parametrize("sentence", [
    "Ukrainian troops cut a salient into Russia some 35 km wide.",
    "Ukrainian forces had pushed 10 km deep over a breadth of 30 kilometres.",
    "Russian units have advanced along a broad front for at least 25 km since October.",
])
def test_the_width_of_a_push_is_a_front_length_with_its_side(sentence):
    widths = [c for c in claims_of(sentence) if c.explain["measure"].startswith("measure.front_width")]
    assert len(widths) == 1 and widths[0].measure == "front_length" and widths[0].side is not None


def test_the_length_of_the_line_is_a_front_length():
    claim = only_claim("Two months ago the length of this line was 1,200 km, the general said.")
    assert claim.measure == "front_length"


def test_the_whole_front_is_nobodys():
    claim = only_claim("Ukraine's army is stretched along the more than 1,100 km front line.")
    assert (claim.measure, claim.side) == ("front_length", None)


@pytest.mark.parametrize("sentence,side", [
    ("In April more than 300 square kilometres came under Russian control, the analysts said.", "russia"),
    ("The retreat left 900 square kilometres back in the hands of Ukraine.", "ukraine"),
    ("Some 40 square kilometres fell into Russian hands in March.", "russia"),
])
def test_a_holders_phrase_after_a_verb_of_becoming_is_a_gain(sentence, side):
    claim = only_claim(sentence)
    assert (claim.measure, claim.direction, claim.side) == ("area_change", "gained", side)


def test_a_holders_phrase_alone_stays_a_holding():
    assert only_claim("About 600 square kilometres are under Russian control near the town.").measure == "area_held"


def test_liberated_from_a_side_after_the_figure_is_the_other_sides_gain():
    claim = only_claim("By now 150 square kilometres of the district have been liberated from the Ukrainian army.")
    assert (claim.side, claim.explain["side"].split(":")[0]) == ("russia", "side.taken_from")


def test_the_previous_subject_is_no_object_of_a_preposition():
    text = ("According to reports from pro-Kremlin bloggers, the Ukrainian forces have entered two villages. "
            "They advanced by about 6 kilometres.")
    (claim,) = [c for c in claims_of(text) if c.unit_normalized == "m"]
    assert (claim.side, claim.explain["side"].split(":")[0]) == ("ukraine", "side.previous_subject")


def test_the_width_of_a_push_is_not_checked():
    claim = only_claim("Ukrainian troops cut a salient into Russia some 35 km wide.")
    assert "measure" in claim.unsure


def test_it_stands_for_a_singular_subject():
    text = ("Not the Russians on the border, but few thought the Ukrainian army had the troops to attack. "
            "So far it has done well, advancing up to 25 km in places.")
    (claim,) = claims_of(text)
    assert claim.side == "ukraine"


def test_a_length_to_a_compass_part_of_a_town_is_a_distance():
    claim = only_claim("Russian units stood about 5 km from the eastern outskirts of Kramatorsk on Monday.")
    assert (claim.measure, claim.side) == ("distance", "russia")


@pytest.mark.parametrize("sentence,low,high", [
    ("Russian troops advanced by two and a half to three kilometres near Avdiivka last week.", 2500, 3000),
    ("Russian units are one or two kilometres from the outskirts of Kupiansk.", 1000, 2000),
])
def test_ranges_in_words(sentence, low, high):
    claim = only_claim(sentence)
    assert (claim.low_normalized, claim.high_normalized) == (low, high)


def test_a_whole_number_plus_a_half_in_words():
    assert only_claim("Ukraine took back two-and-a-half square kilometres.").value_normalized == 2.5


def test_a_figure_in_a_span_of_days_is_a_change_not_a_rate():
    claim = only_claim("Russia took about 600 square kilometres in 30 days.")
    assert (claim.measure, claim.value_normalized, claim.unit_normalized) == ("area_change", 600, "km2")


def test_every_n_days_stays_a_rate():
    assert only_claim("Russian troops advance about 1 km every five days.").measure == "advance_rate"


def test_control_that_shot_up_to_a_share_is_held():
    assert only_claim("Russian control of Ukraine shot up to 27% in March.").measure == "share_held"


def test_a_bare_figure_for_a_compass_part_takes_the_unit_before():
    cs = claims_of("Last week Ukrainian troops retook 6 square kilometres in the north, and 14 in the east.")
    assert [(c.value_normalized, c.unit_normalized, c.measure) for c in cs] == [
        (6, "km2", "area_change"), (14, "km2", "area_change")]


def test_a_bracketed_conversion_after_the_figures_noun_is_no_claim():
    cs = claims_of("Russian troops took about 150 square miles of territory (388 square kilometers) in May.")
    assert [c.value for c in cs] == [150]


def test_recovered_is_a_verb_of_gain():
    claim = only_claim("In May Ukrainian troops recovered 20 square kilometres near Kharkiv.")
    assert (claim.measure, claim.direction) == ("area_change", "gained")


@pytest.mark.parametrize("words,side", [
    ("The AFU", "ukraine"), ("The aggressor", "russia"), ("DPR forces", "russia"), ("Separatist forces", "russia"),
])
def test_more_names_of_the_sides(words, side):
    assert only_claim(words + " took 20 square kilometres near Avdiivka.").side == side


def test_the_adversary_is_the_speakers_enemy():
    assert only_claim("The adversary advanced 2 km near Pokrovsk, Syrskyi said.").side == "russia"


def test_a_holder_after_an_apposed_figure_is_the_first_figures_too():
    share, area = claims_of("About 17% of Ukraine, or roughly 104,000 square kilometres, is under Russian control.")
    assert (share.measure, share.side, area.side) == ("share_held", "russia", "russia")


def test_a_holder_after_a_figure_set_against_it_is_that_figures():
    first = claims_of("Russia has seized about 60 percent of the district, with only 40 percent still under "
                      "the control of Ukrainian forces.")[0]
    assert first.side == "russia"


@pytest.mark.parametrize("sentence", [
    "About 70% of Vuhledar is destroyed, the governor said.",
    "The Russians mined some 150,000 square kilometres of Ukrainian land.",
])
def test_ground_damaged_or_mined_is_no_holding(sentence):
    claim = only_claim(sentence)
    assert claim.measure == "other" and claim.explain["measure"].startswith("measure.damage_not_holding")


def test_a_holding_beside_damage_stays_a_holding():
    assert only_claim("Russia controls 18% of Ukraine, much of it destroyed.").measure == "share_held"


def test_a_speaker_named_by_a_common_noun_takes_the_side_it_was_introduced_with():
    text = ("A Ukrainian brigade says that its troops have pushed forward near Kupiansk. That is a region "
            "where Russia began an offensive in the spring. The brigade said on Friday that its forces "
            "advanced nearly three square kilometers in that area.")
    (claim,) = claims_of(text)
    assert claim.side == "ukraine"


def test_its_is_no_pronoun_for_the_previous_singular_subject():
    text = ("That is an area where Russia launched an offensive in the spring. "
            "The Ukrainian brigade said on Friday that its forces advanced nearly three square kilometers there.")
    (claim,) = claims_of(text)
    assert claim.side == "ukraine"
