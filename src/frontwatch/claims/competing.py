"""The other readings a figure's own words allow: a verdict only where they all agree.

The extractor gives each figure one reading (measure, side, place, period). Some words allow two,
and the one it picks is not always the report's: "the push halted six kilometres south of the town"
is a distance from the town (a locator: where the push halted), which a verb of advance reads as a
depth; "some two miles from the edge of X" is a distance from X, the name after "from", while the
place read may be another village of the sentence. The
checker (``check.competing_readings``) checks each other reading too, and gives no verdict when
they disagree (one says consistent, the other overstated): the claim is then about one of two
figures, and the maps cannot say which.

:func:`competing_readings` gives, for one claim, the other readings as field overrides for
``dataclasses.replace``, each with the rule's name and the words that allow it. Pure: the
standard library and :mod:`frontwatch.claims.places` (the place recogniser) only.
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple

from frontwatch.claims.places import place_mentions

__all__ = ["Competing", "LOCATOR", "competing_readings", "locator_anchor"]


class Competing(NamedTuple):
    """Another reading of a claim: ``rule`` (``check.competing_readings.NAME``), ``words`` (what in the
    text allows it) and ``fields`` (the claim's fields under that reading, for ``dataclasses.replace``)."""

    rule: str
    words: str
    fields: dict[str, Any]


# A length that places something relative to a point: "8 km east of X", "within 16 km from the front
# line", "3.5 km from X's outskirts", "10 km (6 miles) short of X". Right after the figure (and an
# optional bracketed conversion, "away", "to the"): a compass "of", "from", "short of", "outside".
_COMPASS = r"(?:north|south)?-?(?:north|south|east|west)(?:ern)?"
LOCATOR = re.compile(
    r"\s*(?:\([^()]{0,40}\)\s*)?(?:away\s+|further\s+|farther\s+)?"
    rf"(?P<rel>(?:to\s+the\s+)?{_COMPASS}\s+of|from|short\s+of|outside(?:\s+of)?)\s+"
    r"(?P<anchor>[^,.;:()]{1,80})", re.I)
# An anchor that is the front itself: the distance is the claim's own place's from the other side.
_FRONT_ANCHOR = re.compile(r"\b(?:front(?:\s*line)?|frontline|contact\s+line|line\s+of\s+contact|positions?|lines)\b",
                           re.I)
_LENGTH_MEASURES = ("depth", "distance")


def locator_anchor(sentence: str, end: int) -> tuple[str, str | None] | None:
    """The words that make the length ending at ``end`` of ``sentence`` a locator, and the settlement
    they measure from (None when the anchor is the front or names no settlement):
    ``("east of Ukraine's city of Pokrovsk", "Pokrovsk")``; None when no locator follows."""
    m = LOCATOR.match(sentence, end)
    if m is None:
        return None
    anchor = m.group("anchor")
    first = next((p for p in place_mentions(anchor) if p.kind == "settlement" and p.start <= 40), None)
    words = sentence[m.start("rel"):m.end("anchor")].strip()
    if first is not None:
        return words, first.canonical
    if _FRONT_ANCHOR.search(anchor[:40]):
        return words, None
    return None


def _figure_end(claim, sentence: str) -> int | None:
    """Where the figure's words end in its sentence: ``span_in_sentence``, else (a claim rebuilt from
    its record, which does not keep it) the end of its surface where the sentence has it once."""
    span = getattr(claim, "span_in_sentence", None)
    if span:
        return span[1]
    surface = getattr(claim, "surface", "") or ""
    if surface and sentence.count(surface) == 1:
        return sentence.index(surface) + len(surface)
    return None


def competing_readings(claim) -> list[Competing]:
    """The other readings of ``claim`` (a :class:`frontwatch.claims.extract.Claim`) that its words allow:

    - ``check.competing_readings.locator``: a length followed by a locator ("east of X", "from X",
      "from the front line") is also a distance on the claim's day: from X, or (the anchor being the
      front) from the claim's own place. Given for a depth, and for a distance from another place
      than the anchor's.
    """
    out: list[Competing] = []
    sentence = getattr(claim, "sentence", "") or ""
    end = _figure_end(claim, sentence)
    if claim.measure in _LENGTH_MEASURES and claim.unit_normalized == "m" and end is not None:
        found = locator_anchor(sentence, end)
        if found is not None:
            words, town = found
            place = town or claim.place
            same = claim.measure == "distance" and (place or "").lower() == (claim.place or "").lower()
            if place and not same:
                out.append(Competing("check.competing_readings.locator", words, {
                    "measure": "distance", "place": place, "place_within": None, "start_date": None,
                    "period_days": None, "unsure": {}}))
    return out
