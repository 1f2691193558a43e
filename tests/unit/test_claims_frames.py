"""The place, side and measure recognisers and rules of claim extraction on their own
(frontwatch.claims.places, frontwatch.claims.actors, the frame builder's measure/side/place
rules). Sentences written for these tests, one per rule; the whole pipeline is judged on real
writing by bench/claims_eval.py."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from frontwatch.claims import extract_claims  # noqa: E402
from frontwatch.claims.places import named_settlement, place_mentions  # noqa: E402
from claimtext import claims  # noqa: E402

PUBLISHED = "2024-11-20"


def only_claim(sentence: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (claim,) = extract_claims(sentence, published=PUBLISHED)
    return claim


@pytest.mark.parametrize("sentence,measure", [
    # A holder's phrase is a verb of holding: "under X's rule", "in X hands".
    ("About 60% of the Zaporizhzhia region is under Moscow's rule.", "share_held"),
    ("About 18% of Ukraine is now in Russian hands.", "share_held"),
    # A length with a retreat is how far the other side moved.
    ("Ukrainian soldiers retreated 3 km from their positions near Pokrovsk.", "depth"),
    ("Ukrainian defenders fell back some 2 km west of Vuhledar.", "depth"),
    # A length to the front, however the preposition reads.
    ("Kostiantynivka is within 10 km of the front.", "distance"),
    # A length's noun: the front's length, a distance.
    ("Russia is attacking along a front of 1,000 kilometres.", "front_length"),
    ("The distance between Russian positions and Pokrovsk has shrunk to 3 km.", "distance"),
    ("Russian units have reached positions within 3 kilometers of its outskirts.", "distance"),
    ("The front line, from Kharkiv region in the north to Kherson in the south, is now a 600 mile affair.", "front_length"),
    ("Ukraine's incursion went up to 30 kilometers, the commander said.", "depth"),
    # A share whose clause holds: held, with or without "of" after it.
    ("Ukraine controls less than 1 percent, the analysts said.", "share_held"),
    # An area with no verb, period or comparison: ground held.
    ("Ukraine's bridgehead in Russia: about 500 square miles.", "area_held"),
    # Every inflection of a verb of gain or loss is one (lexicon/actions.json), not only the past.
    ("Russian forces are taking about 500 square kilometres of Ukrainian land each month.", "area_change"),
    ("Ukrainian troops are regaining 40 square kilometres near Kupiansk.", "area_change"),
    ("Ukraine is withdrawing from 20 square kilometres near Vuhledar.", "area_change"),
])
def test_measure_from_the_words_around_the_figure(sentence, measure):
    assert only_claim(sentence).measure == measure


def test_a_retreat_is_the_other_sides_advance():
    assert only_claim("Ukrainian soldiers retreated 3 km from their positions near Pokrovsk.").side == "russia"


def test_occupied_territory_with_no_holder_named_is_russias():
    claim = only_claim("Occupied territories account for about 18% of Ukraine's land.")
    assert (claim.side, claim.explain["side"].split(":")[0]) == ("russia", "side.occupied")


def test_a_settlement_the_gazetteer_knows_by_name_needs_no_preposition():
    (m,) = [m for m in place_mentions("Russian forces captured Vuhledar and advanced 3 km beyond it.")
            if m.kind == "settlement"]
    assert (m.canonical, m.rule) == ("Vuhledar", "place.known_settlement")
    # A pace's point (a depth near a town named plainly is its oblast's: place.depth_in_oblast).
    assert only_claim("Russian forces captured Vuhledar, advancing 300 metres a day.").place == "Vuhledar"


@pytest.mark.parametrize("name", ["He", "In", "Times", "Zelensky", "Ukraine"])
def test_the_strict_gazetteer_test_refuses_other_places_alternate_names(name):
    # GeoNames lists these among other places' alternate names (codes, historic names).
    assert named_settlement(name) is False


def test_names_standing_for_a_side_are_not_settlements_without_a_preposition():
    """A leader's name (Zelensky) and the capitals (Moscow, Kyiv) stand for the sides; Pokrovsk,
    known to the gazetteer by name, is a settlement."""
    kinds = {m.text: m.kind for m in place_mentions("Zelensky said Moscow and Kyiv disagree, and Pokrovsk is near.")}
    assert kinds == {"Pokrovsk": "settlement"}


def test_a_share_in_apposition_to_an_area_takes_its_measure():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        area, share = extract_claims("Russia's army now occupies 109,420 square kilometers, or 18 percent of Ukraine.",
                                     published=PUBLISHED)
    assert (area.measure, share.measure) == ("area_held", "share_held")


def test_a_compound_holder_after_into_is_whose_ground_not_who_pushed():
    claim = only_claim("Ukrainian forces pushed 10 km into Russian-held territory near Robotyne.")
    assert (claim.measure, claim.side) == ("depth", "ukraine")


def test_a_side_after_of_owns_the_ground_so_the_speaker_is_its_holder():
    """"Of the Kursk region of Russia, about 40% is still held, Ukraine's army said": Russia is
    whose ground it is, so the side holding it is the speaker's, Ukraine."""
    claim = only_claim("Of the Kursk region of Russia, about 40% is still held, Ukraine's army said.")
    assert (claim.side, claim.explain["side"].split(":")[0]) == ("ukraine", "side.speaker")


