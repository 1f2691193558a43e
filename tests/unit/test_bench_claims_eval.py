"""bench/claims_eval.py's count of not_claims taken as claims: the false claims the field figures,
which look only at the labelled claims, cannot see. The counting rule on explicit spans, and on
what extract_claims gives for real sentences."""
from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("claims_eval_bench", ROOT / "bench" / "claims_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
TEXT = "Russian forces took 265 square kilometres (102 square miles) between May 9 and 15, 2024."
GOLD = ["265 square kilometres"]


def test_not_claim_under_an_extracted_claim_is_taken():
    start = TEXT.index("15,")
    assert BENCH.not_claims_taken(TEXT, ["15"], GOLD, [(start, start + 2)]) == [("15", True)]


def test_not_claim_no_extracted_claim_covers_is_not_taken():
    gold = TEXT.index("265")
    assert BENCH.not_claims_taken(TEXT, ["2024", "May 9"], GOLD, [(gold, gold + 21)]) == [
        ("2024", False), ("May 9", False)]


def test_conversion_inside_the_labelled_figures_extraction_is_not_taken():
    # one extracted claim from the figure over its bracketed conversion: that figure, not a second claim
    span = (TEXT.index("265"), TEXT.index(")") + 1)
    assert BENCH.not_claims_taken(TEXT, ["102 square miles"], GOLD, [span]) == [("102 square miles", False)]


def test_not_claim_is_matched_as_a_whole_number_only():
    # "15" inside "2015" is not the not_claim "15"; one absent from the text is left out
    text = "In 2015 the line held; 40% of the town was under Russian control."
    assert BENCH.not_claims_taken(text, ["15", "99"], ["40%"], [(3, 7)]) == []


def test_year_in_a_real_sentence_is_not_taken_as_a_claim():
    text = "In March 2022, Russian forces held about 20% of Ukraine, the ISW said."
    claims = BENCH.extract_claims(text, published=dt.date(2022, 4, 2))
    taken = BENCH.not_claims_taken(text, ["March 2022"], ["about 20%"], [tuple(c.span) for c in claims])
    assert taken == [("March 2022", False)]


def test_abstention_figures_count_what_each_rule_took_away():
    rows = [{"end_to_end": {"abstained": {"rule": "unsure.period", "would_be": "wrong"}}},
            {"end_to_end": {"abstained": {"rule": "unsure.period", "would_be": "right"}}},
            {"end_to_end": {"abstained": None}}]
    assert BENCH.abstention_figures(rows) == {"unsure.period": {"right": 1, "wrong": 1, "silent": 0}}
