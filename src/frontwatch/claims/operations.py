"""Named operations of the war: which one a report means, and when a running total starts.

A report written while an offensive is under way counts its gains from the offensive's first
day without saying so: "Ukrainian units have by now advanced up to 18 miles into the Kursk region,
taking 80 settlements" (20 August 2024) counts from 6 August, the first day of the
incursion; "the counteroffensive has recaptured about 250 square kilometres" (July 2023) from 4
June. A careful reader supplies that day; so does :func:`running_total_start`, from the
operations listed in ``lexicon/events.json`` (side, first and last day, the oblasts where each
was fought, the nouns writing uses for it), and only when one operation fits:

- the claim is a running total: a change over no period the text names, written in the present
  perfect ("have captured", "has been liberated"), with "now", "already", "so far", "in total", or
  as what has been retaken so far ("the territory recaptured from Russian forces", ``TAKEN_SO_FAR``);
- its day lies in the operation's window;
- its place lies where the operation was fought (an oblast of it, or a settlement the gazetteer
  puts there), or it names no place and the side made no other gains while the operation lasted
  (``alone``: Ukraine's 2023 counteroffensive, its Kursk incursion), or the sentence names the
  operation ("since the counteroffensive began");
- its side is the operation's, or the other side retaking ground the operation took
  (``other_side``: Russia's gains in Kursk oblast from 6 August 2024).

Pure functions; the words and days are data. May import the standard library,
frontwatch.claims.lexicon and, lazily, the gazetteer.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontwatch.claims.lexicon import load_lexicon
from frontwatch.lazy import lazy_import

# The gazetteer (pandas), loaded when an offensive's place is first looked up.
if TYPE_CHECKING:
    from frontwatch.geo import places as gazetteer
else:
    gazetteer = lazy_import("frontwatch.geo.places")


@dataclass(frozen=True)
class Operation:
    """One named offensive (lexicon/events.json)."""

    name: str
    side: str
    first_day: dt.date
    last_day: dt.date
    oblasts: tuple[str, ...]
    nouns: tuple[str, ...]
    alone: bool
    other_side: bool

    def named_in(self, sentence: str) -> bool:
        """Whether the sentence names an operation by one of this one's nouns."""
        return bool(re.search(r"\b(?:" + "|".join(re.escape(n) for n in self.nouns) + r")\b", sentence, re.I))


@functools.lru_cache(maxsize=1)
def operations() -> tuple[Operation, ...]:
    """The operations of lexicon/events.json."""
    return tuple(Operation(o["name"], o["side"], dt.date.fromisoformat(o["first_day"]), dt.date.fromisoformat(o["last_day"]),
                           tuple(o["oblasts"]), tuple(o["nouns"]), bool(o.get("alone")), bool(o.get("other_side")))
                 for o in load_lexicon("events")["operations"])


# A running total: a change written in the present perfect, or with a word that counts to now.
RUNNING = re.compile(r"\b(?:has|have|'ve)\s+(?:\w+\s+){0,2}?(?:\w+ed|lost|won|held|taken|seized|made|kept|been|"
                     r"retaken|overrun|driven|broken|gotten)\b"
                     r"|\b(?:now|already|so\s+far|to\s+date|in\s+total|in\s+all|altogether|since\s+then|thus\s+far)\b", re.I)


# A running total written as a noun: "the territory retaken from Russian troops comprised
# over 250 settlements", "the recaptured land": what has been taken so far.
TAKEN_SO_FAR = re.compile(r"\b(?:the\s+)?(?:re(?:captured|taken|gained)|liberated)\s+(?:territory|territories|land|lands|ground|area|areas)\b"
                          r"|\b(?:the\s+)?(?:territory|territories|land|lands|ground|area|areas)\s+(?:(?:it|they|Ukraine|Kyiv|Russia|Moscow)\s+)?"
                          r"(?:recaptured|retook|retaken|regained|liberated)\b"
                          # "the total is 204 sq km", "bringing the total recaptured to 31 sq km"
                          r"|\bthe\s+total\s+(?:(?:re)?captured|liberated|retaken|regained|is|was|stands|stood|has\s+reached|reached|rose)\b",
                          re.I)


def _folded(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


@functools.lru_cache(maxsize=2048)
def oblast_of_place(place: str) -> str | None:
    """The oblast (as "Kharkiv oblast") a claim's place lies in: the place itself when it is an
    oblast or a country code, a settlement's oblast from the gazetteer, else None."""
    folded = _folded(place)
    if folded.endswith(" oblast") or folded in ("ukr", "rus"):
        return folded
    if folded.endswith(" direction"):
        place = place[: -len(" direction")]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = gazetteer.resolve_place(place)
    except Exception:  # not a settlement the gazetteer knows (or no gazetteer): no oblast
        return None
    oblast = getattr(found, "oblast", None)
    return _folded(oblast) if oblast else None


def running_total_start(sentence: str, measure: str, side: str | None, place: str | None,
                        day: dt.date | None, direction: str | None = None) -> tuple[Operation, str] | None:
    """The operation a running total counts from, and why, or None (none fits, or several do).
    ``place``: the place the text gives the claim (None when it names none: a default such as
    "the whole country" is not a place named)."""
    if measure not in ("area_change", "settlements", "depth") or side is None or day is None or direction == "lost":
        return None
    if measure != "depth" and not RUNNING.search(sentence) and not TAKEN_SO_FAR.search(sentence):
        return None
    where = oblast_of_place(place) if place else None
    fits: list[tuple[Operation, str]] = []
    for op in operations():
        if not (op.first_day <= day <= op.last_day):
            continue
        # A union of oblasts ("Zaporizhzhia oblast+Donetsk oblast") is there when all its oblasts are.
        there = where is not None and set(where.split("+")) <= {_folded(o) for o in op.oblasts}
        if side == op.side:
            if there:
                fits.append((op, f"{place} is where it was fought"))
            elif where is None and (op.alone or op.named_in(sentence)):
                fits.append((op, "the sentence names it" if op.named_in(sentence) else
                             f"{op.side} made no other gains while it lasted"))
        elif op.other_side and there:
            fits.append((op, f"{side} retaking the ground it took in {place}"))
    if len(fits) != 1:
        return None
    return fits[0]
