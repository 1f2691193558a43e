"""frontwatch.claims.reading: where each field of a claim was read from (the figure's clause, its
sentence, the context, knowledge, a default), from the rule names the extractor records."""
from __future__ import annotations

from frontwatch.claims.reading import read_from_outside, reading_sources, rule_name


def test_rule_name_drops_the_words_after_the_colon():
    assert rule_name("measure.area_change, gained: verb 'took'") == "measure.area_change"


def test_side_from_the_previous_subject_is_context():
    assert reading_sources({"side": "side.previous_subject: a pronoun"})["side"]["source"] == "context"


def test_place_of_another_clause_is_the_sentence():
    assert reading_sources({"place": "place.earlier_clause: Kharkiv"})["place"]["source"] == "sentence"


def test_start_of_the_operation_is_inferred():
    explain = {"date": "date.publication: no date named; start.operation: the incursion began on 2024-08-06"}
    assert reading_sources(explain)["start"]["source"] == "inferred"


def test_publication_day_is_a_default():
    assert reading_sources({"date": "date.publication: no date named"})["date"]["source"] == "default"


def test_measure_from_its_unit_alone_is_a_default():
    explain = {"measure": "measure.area_held: unit km2 and the words around it"}
    assert reading_sources(explain)["measure"]["source"] == "default"


def test_unknown_rule_is_the_figures_own_clause():
    assert reading_sources({"place": "place.attached: Kursk"})["place"]["source"] == "clause"


def test_whole_country_by_default_is_not_read_from_outside():
    assert read_from_outside({"place": "place.whole_country: no place named"}, place_inferred=True) == {}


def test_period_from_the_operation_is_read_from_outside():
    explain = {"date": "date.publication: no date named; start.operation: began on 2024-08-06"}
    assert read_from_outside(explain) == {"period": "start.operation"}


def test_place_inferred_without_an_explanation_is_read_from_outside():
    assert "place" in read_from_outside({}, place_inferred=True)


def test_place_inferred_by_a_rule_not_in_the_table_is_read_from_outside():
    assert read_from_outside({"place": "place.some_new_rule: Kursk"}, place_inferred=True) == {
        "place": "place.some_new_rule"}


def test_place_attached_with_a_stale_inferred_flag_is_the_clauses():
    assert read_from_outside({"place": "place.attached: Kursk"}, place_inferred=True) == {}
