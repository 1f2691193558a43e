"""Dates in news text: datelines, date mentions, and spans to keep out of quantities.

Finds the dateline of an article ("7:03 AM EST, November 24, 2024"), the date
expressions inside a sentence ("as of November 22", "on Nov. 20", "in August",
"since August", "on Tuesday", "over the past week", "now") resolved against a
reference date, and the character spans of dates and clock times so that the
quantity scanner never reads "7:03", "2024" or the "24" of "November 24" as a
claim. May import only the standard library, dateutil and frontwatch.claims.lexicon.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from frontwatch.claims.lexicon import load_lexicon
from frontwatch.claims.operations import operations

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}
NUMBER_WORDS_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1,
}

# Capitalised month names only: "may" is also a verb.
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|"
          r"October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|"
          r"Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
          # Not the start of a longer word: "Novovorontsovka", "Mariupol", "Mayor", "Decree".
          r"(?!\w)")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"

MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<day>{_DAY})\b(?:,?\s+(?P<year>{_YEAR})\b)?")
DAY_MONTH = re.compile(rf"\b(?P<day>{_DAY})\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR})\b)?")
MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>{_YEAR})\b")
MONTH_ONLY = re.compile(rf"\b(?P<month>{_MONTH})(?![\w.]*\s+[0-3]?\d\b)")
ISO_DATE = re.compile(rf"\b(?P<year>{_YEAR})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
NUMERIC_DATE = re.compile(r"\b[0-3]?\d[./][01]?\d[./](?:19|20)?\d\d\b")
CLOCK_TIME = re.compile(
    r"\b[0-2]?\d:[0-5]\d(?::[0-5]\d)?(?:\s*[AaPp]\.?[Mm]\b\.?)?(?:\s*[A-Z]{2,4}T\b)?"
    # "7.03 AM", "at 14.30": a dot needs a clock word around it ("0.039%" is a share, not 00:39).
    r"|\b[0-2]?\d\.[0-5]\d(?!\d)(?=\s*(?:[AaPp]\.?[Mm]\b|[A-Z]{2,4}T\b|GMT\b|UTC\b|h\b))"
    r"|(?<=\bat\s)[0-2]?\d\.[0-5]\d(?![\d%])(?!\s*(?:%|per|km|kilomet|sq|square|mile|met))"
    r"|\b[0-1]?\d\s*[AaPp]\.[Mm]\.|\b[0-1]?\d\s*(?:am|pm|AM|PM)\b")
YEAR = re.compile(rf"(?<![\d,.])\b{_YEAR}\b(?![,.]\d)")


@dataclass(frozen=True)
class DateMention:
    """A date expression in a sentence, resolved against a reference date."""

    kind: str          # "as_of", "day", "month", "range", "since", "weekday", "past", "now"
    start: int
    end: int
    date: dt.date | None        # the date the claim refers to
    start_date: dt.date | None  # start of the period, for changes


def _month_number(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_year(month: int, reference: dt.date | None, year: int | None) -> int | None:
    """The year a bare month refers to: the reference year, or the one before
    when that month lies after the reference date (a November article saying
    "in December" means last December)."""
    if year is not None:
        return year
    if reference is None:
        return None
    return reference.year if month <= reference.month else reference.year - 1


def non_quantity_spans(text: str) -> list[tuple[int, int]]:
    """Spans of dates, clock times and bare years, which are never quantities."""
    spans: list[tuple[int, int]] = []
    for regex in (CLOCK_TIME, MONTH_DAY, DAY_MONTH, MONTH_YEAR, ISO_DATE, NUMERIC_DATE, YEAR):
        spans.extend(m.span() for m in regex.finditer(text))
    return spans


def dateline_date(text: str, head_chars: int = 4000) -> dt.date | None:
    """The publication date of an article from its dateline, or None.

    Prefers a full date (with year) on a short line of its own, as datelines are
    written; otherwise the first full date in the head of the text.
    """
    head = text[:head_chars]
    first: dt.date | None = None
    offset = 0
    for line in head.split("\n"):
        for regex in (MONTH_DAY, DAY_MONTH, ISO_DATE):
            for m in regex.finditer(line):
                if not m.group("year"):
                    continue
                month = m.group("month")
                month_no = int(month) if month.isdigit() else _month_number(month)
                found = _safe_date(int(m.group("year")), month_no, _day_number(m.group("day")))
                if found is None:
                    continue
                if len(line.strip()) <= 80:
                    return found
                if first is None:
                    first = found
        offset += len(line) + 1
    return first


# "KYIV, Nov 28 (Reuters) - ...": a wire dateline, city then month and day, often with no year.
_WIRE_DATELINE = re.compile(
    rf"^\s*[A-Z][\w.'’ -]{{1,40}},\s+(?:(?P<month>{_MONTH})\s+(?P<day>{_DAY})|(?P<day2>{_DAY})\s+(?P<month2>{_MONTH}))"
    rf"(?:,?\s+(?P<year>{_YEAR}))?\s*(?:\([^)\n]{{1,40}}\)\s*)?[-–—]")


def dateline_month_day(text: str) -> tuple[int, int] | None:
    """``(month, day)`` of a wire dateline with no year ("KYIV, Nov 28 (Reuters) - ...") at the
    start of the text's first non-empty line; None when there is none or it has a year
    (:func:`dateline_date` reads those)."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    m = _WIRE_DATELINE.match(first)
    if not m or m.group("year"):
        return None
    month = _month_number(m.group("month") or m.group("month2"))
    day = _day_number(m.group("day") or m.group("day2"))
    return (month, day) if _safe_date(2024, month, day) else None  # 2024: a leap year, so 29 Feb is a day


def latest_on_or_before(month: int, day: int, limit: dt.date) -> dt.date:
    """The latest ``month``/``day`` on or before ``limit`` (29 February: the latest leap year's)."""
    year = limit.year
    while True:
        d = _safe_date(year, month, day)
        if d is not None and d <= limit:
            return d
        year -= 1


_AS_OF = re.compile(r"\b(?:as\s+of|as\s+at|by)\s+$", re.I)
PRESENT_PERFECT = re.compile(
    r"\b(?:has|have|'ve)\s+(?:\w+\s+){0,2}?(?:\w+ed|lost|won|held|taken|seized|made|kept|been)\b", re.I)
