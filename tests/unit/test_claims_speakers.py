"""Who speaks, and on which side (claims/attribution.py, claims/actors.py): one rule per test,
on sentences written for the test."""
from __future__ import annotations

from claimtext import D, claims

from frontwatch.claims.actors import described_side
from frontwatch.claims.attribution import attribution_span_in, attributions_for
from frontwatch.claims.text import split_sentences


def _attributions(text: str):
    return attributions_for(split_sentences(text))


def test_speaker_named_before_an_apposition_at_the_tail():
    att, span = attribution_span_in(
        "Russian forces took 200 square kilometres in May, Watchgroup, a Ukrainian mapping project that follows "
        "the front, said in a report.")
    assert att.who == "Watchgroup" and att.side == "ukraine"


def test_speaker_span_of_an_apposition_ends_at_the_verb():
    text = "Watchgroup, an open map of the battlefield, says about 40 square kilometres of the Sumy region are contested."
    att, span = attribution_span_in(text)
    assert att.who == "Watchgroup" and text[span[1]:].startswith(" about 40")


def test_words_after_a_verb_of_saying_are_not_a_speaker():
    att = attribution_span_in('"We took the village," said in a statement released on Friday.')
    assert att is None or not att[0].who.lower().startswith(("said", "in "))


def test_report_as_a_noun_is_not_a_verb_of_saying():
    assert attribution_span_in("The Watchgroup report, released on Monday, answers the governor.") is None


def test_vague_speaker_is_the_speaker_last_named():
    atts = _attributions("Shoigu claimed that the army had taken 30 villages. DeepState analysts disagree. "
                         '"By our count, 12 villages were taken," the project stated.')
    assert atts[2].who == "DeepState" and atts[2].side == "ukraine"


def test_speaker_side_from_the_apposition_that_introduces_the_person():
    text = "Pavel Ivanov, the acting governor of Russia's Belgorod region, spoke on Monday."
    assert described_side("Ivanov", text) == "russia"


def test_speaker_side_from_titles_before_the_name():
    assert described_side("Petrenko", "Ukrainian commander Ivan Petrenko visited the front.") == "ukraine"


def test_speaker_side_unknown_when_the_report_does_not_say():
    assert described_side("Petrenko", "Ivan Petrenko, a military analyst, spoke on Monday.") is None


def test_speaker_of_no_side_takes_the_side_of_the_outlet_citing_it():
    atts = _attributions("Troops have taken 80% of the region, military expert Ivan Petrov told TASS on Friday.")
    assert atts[0].side == "russia"


def test_enemy_control_is_the_side_opposite_the_speaker():
    (c,) = claims("Pavel Ivanov, the acting governor of Russia's Belgorod region, spoke on Monday. Ivanov claimed "
                  "that 12 settlements in the region were \u201cunder enemy control.\u201d", published=D(2024, 8, 12))
    assert c.side == "ukraine" and c.explain["side"].startswith("side.agent_after")


def test_place_in_the_speaker_description_is_named_for_what_follows():
    (c,) = claims("Serhiy Lysenko, the governor of Luhansk Oblast, said on Saturday that just 8 percent of the region "
                  "is still controlled by Ukraine.", published=D(2022, 5, 16))
    assert c.place == "Luhansk oblast"


def test_speaker_sides_are_looked_up_once_per_speaker():
    # 2,000 sentences citing one speaker of no known side: the report is read once for how it
    # introduces them (the 10 MB CLI test took minutes when it was read for every sentence).
    calls = []
    import frontwatch.claims.attribution as attribution_mod
    real = attribution_mod.described_side
    attribution_mod.described_side = lambda who, text: calls.append(who) or real(who, text)
    try:
        _attributions("Russian forces advanced 2 km near Pokrovsk, ISW said. " * 2000)
    finally:
        attribution_mod.described_side = real
    assert calls == ["ISW"]


def test_speakers_read_for_their_description_are_capped():
    calls = []
    import frontwatch.claims.attribution as attribution_mod
    real = attribution_mod.described_side
    attribution_mod.described_side = lambda who, text: calls.append(who) or real(who, text)
    try:
        names = [f"Officer Z{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}ko" for i in range(500)]
        _attributions("".join(f"Troops took {i % 9 + 1} sq km, {name} said. " for i, name in enumerate(names)))
    finally:
        attribution_mod.described_side = real
    assert len(calls) == 50


def test_an_estimated_figure_has_no_speaker():
    assert attribution_span_in("Kyiv's forces control an estimated 650 square kilometres inside Russia.") is None
