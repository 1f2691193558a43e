"""How sure the reading of a claim is: where each part of it came from.

The extractor records, for each field it decides, the named rule and the words that gave it
(``Claim.explain``: ``{"side": "side.previous_subject: ...", "place": "place.attached: Kursk",
"date": "date.named_period: July; start.since: ..."}``). This module sorts those rules by the
distance the words were read from, which is what makes a reading more or less sure:

* ``clause``: the figure's own clause ("Russian forces captured 40 km2 near Pokrovsk in July");
* ``sentence``: another clause of its sentence ("a counteroffensive in Kharkiv that saw troops
  liberate ..., regaining 1.76%": the place is in the clause before the figure's);
* ``context``: an earlier sentence or the report as a whole (a pronoun for the previous subject,
  a side or place carried, the speaker's side, an as-of day given earlier);
* ``inferred``: knowledge rather than the words (the first day of the operation under way, the
  incursion's place);
* ``default``: a convention when the text says nothing (the report's day for a state, the whole
  country for ground with no place, a measure from its unit with no verb).

:func:`reading_sources` gives the class of each field; :func:`read_from_outside` the fields
whose words are not in the figure's sentence, or that no words gave (the checker's
``check.doubtful_reading`` asks for a closer agreement with the maps before it gives a verdict
on such a reading: see docs/claims-checking.md). Pure: the standard library only.
"""
from __future__ import annotations

from typing import Any, Mapping

__all__ = ["SOURCES", "read_from_outside", "reading_sources", "rule_name"]

SOURCES = ("clause", "sentence", "context", "inferred", "default")

# rule name -> the distance its words are read from (rules not listed: "clause", the figure's own).
_SIDE = {
    "side.speaker_pronoun": "sentence", "side.apposition": "sentence", "side.fronted_clause_subject": "sentence",
    "side.same_as_figure_before": "sentence", "side.relative_agent": "sentence",
    "side.previous_subject": "context", "side.carried": "context", "side.report_side": "context",
    "side.speaker": "context",
    "side.none": "default",
}
_PLACE = {
    **{f"place.{r}": "clause" for r in (
        "attached", "in_clause", "point_near", "country_territory", "whole_front", "subject_of_distance",
        "union_of_names", "oblast_named", "named_region", "direction", "appositive", "the_country", "the_",
        "settlement_after_preposition", "settlement_noun", "known_settlement", "country_after_preposition",
        "oblast_name", "union_of_oblasts")},
    "place.earlier_clause": "sentence", "place.later_clause": "sentence", "place.apposition": "sentence",
    "place.oblast_of_all": "sentence",
    "place.continued": "context", "place.carried": "context", "place.there": "context", "place.this_area": "context",
    "place.topic_region": "context", "place.the_report_town": "context", "place.unsure": "context",
    "place.this_front": "context",
    "place.incursion": "inferred", "place.the_incursion": "inferred", "place.operation": "inferred",
    "place.compass_front": "inferred",
    "place.whole_country": "default", "place.country_as_before": "default", "place.none": "default",
}
_DATE = {
    "date.sentence_day": "sentence", "date.sentence_period": "sentence", "date.statement": "sentence",
    "date.total": "sentence", "date.compared": "sentence", "date.apposition": "sentence",
    "date.respectively": "sentence", "date.span_in_named_period": "sentence", "date.statement_day": "sentence",
    "date.period_to_the_statement": "sentence", "date.day_of_change": "sentence",
    "date.as_of_ends_the_period": "sentence", "date.before_the_invasion": "sentence",
    "date.carried": "context", "date.report_as_of": "context", "date.past_period_of_statement": "context",
    "date.peak_as_before": "context", "date.of_the_whole": "context",
    "date.statement_carried": "context", "date.month_just_ended": "context",
    "start.operation": "inferred",
    "date.publication": "default",
}
_MEASURE = {"measure.list_item": "context", "measure.same_as_figure_before": "sentence",
            "measure.same_as_figure_compared": "sentence"}
# A measure decided by no verb or pattern, only by the unit and the words around it.
_MEASURE_BY_UNIT = "and the words around it"

# The classes that count as read from outside the figure's sentence (or from no words), per field.
# A place in another clause of the sentence counts: the sentence may name several places, and the
# one picked is not the figure's by its grammar. The whole country by default does not: it is the
# reports' convention for a figure that names no place (a report's own error is then the error).
_OUTSIDE = {
    "measure": ("context", "default"),
    "side": ("context", "inferred"),
    "place": ("sentence", "context", "inferred"),
    "period": ("context", "inferred"),
}


# Defaults that are no convention of reports but a guess of the pipeline: no place at all (the
# checker then picks a country by its own rule: a depth "into" the other one).
_GUESSED = ("place.none",)


def rule_name(explained: str) -> str:
    """The rule's name in an ``explain`` entry ("place.attached: Kursk" -> "place.attached";
    "measure.area_change, gained: verb 'took'" -> "measure.area_change")."""
    head = explained.split(":", 1)[0]
    return head.split(" (", 1)[0].split(",", 1)[0].strip()


def _parts(explained: str) -> list[str]:
    """An entry may join several rules with "; " (the end, then the start of a period)."""
    return [p for p in (explained or "").split("; ") if p.strip()]


def reading_sources(explain: Mapping[str, str] | None) -> dict[str, Any]:
    """The class of each field's reading (``clause``, ``sentence``, ``context``, ``inferred``,
    ``default``) with the rule that gave it: ``{"side": {"source": "context", "rule":
    "side.previous_subject"}, ...}`` for measure, side, place, date (the period's end or the
    as-of day) and start (a period's first day), where the claim has them."""
    explain = explain or {}
    out: dict[str, Any] = {}
    m = explain.get("measure", "")
    if m:
        name = rule_name(m)
        out["measure"] = {"source": "default" if _MEASURE_BY_UNIT in m else _MEASURE.get(name, "clause"), "rule": name}
    for field, table in (("side", _SIDE), ("place", _PLACE)):
        if explain.get(field):
            name = rule_name(explain[field])
            out[field] = {"source": table.get(name, "clause"), "rule": name}
    for part in _parts(explain.get("date", "")):
        name = rule_name(part)
        if not name.startswith(("date.", "start.")):
            continue
        field = "start" if name.startswith("start.") else "date"
        out.setdefault(field, {"source": _DATE.get(name, "clause"), "rule": name})
    return out


def read_from_outside(explain: Mapping[str, str] | None, place_inferred: bool = False) -> dict[str, str]:
    """The fields whose reading the figure's sentence does not give (``{"side": "side.previous_subject",
    "period": "start.operation"}``): a measure by its unit alone, a side or a period from an earlier
    sentence or from knowledge, a place from another clause, an earlier sentence or knowledge, no
    place at all (``place.none``: the checker picks a country), or one the extractor marks
    ``place_inferred`` by a rule not in this module's table."""
    src = reading_sources(explain)
    out: dict[str, str] = {}
    for field in ("measure", "side", "place"):
        if field in src and (src[field]["source"] in _OUTSIDE[field] or src[field]["rule"] in _GUESSED):
            out[field] = src[field]["rule"]
    if "place" not in out and place_inferred:
        # the extractor says the place came from the context: a claim built without its explanation,
        # or a rule this table does not know yet (the whole country by default aside)
        rule = src.get("place", {}).get("rule")
        if rule is None or rule not in _PLACE:
            out["place"] = rule or "place inferred from the context"
    for field in ("date", "start"):
        if field in src and src[field]["source"] in _OUTSIDE["period"]:
            out.setdefault("period", src[field]["rule"])
    return out