# "since the fall of Avdiivka in": a month after an event named after "since".
_SINCE_EVENT_IN = re.compile(r"\bsince\s+(?:the\s+)?[\w'’ -]{0,40}?\bin\s+$", re.I)
# "since the start of its counteroffensive on September 6": the day of an event named after "since".
_SINCE_EVENT_ON = re.compile(r"\bsince\s+(?:the\s+)?[\w'’ -]{0,50}?\bon\s+$", re.I)
_SINCE = re.compile(r"\b(?:since|from|(?:began|begun|started|launched)\s+(?:on|in))\s+(?:early\s+|late\s+|mid-?|the\s+(?:start|beginning|end|middle)\s+of\s+)?$", re.I)
_OF_REL_YEAR = re.compile(r",?\s+(?:of\s+)?(?P<rel>last|this)\s+year\b", re.I)
_PART_OF_MONTH = re.compile(r"\b(early|mid|late)[\s-]*$", re.I)
_BY_MONTH = re.compile(r"\b(?:by|as\s+of)\s+(?:(?:early|mid|late)[\s-]*)?$", re.I)
_AT_MONTH_EDGE = re.compile(r"\b(?:at|by)\s+the\s+(start|beginning|end)\s+of\s+$", re.I)
# "two weeks ago"; "since capturing the town two weeks ago" (an event named after "since"): a day
# counted back from the reference.
_AGO = re.compile(r"\b(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                  r"(?P<unit>day|week|month|year)s?\s+ago\b", re.I)
_SINCE_EVENT = re.compile(r"\bsince\s+(?:[\w'’-]+\s+){0,5}$", re.I)
# Seasons, northern and meteorological: "since the summer" (1 June), "in the autumn", "last winter".
_SEASON = re.compile(r"\b(?:(?P<since>since)|in|during|over|throughout)\s+(?:(?P<which>the|this|last|early|late)\s+)?"
                     r"(?P<season>spring|summer|autumn|fall|winter)\b(?!\s+of\b)", re.I)
# "last winter", "this summer" with no preposition.
_SEASON_BARE = re.compile(r"\b(?P<which>this|last)\s+(?P<season>spring|summer|autumn|fall|winter)\b(?!\s+of\b)", re.I)
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
# "in the summer of 2024", "since the autumn of 2023", "the winter of 2022-23" (from December 2022).
_SEASON_OF_YEAR = re.compile(r"\b(?:(?P<since>since)|in|during|over|throughout)\s+(?:the\s+)?(?:(?P<part>early|late)\s+)?"
                             r"(?P<season>spring|summer|autumn|fall|winter)\s+of\s+(?P<year>(?:19|20)\d\d)\b", re.I)


def _season(name: str, reference: dt.date, which: str | None) -> tuple[dt.date, dt.date]:
    """(first, last day) of the latest season ``name`` begun on or before ``reference`` ("last":
    the latest one already over)."""
    month = _SEASON_START[name]
    first = dt.date(reference.year, month, 1)
    if first > reference:
        first = dt.date(reference.year - 1, month, 1)
    last = first + relativedelta(months=3) - dt.timedelta(days=1)
    if (which or "").lower() == "last" and last >= reference:
        first, last = first - relativedelta(years=1), last - relativedelta(years=1)
    return first, last


_AT_YEAR_START = re.compile(r"\bat\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year\b", re.I)
_SINCE_YEAR_START = re.compile(r"\b(?:since|than\s+(?:\w+\s+){1,3}?at)\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year\b", re.I)
_IN_MONTH = re.compile(r"\b(?:in|during|throughout|over|for)\s+(?:the\s+(?:month|entirety|whole|course)\s+of\s+)?"
                       r"(?:early\s+|late\s+|mid-?)?$", re.I)
_WEEKDAY = re.compile(
    r"\b(?i:on|late\s+on|early\s+on|last|to|until|till|through|thru|ending|since|(?:as\s+of|by)(?:\s+(?:late|early))?|said|says|told|reported|announced|"
    r"wrote|stated|claimed)\s+(?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_PAST = re.compile(
    r"\b(?:over|in|during|within|for)\s+(?:just\s+|only\s+)?the\s+(?:past|last|previous)\s+"
    r"(?:(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\s+)?"
    # Not "in the last week of October" (a week of that month: _FIRST_PERIOD).
    r"(?P<unit>day|week|fortnight|month|year|hours?)s?\b(?!\s+of\s+(?!fighting|combat|battles?|clashes|hostilities)|\s+and\s+a\s+half\b)"
    # "this past week" is the past week, as "last week" is.
    r"|\b(?P<last>last|this\s+past|this)\s+(?P<unit2>week|fortnight|month|year)\b"
    r"|\b(?P<inaweek>(?:in|within)\s+(?:the\s+space\s+of\s+)?(?:a|one|a\s+single)\s+(?P<unit3>day|week|fortnight|month))\b"
    r"|\b(?:in|within|over)\s+(?:the\s+space\s+of\s+)?(?P<n4>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?P<unit4>hour|day|week|fortnight|month)s\b"
    # "year to date", "so far this year" (this year): from 1 January to the report's day.
    r"|\b(?P<ytd>(?:the\s+)?(?:year|month)[\s-]+to[\s-]+date)\b"
    r"|\b(?P<yesterday>yesterday|today)\b", re.I)
_EVENTS = load_lexicon("events")
# "since the start of the full-scale invasion", "since Russia invaded", "since the war began".
INVASION_DAY = dt.date.fromisoformat(_EVENTS["invasion"]["first_day"])
_SINCE_INVASION = re.compile(
    r"\bsince\s+(?:(?:the\s+)?(?:start|beginning|outbreak|onset)\s+of\s+)?(?:the\s+|Russia['’]s\s+|Moscow['’]s\s+)?"
    r"(?:full[\s-]+scale\s+|large[\s-]+scale\s+|Russian\s+)?(?:invasion|war|special\s+military\s+operation)(?:\s+(?:began|started))?\b"
    r"|\bsince\s+(?:Russia|Moscow)\s+(?:invaded|launched\s+(?:its\s+)?(?:full[\s-]+scale\s+)?invasion)\b", re.I)
# "since the incursion began", "since Ukraine's incursion into Kursk": in news of August 2024 on,
# the Kursk incursion, which began on 6 August 2024 ("the incursion, which began on Aug. 6" gives
# the day itself and is left to the date it names).
INCURSION_DAY = dt.date.fromisoformat(_EVENTS["incursion"]["first_day"])
# The last day Ukraine held ground in Russia (lexicon/events.json).
INCURSION_LAST_DAY = dt.date.fromisoformat(_EVENTS["incursion"]["last_day"])
_EVENTS_TOWNS: dict[str, str] = dict(_EVENTS.get("towns_taken", {}))
_SINCE_INCURSION = re.compile(
    r"\bsince\s+(?:the\s+(?:start|beginning)\s+of\s+)?(?:Ukraine['’]s\s+|Kyiv['’]s\s+|the\s+)(?:Kursk\s+)?"
    r"(?:cross-border\s+)?incursion(?:\s+into\s+(?:the\s+)?Kursk(?:\s+region)?)?(?:\s+(?:began|started))?\b(?!\s*,\s*which)", re.I)
# "since the counteroffensive began", "since the start of Kyiv's summer counteroffensive", "since
# launching its offensive": an operation named with no day (not "the incursion": _SINCE_INCURSION).
_OPERATION_NOUN = r"(?P<noun>counter-?offensive|counter-?attack|offensive|operation|incursion)"
_WHOSE = r"(?:(?P<whose>Ukraine|Kyiv|Kiev|Russia|Moscow)['’]s\s+|the\s+|its\s+|their\s+|an?\s+)"
_SINCE_OPERATION = re.compile(
    rf"\b(?P<prep>since|during|throughout|in\s+the\s+course\s+of|before|prior\s+to|ahead\s+of)\s+(?:(?:the\s+)?(?:start|beginning|launch|outset)\s+of\s+|"
    rf"(?:launching|starting|beginning|it\s+launched|they\s+launched)\s+)?{_WHOSE}"
    rf"(?:(?:summer|autumn|spring|winter|new|latest|\d{{4}}|long-awaited|much-anticipated|ground|cross-border)\s+)?"
    rf"{_OPERATION_NOUN}\b(?:\s+(?:began|started|was\s+launched|got\s+under\s+way|kicked\s+off))?", re.I)
# "since launching its counteroffensive last month", "... in June": when it began, in words the
# lexicon's day must agree with.
_OPERATION_WHEN = re.compile(rf"\s+(?:(?P<rel>last|this)\s+(?P<unit>month|year)|in\s+(?P<month>{_MONTH}))\b")
_DAY_WRITTEN_AFTER = re.compile(rf"\s*(?:,?\s*which\s+(?:began|started)\s+)?(?:on|in)\s+(?:{_MONTH}|\d)")
_SPAN_BEFORE_SINCE = re.compile(r"\b(?:days?|weeks?|months?|years?)\s+$", re.I)
_OWN_SIDE_WORDS = {"ukraine": "ukraine", "kyiv": "ukraine", "kiev": "ukraine", "russia": "russia", "moscow": "russia"}


def operation_first_day(noun: str, whose: str | None, sentence: str, reference: dt.date) -> dt.date | None:
    """The first day of the one operation of lexicon/events.json called by ``noun`` that was under
    way on ``reference`` (of ``whose`` side when the words name it); several under way at once
    ("the counteroffensive" in September 2022: Kherson's and Kharkiv's) are told apart by the
    oblast the sentence names, else None."""
    noun = noun.lower().replace("counter-offensive", "counteroffensive").replace("counter-attack", "counteroffensive") \
        .replace("counterattack", "counteroffensive")
    side = _OWN_SIDE_WORDS.get((whose or "").lower())
    ops = [o for o in operations() if o.first_day <= reference <= o.last_day
           and noun in {n.lower().replace("counter-offensive", "counteroffensive") for n in o.nouns}
           and (side is None or o.side == side)]
    named = [o for o in ops if any(re.search(rf"\b{re.escape(ob.split()[0])}\b", sentence, re.I)
                                   for ob in o.oblasts if ob.endswith(" oblast"))]
    def called(o) -> bool:  # the operation's own name for itself, its first noun
        return noun == o.nouns[0].lower().replace("counter-offensive", "counteroffensive")

    if len(ops) > 1 or (side is None and not (len(ops) == 1 and called(ops[0]))):
        # "the offensive" with no side and no place is any of the offensives of the day, most of
        # them not in the lexicon; "the counteroffensive" in October 2024 may be Russia's in Kursk,
        # not Ukraine's incursion: with no side named, only the operation's own name or a place
        # of its own tells which.
        ops = named
    return ops[0].first_day if len(ops) == 1 else None


_WEEKEND = re.compile(r"\b(?:over|during|at|on|in)\s+the\s+weekend\b|\b(?:this|last)\s+weekend\b", re.I)
# "that month", "in that year", "the same month": the month or year named before in the sentence.
_THAT_PERIOD = re.compile(r"\b(?:in\s+|during\s+|over\s+)?(?:that|the\s+same)\s+(?P<unit>month|year)\b", re.I)
# "over the month", "during the year", "throughout the whole week": not "the month of October", "the
# year before", "the week to Sunday", "the month ending ...".
_THE_UNIT = re.compile(r"\b(?:in|during|over|throughout)\s+(?:the\s+(?:course|entirety)\s+of\s+)?the\s+(?:whole\s+|entire\s+)?"
                       r"(?P<unit>week|month|year)\b(?!\s+(?:of|before|earlier|ago|to|through|until|ending|ended|since|"
                       r"after|prior)\b)(?![-–])", re.I)
_SINCE_BEFORE = re.compile(r"\bsince\s+$", re.I)
_NOW = re.compile(r"\b(?:now|currently|at\s+present|presently|at\s+the\s+moment|as\s+of\s+now|still)\b", re.I)


# --- points named by the edge of a period or by an event --------------------------------------
# "the start of the year", "the end of October", "the beginning of autumn", "the middle of 2024",
# "the start of the war": one day, whatever the words around it make of it (since, by, from ... to).
_EDGE = re.compile(
    rf"\b(?:the\s+)?(?P<edge>start|beginning|outset|end|middle)\s+of\s+(?:(?P<rel>the|this|last|next)\s+)?"
    rf"(?:(?P<unit>year|month|week|day)|(?P<season>summer|spring|autumn|fall|winter)|(?P<war>(?:full[\s-]+scale\s+)?(?:war|invasion)|special\s+military\s+operation)|"
    rf"(?P<month>{_MONTH})(?:,?\s+(?P<myear>{_YEAR}))?|(?P<year>{_YEAR}))\b(?!\s+of\b)"
    # "the start of the summer counteroffensive", "the start of the 2023 offensive": an operation's day.
    r"(?![\s-]+(?:counter-?offensive|offensive|campaign|operation|push|incursion)s?\b)", re.I)
# What the words before such a point make of it.
_EDGE_SINCE = re.compile(r"\b(?:since|from|starting)\s+$", re.I)
_EDGE_BEFORE = re.compile(r"\b(?:before|prior\s+to)\s+$", re.I)
_EDGE_AS_OF = re.compile(r"\b(?:by|as\s+of|as\s+at)\s+$", re.I)
# "in the three months to the end of November": left to the period it ends.
_EDGE_ENDS_PERIOD = re.compile(r"\b(?:days?|weeks?|months?)\s+(?:to|through|until|ending|ended|up\s+to)\s+$", re.I)
# "a month into the war", "six months into the full-scale invasion", "100 days into the incursion".
_INTO = re.compile(r"\b(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                   r"(?P<unit>day|week|month|year)s?\s+into\s+(?:the\s+|its\s+|Russia['’]s\s+|Ukraine['’]s\s+|Kyiv['’]s\s+)?"
                   r"(?:full[\s-]+scale\s+)?(?P<event>war|invasion|incursion|counteroffensive|counter-offensive|offensive)\b",
                   re.I)
# "Zelenskiy said overnight": the evening before the report's day.
_BARE_WEEKDAY = re.compile(r"(?<![\w'’-])(?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?![\s-]+[A-Z])(?!['’])")
_NOT_A_DAY_BEFORE = re.compile(r"\b(?:every|each|since|from|until|till|through|between|and|or|by|next|of)\s+$", re.I)
_OVERNIGHT = re.compile(r"\b(?:overnight|late\s+last\s+night|last\s+night)\b", re.I)
# "since the fall of Avdiivka", "after the capture of Bakhmut": the day a town changed hands.
_TOWN_EVENT = re.compile(r"\b(?:fall|capture|seizure|loss|liberation|recapture|surrender)\s+of\s+(?:the\s+(?:city|town)\s+of\s+)?"
                         r"(?P<town>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)?)")
_TOWNS_TAKEN = {name: dt.date.fromisoformat(day) for name, day in _EVENTS_TOWNS.items()}
_WORD_COUNT = {"a": 1, "an": 1, "eleven": 11, "twelve": 12, **NUMBER_WORDS_SMALL}


_TIME_PREP_BEFORE = re.compile(r"\b(?:since|after|before|until|till|following)\s+(?:the\s+)?$", re.I)


def time_anchor_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of "since the fall of Avdiivka"-like phrases: a town named there dates the claim,
    it is not where the claim is."""
    return [m.span() for m in _TOWN_EVENT.finditer(sentence)
            if _TIME_PREP_BEFORE.search(sentence, max(0, m.start() - 20), m.start())]


def _edge_day(m: re.Match, reference: dt.date | None) -> dt.date | None:
    """The day an edge-of-period phrase names (see _EDGE), or None."""
    edge = m.group("edge").lower()
    rel = (m.group("rel") or "").lower()
    if m.group("war"):
        return INVASION_DAY if edge in ("start", "beginning", "outset") else None
    if m.group("year"):
        first, last = dt.date(int(m.group("year")), 1, 1), dt.date(int(m.group("year")), 12, 31)
    elif m.group("month"):
        month = _month_number(m.group("month"))
        year = _month_year(month, reference, int(m.group("myear")) if m.group("myear") else None)
        if year is None:
            return None
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
    elif reference is None:
        return None
    elif m.group("season"):
        first, last = _season(m.group("season").lower(), reference, rel)
    else:
        unit = m.group("unit").lower()
        back = 1 if rel == "last" else -1 if rel == "next" else 0
        if unit == "year":
            first, last = dt.date(reference.year - back, 1, 1), dt.date(reference.year - back, 12, 31)
        elif unit == "month":
            first = (reference - relativedelta(months=back)).replace(day=1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        elif unit == "day":
            # "since the start of the day" (as the General Staff's tallies say): the day itself.
            first = last = reference - dt.timedelta(days=back)
        else:
            first = reference - dt.timedelta(days=reference.weekday() + 7 * back)
            last = first + dt.timedelta(days=6)
    if edge in ("start", "beginning", "outset"):
        return first
    if edge == "end":
        return last
    return first + (last - first) / 2


def _period_length(n: int, unit: str):
    """``n`` days, weeks or months, as a timedelta or relativedelta."""
    unit = unit.lower().rstrip("s")
    if unit == "fortnight":
        n, unit = 2 * n, "week"
    if unit == "year":
        return relativedelta(years=n)
    return relativedelta(months=n) if unit == "month" else dt.timedelta(days=n * (7 if unit == "week" else 1))


def _period_start(reference: dt.date, n: int, unit: str) -> dt.date:
    """The first day of the ``n`` ``unit``s ending on ``reference`` (inclusive): "the past week"
    to 28 November starts on 22 November, as "in November" starts on 1 November; a change over it
    runs from the map of the day before (claims.check._period), 7 days."""
    unit = unit.lower().rstrip("s")
    if unit == "fortnight":
        n, unit = 2 * n, "week"
    one = dt.timedelta(days=1)
    if unit == "day":
        return reference - dt.timedelta(days=n) + one
    if unit == "hour":
        return reference - dt.timedelta(days=max(1, round(n / 24))) + one
    if unit == "week":
        return reference - dt.timedelta(weeks=n) + one
    # From the day after: the month to 30 November starts on 1 November, not 31 October.
    if unit == "month":
        return reference + one - relativedelta(months=n)
    return reference + one - relativedelta(years=n)


# "the past week", "the last six days", "last week", "this past week", "the past 24 hours",
# "the past fortnight": whole days or hours counted back from the day the words were said.
_COUNTED_BACK = re.compile(r"^(?:(?:over|in|during|within|for)\s+(?:just\s+|only\s+)?)?(?:the\s+(?:past|last|previous)\s+"
                           r"(?:\S+\s+)?(?:days?|weeks?|fortnights?|hours?)|(?:last|this\s+past)\s+(?:week|fortnight))\b", re.I)


def counted_back(words: str) -> bool:
    """Whether a ``past`` mention's words count days, weeks or hours back from the day they were said
    ("over the past week", "the last six days", "last week"; not "the past year", "this month")."""
    return bool(_COUNTED_BACK.match(words.strip()))


# A month or year counted back from a day in the first week of the next one is the calendar month
# or year just ended (date.past_period, "as the calendar period just ended").
_FIRST_DAYS = 7


_MID_BEFORE = re.compile(r"\bmid[\s-]*$", re.I)


def mid_month_day(sentence: str, month_start: int, first: dt.date | None) -> dt.date | None:
    """The 15th of a month written "mid-November" (``first``: the first day of the month, or of
    its middle part, as :func:`date_mentions` reads it), when the month name at ``month_start`` is
    written after "mid"; else None. "mid-" as a point in time is the month's middle day, as the
    labels of A and E date "by mid-November" and "in mid-December"."""
    if first is None or not _MID_BEFORE.search(sentence[max(0, month_start - 6):month_start]):
        return None
    return first.replace(day=15)


def calendar_period_just_ended(unit: str, reference: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the calendar month (or year) just ended, when ``reference`` is in the
    first week of the next one and ``unit`` is "month" (or "year"); else None."""
    unit = unit.lower().rstrip("s")
    if reference.day > _FIRST_DAYS or unit not in ("month", "year") or (unit == "year" and reference.month != 1):
        return None
    last = reference.replace(day=1) - dt.timedelta(days=1)
    return (last.replace(day=1) if unit == "month" else dt.date(last.year, 1, 1)), last


def month_runs_to_reference(sentence: str, d: "DateMention", reference: dt.date | None = None) -> bool:
    """Whether a named month starts a period that runs to the reference day rather than being the
    period: with a present perfect ("has advanced 30 km since the fall of Avdiivka in February")
    or after "since <event> in". One rule for the claim's dates and for the days of its pace. A
    period already over on the reference day ("last month", "in October" read in November) is that
    period whatever the tense: "Russia has captured 2,700 sq km since January, including 600 sq km
    last month"."""
    if _SINCE_EVENT_IN.search(sentence[:d.start]):
        return True
    over = reference is not None and d.date is not None and d.date < reference
    return bool(PRESENT_PERFECT.search(sentence)) and not over


def period_days(text: str, reference: dt.date | None = None) -> float | None:
    """Length in days of a period phrase like "over the past week" in ``text``; with
    ``reference``, also of a named period ("since May", "in October", "between Nov. 1 and Nov.
    20"): from its first day to its last, both counted."""
    m = _PAST.search(text)
    if not m:
        if reference is None:
            return None
        mentions = date_mentions(text, reference)
        named = [d for d in mentions if d.kind in ("since", "range", "month")
                 and d.start_date is not None and d.date is not None and d.date >= d.start_date]
        if not named:
            # "advanced between 1 and 3 km on Monday alone": one day.
            return 1.0 if any(d.kind == "weekday" and d.date is not None for d in mentions) else None
        d = named[0]
        if d.kind == "month" and reference >= d.start_date and month_runs_to_reference(text, d):
            return float((reference - d.start_date).days + 1)
        return float((d.date - d.start_date).days + 1)
    if m.group("unit"):
        n = m.group("n")
        count = int(n) if n and n.isdigit() else NUMBER_WORDS_SMALL.get((n or "one").lower(), 1)
        unit = m.group("unit").lower()
    elif m.group("unit3"):
        count, unit = 1, m.group("unit3").lower()
    elif m.group("unit2") and m.group("last").lower() != "this":  # "last week", "this past week": 7 days
        count, unit = 1, m.group("unit2").lower()
    elif m.group("unit4"):
        n = m.group("n4")
        count = int(n) if n.isdigit() else NUMBER_WORDS_SMALL[n.lower()]
        unit = m.group("unit4").lower()
    elif m.group("ytd") and reference is not None:
        first = reference.replace(day=1) if "month" in m.group("ytd").lower() else reference.replace(month=1, day=1)
        return float((reference - first).days + 1)
    else:
        return None
    days = {"day": 1, "hour": 1 / 24, "hours": 1 / 24, "week": 7, "fortnight": 14, "month": 30.44, "year": 365.25}[unit]
    return count * days


def date_mentions(sentence: str, reference: dt.date | None) -> list[DateMention]:
    """Date expressions in ``sentence`` resolved against ``reference`` (the published date)."""
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    than_at = [x.span() for x in _SINCE_YEAR_START.finditer(sentence)]
    for m in _EDGE.finditer(sentence):
        if _EDGE_ENDS_PERIOD.search(sentence, max(0, m.start() - 30), m.start()) or any(
                a <= m.start() < b for a, b in than_at):
            continue  # left to the period it ends; "more than it did at the start of the year": a since
        if _EDGE_BEFORE.search(sentence, max(0, m.start() - 12), m.start()):
            # "had 27,000 residents before the start of the full-scale war": a time before
            # that day, not the day; nothing a claim is as of.
            taken.append(m.span())
            continue
        before = sentence[max(0, m.start() - 12):m.start()]
        if (m.group("unit") or "").lower() == "day" and not _EDGE_SINCE.search(before):
            continue  # "at the end of the day" says nothing of a date
        day = _edge_day(m, reference)
        if day is None:
            continue
        if _EDGE_SINCE.search(before) and not (_RANGE_WORD_BEFORE.search(before) and _RANGE_NEXT.match(sentence, m.end())):
            mentions.append(DateMention("since", *m.span(), reference, day))
        elif _EDGE_AS_OF.search(before):
            mentions.append(DateMention("as_of", *m.span(), min(day, reference) if reference else day, None))
        else:
            mentions.append(DateMention("day", *m.span(), min(day, reference) if reference else day, None))
        taken.append(m.span())
    for m in _INTO.finditer(sentence):
        event = m.group("event").lower()
        if event in ("war", "invasion"):
            first: dt.date | None = INVASION_DAY
        elif event == "incursion":
            first = INCURSION_DAY
        else:
            # the offensive the report's day lies in
            ops = [o for o in operations() if reference and o.first_day <= reference and event in o.nouns]
            first = max((o.first_day for o in ops), default=None)
        if first is None or not free(*m.span()):
            continue
        n = _WORD_COUNT.get(m.group("n").lower()) or int(m.group("n"))
        unit = m.group("unit").lower()
        day = first + (relativedelta(months=n) if unit == "month" else relativedelta(years=n) if unit == "year"
                       else dt.timedelta(days=n * (7 if unit == "week" else 1)))
        if reference is not None and day > reference:
            # "five months into its counteroffensive" (of 4 June) read on 1 November: a round count,
            # and no later than the report's day.
            day = reference
        mentions.append(DateMention("day", *m.span(), day, None))
        taken.append(m.span())
    for m in _TOWN_EVENT.finditer(sentence):
        day = _TOWNS_TAKEN.get(m.group("town"))
        if day is None or not free(*m.span()) or (reference is not None and day > reference):
            continue
        before = sentence[max(0, m.start() - 40):m.start()]
        kind = "since" if re.search(r"\bsince\s+(?:the\s+)?$", before, re.I) else None
        if kind:
            mentions.append(DateMention("since", *m.span(), reference, day))
            taken.append(m.span())
    if reference is not None:
        for m in _OVERNIGHT.finditer(sentence):
            if free(*m.span()):
                mentions.append(DateMention("weekday", *m.span(), reference - dt.timedelta(days=1), None))
                taken.append(m.span())
    for regex in (MONTH_DAY, DAY_MONTH, ISO_DATE):
        for m in regex.finditer(sentence):
            if not free(*m.span()):
                continue
            month = m.group("month")
            month_no = int(month) if month.isdigit() else _month_number(month)
            year = _month_year(month_no, reference, int(m.group("year")) if m.group("year") else None)
            found = _safe_date(year, month_no, _day_number(m.group("day"))) if year else None
            before = sentence[max(0, m.start() - 30):m.start()]
            kind = ("as_of" if _AS_OF.search(before) else
                    "since" if _SINCE.search(before) or _SINCE_EVENT_ON.search(sentence, max(0, m.start() - 70), m.start())
                    else "day")
            if kind == "since":
                mentions.append(DateMention(kind, *m.span(), reference, found))
            else:
                mentions.append(DateMention(kind, *m.span(), found, None))
            taken.append(m.span())
    for m in _AGO.finditer(sentence):
        if reference is None or not free(*m.span()):
            continue
        n = m.group("n").lower()
        count = int(n) if n.isdigit() else NUMBER_WORDS_SMALL[n]
        unit = m.group("unit").lower()
        found = reference - (relativedelta(months=count) if unit == "month" else relativedelta(years=count)
                             if unit == "year" else dt.timedelta(days=count * (7 if unit == "week" else 1)))
        if _SINCE_EVENT.search(sentence, max(0, m.start() - 60), m.start()):
            mentions.append(DateMention("since", *m.span(), reference, found))
        else:
            mentions.append(DateMention("day", *m.span(), found, None))
        taken.append(m.span())
    for regex in (MONTH_YEAR, MONTH_ONLY):
        for m in regex.finditer(sentence):
            if not free(*m.span()):
                continue
            month_no = _month_number(m.group("month"))
            year_group = m.groupdict().get("year")
            year = _month_year(month_no, reference, int(year_group) if year_group else None)
            end_at = m.end()
            rel_year = _OF_REL_YEAR.match(sentence, m.end()) if not year_group and reference is not None else None
            if rel_year:
                # "in October last year", "in March of this year": that year's month.
                year = reference.year - (rel_year.group("rel").lower() == "last")
                end_at = rel_year.end()
                if dt.date(year, month_no, 1) > reference:
                    continue
            before = sentence[max(0, m.start() - 30):m.start()]
            if year is None:
                first = last = None
            else:
                first = dt.date(year, month_no, 1)
                last = dt.date(year, month_no, calendar.monthrange(year, month_no)[1])
                # "early / mid- / late September": the 1st-10th, 11th-20th, 21st-end.
                part = _PART_OF_MONTH.search(before)
                if part:
                    k = {"early": 0, "mid": 1, "late": 2}[part.group(1).lower()]
                    first = first + dt.timedelta(days=10 * k)
                    last = last if k == 2 else first + dt.timedelta(days=9)
                if reference is not None and last > reference >= first:
                    last = reference
            edge = _AT_MONTH_EDGE.search(before)
            if edge and first is not None:
                # "down from roughly 1,200 at the start of September": that day.
                day = last if edge.group(1).lower() == "end" else first
                mentions.append(DateMention("day", m.start(), end_at, day, None))
            elif _BY_MONTH.search(before) and last is not None:
                # "By late November, Russia had retaken about 40%": as of the end of that part of the
                # month; "by mid-November", as of its middle day, the 15th (mid_month_day).
                mentions.append(DateMention("as_of", m.start(), end_at, mid_month_day(sentence, m.start(), first) or last, None))
            elif _SINCE.search(before):
                mentions.append(DateMention("since", m.start(), end_at, reference, first))
            elif (_IN_MONTH.search(before) or m.re is MONTH_YEAR
                  or (_RANGE_CLOSE.search(before) and _RANGE_WORD.search(sentence, 0, m.start()))
                  # "between February and the start of August": a month that opens a range
                  or (_RANGE_WORD_BEFORE.search(before) and _RANGE_NEXT.match(sentence, end_at))
                  or _PERIOD_TO_END.search(sentence, 0, m.start())):
                mentions.append(DateMention("month", m.start(), end_at, last, first))
            else:
                continue
            taken.append((m.start(), end_at))
    weekdays = list(_WEEKDAY.finditer(sentence))
    # "Zelensky said in another address Saturday", "officials said Sunday": a weekday with no
    # preposition, as news writing dates a statement (not "every Sunday", "Sunday Times").
    weekdays += [m for m in _BARE_WEEKDAY.finditer(sentence) if not any(w.start() <= m.start() < w.end() for w in weekdays)
                 and not _NOT_A_DAY_BEFORE.search(sentence, max(0, m.start() - 12), m.start())]
    for m in sorted(weekdays, key=lambda w: w.start()):
        if reference is None:
            found = None
        else:
            back = (reference.weekday() - WEEKDAYS[m.group("day").lower()]) % 7
            if m.group(0).lower().startswith("last") and back == 0:
                back = 7
            found = reference - dt.timedelta(days=back)
        if m.group(0).lower().startswith("since") and found is not None:
            # "since Friday": from that day to the report's day.
            mentions.append(DateMention("since", *m.span(), reference, found))
            continue
        if re.match(r"(?:as\s+of|by)\b", m.group(0), re.I) and found is not None:
            # "as of Thursday", "by late Sunday": an as-of day, as "as of November 21" is.
            mentions.append(DateMention("as_of", *m.span(), found, None))
            continue
        mentions.append(DateMention("weekday", *m.span(), found, None))
    for m in _SINCE_INVASION.finditer(sentence):
        if reference is not None and free(*m.span()):
            mentions.append(DateMention("since", *m.span(), reference, INVASION_DAY))
            taken.append(m.span())
    for m in _SINCE_INCURSION.finditer(sentence):
        if reference is not None and reference >= INCURSION_DAY and free(*m.span()):
            mentions.append(DateMention("since", *m.span(), reference, INCURSION_DAY))
            taken.append(m.span())
    for m in _SINCE_OPERATION.finditer(sentence):
        # "since the counteroffensive began", "since the start of Russia's offensive": the first day
        # of the one named operation under way on the report's day (lexicon/events.json).
        if reference is None or not free(*m.span()) or _DAY_WRITTEN_AFTER.match(sentence, m.end()) \
                or _SPAN_BEFORE_SINCE.search(sentence, max(0, m.start() - 20), m.start()):
            # "since the start of its counteroffensive on June 4": the day written wins; "in the two
            # weeks since the offensive began": the span says when, not the lexicon.
            continue
        first = operation_first_day(m.group("noun"), m.group("whose"), sentence, reference)
        end_at = m.end()
        when = _OPERATION_WHEN.match(sentence, m.end())
        if first is not None and when:
            if when.group("month"):
                agrees = first.month == _month_number(when.group("month"))
            elif when.group("unit").lower() == "year":
                agrees = first.year == reference.year - (when.group("rel").lower() == "last")
            else:
                month = reference - relativedelta(months=1) if when.group("rel").lower() == "last" else reference
                agrees = (first.year, first.month) == (month.year, month.month)
            first = first if agrees else None
            end_at = when.end()
        if first is not None and re.match(r"before|prior|ahead", m.group("prep"), re.I):
            # "35% of the oblast was under Russian control before a counteroffensive mounted by the
            # Ukrainian army": the state on the eve of its first day.
            mentions.append(DateMention("day", m.start(), end_at, first - dt.timedelta(days=1), None))
            taken.append((m.start(), end_at))
        elif first is not None:
            # "during the offensive in the Kursk region, ... taking control of 1,263 sq km": what was
            # done in it so far, from its first day.
            mentions.append(DateMention("since", m.start(), end_at, reference, first))
            taken.append((m.start(), end_at))
    for m in _WEEKEND.finditer(sentence):
        if reference is not None and free(*m.span()):
            # "over the weekend": the last Saturday and Sunday on or before the reference day.
            sunday = reference - dt.timedelta(days=(reference.weekday() + 1) % 7)
            mentions.append(DateMention("range", *m.span(), sunday, sunday - dt.timedelta(days=1)))
            taken.append(m.span())
    for m in _PAST.finditer(sentence):
        if not free(*m.span()):
            continue  # "at the end of last year": the edge's day
        if reference is None:
            mentions.append(DateMention("past", *m.span(), None, None))
            continue
        if m.group("yesterday"):
            day = reference - dt.timedelta(days=1) if m.group("yesterday").lower() == "yesterday" else reference
            mentions.append(DateMention("weekday", *m.span(), day, None))
            continue
        if m.group("ytd"):
            # "year to date", "the month to date": from its first day to the report's day.
            first = reference.replace(day=1) if "month" in m.group("ytd").lower() else reference.replace(month=1, day=1)
            mentions.append(DateMention("past", *m.span(), reference, first))
            continue
        # "the past week", "the last six days", "last week": whole days before the report's own
        # day, so they end the day before it (the dev set's convention; the report's day is not
        # over when it is written).
        end = reference - dt.timedelta(days=1)
        if m.group("unit"):
            n = m.group("n")
            count = int(n) if n and n.isdigit() else NUMBER_WORDS_SMALL.get((n or "one").lower(), 1)
            if m.group("unit").lower().startswith("hour"):
                # "over the past 24 hours": the whole day before the report's, as "over the past day"
                # is (the labels of every set read both so: a day's tally is published the day after).
                start = _period_start(end, count, m.group("unit"))
            elif count == 1 and calendar_period_just_ended(m.group("unit"), reference):
                # "over the past month" in a report of 2 April: March, the month a tally of the
                # first days of April is of ("the past year" in early January: the last calendar year).
                start, end = calendar_period_just_ended(m.group("unit"), reference)
            else:
                start = _period_start(end, count, m.group("unit"))
        elif m.group("unit2"):
            unit = m.group("unit2").lower()
            if m.group("last").lower() == "last" and unit in ("month", "year"):
                # "last month", "last year": the calendar month or year before the report's.
                if unit == "month":
                    prev = reference - relativedelta(months=1)
                    first = prev.replace(day=1)
                    last = prev.replace(day=calendar.monthrange(prev.year, prev.month)[1])
                else:
                    first, last = dt.date(reference.year - 1, 1, 1), dt.date(reference.year - 1, 12, 31)
                if _SINCE_BEFORE.search(sentence, max(0, m.start() - 8), m.start()):
                    # "since last month": from its first day to the report's day.
                    mentions.append(DateMention("since", *m.span(), reference, first))
                else:
                    mentions.append(DateMention("month", *m.span(), last, first))
                continue
            if m.group("last").lower() == "this":
                end = reference
                start = reference.replace(day=1) if unit == "month" else (
                    reference.replace(month=1, day=1) if unit == "year"
                    else reference - dt.timedelta(days=reference.weekday()))
            else:
                start = _period_start(end, 1, unit)
                if _SINCE_BEFORE.search(sentence, max(0, m.start() - 8), m.start()):
                    mentions.append(DateMention("since", *m.span(), reference, start))  # "since last week"
                    continue
        elif m.group("unit4"):
            n = m.group("n4")
            count = int(n) if n.isdigit() else NUMBER_WORDS_SMALL[n.lower()]
            end = reference
            start = _period_start(reference, count, m.group("unit4"))
        else:
            end = reference
            start = _period_start(reference, 1, m.group("unit3"))
        mentions.append(DateMention("past", *m.span(), end, start))
    for m in _SINCE_YEAR_START.finditer(sentence):
        start = reference.replace(month=1, day=1) if reference else None
        mentions.append(DateMention("since", *m.span(), reference, start))
    seasons = list(_SEASON.finditer(sentence))
    seasons += [m for m in _SEASON_BARE.finditer(sentence) if not any(o.start() <= m.start() < o.end() for o in seasons)]
    for m in _SEASON_OF_YEAR.finditer(sentence):
        first = dt.date(int(m.group("year")), _SEASON_START[m.group("season").lower()], 1)
        last = first + relativedelta(months=3) - dt.timedelta(days=1)
        if not free(*m.span()) or (reference is not None and first > reference):
            continue
        if m.group("since"):
            mentions.append(DateMention("since", *m.span(), reference, first))
        else:
            mentions.append(DateMention("month", *m.span(), min(last, reference or last), first))
        taken.append(m.span())
    for m in seasons:
        if reference is None or not free(*m.span()):
            continue
        first, last = _season(m.group("season").lower(), reference, m.group("which"))
        if m.groupdict().get("since"):
            mentions.append(DateMention("since", *m.span(), reference, first))
        else:
            mentions.append(DateMention("month", *m.span(), min(last, reference), first))
    for m in _AT_YEAR_START.finditer(sentence):  # "held 800 sq km at the start of the year": 1 January
        if not any(d.start <= m.start() < d.end for d in mentions):
            mentions.append(DateMention("day", *m.span(), reference.replace(month=1, day=1) if reference else None, None))
    for m in _THAT_PERIOD.finditer(sentence):
        # "its November assessment that Russia gained 242 square miles that month": the month or
        # year named before it in the sentence, however it was written.
        if not free(*m.span()):
            continue
        unit = m.group("unit").lower()
        named = [mm for rx in (MONTH_YEAR, MONTH_ONLY) for mm in rx.finditer(sentence, 0, m.start())] if unit == "month" \
            else list(YEAR.finditer(sentence, 0, m.start()))
        if not named:
            continue
        last = max(named, key=lambda x: x.start())
        if unit == "month":
            year_group = last.groupdict().get("year")
            month_no = _month_number(last.group("month"))
            year = _month_year(month_no, reference, int(year_group) if year_group else None)
            if year is None:
                continue
            first, end = dt.date(year, month_no, 1), dt.date(year, month_no, calendar.monthrange(year, month_no)[1])
        else:
            first, end = dt.date(int(last.group(0)), 1, 1), dt.date(int(last.group(0)), 12, 31)
        if reference is not None and first > reference:
            continue
        mentions.append(DateMention("month", *m.span(), min(end, reference or end), first))
        taken.append(m.span())
    if reference is not None and not any(d.kind in ("month", "range", "past", "since") for d in mentions):
        for m in _THE_UNIT.finditer(sentence):
            # "over the month", "during the year", "throughout the week", no other period named: the
            # calendar one the report is written in, to its day (as "this month").
            unit = m.group("unit").lower()
            just_ended = calendar_period_just_ended(unit, reference)
            if just_ended is not None and free(*m.span()):
                # "Over the course of the month" in a report of 1 October: September (as "the past
                # month" is, in the first week of a month).
                mentions.append(DateMention("past", *m.span(), just_ended[1], just_ended[0]))
                taken.append(m.span())
                continue
            if (unit == "month" and reference.day <= _FIRST_DAYS) or (unit == "year" and reference.month == 1):
                continue  # "over the year" in January after its first week: no guess
            if free(*m.span()):
                first = (reference.replace(day=1) if unit == "month" else reference.replace(month=1, day=1) if unit == "year"
                         else reference - dt.timedelta(days=reference.weekday()))
                mentions.append(DateMention("past", *m.span(), reference, first))
                taken.append(m.span())
    for m in _NOW.finditer(sentence):
        mentions.append(DateMention("now", *m.span(), reference, None))
    mentions.sort(key=lambda d: d.start)
    return _ranges(sentence, mentions, reference)


# "between Nov. 1 and Nov. 20", "from August to October", "from 6 August through 1 September".
_RANGE_OPEN = re.compile(r"\b(?:between|from)\s+(?:early\s+|late\s+|mid-?|the\s+(?:start|beginning|end|middle)\s+of\s+)?$", re.I)
_RANGE_JOIN = re.compile(r"^\s*(?:and|to|through|thru|until|till|[-–—])\s*(?:early\s+|late\s+|mid-?|the\s+(?:start|beginning|end|middle)\s+of\s+)?$", re.I)
_RANGE_CLOSE = re.compile(r"\b(?:and|to|through|thru|until|till)\s+(?:early\s+|late\s+|mid-?|the\s+(?:start|beginning|end|middle)\s+of\s+)?$", re.I)
_RANGE_WORD = re.compile(r"\b(?:between|from)\b", re.I)
# "Nov. 1 through Nov. 20": two days joined by a word that only joins a range need no opening word.
_THROUGH_JOIN = re.compile(r"^\s*(?:through|thru|until|till)\s*$", re.I)
# "from the start of the year to mid-November": a point that opens a range, not a "since".
_RANGE_WORD_BEFORE = re.compile(r"\b(?:between|from)\s+$", re.I)
_CLOSED_BY = re.compile(r"\s*,?\s*(?:through|thru|until|till|up\s+to|to)\s+", re.I)
_RANGE_NEXT = re.compile(r"\s*(?:to|through|thru|until|till|and|[-–—])\s", re.I)
# "in the first week of the incursion, which began on Aug. 6" (the day is found elsewhere in the sentence)
_FIRST_PERIOD = re.compile(r"(?i:\b(?:in|during|within|over|through|throughout|for)\s+(?:the\s+|its\s+)?(?P<ord>first|second|third|fourth|last|final)\s+"
                           r"(?:(?P<n>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+)?(?P<unit>day|week|month)s?\b)"
                           rf"(?:\s+of\s+(?:(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?|(?P<ofyear>{_YEAR})|"
                           r"(?P<thisyear>(?:the|this)\s+year)|(?:the\s+|its\s+|Russia['’]s\s+|Ukraine['’]s\s+|Kyiv['’]s\s+)?"
                           r"(?:full[\s-]+scale\s+)?(?P<event>invasion|war|incursion))\b)?")
# "in the three months to the end of November", "in the week to Sunday", "the month ending Nov. 30"
_PERIOD_TO = re.compile(r"\b(?:in|during|over)\s+the\s+(?:(?P<n>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\s+)?"
                        r"(?P<unit>day|week|month|year)s?\s+(?:to|through|until|ending|ended|up\s+to)\s+(?:the\s+end\s+of\s+)?", re.I)
_PERIOD_TO_END = re.compile(_PERIOD_TO.pattern + "$", re.I)
_IN_YEAR = re.compile(rf"\b(?:(?:in|during|throughout|over|for)(?:\s+the\s+(?:entirety|whole|course)\s+of)?|(?P<since>since))"
                      rf"\s+(?:(?P<part>early|mid|late)[\s-]*)?(?P<year>{_YEAR})\b(?![-–]\d)", re.I)
# "in early 2024", "since mid-2023": the year's first, middle or last four months.
_YEAR_PART_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
# "in the third quarter of 2024", "in the first quarter of this year", "in Q3 2024".
# "in the third quarter" with no year: the latest such quarter begun on or before the report's day.
_QUARTER = re.compile(rf"\bthe\s+(?P<which>first|second|third|fourth|final|last)\s+quarter\b(?:\s+of\s+"
                      rf"(?:(?P<year>{_YEAR})|(?P<rel>the|this|last)\s+year)\b)?(?!\s+of\b)|\bQ(?P<q>[1-4])\s+(?P<qyear>{_YEAR})\b", re.I)
_HALF_YEAR = re.compile(rf"\bthe\s+(?P<which>first|second)\s+half\s+of\s+(?:(?P<year>{_YEAR})|(?P<rel>the|this|last)\s+year|"
                        rf"(?P<month>{_MONTH})(?:,?\s+(?P<myear>{_YEAR}))?)\b", re.I)
_MONTH_SPAN = re.compile(rf"\b(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?(?:\s*[-–—]\s*|\s+(?:through|thru|until|till)\s+|"
                         rf"(?<=\S)\s+(?:to|and)\s+(?=(?:{_MONTH})))(?P<m2>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?\b(?!\s+[0-3]?\d\b)")
# "to" and "and" join two months only after "from" and "between" ("from January to October").
_MONTH_SPAN_OPEN = re.compile(r"\b(?:from|between)\s+(?:early\s+|late\s+|mid-?)?$", re.I)
# "in August and September", "in August and early September": two months named together after a
# preposition of time, one period.
_MONTH_AND_MONTH = re.compile(rf"(?:(?<=\b[iI]n\s)|(?<=\b[oO]ver\s)|(?<=\b[dD]uring\s)|(?<=\b[tT]hroughout\s))"
                              rf"(?P<m1>{_MONTH})\s+and\s+(?:(?P<part2>early|mid|late)[\s-]*)?(?P<m2>{_MONTH})"
                              rf"(?:,?\s+(?P<year>{_YEAR}))?\b(?!\s+[0-3]?\d\b)")
# "Nov. 1-20", "1-20 November": one month, two days; with words after "between" or "from": "between
# 1 and 20 November", "from Nov. 1 to 20" (not "Nov. 1 to 20 villages": the opening word is needed).
_DAY_SPAN = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<d1>{_DAY})\s*[-–]\s*(?P<d2>{_DAY})\b(?:,?\s+(?P<year>{_YEAR})\b)?"
                       rf"|\b(?P<d1b>{_DAY})\s*[-–]\s*(?P<d2b>{_DAY})\s+(?:of\s+)?(?P<monthb>{_MONTH})(?:,?\s+(?P<yearb>{_YEAR})\b)?"
                       rf"|(?i:\b(?:between|from)\s+)(?P<d1c>{_DAY})\s+(?i:and|to|through|until)\s+(?P<d2c>{_DAY})\s+(?:of\s+)?"
                       rf"(?P<monthc>{_MONTH})(?:,?\s+(?P<yearc>{_YEAR})\b)?"
                       rf"|(?i:\b(?:between|from)\s+)(?P<monthd>{_MONTH})\s+(?P<d1d>{_DAY})\s+(?i:and|to|through|until)\s+"
                       rf"(?P<d2d>{_DAY})\b(?![,.]?\d|\s+[a-z])(?:,?\s+(?P<yeard>{_YEAR})\b)?")


def _bounds(d: DateMention) -> tuple[dt.date | None, dt.date | None]:
    """(first day, last day) a day, month or "from" mention covers."""
    if d.kind == "since":
        return d.start_date, d.start_date
    if d.kind == "month":
        return d.start_date, d.date
    return d.date, d.date


def _ranges(sentence: str, mentions: list[DateMention], reference: dt.date | None) -> list[DateMention]:
    """Two dates joined as a range ("between Nov. 1 and Nov. 20", "from August to October", "Nov.
    1-20") as one ``range`` mention: ``start_date`` the first day, ``date`` the last (up to the
    reference date). A change over it runs from the map of the day before the first day."""
    out: list[DateMention] = []
    for m in _DAY_SPAN.finditer(sentence):
        month = _month_number(m.group("month") or m.group("monthb") or m.group("monthc") or m.group("monthd"))
        year_text = m.group("year") or m.group("yearb") or m.group("yearc") or m.group("yeard")
        year = _month_year(month, reference, int(year_text) if year_text else None)
        if year is None:
            continue
        first = _safe_date(year, month, _day_number(m.group("d1") or m.group("d1b") or m.group("d1c") or m.group("d1d")))
        last = _safe_date(year, month, _day_number(m.group("d2") or m.group("d2b") or m.group("d2c") or m.group("d2d")))
        if first and last and first < last:
            out.append(DateMention("range", *m.span(), min(last, reference or last), first))
    for m in _PERIOD_TO.finditer(sentence):
        # "in the three months to the end of November": the period ending with the named day or month.
        ends = [d for d in mentions if m.start() < d.start and d.end > m.end() and d.start - m.end() <= 20
                and d.kind in ("day", "month", "since", "weekday")]
        n = m.group("n") or "one"
        count = int(n) if n.isdigit() else NUMBER_WORDS_SMALL[n.lower()]
        last = _bounds(ends[0])[1] if ends else None
        if last is not None and ends[0].kind == "month":
            # "in the 12 months to November" read on 25 November: counted back from the month's end.
            last = last.replace(day=calendar.monthrange(last.year, last.month)[1])
        if last is not None:
            first = last + dt.timedelta(days=1) - _period_length(count, m.group("unit"))
            out.append(DateMention("range", m.start(), ends[0].end, min(last, reference or last), first))
            mentions = [d for d in mentions if d is not ends[0]]
    for m in _HALF_YEAR.finditer(sentence):
        if m.group("month"):
            # "in the first half of November": the 1st to the 15th; the second, the 16th to the end.
            month = _month_number(m.group("month"))
            y = _month_year(month, reference, int(m.group("myear")) if m.group("myear") else None)
            if y is None:
                continue
            end = calendar.monthrange(y, month)[1]
            first, last = ((dt.date(y, month, 1), dt.date(y, month, 15)) if m.group("which").lower() == "first"
                           else (dt.date(y, month, 16), dt.date(y, month, end)))
            if reference is None or first <= reference:
                out.append(DateMention("range", *m.span(), min(last, reference or last), first))
            continue
        # "in the second half of 2024": 1 July to 31 December (up to the reference date).
        y = int(m.group("year")) if m.group("year") else (reference.year - (m.group("rel").lower() == "last")
                                                           if reference else None)
        if y is None:
            continue
        first = dt.date(y, 1, 1) if m.group("which").lower() == "first" else dt.date(y, 7, 1)
        last = dt.date(y, 6, 30) if m.group("which").lower() == "first" else dt.date(y, 12, 31)
        if reference is None or first <= reference:
            out.append(DateMention("range", *m.span(), min(last, reference or last), first))
    for m in _QUARTER.finditer(sentence):
        if m.group("q"):
            k, y = int(m.group("q")), int(m.group("qyear"))
        else:
            k = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}[m.group("which").lower()]
            y = int(m.group("year")) if m.group("year") else (reference.year - ((m.group("rel") or "").lower() == "last")
                                                               if reference else None)
            if y is not None and not m.group("year") and not m.group("rel") and dt.date(y, 3 * k - 2, 1) > reference:
                y -= 1  # "the fourth quarter" read in March: last year's
        if y is None:
            continue
        first = dt.date(y, 3 * k - 2, 1)
        last = dt.date(y, 3 * k, calendar.monthrange(y, 3 * k)[1])
        if reference is None or first <= reference:
            out.append(DateMention("range", *m.span(), min(last, reference or last), first))
    for m in _IN_YEAR.finditer(sentence):
        # "Russia's gains in 2024": the year (up to the reference date); "since 2014" starts one.
        year = int(m.group("year"))
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        at = m.start("year")
        if m.group("part"):
            a, b = _YEAR_PART_MONTHS[m.group("part").lower()]
            first, last = dt.date(year, a, 1), dt.date(year, b, calendar.monthrange(year, b)[1])
            at = m.start("part")
        if reference is not None and first > reference:
            continue
        if m.group("since"):
            out.append(DateMention("since", at, m.end(), reference, first))
        else:
            out.append(DateMention("month", at, m.end(), min(last, reference or last), first))
    first_period = _FIRST_PERIOD.search(sentence)
    if first_period:
        days = [d for d in mentions if d.kind in ("day", "since")]
        # "in the first week of November"; "in the first week of the incursion, which began on
        # Aug. 6": the period from the first of that month, or from the sentence's one day.
        n = first_period.group("n")
        count = int(n) if n and n.isdigit() else _WORD_COUNT.get((n or "one").lower(), 1)
        month_name, year_text = first_period.group("month"), first_period.group("year")
        year = _month_year(_month_number(month_name), reference, int(year_text) if year_text else None) if month_name else None
        # The day of "the incursion, which began on Aug. 6" comes after the phrase (not the dateline's).
        later = [d for d in days if d.start >= first_period.end()]
        from_day = None  # the sentence's day the period starts from, when it does
        # "in the first weeks of the war": how many?
        vague = first_period.group("n") is None and sentence[first_period.end("unit"):first_period.end("unit") + 1] == "s"
        if vague:
            first = None
        elif first_period.group("event"):
            # "in the first week of the invasion": from the event's first day (lexicon/events.json).
            first = INCURSION_DAY if first_period.group("event").lower() == "incursion" else INVASION_DAY
        elif first_period.group("ofyear") or first_period.group("thisyear"):
            y = int(first_period.group("ofyear")) if first_period.group("ofyear") else (reference.year if reference else None)
            first = dt.date(y, 1, 1) if y else None
        elif month_name:
            first = dt.date(year, _month_number(month_name), 1) if year else None
        else:
            from_day = later[0] if len(later) == 1 else None
            first = _bounds(from_day)[0] if from_day else None
        ordinal = first_period.group("ord").lower()
        if ordinal != "first" and not (month_name or first_period.group("ofyear") or first_period.group("thisyear")
                                       or first_period.group("event")):
            first = None  # "the last week" with no month or year is the past week (_PAST)
        elif first is not None and ordinal in ("last", "final"):
            # "in the last week of October": the period ending on that month's (or year's) last day.
            end = (dt.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1]) if month_name
                   else dt.date(first.year, 12, 31))
            first = end + dt.timedelta(days=1) - _period_length(count, first_period.group("unit"))
        elif first is not None and ordinal != "first":
            k = {"second": 1, "third": 2, "fourth": 3}[ordinal]
            first = first + k * _period_length(count, first_period.group("unit"))
        if first is not None:
            last = first + _period_length(count, first_period.group("unit")) - dt.timedelta(days=1)
            out.append(DateMention("range", *first_period.span(), min(last, reference or last), first))
            mentions = [d for d in mentions if d is not from_day]
    for m in _MONTH_AND_MONTH.finditer(sentence):
        out = [d for d in out if not (m.start() <= d.start < m.end())]
        m1, m2 = _month_number(m.group("m1")), _month_number(m.group("m2"))
        y2 = _month_year(m2, reference, int(m.group("year")) if m.group("year") else None)
        if y2 is None:
            continue
        y1 = y2 if m1 <= m2 else y2 - 1
        first, last = dt.date(y1, m1, 1), dt.date(y2, m2, calendar.monthrange(y2, m2)[1])
        if m.group("part2"):
            # "in August and early September": to the 10th (mid-: the 20th), as "early September" is.
            last = {"early": last.replace(day=10), "mid": last.replace(day=20)}.get(m.group("part2").lower(), last)
        if reference is not None and first > reference:
            continue
        out.append(DateMention("range", *m.span(), min(last, reference or last), first))
    for m in _MONTH_SPAN.finditer(sentence):
        # "in October – November", "October-December 2024": from the first month's 1st to the last's end.
        if any(d.start <= m.start() < d.end for d in out):
            continue
        joiner = sentence[m.end("y1") if m.group("y1") else m.end("m1"):m.start("m2")].strip().lower()
        if joiner in ("to", "and") and not _MONTH_SPAN_OPEN.search(sentence, max(0, m.start() - 20), m.start()):
            continue
        if re.match(r"\s+[0-3]?\d\b", sentence[m.end("m1"):]):
            continue  # "Jan. 5 to ...": a day, left to the day rules
        m1, m2 = _month_number(m.group("m1")), _month_number(m.group("m2"))
        year_text = m.group("year")
        y2 = _month_year(m2, reference, int(year_text) if year_text else None)
        if y2 is None:
            continue
        y1 = int(m.group("y1")) if m.group("y1") else (y2 if m1 <= m2 else y2 - 1)
        first, last = dt.date(y1, m1, 1), dt.date(y2, m2, calendar.monthrange(y2, m2)[1])
        out.append(DateMention("range", *m.span(), min(last, reference or last), first))
    for d in [e for e in out + mentions if e.kind == "month" and e.start_date is not None]:
        # "in 2024 through the end of October", "this year up to mid-November": a period that a
        # later point closes.
        close = _CLOSED_BY.match(sentence, d.end)
        nxt = next((e for e in mentions if close and e.start == close.end() and e.kind in ("day", "as_of", "month")), None)
        if nxt is not None and _bounds(nxt)[1] is not None and d.start_date <= _bounds(nxt)[1]:
            out = [e for e in out if e is not d]
            out.append(DateMention("range", d.start, nxt.end, min(_bounds(nxt)[1], reference or _bounds(nxt)[1]), d.start_date))
            mentions = [e for e in mentions if e is not d and e is not nxt]
    spans = [(d.start, d.end) for d in out]
    mentions = [d for d in mentions if all(d.end <= a or d.start >= b for a, b in spans)]
    i = 0
    while i < len(mentions):
        a = mentions[i]
        b = mentions[i + 1] if i + 1 < len(mentions) else None
        if (b is not None and a.kind in ("day", "month", "since") and b.kind in ("day", "month")
                and (_RANGE_OPEN.search(sentence[max(0, a.start - 40):a.start]) or (
                    a.kind == b.kind == "day" and _THROUGH_JOIN.match(sentence[a.end:b.start])))
                and _RANGE_JOIN.match(sentence[a.end:b.start])):
            first, last = _bounds(a)[0], _bounds(b)[1]
            if first is not None and last is not None and first <= last:
                out.append(DateMention("range", a.start, b.end, min(last, reference or last), first))
                i += 2
                continue
        out.append(a)
        i += 1
    return sorted(out, key=lambda d: d.start)