@pytest.mark.parametrize("sentence,value,qualifier", [
    ("Russia seized 2.3k sq km in October.", 2300.0, None),
    ("Russia took 3,000+ square kilometres this year.", 3000.0, "over"),
])
def test_number_suffixes_are_read_as_part_of_the_figure(sentence, value, qualifier):
    """A "k" after a number is thousands; a "+" after it is the qualifier "over"."""
    claim = only_claim(sentence)
    assert (claim.value_normalized, claim.unit_normalized, claim.qualifier) == (value, "km2", qualifier)


def test_a_k_inside_a_unit_is_not_a_thousand():
    assert only_claim("Russian troops advanced 3km near Kurakhove.").value_normalized == 3000.0


def test_vetting_names_never_runs_the_gazetteers_fuzzy_search(monkeypatch):
    # A fuzzy search scans every name (0.05-0.3 s): 300 unknown names after "in" took 120 s.
    from frontwatch.geo import places as gazetteer

    def no_fuzzy(*args, **kwargs):
        raise AssertionError("fuzzy search while vetting place names")

    monkeypatch.setattr(gazetteer, "_fuzzy", no_fuzzy)
    names = " ".join(f"in Qwertz{chr(97 + i)}yx and Zxcvb{chr(97 + i)}nm." for i in range(10))
    assert [m for m in place_mentions(names) if m.kind == "settlement"] == []
    assert [m.text for m in place_mentions("Russian troops are near Pokrovsk.")] == ["Pokrovsk"]


def test_a_share_that_rose_to_a_figure_is_the_share_held():
    claim = only_claim("Russia's share of Ukrainian territory rose to 18.3 percent.")
    assert claim.measure == "share_held" and claim.explain["measure"].startswith("measure.share_held (changed_to)")


def test_a_daily_noun_before_an_area_makes_it_a_rate():
    claim = only_claim("Russia's average daily gains reached 27 square kilometres in November.")
    assert (claim.measure, claim.unit_normalized) == ("advance_rate", "km2_per_day")


def test_ground_that_changed_hands_is_a_change_with_no_direction():
    claim = only_claim("About 1,000 square kilometres changed hands in November.")
    assert (claim.measure, claim.direction) == ("area_change", None)


def test_a_length_away_ending_its_clause_is_a_distance():
    claim = only_claim("The enemy is 4 kilometres away, the commander said.")
    assert claim.measure == "distance" and claim.explain["measure"].startswith("measure.distance (away)")


def test_a_length_pushed_back_from_a_town_is_how_far_the_side_fell_back():
    claim = only_claim("Ukrainian forces pushed Russian troops back 3 km from Kharkiv.")
    assert (claim.measure, claim.side) == ("depth", "ukraine")


def test_an_area_a_day_is_not_placed_at_a_town_named_in_passing_before():
    _, rate = claims("Russia captured 3,600 sq km, an area the size of Long Island near New York. "
                     "In November the Russians captured about 20 square kilometers on a daily basis.")
    assert rate.unit_normalized == "km2_per_day" and rate.place in ("UKR", None)
