"""bench/claims_syntax.py: side, place and measure of a figure read from a dependency parse
(spaCy en_core_web_sm, the optional ``parse`` extra). One attachment rule per test, on sentences
written for the tests; the reader is judged against the rules on real writing by
bench/claims_parse.py. Skipped when spaCy or the model is not installed; the tests at the end
hold either way."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import claims_syntax as syntax  # noqa: E402

needs_parser = pytest.mark.skipif(not syntax.available(),
                                  reason="spaCy or en_core_web_sm not installed (pip install 'frontwatch[parse]')")


def read(sentence: str, figure: str, unit: str):
    i = sentence.index(figure)
    return syntax.read(sentence, (i, i + len(figure)), unit)


@needs_parser
def test_the_subject_of_the_figures_verb_is_its_side():
    r = read("Russian forces captured 235 square kilometers last week.", "235", "km2")
    assert r.side == "russia" and r.rules["side"].startswith("parse.subject")


@needs_parser
def test_a_passive_agent_is_the_side():
    r = read("Some 40 square kilometers were captured by Ukrainian troops.", "40", "km2")
    assert r.side == "ukraine" and r.rules["side"].startswith("parse.agent")


@needs_parser
def test_a_possessive_subject_names_its_side():
    r = read("Moscow's army seized 120 square kilometers in a month.", "120", "km2")
    assert r.side == "russia"


HELD = "About 610 square kilometers of the Kursk region remained under Ukrainian control."


@needs_parser
def test_a_holders_phrase_gives_the_side():
    r = read(HELD, "610", "km2")
    assert r.side == "ukraine" and r.rules["side"].startswith("parse.holder")


@needs_parser
def test_a_holders_phrase_makes_an_area_a_holding():
    assert read(HELD, "610", "km2").measure == "area_held"


@needs_parser
def test_a_verb_of_losing_makes_an_area_a_change():
    r = read("Ukrainian forces lost 576 square kilometers of territory.", "576", "km2")
    assert (r.side, r.measure, r.verb_class) == ("ukraine", "area_change", "lost")


@needs_parser
def test_a_share_taken_back_is_the_other_sides_share_lost():
    r = read("Ukrainian troops recaptured about 25% of the land they had lost.", "25", "percent")
    assert (r.side, r.measure) == ("russia", "share_lost")


@needs_parser
def test_a_place_attached_by_in_is_the_figures_place():
    r = read("Russian forces captured 235 square kilometers in the Donetsk region.", "235", "km2")
    assert r.place == "Donetsk oblast" and r.rules["place"].startswith("parse.attached_place")


@needs_parser
def test_a_length_from_a_place_is_a_distance_to_its_town():
    r = read("Russian troops are now 8 kilometers from Pokrovsk.", "8", "m")
    assert (r.measure, r.place) == ("distance", "Pokrovsk")


@needs_parser
def test_a_conjoined_verb_takes_the_first_verbs_subject():
    r = read("Moscow launched its offensive in 2022 and now occupies 18% of the country.", "18", "percent")
    assert r.side == "russia" and r.rules["side"].startswith("parse.clause_subject")


@needs_parser
def test_a_pronoun_subject_gives_no_side():
    r = read("It captured 235 square kilometers last week.", "235", "km2")
    assert r.side is None and "side" not in r.rules


def test_importing_the_reader_loads_no_parser():
    code = f"import sys; sys.path.insert(0, {str(BENCH)!r}); import claims_syntax; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_spacy_the_reader_returns_none(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "spacy" else real(name, *a))
    syntax.available.cache_clear()
    syntax.parse.cache_clear()
    try:
        assert not syntax.available()
        assert syntax.read("Russian forces captured 235 square kilometers.", (24, 27), "km2") is None
    finally:
        monkeypatch.undo()
        syntax.available.cache_clear()
