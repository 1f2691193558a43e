"""Unit lexicon and conversions for claim extraction.

Maps the ways news reports write units ("square miles", "sq km", "km²",
"hectares", "feet", "per cent", "soldiers", "villages"...) to a pint unit and
to one of the normalised units the rest of frontwatch compares against:
``km2``, ``m``, ``m_per_day``, ``percent``, ``persons``, ``settlements``, ``ratio`` (a
figure "N times" another).
Every physical conversion goes through pint so that no conversion factor is
written by hand here. May import only the standard library and pint.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pint

# Normalised unit name -> pint expression it is expressed in.
NORMALIZED_PINT = {
    "km2": "kilometer ** 2",
    "m": "meter",
    "m_per_day": "meter / day",
    "km2_per_day": "kilometer ** 2 / day",
}


@dataclass(frozen=True)
class UnitEntry:
    """One surface form family: how it is written and what it means."""

    pattern: str          # regex (no capture groups) matching the written unit
    pint_unit: str | None  # pint expression, None for counts and percent
    normalized: str       # km2, m, percent, persons, settlements, ratio
    case_sensitive: bool = False


# Order matters: longer/more specific forms first so "square miles" wins over
# "miles" and "km2" over "km". Short abbreviations are case-sensitive so
# "7:03 AM" or "M" in a name are never read as metres.
_SQ = r"(?:square|sq\.?)[\s-]+"  # "square miles", "a 100-square-kilometre area"
UNIT_ENTRIES: tuple[UnitEntry, ...] = (
    UnitEntry(_SQ + r"(?:kilometres?|kilometers?|kms?)", "kilometer ** 2", "km2"),
    UnitEntry(r"(?:km2|km²|km\^2|sq\.?\s*kms?|sqkms?)", "kilometer ** 2", "km2", True),
    UnitEntry(_SQ + r"miles?", "mile ** 2", "km2"),
    UnitEntry(r"(?:sq\.?\s*mi\.?|mi2|mi²)", "mile ** 2", "km2", True),
    UnitEntry(_SQ + r"(?:metres?|meters?)", "meter ** 2", "km2"),
    UnitEntry(r"(?:hectares?|ha)\b", "hectare", "km2"),
    UnitEntry(r"acres?", "acre", "km2"),
    # "100 kilometres squared", "100 km squared": an area.
    UnitEntry(r"(?:kilometres?|kilometers?|kms?)\s+squared\b", "kilometer ** 2", "km2"),
    UnitEntry(r"(?:kilometres?|kilometers?|kms?)\b", "kilometer", "m"),
    UnitEntry(r"(?:km)", "kilometer", "m", True),
    UnitEntry(r"(?:metres?|meters?)", "meter", "m"),
    UnitEntry(r"m\b", "meter", "m", True),
    UnitEntry(r"(?:miles?)", "mile", "m"),
    UnitEntry(r"(?:feet|foot)", "foot", "m"),
    UnitEntry(r"ft\b\.?", "foot", "m", True),
    UnitEntry(r"(?:yards?)", "yard", "m"),
    # "0.2 percentage points": a change of a share, in the share's unit.
    UnitEntry(r"(?:%|percentage\s+points?|per\s*cent|percent|pct\b|pc\b)", None, "percent"),
    UnitEntry(
        r"(?:soldiers?|troops?|servicemen|servicemembers|service\s+members|"
        r"personnel|fighters?|conscripts?|mercenaries|paratroopers?|marines|"
        r"infantrymen|reservists?|recruits?|men)\b",
        None, "persons"),
    UnitEntry(
        r"(?:people|civilians?|residents?|prisoners?|POWs|casualties|"
        r"dead|wounded|killed)\b",
        None, "persons"),
    UnitEntry(
        r"(?:settlements?|villages?|towns?|cities|localities|locality|hamlets?|"
        # "190 populated areas", "12 inhabited points": how Russian and Ukrainian officials name
        # settlements in translation (naselenni punkty).
        r"communities|(?:populated|inhabited)\s+(?:areas|places|points|centres|centers))\b",
        None, "settlements"),
    # "seven times more than in 2023", "three times larger than": a ratio of two figures, only
    # before a word of comparison ("attacked three times" is no figure).
    UnitEntry(r"times\b(?=\s+(?:more|less|fewer|larger|bigger|greater|smaller|higher|lower|faster|slower|as\b|the\s+"
              r"(?:size|area|amount|pace|rate|territory|ground)\b))", None, "ratio"),
)

# Persons units that mean military personnel (the rest are e.g. civilians).
TROOP_WORDS = re.compile(
    r"soldier|troop|servicem|service\s+member|personnel|fighter|conscript|"
    r"mercenar|paratroop|marine|infantr|reservist|recruit|\bmen\b", re.I)

# Time periods for rates; value is the pint unit of the period.
# "every five days", "per 10 days": a period of several units, as a pint expression ("5 * day").
# "in 30 days", "in two weeks" are no rate: the change over that span ("690 km² in 30 days", "1,100
# square kilometres in two weeks": an area change, as the labels of dev.jsonl and set D read them).
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "couple of": 2, "few": 3}
EVERY_N = re.compile(r"(?:every|per|each)\s+(?P<n>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\s+"
                     r"(?P<unit>day|week|month)s\b", re.I)
RATE_PERIODS: tuple[tuple[str, str], ...] = (
    # "on a daily basis" first: "daily" alone would leave "basis" behind.
    (r"(?:on\s+an?\s+(?:daily|day-to-day)\s+basis|daily|a\s+day|per\s+day|each\s+day|every\s+day|every\s+24\s+hours|/\s*day)", "day"),
    (r"(?:on\s+a\s+weekly\s+basis|weekly|a\s+week|per\s+week|each\s+week|every\s+week|/\s*week)", "week"),
    (r"(?:on\s+a\s+monthly\s+basis|monthly|a\s+month|per\s+month|each\s+month|every\s+month)", "month"),
    (r"(?:an\s+hour|per\s+hour|/\s*h(?:ou)?r)", "hour"),
)


def _compile(entry: UnitEntry) -> re.Pattern[str]:
    flags = 0 if entry.case_sensitive else re.I
    return re.compile(entry.pattern, flags)


UNIT_REGEXES: tuple[tuple[re.Pattern[str], UnitEntry], ...] = tuple(
    (_compile(e), e) for e in UNIT_ENTRIES)
RATE_REGEXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), unit) for p, unit in RATE_PERIODS)


@functools.lru_cache(maxsize=1)
def unit_registry() -> pint.UnitRegistry:
    """The shared pint registry (built once; construction takes ~0.5 s)."""
    return pint.UnitRegistry()


def unit_at(text: str, pos: int) -> tuple[UnitEntry, int] | None:
    """The unit written at ``text[pos:]`` and the index just after it, or None.

    ``pos`` must already point at the first character of the candidate unit.
    """
    # Cheap guard: every unit starts with a letter or "%"; digit-dense text skips the lexicon.
    if pos >= len(text) or not (text[pos].isalpha() or text[pos] == "%"):
        return None
    for regex, entry in UNIT_REGEXES:
        m = regex.match(text, pos)
        if m:
            end = m.end()
            # A unit must end at a word edge ("meters" not "metered"); "%" is its own edge.
            if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
                continue
            return entry, end
    return None


def rate_period_at(text: str, pos: int) -> tuple[str, int] | None:
    """The rate period ("day", "week"...; "5 * day" for "every five days") written at
    ``text[pos:]`` and its end."""
    m = EVERY_N.match(text, pos)
    if m:
        n = m.group("n").lower()
        count = int(n) if n.isdigit() else _COUNT_WORDS[n]
        return f"{count} * {m.group('unit').lower()}", m.end()
    for regex, unit in RATE_REGEXES:
        m = regex.match(text, pos)
        if m:
            return unit, m.end()
    return None


@functools.lru_cache(maxsize=256)
def conversion_factor(pint_unit: str, target_pint: str, per_period: str | None = None,
                      period_count: float = 1.0) -> float:
    """How many ``target_pint`` one ``pint_unit`` (per ``period_count`` ``per_period``) is.

    Computed by pint once per unit pair and cached: every unit here is
    multiplicative (no offsets), so a factor is exact, and it keeps pint's
    expression parser out of the per-claim path on large inputs.
    """
    ureg = unit_registry()
    quantity = 1.0 * ureg(pint_unit)
    if per_period is not None:
        quantity = quantity / (period_count * ureg(per_period))
    return float(quantity.to(ureg(target_pint)).magnitude)


def convert(value: float, pint_unit: str, normalized: str,
            per_period: str | None = None) -> tuple[float, str]:
    """``value`` in ``pint_unit`` (optionally per ``per_period``) in its normalised unit.

    Returns ``(converted_value, normalized_unit_name)``. A length per period
    becomes ``m_per_day``, an area per period ``km2_per_day``.
    """
    target = normalized if per_period is None else f"{normalized}_per_day"
    return value * conversion_factor(pint_unit, NORMALIZED_PINT[target], per_period), target


def length_over_days_per_day(value: float, pint_unit: str, days: float) -> float:
    """A distance covered over ``days`` days, as metres per day (via pint)."""
    return value * conversion_factor(pint_unit, NORMALIZED_PINT["m_per_day"], "day", days)
