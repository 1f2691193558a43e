"""The actor recogniser (claims/actors.py) and the side rules that use it, one rule per test, on
sentences written for the test: actor nouns in any case, side nouns that modify a noun or name a
part of a country, and the speaker's side kept for figures that have one."""
from __future__ import annotations

from claimtext import D, claims

from frontwatch.claims.actors import actor_mentions


def _one(text: str, published=D(2024, 11, 25)):
    (c,) = claims(text, published=published)
    return c


def test_capitalised_actor_noun_names_an_actor():
    (a,) = actor_mentions("Since May, the Ukrainian Armed Forces have controlled 400 square kilometers.")
    assert (a.text, a.side, a.kind) == ("Ukrainian Armed Forces", "ukraine", "adjective")


def test_capitalised_actor_noun_gives_the_figure_its_side():
    assert _one("Since May, the Russian Army has seized 400 square kilometers.").side == "russia"


def test_side_noun_after_a_possessive_modifies_a_noun():
    assert [a.text for a in actor_mentions("Russia launched its Ukraine offensive and holds 18% of it.")] == ["Russia"]


def test_coordinated_verb_keeps_the_subject_past_a_possessive_modifier():
    c = _one("Russia started its Ukraine invasion in February 2022 and currently occupies 19% of the country.")
    assert c.side == "russia"


def test_compass_adjective_before_a_country_names_a_place():
    assert actor_mentions("Fighting raged in north-eastern Ukraine and southern Russia.") == []


def test_compass_qualified_country_heading_is_not_the_actor():
    c = claims("Over the past week, Russian forces captured 200 square kilometers of territory.\n"
               "Eastern Ukraine: 10 square kilometers gained in Kharkiv Oblast.")[-1]
    assert c.surface == "10 square kilometers" and c.side == "russia"


def test_front_length_takes_no_speaker_side():
    c = _one("Zelenskyy said the frontline stretches for about 1,000 kilometers.")
    assert c.measure == "front_length" and c.side is None


def test_a_part_of_a_sides_gains_is_that_sides():
    c = claims("Russia gained 450 square kilometres in October. Two-thirds of the Russian gains, or 300 "
               "square kilometres, were in Donetsk region.")[-1]
    assert c.surface.endswith("300 square kilometres") or c.value_normalized == 300
    assert c.side == "russia"


def test_a_share_of_the_gains_is_dated_as_the_gains():
    (c,) = claims("Russian troops made almost half of these gains over the past three months.")
    assert c.measure == "other" and c.start_date is not None


def test_a_clause_actor_outranks_whose_gains_the_figure_is_part_of():
    (c,) = claims("Ukraine retook 400 square kilometres of the Russian gains of 2022.")
    assert c.side == "ukraine"