# "in October and November ... 0.42% and 0.64% respectively", "than in June and July 2024 (412
# and 388 square kilometres respectively)": two months named together, each the time of one figure.
_TWO_MONTHS = re.compile(rf"\b(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?\s+and\s+(?P<m2>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?\b"
                         rf"(?!\s+[0-3]?\d\b)")


def month_pair(sentence: str, reference: dt.date | None) -> list[tuple[dt.date, dt.date]] | None:
    """(first day, last day) of each of two months the sentence names together ("in October and
    November", "August and September 2024"), the last clipped to ``reference``; None when it names
    no such pair, or more than one."""
    found = list(_TWO_MONTHS.finditer(sentence))
    if len(found) != 1:
        return None
    m = found[0]
    m1, m2 = _month_number(m.group("m1")), _month_number(m.group("m2"))
    y2 = _month_year(m2, reference, int(m.group("year")) if m.group("year") else None)
    if y2 is None:
        return None
    y1 = int(m.group("y1")) if m.group("y1") else (y2 if m1 <= m2 else y2 - 1)
    out = []
    for y, mo in ((y1, m1), (y2, m2)):
        first = dt.date(y, mo, 1)
        last = dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if reference is not None and first > reference:
            return None
        out.append((first, min(last, reference) if reference else last))
    return out
