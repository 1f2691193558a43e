"""Sentence splitting (frontwatch.claims.text.split_sentences) on its own. Sentences written for
these tests; the pipeline is judged on real writing by bench/claims_eval.py."""
from __future__ import annotations

import pytest

from frontwatch.claims.text import split_sentences


def _texts(text: str) -> list[str]:
    return [s.text.strip() for s in split_sentences(text)]


def test_a_full_stop_with_the_space_lost_ends_a_sentence():
    assert _texts("The army left two villages.In June it took 30 settlements.") == [
        "The army left two villages.", "In June it took 30 settlements."]


@pytest.mark.parametrize("text", ["The figures were reported by rbc.ru on Monday.",
                                  "The figures were reported by Censor.NET on Monday.",
                                  "He said so on UP.Live on Monday."])
def test_a_site_name_with_a_dot_is_not_a_sentence_end(text):
    assert _texts(text) == [text]


def test_a_full_stop_after_a_number_with_the_space_lost_ends_a_sentence():
    assert _texts("It took 30 villages as of December 31.In total it took 4,000 sq km.") == [
        "It took 30 villages as of December 31.", "In total it took 4,000 sq km."]
