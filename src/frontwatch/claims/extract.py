"""Numeric claims in English news text about the front line.

Reads a news report and returns one ``Claim`` per numeric statement about
territory, advances, troops or settlements: the quantity (value or range,
qualifier, unit as written and normalised through pint), what it measures,
whose side and which place, the date it refers to, who says so, and the
sentence. Pure rules: a number grammar, a unit lexicon (units.py), date
resolution (dates.py) and attribution chains (attribution.py); no model and no
network. Runs in linear time on hostile input. May import only the standard
library, pint, dateutil, frontwatch.notices and frontwatch.claims.*.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from frontwatch import notices
from frontwatch.claims import dates as dates_mod
from frontwatch.claims import operations as operations_mod
from frontwatch.claims.attribution import Attribution, attribution_span_in, attributions_for
from frontwatch.claims.actors import ActorMention, actor_mentions, opposite, side_of_words, speaker_side
from frontwatch.claims.lexicon import load_lexicon
from frontwatch.claims.places import (COMPASS_FRONTS, MEMBER_MARKERS, PlaceMention, oblast_of_all, place_mentions,
                                       region_area_km2)
from frontwatch.claims.reading import reading_sources
from frontwatch.claims.text import document_text, looks_english, split_sentences
from frontwatch.claims.units import (
    TROOP_WORDS, UnitEntry, conversion_factor, convert, length_over_days_per_day, rate_period_at, unit_at)

MEASURES = ("area_held", "area_change", "share_lost", "share_gained", "share_held",
            "advance_rate", "distance", "depth", "front_length", "grey_zone", "troops", "settlements", "other")


@dataclass
class Claim:
    """One numeric claim found in a text."""

    id: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    value_normalized: float | None
    low_normalized: float | None
    high_normalized: float | None
    unit_normalized: str | None
    measure: str
    direction: str | None
    aspect: str | None          # peak, current, previous, target, of_peak (a share of the side's own peak), net (a net change)
    side: str | None
    place: str | None
    date: dt.date | None
    start_date: dt.date | None
    qualifier: str | None
    source: str | None
    sentence: str
    surface: str
    span: tuple[int, int]
    period_days: float | None = None
    place_inferred: bool = False
    source_inferred: bool = False
    span_in_sentence: tuple[int, int] | None = None
    place_within: str | None = None  # the region the text puts the place in ("Pushkine in the Kursk region": Kursk)
    # How each field was understood: field -> "rule: the words that gave it" (see docs/claims.md).
    explain: dict[str, str] = field(default_factory=dict)
    # Fields the pipeline is not sure of, with the reason: the checker says "not checkable" rather
    # than give a verdict on a guess ("period": "no period named for a change").
    unsure: dict[str, str] = field(default_factory=dict)

    @property
    def is_range(self) -> bool:
        """Whether the claim states a range (low..high) rather than one value."""
        return self.low is not None and self.high is not None

    def to_record(self) -> dict[str, Any]:
        """The claim as a JSON-ready dict (dates as ISO strings); ``reading`` says where each field was
        read from (:func:`frontwatch.claims.reading.reading_sources`)."""
        return {
            "id": self.id,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "value_normalized": _rounded(self.value_normalized),
            "low_normalized": _rounded(self.low_normalized),
            "high_normalized": _rounded(self.high_normalized),
            "unit_normalized": self.unit_normalized,
            "measure": self.measure,
            "direction": self.direction,
            "aspect": self.aspect,
            "side": self.side,
            "place": self.place,
            "place_inferred": self.place_inferred,
            "place_within": self.place_within,
            "date": self.date.isoformat() if self.date else None,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "period_days": self.period_days,
            "qualifier": self.qualifier,
            "source": self.source,
            "source_inferred": self.source_inferred,
            "surface": self.surface,
            "span": list(self.span),
            "sentence": self.sentence,
            "explain": dict(self.explain),
            "reading": reading_sources(self.explain),
            "unsure": dict(self.unsure),
        }


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


# --- number grammar ---------------------------------------------------------

_SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9}
_UNITS_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
_WORDNUM = (
    # "half a dozen", "a half-dozen", "two dozen" before the single words ("two", "a dozen").
    r"(?:half\s+a\s+dozen|a\s+half[\s-]dozen|(?:two|three|four|five|six|seven|eight|nine|ten)[\s-]+dozen"
    # "one and a half", "two-and-a-half": a whole number and a half.
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten)[\s-]+and[\s-]+a[\s-]+half"
    # "a hundred and twenty", "two hundred and fifty-five": hundreds and what follows them.
    r"|(?:a|one|" + "|".join(list(_UNITS_WORDS)[1:]) + r")\s+hundred\s+and\s+(?:(?:" + "|".join(_TENS) + r")(?:[-\s](?:" +
    "|".join(_UNITS_WORDS) + r"))?|" + "|".join(_TEENS) + r"|" + "|".join(_UNITS_WORDS) + r")"
    r"|(?:" + "|".join(_TENS) + r")(?:[-\s](?:" + "|".join(_UNITS_WORDS) + r"))?"
    r"|" + "|".join(_TEENS) + r"|" + "|".join(_UNITS_WORDS) +
    r"|a\s+dozen|dozen|a\s+hundred|a\s+thousand"
    # "within about a mile of the city", "advances of up to a kilometre", "not a single metre": the
    # article as the number one before a unit of length (not "a kilometre-long convoy").
    r"|a(?:\s+single)?(?=\s+(?:kilomet(?:er|re)|mile|met(?:er|re))s?\b(?![\s-]*long\b)))")
NUMBER = re.compile(
    # Not after a currency sign: "$725m (£570m)" is money, not 725 metres.
    r"(?<![\w.,:/])(?<![A-Za-z]-)(?<![$£€¥₴₽])(?<![$£€¥₴₽]\s)"
    # Thousands grouped by commas, or by spaces (plain, no-break or thin: "110 000 square kilometres").
    # Also grouped by dots ("1.234.567", two groups at least: "110.000" could be 110) or apostrophes ("1'200").
    r"(?:(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?(?![\d,])"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.])|\d{1,3}(?:['’]\d{3})+(?![\d'’])"
    # A decimal comma before a unit ("1,5 km", as Ukrainian and Russian sources write it).
    r"|(?P<deccomma>\d{1,3},\d{1,2})(?![\d,])(?=\s?(?:km|kilomet|met|m\b|sq|square|mile|%|per\s*cent|hectare))"
    r"|\d+(?:\.\d+)?)(?![\d])"
    r"|(?P<words>\b" + _WORDNUM + r"\b))"
    r"(?:\s+(?P<hundred>hundred)\b)?"
    r"(?:\s*(?P<scale>thousand|million|billion|mln|bn)\b|(?P<k>(?<=\d)[kK](?![\w²]))|(?P<plus>\+(?!\d)|-plus\b)|(?P<odd>-odd\b))?", re.I)
_NUMBERISH = re.compile(r"\d|\b(?:" + _WORDNUM + r"|single|half|third|quarter|fifth|sixth|seventh|eighth|ninth|tenth|thirds|quarters|fifths|"
                        r"sixths|sevenths|eighths|ninths|tenths)\b", re.I)
FRACTION = re.compile(
    r"\b(?P<frac>(?:a|an|one)[\s-]+(?:half|third|quarter|fifth|sixth|seventh|eighth|ninth|tenth)|half|"
    r"(?:two|three|four)[\s-](?:thirds|quarters|fifths|sixths|sevenths|eighths|ninths|tenths))\s+of\b", re.I)
# A negation before "a single" unit makes it none ("has not advanced a single metre").
_NOT_A_SINGLE = re.compile(r"(?:n['’]t|\bnot|\bnever)\s+(?:[\w'’-]+\s+){0,3}?a\s+single$", re.I)
_OF_ONE_PERCENT = re.compile(r"\s+(?:a|one|1)\s*(?:percent|per\s+cent|%)", re.I)
_HALF_OF_A_PERIOD = re.compile(r"\b(?:first|second|latter|last|other)\s+$", re.I)
_FRACTIONS = {"half": 1 / 2, "third": 1 / 3, "quarter": 1 / 4, "fifth": 1 / 5, "sixth": 1 / 6, "seventh": 1 / 7,
              "eighth": 1 / 8, "ninth": 1 / 9, "tenth": 1 / 10, "thirds": 1 / 3, "quarters": 1 / 4, "fifths": 1 / 5,
              "sixths": 1 / 6, "sevenths": 1 / 7, "eighths": 1 / 8, "ninths": 1 / 9, "tenths": 1 / 10}

# "656 to 984 feet", "200-300 metres", "one or two kilometers" (two figures joined by "or" are a range).
RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|and|or)\s*", re.I)
QUALIFIER = re.compile(
    r"\b(?P<q>about|approximately|approx\.?|around|roughly|nearly|almost|just\s+over|just\s+under|"
    r"well\s+over|over|more\s+than|less\s+than|fewer\s+than|under|up\s+to|at\s+least|at\s+most|"
    r"some|close\s+to|as\s+many\s+as|as\s+much\s+as|an\s+estimated|estimated|upwards\s+of|"
    r"in\s+excess\s+of|below|above|exceeding|within|only|just|between|from|by)\s*$", re.I)
_NOT_QUALIFIERS = {"between", "from", "by"}
# Words allowed between a count and its noun: "11,000 North Korean soldiers".
COUNT_MODIFIER = re.compile(
    r"(?:[A-Z][\w'’-]*|more|additional|extra|new|fresh|frontline|front-line|combat|"
    r"active|regular|enemy|foreign|elite|professional|armed|military|current|trained|well-trained|populated|inhabited|"
    r"of\s+(?:its|their|his|our|the)|small|large|key|border|occupied|strategic|and|or|"
    # any one adjective by its ending: "266 residential settlements", "12 liberated villages"
    r"[a-z]{3,}(?:al|ed|ive|ic|ous|ian|ern|ing|ary|ent|ant|ful|less))\s+")
ANAPHORA = re.compile(
    r"\b(?:this|that|the|their|its)\s+(?:number|figure|total|force|contingent|count|grouping)"
    r"\s+(?:[\w-]+\s+){0,3}?to\s*$|\b(?:it|them)\s+to\s*$", re.I)
RATE_GAP = re.compile(r"\s*,?\s*(?:on\s+average\s+)?")


_QUALIFIER_LAST_WORDS = frozenset(
    "about approximately approx approx. around roughly nearly almost over than under to least most "
    "some as estimated below above exceeding within only just between from by of".split())


def _qualifier_before(before: str) -> str | None:
    """The qualifier ("about", "more than", "up to"...) ending right before a number, lower-cased."""
    words = before.rsplit(None, 1)
    # Guard on the last word so digit-dense text does not run the alternation everywhere.
    if not words or words[-1].lower() not in _QUALIFIER_LAST_WORDS:
        return None
    q = QUALIFIER.search(before)
    return re.sub(r"\s+", " ", q.group("q").lower()) if q else None


def _word_value(words: str) -> float:
    words = re.sub(r"\s+", " ", words.lower().replace("-", " ")).strip()
    if words.endswith(" and a half"):  # "one and a half"
        return _word_value(words[: -len(" and a half")]) + 0.5
    if words in ("a dozen", "dozen"):
        return 12.0
    if words in ("half a dozen", "a half dozen"):
        return 6.0
    if words.endswith(" dozen"):  # "two dozen"
        return 12.0 * _UNITS_WORDS.get(words.split()[0], _TEENS.get(words.split()[0], 1))
    if " hundred and " in words:  # "a hundred and twenty"
        head, rest = words.split(" hundred and ", 1)
        return 100.0 * _UNITS_WORDS.get(head, 1) + _word_value(rest)
    if words in ("a hundred",):
        return 100.0
    if words in ("a thousand",):
        return 1000.0
    if words in ("a", "a single"):  # "a mile", "a single metre"
        return 1.0
    total = 0
    for w in words.split():
        total += _UNITS_WORDS.get(w, 0) + _TEENS.get(w, 0) + _TENS.get(w, 0)
    return float(total)


def _number_value(m: re.Match[str]) -> float:
    if m.group("deccomma"):
        value = float(m.group("deccomma").replace(",", "."))
    elif m.group("digits"):
        digits = m.group("digits")
        if digits.count(".") >= 2:  # "1.234.567": dots group thousands
            digits = digits.replace(".", "")
        value = float(re.sub(r"[,'’\s\u00a0\u202f]", "", digits))
    else:
        value = _word_value(m.group("words"))
    if m.group("hundred"):
        value *= 100
    if m.group("scale"):
        value *= _SCALES[m.group("scale").lower()]
    if m.group("k"):  # "2.3k sq km"
        value *= 1e3
    return value


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


# --- semantic lexicons ------------------------------------------------------

SIDES = (
    (re.compile(r"\bNorth\s+Korean?s?\b|\bNorth\s+Korea['’]s\b|\bPyongyang\b|\bDPRK\b"), "north_korea"),
    (re.compile(r"\bRussian?s?\b|\bRussia['’]s\b|\bMoscow(?:['’]s)?\b|\bKremlin\b|\bPutin\b|\b(?:DPR|LPR|DNR|LNR)\b"), "russia"),
    (re.compile(r"\bUkrainians?\b|\bUkraine(?:['’]s)?\b|\bKyiv(?:['’]s)?\b|\bKiev(?:['’]s)?\b|\bZelensk\w*|\b(?:AFU|ZSU|VSU)\b"),
     "ukraine"),
    # "we/our/us", and "his/her troops" after "the commander said": the speaker's side.
    (re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s)\b|\b(?:[Hh]is|[Hh]er)\s+(?:troops|forces|soldiers|army|units|men|fighters)\b"),
     "speaker"),
    (re.compile(r"\b(?:[Tt]he\s+)?(?:enemy|adversary|opponent)\b"), "enemy"),
    # Ukrainian usage for Russia's forces, whoever quotes it.
    (re.compile(r"\b(?:[Tt]he\s+)?(?:invaders|occupiers|occupying\s+forces|occupation\s+forces|[Rr]ashists?|aggressors?)\b"), "russia"),
)
# Speakers whose side their name says nothing of: Ukrainian and Russian commands, commanders,
# officials and agencies often quoted ("the enemy has advanced ..., the Khortytsia group said").
_UKRAINIAN_SPEAKERS = re.compile(
    r"\b(?:Khortytsia|Tavria|Syrsk[iy]i?|Zaluzhn\w+|Budanov|Umerov|Sybiha|Kuleba|Yermak|Podolyak|Voloshyn|"
    r"Trehubov|Lykhovii|Ukrinform|Ukrainska\s+Pravda|DeepState\w*|Armed\s+Forces\s+of\s+Ukraine|HUR|SBU)\b")
_RUSSIAN_SPEAKERS = re.compile(
    r"\b(?:Shoigu|Belousov|Gerasimov|Konashenkov|Peskov|Zakharova|Lavrov|Alaudinov|Khinshtein|TASS|RIA(?:\s+Novosti)?|"
    r"Interfax)\b")
_COUNTRY_NOUN = re.compile(r"^(?:Russia|Ukraine|North\s+Korea|Moscow|Kyiv|Kiev)$")
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|inside|of|for|across|against|from|near|to|at|on)\s+(?:the\s+)?$", re.I)
# "of Russian territory" says where, not whose.
_TERRITORY_AFTER = re.compile(r"\s+(?:territory|territories|land|soil|region|regions|border|oblast|towns?|"
                              r"cities|city|villages?|side\s+of)\b")
_BY_SIDE_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,3}?by\s+(?:the\s+)?(?P<who>[A-Z][\w'’-]*(?:\s+Korean?s?)?)")

_ACTIONS = load_lexicon("actions")


def _verbs(words) -> str:
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in sorted(set(words), key=len, reverse=True))


LOST_VERBS = re.compile(r"\b(?:" + _verbs(_ACTIONS["lost"]) + r")\b", re.I)
GAINED_VERBS = re.compile(r"\b(?:" + _verbs(_ACTIONS["gained"]) + r")\b", re.I)
# "they have by now seized more than 1,870": a number right after a verb of gain or loss.
_VERB_OBJECT_BEFORE = re.compile(r"\b(?:" + _verbs(_ACTIONS["gained"]) + "|" + _verbs(_ACTIONS["lost"]) + r")\s+"
                                 r"(?:(?:already|about|some|roughly|around|nearly|almost|approximately|over|more\s+than|"
                                 r"less\s+than|just|only|at\s+least|another|a\s+further|a\s+total\s+of)\s+){0,3}$", re.I)
HELD_VERBS = re.compile(
    r"\b(?:" + _verbs(_ACTIONS["held"]) + r"|under\s+(?:\w+\s+)?control|"
    # "under Moscow's rule", "under the occupiers' control", "in Russian hands": a holder's phrase.
    r"under\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?(?:control|rule|occupation)|in\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?hands|"
    # "has occupied 18% of Ukraine" holds it, and so does "80% of the city was now occupied"; a bare
    # "occupied" is mostly an adjective ("occupied land").
    r"(?:has|have|had)\s+(?:\w+\s+)?occupied|(?:is|are|was|were|remains?|remained|been)\s+(?:now\s+|still\s+)?occupied)\b",
    re.I)
# "territory Ukraine occupies in Kursk Oblast now totals about 540 km2": what is held, when no
# verb of gain or loss says otherwise.
TOTALS = re.compile(r"\b(?:" + _verbs(_ACTIONS["totals"]) + r")\s+(?:\w+\s+){0,2}$", re.I)
# "widened their territorial control by almost an additional 85 sq km", "raised its holdings
# of Ukraine's land by 0.3 percentage points": a change of what is held.
GREW_BY = re.compile(r"\b(?:expanded|increased|extended|grew|grown|enlarged|added\s+to)\s+(?:its|their|the)?\s*(?:\w+\s+){0,5}?by\s+"
                     r"(?:(?:nearly|almost|about|around|some|roughly|more\s+than|over|just\s+over|an?|another|additional|"
                     r"a\s+further|further)\s+){0,3}$", re.I)
# "The grey zone ... covers around 700 square kilometres": ground neither side holds, the
# ``contested`` status of the maps.
GREY_ZONE = re.compile(r"\b(?:gr[ae]y[\s-]+zones?|no[\s-]+man['’]s[\s-]+land|contested\s+(?:areas?|zones?|territory|ground))\b"
                       # the maps' own legend: DeepStateMap marks the grey zone "undefined" ("are marked
                       # on the map as 'undefined'", "of unknown status")
                       r"|\bmarked\s+(?:on\s+the\s+map\s+)?as\s+[\"“']?(?:undefined|unknown|unclear|contested|gr[ae]y)\b"
                       r"|\b(?:undefined|unknown|unclear)\s+status\b",
                       re.I)
# "The front line stretches for more than 1,000 kilometres", "a 1,200 km-long front".
FRONT_LENGTH = re.compile(
    r"\bfront(?:[\s-]*line)?s?\b.{0,60}?\b(?:stretch\w*|span\w*|runs?|running|extend\w*|measur\w*|is|was)\b"
    r"|\b(?:long|length)\b.{0,30}?\bfront(?:[\s-]*line)?\b|\bfront(?:[\s-]*line)?\b.{0,30}?\b(?:long|length)\b"
    # "the length of this line was 1,253 km" (the front named in a sentence before)
    r"|\blength\s+of\s+(?:the|this|that|its)\s+(?:[\w-]+\s+){0,2}?line\b", re.I)
# "the front line, where ... goes on, runs for roughly 1,200 kilometers": a verb of
# length in the figure's clause, the front named earlier in the sentence.
_LENGTH_VERB = re.compile(r"\b(?:stretch(?:es|ed|ing)?|spans?|spanning|spanned|extends?|extending|extended|"
                          r"(?:runs?|running|ran)\s+for)\s+(?:for\s+|over\s+)?", re.I)
_FRONT_WORD = re.compile(r"\bfront(?:[\s-]*line)?s?\b", re.I)
# "along a 1,000-kilometre front": the length names the front right after it.
_FRONT_AFTER = re.compile(r"(?:[\s-]*long)?\s+front(?:[\s-]*line)?\b", re.I)
ADVANCE_VERBS = re.compile(
    r"\b(?:advanc\w*|push\w*|mov(?:ed|ing|es)|shift(?:ed|ing|s)|progress\w*|penetrat\w*|broke\s+through|"
    r"gain\w*|creep\w*|inch\w*)\b", re.I)
PEAK = re.compile(r"\b(?:at\s+most|at\s+(?:its|the|their)\s+(?:peak|height|maximum|largest)|at\s+one\s+point|"
                  r"peak|peaked|maximum|initially|originally|at\s+the\s+start)\b", re.I)
# "... of the territory (that) they seized / had taken / captured": what the side took itself.
OF_WHAT_WAS_TAKEN = re.compile(
    r"\s*of\s+(?:the\s+|what\s+)?(?:(?:about\s+|some\s+|roughly\s+)?\d[\d,.]*\s*(?:(?:square|sq\.?)\s*(?:kilomet(?:re|er)s|km|miles|mi)|km2|km²)\s+)?"
    r"(?:(?:[A-Z][\w'’-]*\s+)?(?:territory|ground|land|area)s?\s+)?(?:that\s+|which\s+)?"
    r"(?:(?P<taker>it|they|[A-Z][\w'’-]*(?:\s+(?:forces|troops|army))?)\s+)?(?:had\s+|has\s+|have\s+|initially\s+|once\s+)?"
    r"(?:seized|taken|took|captured|gained|won|grabbed|occupied|overran|(?<=once\s)(?:controlled|held))\b", re.I)
# "the 1,300 square kilometres they once controlled": a peak, named by a relative clause after it.
# The subject of a relative clause after a figure: "(that) it / they / Ukraine's forces ...".
_WHO_AFTER = r"\s+(?:that\s+|which\s+)?(?:it|they|[A-Z][\w'’-]*(?:\s+(?:forces|troops|army))?)\s+"
_ONCE_HELD = re.compile(_WHO_AFTER + r"(?:had\s+)?(?:once|at\s+one\s+point|initially)\s+"
                        r"(?:controlled|held|seized|captured|took|occupied)\b", re.I)
_AT_THE_PEAK_OF = re.compile(r"(?:\s+[\w'’-]+){0,6}?\s+(?:at\s+(?:the|its|their)\s+(?:peak|height)|at\s+one\s+(?:point|stage))\b",
                             re.I)
# "has shrunk by (more than) 40%", "fell by 40%": a share lost, when what shrank is held ground.
_SHRUNK_BY = re.compile(r"\b(?:shrunk|shrank|shrinks?|shrinking|fallen|fell|dropped|decreased|declined|"
                        r"reduced|contracted)\s+by\s+(?:(?:more\s+than|over|about|around|nearly|almost|some|"
                        r"roughly|just\s+over|at\s+least)\s+)?$", re.I)
_SIZE_OF_FIGURE = re.compile(r"\b(?:size|twice|times|larger|bigger|smaller)\b", re.I)
_DEEP_AFTER = re.compile(r"(?:\s*\([^)]*\))?[\s-]*(?:deep|in\s+depth)\b", re.I)
_COUNTRY_OR_REGION_AFTER = re.compile(r"\s*,?\s*of\s+(?:the\s+|its\s+|their\s+)?(?:[A-Z][\w'’-]*|territory|land|country|region|"
                                      r"oblast|province)", re.I)
# "Russian control of Ukrainian territory ...", "the occupation of Ukraine": a holding named before a share.
_SHARE_OF_HOLDING = re.compile(r"\b(?:control|occupation|share|holdings?)\s+of\s+(?:[\w'’-]+\s+){0,2}?"
                               r"(?:territory|land|Ukraine|Russia|the\s+country|the\s+region)\b", re.I)
_HOLDING_NOUN = re.compile(r"\b(?:grip|foothold|bridgehead|salient|pocket|territory|ground|land|area|control|"
                           r"holdings?)\b", re.I)
# "... of the territory it (had) lost": what the other side had taken from it.
_OF_WHAT_WAS_LOST = re.compile(
    r"\s*of\s+(?:the\s+|what\s+)?(?:(?:territory|ground|land|area)s?\s+)?(?:that\s+|which\s+)?"
    r"(?:it|they|[A-Z][\w'’-]*)\s+(?:had\s+|has\s+|have\s+)?(?:lost|ceded|given\s+up)\b")
_INCURSION = re.compile(r"\b(?:Ukrain\w*(?:['’]s)?\s+|Kyiv['’]s\s+|the\s+)(?:Kursk\s+)?incursion\b", re.I)
_OF_THE_BEFORE = re.compile(r"\bof\s+(?:the|its|their)\s+(?:(?:about|some|roughly|around|nearly|almost)\s+)?$", re.I)
_IT_TOOK_AFTER = re.compile(_WHO_AFTER + r"(?:had\s+|has\s+|have\s+)?(?:captured|seized|took|taken|gained|grabbed|overran)\b",
                            re.I)
# The qualifiers a figure may carry right after its verb ("occupied less than 100 square miles").
_OCCUPY_QUALIFIER = (r"(?:(?:about|some|roughly|nearly|almost|over|around|approximately|more\s+than|less\s+than|"
                     r"fewer\s+than|under|at\s+least|just|only|another|an\s+additional|a\s+further)\s+){0,2}")
_OCCUPIED_FIGURE = re.compile(r"\boccupied\s+" + _OCCUPY_QUALIFIER + "$", re.I)
_SPEECH_NEAR_WORDS = (r"\b(?:said|says|say|told|tells|wrote|writes|reported|reports|estimated|estimates|announced|"
                      r"stated|claimed|posted|assessment|report|statement|briefing|address|update|analysis)\b")
_PERIOD_NAMED = re.compile(r"\b(?i:in|during|since|over|throughout)\s+(?:the\s+course\s+of\s+)?(?:the\s+(?:past|last)\s+)?"
                           r"(?:the\s+)?(?:early\s+|mid-?|late\s+)?"
                           r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                           r"\d{4}|week|month|year|days|weeks|months)\b|\b(?i:last|this)\s+(?:week|month|year)\b"
                           # "between March 3, 2023 and June 17, 2023", "from November 1 to 20": a period by its ends.
                           r"|\b(?i:between|from)\s+(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|"
                           r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"
                           r"[^.;]{0,30}?\b(?i:and|to|through|until|till)\b")
# "succeeded in seizing 0.05% of the country during the month", "occupied 610 km2 in
# October": a verb of holding right before the figure, in a sentence that names a period, is what
# was taken over that period (measure.occupied_over_period).
# "with the Russians occupying 464 square kilometers" (a participle) too.
_OCCUPY_BEFORE = re.compile(r"\b(?:occupy|occupied|occupying)\s+" + _OCCUPY_QUALIFIER + "$", re.I)


_SAID_RIGHT_BEFORE = re.compile(_SPEECH_NEAR_WORDS + r"\s+$", re.I)


def _names_a_period(sentence: str) -> bool:
    """Whether the sentence names a period for what happened ("During the month, Russian
    troops succeeded in seizing 0.05%"), not only the day of a statement ("an official stated last
    week that ...")."""
    return any(not _SAID_RIGHT_BEFORE.search(sentence, max(0, m.start() - 20), m.start())
               for m in _PERIOD_NAMED.finditer(sentence))


def _occupied_over_period(sentence: str, q: "_Quantity") -> bool:
    """Whether the figure is what a side occupied over a period the sentence names."""
    return bool(_OCCUPY_BEFORE.search(sentence, max(0, q.start - 40), q.start) and _PERIOD_NAMED.search(sentence))


# "bringing the total figure to 19.04%": the running total once the change is added, a state
# (measure.total_brought_to); "bringing the total recaptured to 180 sq km" names a change instead.
_TOTAL_BROUGHT_TO = re.compile(r"\b(?:bring(?:s|ing)?|brought|tak(?:es|ing)|took|push(?:es|ing|ed)|rais(?:es|ing|ed))\s+"
                               r"(?:the|its|their)\s+(?:overall\s+|total\s+|cumulative\s+)?(?P<noun>(?:[\w'’-]+\s+){0,4}?)"
                               r"to\s+" + r"(?:(?:about|around|roughly|some|nearly|almost|approximately|just\s+over|just\s+under|over|"
                               r"more\s+than|less\s+than)\s+)?$", re.I)
_GAIN_PARTICIPLE = re.compile(r"\b(?:recaptured|captured|liberated|retaken|taken|seized|gained|lost|regained|occupied)\b", re.I)


def _total_brought_to(sentence: str, q: "_Quantity") -> bool:
    """Whether the figure is a running total of a holding ("bringing the total figure to ..."),
    not of a change ("bringing the total territory recaptured to ...")."""
    m = _TOTAL_BROUGHT_TO.search(sentence, max(0, q.start - 80), q.start)
    return bool(m) and "total" in m.group(0).lower() and not _GAIN_PARTICIPLE.search(m.group("noun"))


# "nearly 1,700 square kilometres more than in the same months a year earlier": the difference
# between two periods' figures, not either of them (measure.difference).
_MORE_THAN_IN = re.compile(r"\s+(?:more|less|fewer)\s+than\s+(?:in|during|over|for|at)\b", re.I)
# "reached as deep as 12 km over a breadth of 40 km": a width (as "a 20-km-wide front"), not a
# distance moved.
_WIDTH_BEFORE = re.compile(r"\b(?:breadth|width)\s+of\s+(?:(?:up\s+to|about|some|around|roughly|nearly|almost|over|"
                           r"more\s+than)\s+)?$", re.I)
_OCCUPIED_SINCE = re.compile(r"\b(?:has|have|had)\s+(?:\w+\s+)?occupied\b.*\bsince\b", re.I)
CURRENT = re.compile(r"\b(?:now|currently|still|so\s+far|at\s+present|presently|today|as\s+of|remains?)\b", re.I)
TARGET = re.compile(r"\b(?:aim\w*|plan\w*|intend\w*|seek\w*|target\w*|goal|increase\w*|rais(?:e|es|ing)|"
                    r"boost\w*|bring\w*|expand\w*)\b", re.I)
CASUALTIES = re.compile(r"\b(?:killed|wounded|casualt\w*|dead|died|injured|captured\s+(?:soldiers|troops)|"
                        r"prisoners?|los(?:ing|t|es?)\s+(?:[\w,.]+\s+){0,3}(?:soldiers|troops|men|servicemen|personnel))\b", re.I)
CLAUSE_BREAK = re.compile(r"[;:—–]|,\s+(?:and|but|while|whereas|although)\b|,(?=\s)|\bwhile\b|\bwhereas\b")

# --- places -----------------------------------------------------------------

# After a length: "... 3 km (away) from / of / outside / short of (the town of) Pokrovsk".
# "30km from the previous front line": how far a side pushed, a depth.
FROM_OLD_FRONT = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:away\s+)?(?:from|beyond)\s+(?:the|their|its)\s+(?:previous|former|old|original|"
                            r"initial|starting|earlier)\s+(?:front(?:[\s-]*lines?)?|lines|positions)\b", re.I)
# "to a depth of (up to) 70 kilometres"
DEPTH_OF = re.compile(r"\bdepth\s+of\s+(?:(?:up\s+to|about|some|around|roughly|nearly|almost|over|more\s+than)\s+)?$", re.I)
# "within less than seven kilometres of the city", "a dozen kilometres from the logistics hub Pokrovsk"
# "8 km (5 miles) south of Pokrovsk", "12 km southeast of the city": a distance in a direction.
_COMPASS_OF = (r"(?:to\s+the\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:wards?)?"
               r"(?:\s+(?:of|from))")
_COMPASS_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?" + _COMPASS_OF, re.I)
# "from the southern outskirts of Pokrovsk": a compass adjective before the part of the town.
_COMPASS_ADJ = r"(?:(?:(?:north|south)[\s-]?)?(?:east|west)ern\s+|northern\s+|southern\s+)?"
DISTANCE_TO_NOUN = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:away\s+)?(?:from|of|outside|short\s+of|" + _COMPASS_OF + r")\s+(?:the\s+)?"
                              r"(?:" + _COMPASS_ADJ + r"(?:centre|center|outskirts|edge|(?:city\s+)?limits)\s+of\s+(?:the\s+)?)?"
                              # "the strategically important eastern Ukrainian city of": any four words before the noun
                              r"(?:[\w'’-]+\s+){0,4}?(?:town|city|village|settlement|hub|stronghold|centre|center)\b", re.I)
DISTANCE_TO = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:away\s+)?(?:from|of|outside|short\s+of|" + _COMPASS_OF + r")\s+"
                         r"(?:the\s+(?:" + _COMPASS_ADJ + r"(?:centre|center|outskirts|edge|(?:city|town)\s+limits)\s+of\s+(?:the\s+)?)?)?"
                         # "the (key logistics) hub / town / stronghold of Pokrovsk"
                         r"(?:(?:[a-z-]+\s+){0,3}?(?:town|city|village|settlement|hub|stronghold|center|centre)\s+of\s+)?[A-Z]")
_WIDE_AFTER = re.compile(r"[\s-]*(?:wide|broad)\b", re.I)
# "on a fairly broad front for at least 25 km": the length of front a push moved on ("11 km
# along the front" is not read: it is also how far a side moved along the line, tried and dropped,
# dev held-out -1).
_FRONT_FOR_BEFORE = re.compile(r"\bfront(?:[\s-]*line)?\s+for\s+(?:(?:up\s+to|about|some|around|roughly|nearly|almost|"
                               r"over|more\s+than|at\s+least)\s+)?$", re.I)


def _width_words(sentence: str, q: "_Quantity") -> str | None:
    """The words that make a length the width of a push (measure.front_width), or None."""
    m = (_WIDE_AFTER.match(sentence, q.end) or _WIDTH_BEFORE.search(sentence, max(0, q.start - 40), q.start)
         or _FRONT_FOR_BEFORE.search(sentence, max(0, q.start - 40), q.start))
    return m.group(0).strip() if m else None
# After a length: "... 35 km (22 miles) (deep) into / inside Russia / Russian territory / the Kursk region".
DEPTH_INTO = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:deep\s+)?(?:into|inside)\s+(?:the\s+)?"
                        r"(?:(?:Russia|Ukraine|Kursk|Belgorod|Bryansk|Kharkiv|Sumy)\b(?!\s+(?:lines|positions|defen[cs]es))|"
                        r"(?:Russian|Ukrainian)\s+(?:territory|land|soil|ground)\b)")
# "Kupiansk is 2.5 miles from the front line", "... 5 km from Russian positions": the place is
# the sentence's; the side is the one named, or (the front) the side that does not hold the place.
FROM_THE_FRONT = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:away\s+)?(?:from|of|to)\s+(?:the\s+)?(?:(?P<side>Russian|Ukrainian)\s+"
                            r"(?:positions|lines|troops|forces)|front(?:[\s-]*lines?)?)\b", re.I)

# Word-final \b so CamelCase names ("DeepState") are not cut into places ("Deep").
_NAME = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*\b(?:\s+[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*\b){0,2}"
_REGION_WORD = r"(?:region|oblast|province|district|direction|sector|axis|front|area|raion|Oblast|Region|Province|District)"
# The preposition may open the sentence ("Near Pokrovsk, ..."): matched in any case; the name not.
PLACE_AFTER_PREP = re.compile(
    r"\b(?i:in|near|around|outside|of|to|towards?|toward|into|inside|at|from|across|on|"
    r"west\s+of|east\s+of|north\s+of|south\s+of|close\s+to|beyond)\s+(?i:the\s+)?"
    r"(?:(?:Russian|Ukrainian|Russia['’]s|Ukraine['’]s|(?i:southern|northern|eastern|western|"
    r"central|embattled|key|frontline|front-line|strategic|besieged))\s+)?"
    r"(?P<name>" + _NAME + r")(?:['’]s)?(?:\s+" + _REGION_WORD + r")?")
# "2,000 km2 of Ukrainian territory": an area of the country itself. Only after "of": "pushed 3 miles
# into Russian territory" is a depth, not an area of Russia.
PLACE_COUNTRY_ADJ = re.compile(r"\bof\s+(?P<adj>Ukrainian|Russian)\s+(?:territory|territories|land|lands|soil|ground)\b")
_COUNTRY_OF_ADJ = {"Ukrainian": "Ukraine", "Russian": "Russia"}
PLACE_REGION = re.compile(r"(?P<name>" + _NAME + r")\s+" + _REGION_WORD + r"\b")
PLACE_REGION_OF = re.compile(r"\b(?:region|oblast|province|district|town|city|village)\s+of\s+(?P<name>" + _NAME + r")")
THERE = re.compile(r"\b(?:there|the\s+area|this\s+territory|the\s+region|the\s+territory|the\s+town|the\s+city)\b", re.I)
# Rivers of the theatre whose names are also settlements in the gazetteer ("the west bank of the
# Dnipro" is the river, not the city of Dnipro): a river when written with "the" or "River".
RIVERS = frozenset({"Dnipro", "Dnieper", "Donets", "Oskil", "Inhulets", "Desna", "Seym", "Seim", "Vorskla",
                    "Dniester", "Dnister", "Siverskyi Donets", "Southern Bug", "Psel", "Sula"})
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)
_DIRECTION_AFTER = re.compile(r"(?:['’]s)?\s+(?:direction|axis|sector)\b", re.I)
_REGION_AFTER = re.compile(r"(?:['’]s)?\s+" + _REGION_WORD + r"\b")
_RIVER_AFTER = re.compile(r"\s+[Rr]iver\b")
# "the village of Pushkine in the Kursk region": the region a settlement is said to lie in, so that
# the check looks for it there (GeoNames has a Pushkino in Crimea, none in Kursk oblast).
_IN_REGION = re.compile(r"\s*,?\s+in\s+(?:the\s+)?(?:(?:Russia|Ukraine)['’]s\s+)?(?P<region>" + _NAME + r")\s+"
                        r"(?:region|oblast|province|Oblast|Region|Province)\b")
# "an area about the size of Los Angeles": a comparison, not where the claim is.
_SIZE_OF = re.compile(r"\b(?:size|area)\s+of\s+(?:the\s+)?$", re.I)
NOT_PLACES = frozenset("""
January February March April May June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday
Saturday Sunday Reuters AFP AP ISW TASS RIA Interfax BBC CNN Bloomberg Ukrinform Telegram
General Staff Ministry Defence Defense Institute War Study The This That These Those It
He She They We Our His Her Their Its Russian Ukrainian Russians Ukrainians Korean North
South East West Kremlin President Minister Army Armed Forces Brigade Mr Mrs Ms Dr A An
Illustrative Images According Related Most Now Currently Western European Union NATO US UK
EU UN Pentagon Washington Kyiv Independent Times Post Journal Guardian Economist Al Jazeera
""".split())
_PLACE_TRIM = re.compile(r"\s+(?:Oblast|Region|Province|District)$")
# The subject of "Pokrovsk is 8 km from the front", "the town of Kupiansk lies 2.5 miles from ...".
_SUBJECT_PLACE = re.compile(rf"(?:^\s*|\b(?:says?|said|that|of)\s+)(?P<name>{_NAME})\s+(?:is|lies|sits|remains|was)\b"
                            r"(?:\s+(?:now|still|just|only|about|roughly|some|around|less\s+than|within))*\s*$")


def _place_candidates(sentence: str) -> list[tuple[int, str]]:
    """(position, name) of capitalised place names in a sentence."""
    found: dict[int, str] = {}
    for regex in (PLACE_REGION_OF, PLACE_REGION, PLACE_AFTER_PREP):
        for m in regex.finditer(sentence):
            name = _PLACE_TRIM.sub("", m.group("name"))
            words = name.split()
            # Drop leading/trailing non-place words ("Kursk" from "Kursk Reuters").
            while words and words[0] in NOT_PLACES:
                words.pop(0)
            while words and words[-1] in NOT_PLACES:
                words.pop()
            if not words:
                continue
            name = " ".join(words)
            pos = m.start("name")
            if _SIZE_OF.search(sentence, 0, pos) or words[-1] in ("River", "river") or (
                    name in RIVERS and (_THE_BEFORE.search(sentence, 0, pos) or _RIVER_AFTER.match(sentence, m.end("name")))):
                continue
            if _DIRECTION_AFTER.match(sentence, m.end("name")) and m.group("name").endswith(name):
                name += " direction"  # "the Pokrovsk direction / axis / sector": the front named after it
            if not any(abs(pos - p) < 3 for p in found):
                found[pos] = name
    for m in PLACE_COUNTRY_ADJ.finditer(sentence):
        if not any(abs(m.start("adj") - p) < 3 for p in found):
            found[m.start("adj")] = _COUNTRY_OF_ADJ[m.group("adj")]
    return sorted(found.items())


def _clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    """The bounds of the clause at ``pos`` (between CLAUSE_BREAKs); a clause runs on past an aside
    set off by commas that follows it ("roughly 70% of Lysychansk, including the western
    quarters of the city, were now occupied": the clause's verb comes after the aside)."""
    lo, hi = _clause_bounds_plain(sentence, pos)
    aside = _ASIDE.match(sentence, hi) or _FIGURE_ASIDE.match(sentence, hi)
    if aside:
        hi = _clause_bounds_plain(sentence, aside.end() + 1)[1]
    return lo, hi


def _clause_bounds_plain(sentence: str, pos: int) -> tuple[int, int]:
    start, end = 0, len(sentence)
    for m in CLAUSE_BREAK.finditer(sentence):
        if m.end() <= pos:
            start = m.end()
        elif m.start() > pos:
            end = m.start()
            break
    return start, end


# --- side -------------------------------------------------------------------


def _speaker_side(att: Attribution | None) -> str | None:
    """The side of the sentence's speaker: the attribution's resolved side (see
    ``attributions_for``), else the side its words name."""
    if att is None:
        return None
    return att.side or speaker_side(att.who)


def _opposite(side: str | None) -> str | None:
    return {"russia": "ukraine", "ukraine": "russia"}.get(side or "")


_UNDER_OWN_CONTROL = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:were|was|are|is|remain(?:ed)?)\s+(?:now\s+|still\s+)?"
                                r"under\s+(?:their|its|our)\s+control\b", re.I)


# A holder named after the figure: "... is under the control of the occupiers", "seized by Russian
# forces", "in the hands of Kyiv's troops".
_AGENT_BEFORE = re.compile(r"\b(?:by|under\s+(?:the\s+)?(?:control|occupation|rule)\s+of|in\s+the\s+hands\s+of)\s+(?:the\s+)?$",
                           re.I)
_UNDER_HOLDER = re.compile(r"\bunder\s+[\"“]?(?:the\s+)?$", re.I)
_RETAKE_BEFORE = re.compile(r"\b(?:recaptured|retaken|retook|liberated|taken\s+back|took\s+back|won\s+back|reclaimed|"
                            r"regained|freed|cleared)\s+(?:\w+\s+){0,3}$", re.I)


def _resolve_side(a: ActorMention, att: Attribution | None, sentence: str = "") -> str | None:
    if a.side == "speaker":
        side = _speaker_side(att)
        if side is None and a.text.lower().startswith(("his", "her")):
            # "Yevgeny Prigozhin, the head of Russia's Wagner group, said his forces ...": the side
            # named for the person before it.
            side = side_of_words(sentence[:a.start])
        return side
    if a.side == "enemy":
        return opposite(_speaker_side(att))
    return a.side


# A figure that is a part of a side's gains: "Two-thirds of the Russian gains", "half of Moscow's advances".
_OF_WHOSE_CHANGE = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:square\s+\w+\s+|km2\s+|sq\s+\w+\s+)?of\s+(?:the\s+|its\s+|their\s+)?", re.I)
_CHANGE_NOUN_END = re.compile(r"\b(?:gains|advances|captures|conquests)$", re.I)


def _side_for(sentence: str, num_start: int, num_end: int, modifier: str,
              att: Attribution | None, att_span: tuple[int, int] | None,
              persons: bool = False) -> tuple[str | None, str]:
    """(side, "rule: words"): whose troops or ground a number is about. Named rules, in order:

    - side.modifier: a side word between a count of persons and its noun ("11,000 North Korean
      soldiers"; "189 Ukrainian settlements" says whose land, not who took it);
    - side.agent_after: the holder or agent named after the figure in its clause ("is under the
      control of the occupiers", "captured by Russian forces", "under Russian occupation");
    - side.holder: "Ukrainian-occupied territory ... totals 660 km2", "under Ukrainian control";
    - side.of_the_gains: a part of a side's gains ("Two-thirds of the Russian gains");
    - side.subject: the nearest actor before the figure that is not the object of a preposition
      or of a verb acting on it ("Ukrainian forces have penetrated Russian lines ... and captured");
    - side.taken_from: the side something was retaken from, reversed ("recaptured from Russian
      forces": Ukraine's gain);
    - side.speaker_pronoun: "it/they/their" after the attribution, for the speaker's side;
    - side.object: failing all, the nearest side named before the figure;
    - none: no side (the frame builder may still take the previous sentence's subject or the
      speaker's side).
    """
    if persons and modifier:
        side = side_of_words(modifier)
        if side:
            return side, f"side.modifier: {modifier.strip()}"
    lo, hi = _clause_bounds(sentence, num_start)
    mentions = [a for a in actor_mentions(sentence)
                if not (att_span and att_span[0] <= a.start < att_span[1] and a.kind not in ("speaker", "enemy"))]
    subject_in_clause = any(lo <= a.start < num_start and a.governed is None for a in mentions)
    for a in mentions:
        if num_end <= a.start < hi:
            if _ANOTHER_FIGURE.search(re.sub(r"\([^()]*\)", "", sentence[num_end:a.start])):
                # "Russia has seized roughly 60 percent of the region with only 40 percent still
                # under the control of Ukrainian forces": a holder after another figure is that one's.
                break
            before = sentence[max(0, a.start - 40):a.start]
            by_agent = _AGENT_BEFORE.search(before)
            if by_agent and by_agent.group(0).lower().startswith("by") and subject_in_clause:
                continue  # "Ukraine has retaken 54% of the land seized by Russia": Russia seized the land
            in_hands = a.text.endswith("hands") and re.search(r"\bin(?:to)?\s+(?:the\s+)?$", before)
            if a.kind == "compound" and a.governed and not by_agent and subject_in_clause:
                continue  # "Ukrainian forces pushed 10 km into Russian-held ground": whose ground, not who pushed
            if by_agent or in_hands or a.kind == "compound" or (
                    a.kind in ("adjective", "noun", "term", "enemy", "speaker") and _UNDER_HOLDER.search(before)):
                side = _resolve_side(a, att, sentence)
                if side:
                    return side, f"side.agent_after: {sentence[max(0, a.start - 25):a.end].strip()}"
    for a in mentions:
        if num_end <= a.start < hi and not subject_in_clause and a.governed == "from" \
                and _RETAKE_BEFORE.search(sentence, max(num_end, a.start - 60), a.start):
            # "180 square kilometers of the oblast were liberated from the Ukrainian armed
            # forces": taken from that side, the other side's gain (side.taken_from, after the figure).
            side = opposite(_resolve_side(a, att, sentence))
            if side:
                return side, f"side.taken_from: {sentence[max(0, a.start - 30):a.end].strip()}"
            break
    for a in mentions:
        if a.start >= num_end and not subject_in_clause and _OF_WHOSE_CHANGE.fullmatch(sentence, num_end, a.start) \
                and _CHANGE_NOUN_END.search(a.text):
            # "Two-thirds of the Russian gains": a part of a side's gains is that side's (unless the
            # clause has an actor of its own: "Ukraine retook 400 km2 of the Russian gains").
            side = _resolve_side(a, att, sentence)
            if side:
                return side, f"side.of_the_gains: {sentence[num_end:a.end].strip()}"
            break
    for a in mentions:
        if lo <= a.start < num_start and (a.kind == "compound" or (
                a.kind in ("adjective", "noun", "enemy", "speaker") and _UNDER_HOLDER.search(sentence, max(0, a.start - 12), a.start))):
            side = _resolve_side(a, att, sentence)
            if side:
                return side, f"side.holder: {a.text}"
    before = [a for a in mentions if a.end <= num_start]
    actors = [a for a in before if a.governed is None]
    in_clause = [a for a in actors if a.start >= lo]
    pool = in_clause or actors
    if pool:
        a = pool[-1]
        side = _resolve_side(a, att, sentence)
        if side:
            return side, f"side.subject: {a.text}"
    for a in reversed(before):
        if a.governed == "from" and _RETAKE_BEFORE.search(sentence, max(0, a.start - 60), a.start):
            side = opposite(_resolve_side(a, att, sentence))
            if side:
                return side, f"side.taken_from: {sentence[max(0, a.start - 30):a.end].strip()}"
    relative = _relative_clause_agent(sentence, num_end, mentions)
    if relative is not None:
        side = _resolve_side(relative, att, sentence)
        if side:
            return side, f"side.relative_agent: {relative.text}"
    fronted = _fronted_clause_subject(sentence, lo, hi, mentions)
    if fronted is not None:
        side = _resolve_side(fronted, att, sentence)
        if side:
            return side, f"side.fronted_clause_subject: {fronted.text}"
    # "Ukraine said it still holds...": the pronoun stands for the speaker.
    if att_span and re.search(r"\b(?:it|its|they|their)\b", sentence[att_span[1]:num_start]):
        side = _speaker_side(att)
        if side:
            return side, f"side.speaker_pronoun: {att.who}"
    # "Ukrainian officials said 92 settlements were under their control": so is "their" after it.
    if att_span and _UNDER_OWN_CONTROL.match(sentence, num_end, hi):
        side = _speaker_side(att)
        if side:
            return side, f"side.speaker_pronoun: {att.who}"
    if before:
        a = before[-1]
        own = _speaker_side(att)
        if own and a.governed == "of" and a.kind in ("noun", "adjective"):
            # "Ukraine's army said 40% of Russia's Kursk territory ...": a side after "of" names whose
            # ground, not who holds it; the speaker's side does (side.speaker below).
            return None, "side.none: only a side after 'of' named"
        side = _resolve_side(a, att, sentence)
        if side:
            return side, f"side.object: {a.text}"
    return None, "side.none: no side named"


# "Of the 1,376 sq km Kyiv's troops captured at the height of the incursion", "the 500 square miles
# that Russian forces hold": a relative clause right after the figure whose subject is an actor and
# whose verb takes or holds ground.
_RELATIVE_GAP = re.compile(r"^\s*(?:of\s+(?:territory|land|ground)\s+)?(?:that|which)?\s*(?:the\s+)?$", re.I)
_TAKE_OR_HOLD_AFTER = re.compile(r"(?:\s+(?:forces|troops|army|soldiers|units|military))?"
                                 r"\s+(?:(?:had|has|have|now|still|once|initially|first)\s+){0,2}(?:"
                                 + _verbs(_ACTIONS["gained"]) + "|" + _verbs(_ACTIONS["held"]) + r")\b", re.I)


def _relative_clause_agent(sentence: str, num_end: int, mentions: list[ActorMention]) -> ActorMention | None:
    """side.relative_agent: the actor of a relative clause right after the figure that takes or
    holds it ("Of the 1,376 sq km Kyiv's troops captured ..."), or None."""
    for a in mentions:
        if a.start < num_end:
            continue
        if a.governed is None and _RELATIVE_GAP.match(sentence[num_end:a.start]) and \
                _TAKE_OR_HOLD_AFTER.match(sentence, a.end):
            return a
        return None
    return None


# An adverbial clause of a participle that opens the clause the figure is in: "Having held
# 48.5% in early March, Russia ...", "after occupying some 51,000 square miles, Russia has lost".
_FRONTED_OPENER = re.compile(r"\s*[\"“]?(?:after|having|since|before|while|despite|upon|when|by)\s+"
                             r"(?:(?:first|already|briefly|once)\s+)?(?:been\s+)?[a-z]+(?:ing|ed|en)\b", re.I)
_MAIN_SUBJECT_GAP = re.compile(r"^[\s,]*(?:the\s+)?$", re.I)


def _fronted_clause_subject(sentence: str, lo: int, hi: int, mentions: list[ActorMention]) -> ActorMention | None:
    """side.fronted_clause_subject: the figure is in an adverbial clause of a participle that opens
    its sentence or clause ("Having held 48.5% in early March, Russia is pressing ..."): the
    participle's subject is the main clause's, the actor that opens the clause after it; None when
    the figure's clause is not such a clause or the main clause opens with no actor."""
    if hi >= len(sentence) or not _FRONTED_OPENER.match(sentence, lo):
        return None
    if any(lo <= a.start < hi for a in mentions):
        return None
    for a in mentions:
        if a.start >= hi:
            return a if a.governed is None and _MAIN_SUBJECT_GAP.match(sentence[hi:a.start]) else None
    return None


# "... 1,171 square kilometres of Kursk at the peak of its offensive, but now holds about 650.": a
# bare number after a verb of holding, that ends its clause, takes the unit of the figure before.
# A qualifier between a verb and its figure ("... to roughly", "holds about"), optional.
_ROUGHLY = (r"(?:(?:about|around|roughly|some|nearly|almost|approximately|(?:just\s+)?(?:over|under|more\s+than|"
            r"less\s+than))\s+)?")
_HOLDS_NOW_BEFORE = re.compile(
    r"\b(?:now|still|currently|today)\s+(?:only\s+)?(?:holds?|controls?|occupies|has|keeps?|retains?)\s+"
    r"(?:only\s+|just\s+)?" + _ROUGHLY + "$", re.I)
_PART_IN_PLACE = re.compile(r"\s+(?:in\s+(?:the\s+)?[A-Z]|in\s+the\s+(?:(?:north|south)[\s-]?)?(?:north|south|east|west)\b)")
_PART_OPENS = re.compile(r"(?:[—–(]|\bincluding|\bof\s+which|\band|,)\s*(?:just\s+|only\s+|about\s+|some\s+)?$", re.I)
_OF_THEM = re.compile(r"\s+of\s+them\b", re.I)
_CLAUSE_ENDS = re.compile(r"\s*(?:[.;,)]|$)")
COMPARED_WITH = re.compile(
    r"\b(?:down|up)\s+from\s+(?:(?:a|the|its)\s+(?:peak|high|maximum|low)\s+of\s+)?(?:\w+\s+){0,1}$"
    r"|\bfrom\s+(?:a|the|its|their)\s+(?:peak|high|maximum)\s+of\s+(?:\w+\s+){0,1}$"
    r"|\b(?:compared\s+(?:with|to)|against)\s+(?:\w+\s+){0,1}$", re.I)
# "has shrunk to roughly 800 square kilometres": what is held once it shrank (or grew), not a change.
_CHANGED_TO = re.compile(
    r"\b(?:shrunk|shrank|shrinks?|shrinking|fallen|fell|dropped|decreased|declined|reduced|grown|grew|risen|rose|"
    r"expanded|increased|(?:shot|shoots|shooting)\s+up|soared|jumped|climbed|surged)\s+to\s+" + _ROUGHLY + "$", re.I)
# "4,000 square kilometres more than it did at the start of the year"
_MORE_THAN_BEFORE = re.compile(r"\s+(?P<d>more|less|fewer)\s+than\s+(?:it|they|\w+)\s+(?:did|had|held|controlled)\b", re.I)
# "40% less territory in Kursk than at their peak (in August)"
LESS_THAN_PEAK = re.compile(r"\s+(?:less|fewer|smaller)\s+(?:(?:territory|ground|land|area)\s+)?(?:[\w'’-]+\s+){0,4}?than\s+"
                            r"(?:at\s+)?(?:its|their|the)\s+(?:peak|height|maximum)\b", re.I)
# The side named falls back: the advance is the other side's ("Ukrainian forces have been pushed back
# about 10 kilometres around Kurakhove": Russia advanced 10 km).
# "had pushed Ukrainian units back by up to 2 km", "pushed back Russian troops": the side named
# nearest the figure is the one pushed, as in the passive.
RETREAT = re.compile(r"\b(?:(?:been|were|was|being|are|is|got|get)\s+(?:pushed|forced|driven|beaten)\s+back|"
                     r"(?:pushed|forced|drove|driven|pushing|forcing|driving)\s+(?:[\w'’-]+\s+){1,3}?back|"
                     r"(?:pushed|forced|drove|driven|pushing|forcing|driving)\s+back\s+(?:the\s+)?"
                     r"(?:Ukrain\w*|Russia\w*|enemy|Kyiv['’]s|Moscow['’]s)|"
                     r"(?:fell|fallen|falling|pulled|pulling)\s+back|retreat(?:ed|ing|s)?|withdr(?:ew|awn)|lost\s+ground)\b",
                     re.I)
# The side named itself falls back (passive or intransitive): its opponent advanced.
RETREAT_OWN = re.compile(r"\b(?:(?:been|were|was|being|are|is|got|get)\s+(?:pushed|forced|driven|beaten)\s+back|"
                         r"(?:fell|fallen|falling|pulled|pulling)\s+back|retreat(?:ed|ing|s)?|withdr(?:ew|awn)|lost\s+ground)\b",
                         re.I)
# "it", "they", and "the army", "the troops": the previous sentence's subject.
# Another figure set beside the first between it and a phrase after it ("55 percent ... with only 45
# percent still under the control of ..."); not an apposition of the same ground ("18%, or 110,000
# square kilometres, is under Russian control"), nor a bracketed conversion.
_ANOTHER_FIGURE = re.compile(r"\b(?:with|while|whereas|but|and|against|versus|compared\s+(?:with|to))\s+(?:[\w'’-]+\s+){0,3}?\d",
                             re.I)
PRONOUN_SUBJECT = re.compile(r"\b(?:it|its|they|their|them|the\s+(?:army|troops|forces|military))\b", re.I)
# "80% of Sievierodonetsk ... were now occupied", "the occupied territories": on the maps,
# "occupied" is Russia's holding, unless another side is named as occupier.
_OCCUPIED_PASSIVE = re.compile(r"\b(?:is|are|was|were|been|remains?|remained)\s+(?:now\s+|still\s+|fully\s+|largely\s+)?occupied\b"
                               r"|\bunder\s+occupation\b"
                               # "occupied territories account for 18% of Ukraine's land" (no holder named)
                               r"|(?<![\w-])occupied\s+(?:territor(?:y|ies)|lands?|areas?|regions?|ground)\b", re.I)
# ', or around 125,000 square kilometers': the same fact in another unit, right after a figure.
_APPOSITION_GAP = re.compile(r"^[^.;—–]{0,100}?[,\"”)]+\s*[\"”]?\s*or\s+(?:about|around|roughly|some|nearly|almost|"
                             r"approximately|more\s+than|over|just\s+over|just\s+under)?\s*$", re.I)


# An aside set off by commas inside a clause: "70% of Lysychansk, including the western districts
# of the city, were now occupied".
# A figure in apposition set off by commas, the clause's verb after it: "About 18% of Ukraine, or
# roughly 110,000 square kilometres, is under Russian control".
_FIGURE_ASIDE = re.compile(r",\s+(?:or\s+)?(?:(?:about|around|roughly|some|nearly|almost|approximately|over|more\s+than|"
                           r"less\s+than|just\s+over|just\s+under)\s+)?\d[\d,.]*\s*[^,;:—–.\d]{1,40}?,"
                           # the predicate goes on after it ("..., is under", "..., remains"), not another phrase
                           r"(?=\s+(?:is|are|was|were|remains?|remained|has|have|had|now|still)\b)", re.I)
_ASIDE = re.compile(r",\s+(?:including|such\s+as|notably|mostly|mainly|chiefly|largely|in\s+particular|among\s+them|"
                    r"except|excluding|apart\s+from)\b[^,;:—–.]{0,120},(?=\s)", re.I)


def _singular_subject_side(sentence: str) -> str | None:
    """The side of the first actor of a sentence that is no object and is singular ("the Ukrainian
    army", "Russia", "the Ukrainian advance"; not "the Russians", "Russian forces"), which "it"
    in the next sentence can stand for (side.previous_subject; not "its": "The brigade said that its
    forces advanced" is the brigade's)."""
    for a in actor_mentions(sentence):
        if a.side in ("russia", "ukraine", "north_korea") and a.governed is None:
            head = re.split(r"\s+of\s+", a.text)[0].split()[-1]
            head = re.sub(r"['’]s$", "", head)
            if not head.endswith("s"):
                return a.side
    return None


def _subject_side(sentence: str) -> str | None:
    """The side first named in a sentence (its usual subject), for pronouns in the next one: the
    first actor that is no object of a preposition or verb ("According to accounts by pro-Kremlin
    military bloggers, Ukrainian troops have seized ...": Ukraine), else the first side word."""
    for a in actor_mentions(sentence):
        if a.side in ("russia", "ukraine", "north_korea") and a.governed is None:
            return a.side
    best: tuple[int, str] | None = None
    for regex, side in SIDES[:3]:
        m = regex.search(sentence)
        if m and not _TERRITORY_AFTER.match(sentence, m.end()) and (best is None or m.start() < best[0]):
            best = (m.start(), side)
    return best[1] if best else None


# --- measure ----------------------------------------------------------------


# A verb of becoming before a holder's phrase makes it a change of hands: "came under Russian
# control", "fell into Russian hands", "passed under the control of Kyiv", "back in the hands of
# Ukraine" (measure.came_under: gained by the holder); "became under the control of", "taken under
# control" (the Russian "взяты под контроль" in translation) too.
_BECAME_BEFORE = re.compile(r"\b(?:came|come|comes|coming|became|become|becomes|becoming|fell|fall|falls|fallen|falling|"
                            r"passed|pass|passes|passing|brought|bringing|placed|put|returned|back|"
                            r"taken|took|take|takes|taking)\s+(?:back\s+)?$", re.I)
_INTO_HANDS = re.compile(r"\binto\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?hands\b", re.I)


def _held_kind(sentence: str, m: re.Match) -> str:
    """A holder's phrase after a verb of becoming is a gain, else a holding."""
    if _BECAME_BEFORE.search(sentence, max(0, m.start() - 20), m.start()):
        return "gained"
    return "held"


def _nearest_verb(sentence: str, lo: int, hi: int, num_start: int) -> tuple[str | None, int]:
    """The change/held verb nearest before the number in [lo, hi), else after it."""
    best: tuple[int, str] | None = None
    for regex, kind in ((LOST_VERBS, "lost"), (GAINED_VERBS, "gained"), (HELD_VERBS, "held"), (_INTO_HANDS, "held")):
        for m in regex.finditer(sentence, lo, num_start):
            # Compare ends so "taken control" (gained) beats the "control" (held) inside it.
            if best is None or m.end() > best[0]:
                best = (m.end(), _held_kind(sentence, m) if kind == "held" else kind)
    if best is not None:
        return best[1], best[0]
    after: tuple[int, str] | None = None
    for regex, kind in ((LOST_VERBS, "lost"), (GAINED_VERBS, "gained"), (HELD_VERBS, "held"), (_INTO_HANDS, "held")):
        m = regex.search(sentence, num_start, hi)
        if m and (after is None or m.start() < after[0]):
            after = (m.start(), _held_kind(sentence, m) if kind == "held" else kind)
    return (after[1], after[0]) if after else (None, -1)


@dataclass
class _Quantity:
    """A number (or range) and its unit as found in a sentence, before semantics."""

    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    unit_text: str
    entry: UnitEntry | None
    normalized: str | None
    per_period: str | None = None
    modifier: str = ""
    qualifier: str | None = None
    fraction: bool = False
    inherited_from: int | None = None
    rule: str = ""  # the recogniser, when not the number grammar's


# A "sentence" with more numbers than this (digits, number words and fractions alike) is a table
# or a data dump, not a claim in prose; skipping it also bounds the work on hostile input.
MAX_NUMBERS_PER_SENTENCE = 60
# Bounds on one document, applied while extracting (issue 25): at most this many quantities are
# examined (each costs the frame rules), and at most this many claims are returned; the rest of
# the text is not read, with a warning. A real report has tens.
MAX_QUANTITIES_PER_DOCUMENT = 2000
MAX_CLAIMS_PER_DOCUMENT = 500


# Where a number's unit is left out because a figure next to it gives it (quantity.elided_unit):
# "477 and 459 square kilometres" (coordinated), "Russia gained 331 square miles and Ukraine 143"
# (gapped), "... seized 584 square kilometres in 2023. Since January they have taken more than
# 2,660, ..." (the object of a verb of gain or loss, after an area in the sentence before).
_COORDINATED = re.compile(r"\s+(?:and|or)\s+")
_GAPPED_BEFORE = re.compile(r"\b(?:and|while|whereas|but)\s+(?:the\s+)?(?:[A-Z][\w'’-]+\s+){1,2}"
                            r"(?:(?:about|some|roughly|around|nearly|almost|just|only|over|more\s+than|less\s+than)\s+)?$")
_ELIDED_UNITS = ("km2", "settlements")
# "..., one of nearly a dozen": a part of a count whose noun came before.
_ONE_OF_BEFORE = re.compile(r"\bone\s+of\s+(?:the\s+)?(?:(?:about|around|roughly|some|nearly|almost|over|more\s+than|at\s+least)\s+)?$", re.I)
_NOUN_WORD = re.compile(r"\b[a-z]")


def _elided_unit(sentence: str, m: re.Match, numbers: list, idx: int, found: list, unit_before: "_Quantity | None",
                 value: float) -> tuple[UnitEntry, str, str, int | None] | None:
    """(unit entry, unit as written, how, index of the figure it comes from in this sentence) for
    a bare number whose unit a figure next to it gives (quantity.elided_unit), or None."""
    nxt = numbers[idx + 1] if idx + 1 < len(numbers) else None
    j = _COORDINATED.match(sentence, m.end())
    if j and nxt is not None and nxt.start() == j.end():
        hit = unit_at(sentence, _skip_unit_gap(sentence, nxt.end()))
        if hit and hit[0].normalized in _ELIDED_UNITS:
            return hit[0], sentence[_skip_unit_gap(sentence, nxt.end()):hit[1]].strip(), "coordinated", None
    before = sentence[max(0, m.start() - 60):m.start()]
    if _ONE_OF_BEFORE.search(before):
        # "the nearby village of Novoselivka, one of about ten it claims to have captured": the
        # settlement noun that "one" stands for.
        noun = None
        for w in _NOUN_WORD.finditer(sentence, max(0, m.start() - 100), m.start()):
            hit = unit_at(sentence, w.start())
            if hit and hit[0].normalized == "settlements":
                noun = (hit[0], sentence[w.start():hit[1]])
        if noun is not None:
            return noun[0], noun[1], "one of", None
    if not _CLAUSE_ENDS.match(sentence, m.end()) or value < 10:
        return None
    prev = found[-1] if found else None
    if prev is not None and prev.normalized in _ELIDED_UNITS and prev.low is None and _GAPPED_BEFORE.search(before):
        return prev.entry, prev.unit_text, "gapped", len(found) - 1
    source = prev if prev is not None else unit_before
    if source is not None and source.normalized in _ELIDED_UNITS and source.low is None and _VERB_OBJECT_BEFORE.search(before):
        return source.entry, source.unit_text, "object of a verb of gain or loss", (len(found) - 1 if prev is not None else None)
    return None


def _quantities_in(sentence: str, masked: list[tuple[int, int]], unit_before: "_Quantity | None" = None) -> list[_Quantity]:
    """Numbers with units (and fractions "half of") in one sentence. ``unit_before``: the last area
    or count of settlements of the sentence before, for a number whose unit is left out
    (quantity.elided_unit)."""
    found: list[_Quantity] = []
    numbers = []
    for m in NUMBER.finditer(sentence):
        if not _inside(m.start(), masked):
            numbers.append(m)
            if len(numbers) > MAX_NUMBERS_PER_SENTENCE:
                return []
    fractions = 0
    for _ in FRACTION.finditer(sentence):
        fractions += 1
        if len(numbers) + fractions > MAX_NUMBERS_PER_SENTENCE:
            return []
    consumed_until = -1
    for idx, m in enumerate(numbers):
        if m.start() < consumed_until:
            continue
        value = _number_value(m)
        if m.group("words") and _NOT_A_SINGLE.search(sentence, max(0, m.start() - 40), m.end()):
            value = 0.0  # "the enemy hasn't advanced a single metre": none
        pos = m.end()
        low = high = None
        unit_hit = None
        second = None
        before = sentence[max(0, m.start() - 30):m.start()]
        # "3,000+ sq km" is over 3,000; "200-odd sq km" about 200.
        qualifier = _qualifier_before(before) or ("over" if m.group("plus") else "about" if m.group("odd") else None)
        # Ranges: "656 to 984 feet", "200-300 metres", "between 150 and 200 metres".
        j = RANGE_JOIN.match(sentence, pos)
        if j and idx + 1 < len(numbers) and numbers[idx + 1].start() == j.end():
            joiner = j.group(0).strip().lower()
            is_change = qualifier == "from" and re.search(
                r"\b(?:increas|ris|rose|grow|grew|fell|fall|drop|reduc|cut|decreas|shr)\w*\s+(?:\w+\s+){0,3}$",
                sentence[max(0, m.start() - 60):m.start()], re.I)
            if (joiner != "and" or qualifier == "between") and not is_change:
                second = numbers[idx + 1]
        if second is None:
            # "from 150 metres to 200 metres": unit after each end.
            first_unit = unit_at(sentence, _skip_unit_gap(sentence, pos))
            if first_unit:
                j = RANGE_JOIN.match(sentence, first_unit[1])
                if (j and idx + 1 < len(numbers) and numbers[idx + 1].start() == j.end()
                        and qualifier in ("between", "from", None) and j.group(0).strip().lower() != "and"
                        or j and qualifier == "between" and idx + 1 < len(numbers)
                        and numbers[idx + 1].start() == j.end()):
                    nxt = numbers[idx + 1]
                    nxt_unit = unit_at(sentence, _skip_unit_gap(sentence, nxt.end()))
                    if nxt_unit and nxt_unit[0].normalized == first_unit[0].normalized:
                        second = nxt
                        a, b = first_unit[0].pint_unit, nxt_unit[0].pint_unit
                        if a and b and a != b:
                            # "800 metres to 1.5 km a day": the low end in the high end's unit.
                            value = value * conversion_factor(a, b)
        if second is not None:
            low, high = value, _number_value(second)
            if high < low:
                low, high = None, None
                second = None
            else:
                value = None
                pos = second.end()
                consumed_until = second.end()
        gap_end = _skip_unit_gap(sentence, pos)
        unit_hit = unit_at(sentence, gap_end)
        modifier = ""
        if unit_hit is None:
            # Count nouns may carry modifiers: "11,000 North Korean soldiers", "45,000 Russian and
            # North Korean troops".
            k = gap_end
            for _ in range(5):
                mm = COUNT_MODIFIER.match(sentence, k)
                if not mm:
                    break
                k = mm.end()
                hit = unit_at(sentence, k)
                if hit and hit[0].normalized in ("persons", "settlements"):
                    modifier = sentence[gap_end:k]
                    unit_hit = hit
                    break
        if unit_hit is None:
            held_now = bool(_HOLDS_NOW_BEFORE.search(sentence[max(0, m.start() - 60):m.start()])
                            and _CLAUSE_ENDS.match(sentence, m.end()))
            # "six settlements — five in Luhansk and one in Kharkiv", "29 settlements,
            # including six in Lugansk region", "500 square miles ... Russia gained 331 of them":
            # a part of the figure before, in its unit.
            part = bool(found and (_PART_IN_PLACE.match(sentence, m.end()) and _PART_OPENS.search(sentence, max(0, m.start() - 25), m.start())
                                   or _OF_THEM.match(sentence, m.end())))
            if (found and second is None and (before.rstrip().lower().endswith("to")
                                               and ANAPHORA.search(sentence[max(0, m.start() - 60):m.start()])
                                               or COMPARED_WITH.search(sentence[max(0, m.start() - 60):m.start()])
                                               or held_now or part)):
                # "... to 12,000"; "800 sq km, down from a peak of about 1,300"; "... but now holds
                # about 650.": the unit of the one before.
                prev = found[-1]
                found.append(_Quantity(m.start(), m.end(), value, None, None, prev.unit_text,
                                       prev.entry, prev.normalized, qualifier=qualifier if held_now else None,
                                       inherited_from=len(found) - 1))
                continue
            elided = _elided_unit(sentence, m, numbers, idx, found, unit_before, value) if second is None else None
            if elided is not None:
                entry, unit_text, how, source = elided
                found.append(_Quantity(m.start(), m.end(), value, None, None, unit_text, entry, entry.normalized,
                                       qualifier=None if qualifier in _NOT_QUALIFIERS else qualifier,
                                       inherited_from=source, rule=f"quantity.elided_unit ({how})"))
            continue
        entry, unit_end = unit_hit
        unit_start = gap_end if not modifier else gap_end + len(modifier)
        per_period = None
        end = unit_end
        if entry.normalized in ("m", "km2"):
            r = _rate_after(sentence, unit_end)
            if r:
                per_period, end = r
            else:
                per_period = _rate_before(sentence, m.start())
        if qualifier in _NOT_QUALIFIERS:
            qualifier = None
        found.append(_Quantity(m.start(), end, value, low, high,
                               sentence[unit_start:end].strip(), entry, entry.normalized,
                               per_period=per_period, modifier=modifier.strip(),
                               qualifier=qualifier))
        # A rate written after a bracketed conversion covers the conversion too ("30 sq km (11.6 sq
        # miles) a day"): its numbers are not figures of their own.
        consumed_until = max(consumed_until, unit_end if per_period is None else end)
    for m in FRACTION.finditer(sentence):
        if _inside(m.start(), masked) or any(q.start <= m.start() < q.end for q in found):
            continue
        if _HALF_OF_A_PERIOD.search(sentence, 0, m.start()):
            continue  # "in the second half of 2024": a period, not a share
        words = m.group("frac").lower().replace("-", " ").split()
        num = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(words[0], 1) if len(words) > 1 else 1
        share = num * _FRACTIONS[words[-1]]
        qualifier = _qualifier_before(sentence[max(0, m.start() - 30):m.start()])
        qualifier = None if qualifier in _NOT_QUALIFIERS else qualifier
        pct = _OF_ONE_PERCENT.match(sentence, m.end())
        if pct:
            # "a fifth of one percent of Ukraine's land": 0.2%, one claim (not 20% and 1%).
            found[:] = [q for q in found if not m.end() <= q.start < pct.end()]
            found.append(_Quantity(m.start(), pct.end(), share, None, None, sentence[m.start():pct.end()],
                                   None, "percent", qualifier=qualifier))
            continue
        found.append(_Quantity(m.start(), m.end("frac"), share, None, None, m.group("frac"),
                               None, "percent", qualifier=qualifier, fraction=True))
    found.sort(key=lambda q: q.start)
    return found


# "25 square kilometers (9.7 square miles) a day": the period of a rate after a bracketed conversion.
_BRACKETED_AFTER = re.compile(r"\s*\([^()]{1,40}\)")


# "Russia's average daily gains reached 27 square kilometres": a rate named by its noun before the figure.
_RATE_NOUN = re.compile(r"\b(?P<period>daily|weekly|monthly)\s+(?:average\s+)?(?:territorial\s+)?"
                        r"(?:gains?|advances?|progress|rate|pace|captures?)\b[^\d;:—–]{0,40}$", re.I)
_RATE_PERIOD_OF = {"daily": "day", "weekly": "week", "monthly": "month"}


def _rate_before(sentence: str, num_start: int) -> str | None:
    """The period of a rate named before the figure ("average daily gains reached 27 sq km", "a
    weekly advance of 5 km"), or None."""
    m = _RATE_NOUN.search(sentence, max(0, num_start - 80), num_start)
    return _RATE_PERIOD_OF[m.group("period").lower()] if m else None


def _rate_after(sentence: str, unit_end: int) -> tuple[str, int] | None:
    """(period, end) of a rate written right after a unit ("15 sq km a day", "every five days"),
    or after the unit's bracketed conversion ("30 sq km (11.6 sq miles) a day"); None when none."""
    r = rate_period_at(sentence, RATE_GAP.match(sentence, unit_end).end())
    if r is None:
        bracket = _BRACKETED_AFTER.match(sentence, unit_end)
        if bracket and any(ch.isdigit() for ch in bracket.group(0)):
            r = rate_period_at(sentence, RATE_GAP.match(sentence, bracket.end()).end())
    return r


_UNIT_GAP = re.compile(r"\s*-?\s*")


def _skip_unit_gap(sentence: str, pos: int) -> int:
    """Index after the space or hyphen between a number and its unit ("10-km")."""
    m = _UNIT_GAP.match(sentence, pos)
    return m.end() if m else pos


# --- claim assembly ---------------------------------------------------------


def _normalized_values(q: _Quantity) -> tuple[float | None, float | None, float | None, str | None]:
    """(value, low, high, unit) in the normalised unit."""
    if q.normalized == "percent":
        factor = 100.0 if q.fraction else 1.0
        return (None if q.value is None else q.value * factor,
                None if q.low is None else q.low * factor,
                None if q.high is None else q.high * factor, "percent")
    if q.normalized in ("persons", "settlements", "ratio"):
        return q.value, q.low, q.high, q.normalized
    assert q.entry is not None and q.entry.pint_unit is not None
    unit = q.normalized
    out: list[float | None] = []
    for x in (q.value, q.low, q.high):
        if x is None:
            out.append(None)
            continue
        converted, unit = convert(x, q.entry.pint_unit, q.normalized, q.per_period)
        out.append(converted)
    return out[0], out[1], out[2], unit


# Verbs that damage, mine or strike ground without taking or holding it: "More than 80% of Soledar
# ... is 'completely destroyed'", "the Russians mined 200 000 square kilometers", "to wipe out the
# enemy across a 4 square kilometre zone" (measure.damage_not_holding: other, as every set labels them).
_DAMAGE_VERBS = re.compile(r"\b(?:destroy(?:s|ed|ing)?|damag(?:e|es|ed|ing)|demolish\w*|devastat\w*|razed|ruined|"
                           r"mined|mining|de-?min(?:e|ed|ing)|shell(?:s|ed|ing)|bomb(?:s|ed|ing)|disabled|burn(?:ed|t)|"
                           r"flooded|contaminated)\b", re.I)


# Ground a side still has to take is ground the other side holds: "must still free the final 15 sq
# km of the oblast", "would still need to conquer 8,000 square kilometers", "20 sq km ... have to be
# liberated", "remain to be captured" (measure.remainder_to_take: held by the other side, on the day).
_OBLIGED_TO = (r"\b(?:ha(?:s|ve)|need(?:s|ed)?|must|remains?|(?:is|are|was|were)\s+(?:still\s+|yet\s+)?left)\s+"
               r"(?:still\s+|yet\s+)?to\s+(?:be\s+)?")
_REMAINDER_BEFORE = re.compile(_OBLIGED_TO + r"(?:" + _verbs(_ACTIONS["gained"]) + r")\b(?P<gap>[^\d.;:]{0,40})$", re.I)
_REMAINDER_AFTER = re.compile(r"[^\d.;:]{0,80}?" + _OBLIGED_TO + r"(?:" + _verbs(_ACTIONS["gained"]) + r")\b", re.I)


def _remainder_to_take(sentence: str, q: "_Quantity") -> str | None:
    """The words that make a figure ground a side still has to take (so the other side holds it), or None."""
    lo, hi = _clause_bounds(sentence, q.start)
    m = _REMAINDER_BEFORE.search(sentence, max(lo, q.start - 120), q.start)
    if m is None:
        m = _REMAINDER_AFTER.match(sentence, q.end, hi)
    return m.group(0).strip() if m else None


def _damage_not_holding(sentence: str, lo: int, hi: int) -> bool:
    """Whether the figure's clause says ground was damaged, mined or struck and names no verb of
    taking, losing or holding (then the figure is no holding)."""
    return bool(_DAMAGE_VERBS.search(sentence, lo, hi)) and _nearest_verb(sentence, lo, hi, lo)[0] is None


def _classify(sentence: str, q: _Quantity, prev_claims: list[Claim],
              reference: dt.date | None = None) -> tuple[str, str | None, str | None, float | None]:
    """(measure, direction, aspect, period_days) of a quantity in its sentence."""
    lo, hi = _clause_bounds(sentence, q.start)
    before_clause = sentence[lo:q.start]
    sentence_before = sentence[:q.start]
    aspect = None
    # "At its height, Ukraine held 1,376 sq km; it now holds about 800 sq km": a "now" in the
    # figure's own clause, after the clause of the peak, dates that figure to now.
    now_here = CURRENT.search(before_clause) and not PEAK.search(before_clause)
    # "lost roughly half of the 1,000 square kilometers it captured": the ground it took, its peak.
    # "lost nearly half of the 500 square miles they once held": the same.
    taken_peak = q.normalized == "km2" and bool(_OF_THE_BEFORE.search(sentence_before)) \
        and bool(_IT_TOOK_AFTER.match(sentence, q.end) or _ONCE_HELD.match(sentence, q.end))
    if (PEAK.search(sentence_before) and not now_here) or (q.qualifier == "at most") or taken_peak \
            or _AT_THE_PEAK_OF.match(sentence, q.end) or _ONCE_HELD.match(sentence, q.end):
        # "At most, we controlled 531 square miles"; "as much as 1,376 sq km of Kursk at one point"
        aspect = "peak"
    elif CURRENT.search(sentence):
        aspect = "current"
    if q.normalized == "km2":
        if q.per_period:
            # "27 square kilometres a day": a pace of territorial change, an advance rate in km2 a
            # day (the dev set README's convention).
            verb, _ = _nearest_verb(sentence, 0, len(sentence), q.start)
            return "advance_rate", verb if verb in ("lost", "gained") else "gained", None, None
        if GREW_BY.search(sentence, max(0, q.start - 120), q.start):
            # "widened their territorial control by almost an additional 85 square kilometers"
            return "area_change", "gained", None, None
        if _CHANGED_HANDS.search(sentence, q.end, hi):
            # "About 1,000 square kilometres changed hands in November": ground that moved between
            # the sides, either way (measure.area_change (changed_hands)).
            return "area_change", None, None, None
        if _MORE_THAN_IN.match(sentence, q.end):
            return "other", None, None, None
        verb, _ = _nearest_verb(sentence, lo, hi, q.start)
        if verb is None:
            verb, _ = _nearest_verb(sentence, 0, len(sentence), q.start)
        if verb == "held" and _occupied_over_period(sentence, q):
            return "area_change", "gained", None, None
        if verb == "held" and _CHANGE_COVERED.search(sentence, max(0, q.start - 100), q.start):
            # "The Russian advance, which covered 25 square kilometres last week": the ground an
            # advance or gains cover is what was gained (measure.area_change), not a holding.
            return "area_change", "gained", None, None
        if verb is None and _total_brought_to(sentence, q):
            return "area_held", None, "current", None
        if verb is None and _OCCUPIED_FIGURE.search(sentence, max(0, q.start - 40), q.start):
            # "Russian forces occupied 610 km² in October" (a bare "occupied" is mostly an
            # adjective, but not before a figure): gained over a period the sentence names, else held.
            if _PERIOD_NAMED.search(sentence):
                return "area_change", "gained", None, None
            return "area_held", None, aspect, None
        if verb is None and TOTALS.search(sentence, max(0, q.start - 40), q.start) and _HOLDING_NOUN.search(sentence, 0, q.start):
            # "territory Ukraine occupies in Kursk Oblast now totals about 540 km2"
            return "area_held", None, aspect, None
        if _CHANGED_TO.search(sentence, max(0, q.start - 60), q.start):
            # "Ukraine's Kursk incursion has shrunk to roughly 800 square kilometres"
            return "area_held", None, aspect if aspect == "peak" else "current", None
        if GREY_ZONE.search(sentence, lo, hi) and verb not in ("lost", "gained"):
            # "The grey zone between the armies covers around 700 square kilometres": the
            # contested ground on the day (a grey zone that grew or shrank is not measured yet).
            return "grey_zone", None, aspect, None
        more = _MORE_THAN_BEFORE.match(sentence, q.end)
        if verb == "held" and more:
            # "Russia now holds roughly 4,000 square kilometres more than it did at the start of
            # the year": a change since then.
            # the change of what it holds: net (aspect "net"), where "captured" is the ground gained.
            return "area_change", "gained" if more.group("d").lower() == "more" else "lost", "net", None
        if taken_peak:
            return "area_held", None, "peak", None
        if verb == "held" and _OCCUPIED_SINCE.search(sentence):
            # "Russian forces have occupied around 2,000 square kilometers ... since the beginning
            # of October": what they took since then.
            return "area_change", "gained", None, None
        if verb == "held":
            return "area_held", None, aspect, None
        if verb == "gained" and aspect == "peak":
            # "At its height, the incursion took around 1,000 sq km": the ground held at the
            # peak, not a change over a period (it had no start and was not checkable).
            return "area_held", None, "peak", None
        if verb in ("lost", "gained"):
            return "area_change", verb, None, None
        if _damage_not_holding(sentence, lo, hi):
            return "other", None, None, None
        if verb is None and _HOLDING_NOUN.search(sentence, lo, hi) and not _SIZE_OF_FIGURE.search(sentence, max(0, q.start - 40), q.start):
            # "Ukraine's foothold of about 500 sq km", "the Kursk salient, some 800 sq km": a holding
            # named with no verb of change is ground held.
            return "area_held", None, aspect, None
        if verb is None and _bare_area_is_held(sentence, q):
            return "area_held", None, aspect, None
        return "other", None, None, None
    if q.normalized == "percent":
        if _OF_THE_CHANGE.match(sentence, q.end):
            # "Three-quarters of Russia's gains, or 415 square kilometres, were in the Luhansk region",
            # "nearly half of these gains": a share of a change, not of a country or a region
            # (measure.other: a ratio the maps do not give as a figure).
            return "other", None, None, None
        verb, _ = _nearest_verb(sentence, lo, hi, q.start)
        if verb is None:
            verb, _ = _nearest_verb(sentence, 0, len(sentence), q.start)
        # "18% of Ukraine"; "about 112,000 sq km, or 18.5 percent, of Ukraine" (the comma of an apposition)
        territorial = re.match(r"\s*,?\s*(?:of\s+(?:the\s+|its\s+|their\s+|what\s+)?)", sentence[q.end:])
        if GREW_BY.search(sentence, max(0, q.start - 120), q.start):
            # "raised its holdings of Ukraine's land by 0.3 percentage points"
            return "share_gained", "gained", None, None
        if verb == "held" and _occupied_over_period(sentence, q) and territorial and territorial.group(0).strip():
            return "share_gained", "gained", None, None
        rise = _share_rise_or_fall(sentence, q, lo, hi)
        if rise is not None:
            return rise, rise.split("_")[1], None, None
        if _total_brought_to(sentence, q):
            return "share_held", None, "current", None
        if verb in ("lost", "gained") and territorial and territorial.group(0).strip():
            return f"share_{verb}", verb, None, None
        if verb == "held" and _SHARE_OF_HOLDING.search(sentence, 0, q.start):
            # "Russia's share of Ukraine's land has risen from 16.8% in May 2023 to 17.3%"
            return "share_held", None, aspect, None
        if _SHRUNK_BY.search(sentence_before) and _HOLDING_NOUN.search(sentence_before):
            # "Ukraine's grip on the Kursk region has shrunk by more than 40% since the summer":
            # the share of what it held that it lost.
            return "share_lost", "lost", None, None
        if verb == "held" and LESS_THAN_PEAK.match(sentence, q.end):
            # "hold around 40% less territory in Kursk than at their peak": the share of the peak lost.
            return "share_lost", "lost", None, None
        if verb == "held" and territorial and territorial.group(0).strip():
            if OF_WHAT_WAS_TAKEN.match(sentence, q.end):
                # "holding on to about 40% of the territory they seized in August": a share of
                # the side's own peak there (100 - the share lost), not of the country.
                return "share_held", None, "of_peak", None
            return "share_held", None, aspect, None
        if _damage_not_holding(sentence, lo, hi):
            return "other", None, None, None
        if verb is None and territorial and territorial.group(0).strip() and _COUNTRY_OR_REGION_AFTER.match(sentence, q.end):
            # "about 18% of Ukraine's territory" with no verb of change: a share held.
            return "share_held", None, aspect, None
        if _share_changed_to(sentence, q):
            return "share_held", None, "current", None
        share = _share_cue(sentence, q, lo, hi, prev_claims)
        if share is not None:
            return share, None, aspect, None
        return "other", None, None, None
    if q.normalized == "m":
        if q.per_period:
            return "advance_rate", None, None, None
        if _width_words(sentence, q):
            # "a salient some 40 km wide", "over a breadth of 40 km", "advanced along a wide
            # front for 30 km": the width of a side's push, the length of front it
            # moved on (measure.front_width: front_length, as the labels of every set read it), not
            # a distance moved.
            return "front_length", None, "current", None
        if DEPTH_OF.search(sentence, max(0, q.start - 40), q.start) or FROM_OLD_FRONT.match(sentence, q.end):
            # "to a depth of up to 70 km", "30km from the previous front line": how far a side pushed.
            return "depth", None, "current", None
        if DEPTH_INTO.match(sentence, q.end):
            # "pushed up to 35 km into Russia": how deep the side's ground reaches into the other country.
            return "depth", None, "current", None
        compass = _COMPASS_AFTER.match(sentence, q.end)
        moved = ADVANCE_VERBS.search(sentence, lo, q.start) or RETREAT.search(sentence, lo, q.start)
        if compass and moved and q.qualifier != "within":
            pass  # "advanced up to 10 km west of Avdiivka": where it advanced, not how far from the town
        elif _pushed_back_from(sentence, q, lo):
            pass  # "pushed Russian troops back 3 km from Kharkiv": how far they fell back, a depth below
        elif _AWAY_AFTER.match(sentence, q.end) and not ADVANCE_VERBS.search(sentence, lo, q.start):
            # "The enemy is 4 kilometres away": how far, from a place the text may not name.
            return "distance", None, "current", None
        elif DISTANCE_TO.match(sentence, q.end) or DISTANCE_TO_NOUN.match(sentence, q.end) or FROM_THE_FRONT.match(sentence, q.end):
            # "less than 3 kilometres from (the town of) Kurakhove", "The front line is now 20 miles
            # from Zaporizhzhia", "Kupiansk is 2.5 miles from the front line": how far the front is
            # from a place (before the front-length test: these sentences name the front too).
            return "distance", None, "current", None
        if (FRONT_LENGTH.search(sentence[lo:hi]) or _FRONT_AFTER.match(sentence, q.end)
                or (_LENGTH_VERB.search(sentence, lo, q.start) and _FRONT_WORD.search(sentence, 0, q.start))) \
                and not ADVANCE_VERBS.search(sentence[lo:hi]):
            # "The front line stretches for more than 1,000 kilometres."
            return "front_length", None, "current", None
        if _DEEP_AFTER.match(sentence, q.end):
            # "a 10-km-deep salient", "advanced 5 km deep": how far a side reaches.
            return "depth", None, "current", None
        if ADVANCE_VERBS.search(sentence) or RETREAT.search(sentence):
            if dates_mod.period_days(sentence, reference):
                # "advanced 4 km in the past week", "pushed up to 22 miles since the incursion began":
                # how far the side moved over the period (a depth from its line at the start), not
                # a pace; a pace is written per day ("200 metres a day": per_period above).
                return "depth", None, None, None
            if (ADVANCE_VERBS.search(sentence, lo, hi) or RETREAT.search(sentence, lo, hi)) and not q.qualifier == "between":
                # "advanced 8 km", "pushed up to 22 miles", "retreated 3 km": how far a side moved
                # (a retreat is the other side's advance: the frame builder reverses the side), with
                # no period to make it a pace: a depth.
                return "depth", None, "current", None
        cue = _length_cue(sentence, q, lo, hi)
        if cue is not None:
            return cue, None, "current", None
        return "other", None, None, None
    if q.normalized == "persons":
        # Losses ("1,500 soldiers killed or wounded") are casualties, not force size.
        if CASUALTIES.search(sentence):
            return "other", None, None, None
        if TROOP_WORDS.search(q.unit_text) or (q.inherited_from is not None):
            if TARGET.search(before_clause) or (q.inherited_from is not None and TARGET.search(sentence_before)):
                return "troops", None, "target", None
            return "troops", None, aspect if aspect == "current" else None, None
        return "other", None, None, None
    if q.normalized == "settlements":
        verb, _ = _nearest_verb(sentence, 0, len(sentence), q.start)
        if verb == "held":  # "still controls around 50 settlements in the Kursk region": a count on the day
            return "settlements", None, "current", None
        return "settlements", verb if verb in ("lost", "gained") else None, None, None
    return "other", None, None, None


# A change noun, then a verb of covering right before the figure: "the Russian advance ... covered",
# "Russian gains spanned".
_CHANGE_COVERED = re.compile(r"\b(?:gains|advances?|conquests)\b[^.;:]{0,60}?\b(?:covered|covers|covering|spanned|spans|"
                             r"spanning|encompassed|encompasses|encompassing)\s+" + _ROUGHLY + "$", re.I)


# A share of what was gained or lost rather than of a territory: "of the Russian gains", "of these advances".
# With no determiner too ("nearly 70% of Russian advances", "90% of Russian territorial gains": eighth pass).
_OF_THE_CHANGE = re.compile(r"\s+of\s+(?:(?:the|its|their|this|these|those|all)\s+)?(?:[\w'’-]+\s+){0,2}?"
                            r"(?:gains|advances|captures|losses|conquests)\b", re.I)


# "4 kilometres (2.5 miles) away" ending its clause.
_AWAY_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?away\b(?!\s+(?:from|of)\b)", re.I)
_TO_BEFORE = re.compile(r"\b(?:to|within)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _pushed_back_from(sentence: str, q: "_Quantity", lo: int) -> bool:
    """A length after a retreat in its clause, not introduced by "to" or "within" ("pushed
    Russian troops back 3 km from Kharkiv", "fell back 2 km from the village"): how far the side
    fell back, not how far it is from the place."""
    return bool(RETREAT.search(sentence, lo, q.start) and q.qualifier != "within"
                and not _TO_BEFORE.search(sentence, max(0, q.start - 30), q.start))


# A length's noun says what it measures when no verb does: "the distance between Russian positions
# and Pokrovsk has shrunk to 3 km", "a front of 1,000 kilometres", "the frontline's length of ...".
_DISTANCE_NOUN = re.compile(r"\b(?:distance|gap)\s+(?:between|from|to)\b", re.I)
_FRONT_OF = re.compile(r"\bfront(?:[\s-]*line)?s?\s+(?:of|spanning|stretching|running)\s+(?:(?:some|about|around|roughly|nearly|"
                       r"almost|over|more\s+than|approximately)\s+)?$", re.I)


# "within 3 kilometers of its outskirts": "within N of" is how far one thing is from another.
_WITHIN_OF = re.compile(r"\s*(?:\([^)]*\)\s*)?of\b", re.I)
# Nouns of a push into the other side's ground: "an incursion up to 30 km deep", "a breakthrough
# of 10 km", "the salient reached 12 km".
_PUSH_NOUN = re.compile(r"\b(?:incursions?|breakthroughs?|thrusts?|penetrations?|salients?|wedges?|bulges?|forays?|"
                        r"reach(?:ed|es|ing)?)\b", re.I)
# A front is hundreds of kilometres long; a length under this next to the word "front" is a
# distance or a depth, or the width of one sector's push.
_FRONT_MIN_M = 100_000
# The war's whole front has run 1,000-1,300 km since 2022; a front of 500 km or more is that front.
_WHOLE_FRONT_M = 500_000


def _whole_front(metres: float | None) -> bool:
    return metres is not None and metres >= _WHOLE_FRONT_M


def _length_cue(sentence: str, q: "_Quantity", lo: int, hi: int) -> str | None:
    """What a length measures by the noun it is the size of, when no verb or preposition said it:
    "distance" for "the distance between X and Y ... 3 km" or "within 3 km of ...",
    "front_length" for "a front of 1,000 km" (or a length of 100 km and more in a sentence about
    the front), "depth" for "an incursion up to 30 km"; None otherwise. The last of the length
    rules (measure.length_noun)."""
    cue = _length_cue_words(sentence, q, lo, hi)
    return cue[0] if cue else None


def _length_cue_words(sentence: str, q: "_Quantity", lo: int, hi: int) -> tuple[str, str] | None:
    """(measure, the words that say it) for :func:`_length_cue`."""
    m = _FRONT_OF.search(sentence, max(0, q.start - 40), q.start)
    if m:
        return "front_length", m.group(0).strip()
    m = _DISTANCE_NOUN.search(sentence, 0, q.start)
    if m:
        return "distance", m.group(0)
    if q.qualifier == "within" and _WITHIN_OF.match(sentence, q.end):
        return "distance", "within ... of"
    metres = _normalized_values(q)[0] if q.value is not None else _normalized_values(q)[2]
    m = _FRONT_WORD.search(sentence)
    if m and metres is not None and metres >= _FRONT_MIN_M:
        return "front_length", f"{m.group(0)} (a length of {_FRONT_MIN_M // 1000} km or more)"
    m = _PUSH_NOUN.search(sentence, lo, hi)
    if m:
        return "depth", m.group(0)
    return None


# An apposition between an area and a share of it: "107,956 square kilometers or 18 percent",
# "2,356 sq km (0.4%)".
_SHARE_APPOSITION = re.compile(r"^\s*(?:,\s*)?(?:\(|or\b|,)\s*(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|almost\s+|"
                               r"over\s+|more\s+than\s+|less\s+than\s+)?$", re.I)


_SHARE_NOUN = re.compile(r"\b(?:share|proportion|portion|percentage|part|control|holdings?)\b", re.I)


def _share_changed_to(sentence: str, q: "_Quantity") -> bool:
    """A share that rose or fell to the figure ("Russia's share of Ukrainian territory rose to
    18.3 percent", "Russian control shot up to 25%") is the share held once it changed
    (measure.share_changed_to)."""
    return bool(_CHANGED_TO.search(sentence, max(0, q.start - 60), q.start) and _SHARE_NOUN.search(sentence, 0, q.start))


# A share named as the rise or fall of a holding: "a 5.31% regain of land control", "an increase of
# one percentage point", "had its territorial control grow by 0.37% and 0.58%" (a second figure
# coordinated with the first shares its words), "a drop of 2 percent in the ground it holds".
_COORDINATED_SHARE = r"(?:\d[\d.,]*\s*(?:%|percent|per\s+cent)\s*(?:,\s*|\s+and\s+|,\s+and\s+|\s+or\s+))?"
_SHARE_RISE_BEFORE = re.compile(
    r"\b(?:(?:an?\s+)?(?:net\s+)?(?:increase|rise|growth|gain|regain)\s+of|(?:increase[sd]?|rise[sn]?|rose|grow[sn]?|grew|"
    r"grown|climb(?:ed|s)?|jump(?:ed|s)?)\s+by)\s+" + _OCCUPY_QUALIFIER + _COORDINATED_SHARE + "$", re.I)
_SHARE_FALL_BEFORE = re.compile(
    r"\b(?:an?\s+)?(?:net\s+)?(?:decrease|drop|decline|fall|loss|reduction)\s+of\s+" + _OCCUPY_QUALIFIER
    + _COORDINATED_SHARE + "$", re.I)
_SHARE_RISE_AFTER = re.compile(r"\s+(?:net\s+)?(?:increase|rise|growth|gain|regain)\s+(?:of|in)\b", re.I)
_SHARE_FALL_AFTER = re.compile(r"\s+(?:net\s+)?(?:decrease|drop|decline|fall|loss|reduction)\s+(?:of|in)\b", re.I)
# What rose or fell is a holding: a percentage point is always one; a percent only in a clause that
# names control, territory or occupation (not "the pace rose by 20%").
_HOLDING_WORD = re.compile(r"\b(?:control|territor(?:y|ies|ial)|land|occupation|occupied|holdings?)\b", re.I)
_POINTS = re.compile(r"\bpoints?\b", re.I)


def _share_rise_or_fall(sentence: str, q: "_Quantity", lo: int, hi: int) -> str | None:
    """``share_gained`` or ``share_lost`` for a share written as the rise or fall of a holding
    (measure.share_rise_or_fall), else None."""
    window = max(0, q.start - 80)
    if _SHARE_RISE_BEFORE.search(sentence, window, q.start) or _SHARE_RISE_AFTER.match(sentence, q.end):
        measure = "share_gained"
    elif _SHARE_FALL_BEFORE.search(sentence, window, q.start) or _SHARE_FALL_AFTER.match(sentence, q.end):
        measure = "share_lost"
    else:
        return None
    if _POINTS.search(q.unit_text or "") or _HOLDING_WORD.search(sentence, lo, min(len(sentence), hi + 40)):
        return measure
    return None


def _share_cue(sentence: str, q: "_Quantity", lo: int, hi: int, earlier: list) -> str | None:
    """The measure of a share no other rule read (measure.share_cue), or None: a share in the
    apposition of an area ("112,300 square kilometers or 19 percent of Ukraine") is the share of
    that area's measure; a share in a clause whose verb is one of holding ("Ukraine controls
    less than 1 percent") is a share held."""
    prev = earlier[-1] if earlier else None
    if prev is not None and prev.unit_normalized == "km2" and prev.span_in_sentence \
            and _SHARE_APPOSITION.match(sentence[prev.span_in_sentence[1]:q.start]):
        return {"area_held": "share_held", "area_change": "share_gained" if prev.direction == "gained" else None}.get(prev.measure)
    verb, _ = _nearest_verb(sentence, lo, hi, q.start)
    if verb == "held":
        return "share_held"
    if verb is None and _ACTION_NOUN.search(sentence, lo, q.start):
        # "the share freed has neared 75%": a share taken, named by its noun, with no
        # period: what is held (measure.share_cue, as a share taken with no period).
        return "share_held"
    return None


# Nouns of taking or holding ground, for a share whose clause has no verb of them.
_ACTION_NOUN = re.compile(r"\b(?:liberation|capture|occupation|seizure)\b", re.I)


# "changed hands": ground that moved between the sides, no side's holding.
_CHANGED_HANDS = re.compile(r"\bchang\w*\s+hands\b", re.I)


# A list item: a short label, a colon, then the figure ("Donetsk Oblast: 33 square kilometers near
# Pokrovsk"): the label says where, not what is measured (a list of gains as often as of holdings).
_LIST_LABEL = re.compile(r"\s*[\w'’ -]{1,40}:\s*" + _ROUGHLY)


def _bare_area_is_held(sentence: str, q: "_Quantity") -> bool:
    """An area in a sentence with no verb of gain, loss or holding, no period and no comparison
    ("The bridgehead is now about 500 square miles") is ground held (measure.area_no_verb); not a
    verbless list item whose label names only a place (its measure is left unknown: other)."""
    return not (_PERIOD_NAMED.search(sentence) or _SIZE_OF_FIGURE.search(sentence) or _CHANGED_HANDS.search(sentence)
                or GREY_ZONE.search(sentence)
                or (_LIST_LABEL.fullmatch(sentence, 0, q.start) and not _HOLDING_NOUN.search(sentence, 0, q.start)))


_WAR_START = dt.date(2022, 2, 24)
# A date next to a verb or noun of saying dates the statement ("the ISW noted in its most recent
# update on April 9", "Malyar said Monday", "last week estimated that"), not the figure.
_SPEECH_NEAR = re.compile(_SPEECH_NEAR_WORDS, re.I)
_SPEECH_BEFORE = re.compile(_SPEECH_NEAR.pattern + r"\s+(?:(?:in|on|at)\s+)?(?:(?:its|his|her|their|a|the)\s+)?"
                            r"(?:(?:latest|daily|evening|nightly|weekly|regular)\s+)?(?:(?!that\b|how\b)\w+\s+)?(?:on\s+)?$", re.I)
_SPEECH_AFTER = re.compile(r"^\s*,?\s*(?:(?:the|a|its|his|her)\s+)?(?:[\w'’-]+\s+){0,4}?" + _SPEECH_NEAR.pattern +
                           r"\s+(?:that\b|how\b)", re.I)


# "said Monday" (a weekday mention that opens with its verb of saying), "on Wednesday said": the
# day of the statement, with no "that" needed.
_SPEECH_OPENS = re.compile(r"^\s*" + _SPEECH_NEAR_WORDS, re.I)
_SPEECH_RIGHT_AFTER = re.compile(r"^\s*,?\s*(?:said|says|told|wrote|reported|announced|stated|claimed|estimated)\b", re.I)
# "On Saturday Russia claimed the village ...", "On Tuesday the ministry said ...": a day or weekday
# before its subject and verb of saying, with no "that".
_SPEECH_SUBJECT_AFTER = re.compile(r"^\s*,?\s*(?:the\s+)?(?:[A-Z][\w'’-]*\s+){1,3}(?:said|says|told|wrote|reported|announced|"
                                   r"stated|claimed)\b")


def _statement_dates(sentence: str, mentions: list) -> list:
    """The date mentions that date a statement rather than a figure."""
    return [d for d in mentions if d.kind in ("day", "weekday", "past") and (
        _SPEECH_BEFORE.search(sentence, max(0, d.start - 60), d.start) or _SPEECH_AFTER.match(sentence[d.end:])
        or _SPEECH_OPENS.match(sentence[d.start:d.end]) or _SPEECH_RIGHT_AFTER.match(sentence[d.end:])
        or (d.kind in ("day", "weekday") and _SPEECH_SUBJECT_AFTER.match(sentence[d.end:])))]


_START_OF_THE_DAY = re.compile(r"^(?:(?:since|from|starting)\s+)?the\s+(?:start|beginning)\s+of\s+the\s+day$", re.I)


def _day_of_the_statement(sentence: str, mentions: list, statement: list, published: dt.date | None) -> list:
    """"Since the start of the day" in a statement dated before the report's day ("Ukraine said on
    Wednesday its forces had advanced one to two kilometres since the start of the day") is the day
    of the statement, not the report's."""
    days = [d.date for d in statement if d.kind in ("day", "weekday") and d.date is not None
            and published is not None and d.date < published]
    if not days:
        return mentions
    return [replace(d, date=days[-1], start_date=days[-1])
            if d.kind == "since" and _START_OF_THE_DAY.match(sentence[d.start:d.end].strip()) else d for d in mentions]


def _statement_day(sentence: str, reference: dt.date | None) -> dt.date | None:
    """The day a sentence says its source spoke ("the outlet reported on November 25", "Maliar
    reported on Sept. 4 that ...", "the ministry said on Thursday"), when it is one of the seven days
    before the report's own day; else None."""
    if reference is None or not _SPEECH_NEAR.search(sentence):
        return None
    days = [d.date for d in _statement_dates(sentence, dates_mod.date_mentions(sentence, reference))
            if d.kind in ("day", "weekday") and d.date is not None
            and reference - dt.timedelta(days=7) <= d.date < reference]
    return days[-1] if days else None


def _said_on(sentence: str, where: tuple, reference: dt.date | None, before: tuple | None) -> tuple | None:
    """(paragraph, sentence index, day) of the last statement day the report gave
    (:func:`_statement_day`): this sentence's (``where``: its paragraph and index), or ``before``."""
    day = _statement_day(sentence, reference)
    return (*where, day) if day is not None else before


def _said_on_here(said_on: tuple | None, paragraph: int, i_sent: int) -> dt.date | None:
    """The statement day from which this sentence's "past week" is counted back: one given in its
    own paragraph or in the sentence right before it ("the outlet reported on November 25 ...
    [new line] Over the past week, ..."), not further on ("On October 2, Zelensky stated that ..."
    does not date another source's "in the past 24 hours" two paragraphs on)."""
    if said_on is None or (said_on[0] != paragraph and said_on[1] != i_sent - 1 and said_on[1] != i_sent):
        return None
    return said_on[2]


def _date_for(sentence: str, q_start: int, measure: str, direction: str | None,
              published: dt.date | None,
              others: tuple = (), ignore_after: int | None = None,
              q_end: int | None = None, said_on: dt.date | None = None) -> tuple[dt.date | None, dt.date | None, str]:
    """(date, start_date, rule) a claim refers to: what its words say (:func:`_date_of_the_words`),
    a period that runs to now ending on the day its statement was made (:func:`_period_to_the_statement`)."""
    dated = _date_of_the_words(sentence, q_start, measure, direction, published, others, ignore_after, q_end, said_on)
    return _period_to_the_statement(sentence, published, dated)


def _period_to_the_statement(sentence: str, published: dt.date | None, dated: tuple) -> tuple:
    """A period that runs to the report's day, in a sentence that dates its statement on one of the
    seven days before ("Moscow stated on Thursday that its troops had gained 900 sq km in June and
    July"; "On Sunday Moscow claimed the hamlet, one of about ten it claims to have taken
    this month"), runs to the day of the statement (date.period_to_the_statement)."""
    date, start, rule = dated
    if published is None or start is None or date != published or not _SPEECH_NEAR.search(sentence):
        return dated
    days = [d.date for d in _statement_dates(sentence, dates_mod.date_mentions(sentence, published))
            if d.kind in ("day", "weekday") and d.date is not None and published - dt.timedelta(days=7) <= d.date < published]
    if not days or days[-1] < start:
        return dated
    return days[-1], start, f"{rule}; date.period_to_the_statement: said on {days[-1].isoformat()}"


def _date_of_the_words(sentence: str, q_start: int, measure: str, direction: str | None,
                       published: dt.date | None,
                       others: tuple = (), ignore_after: int | None = None,
                       q_end: int | None = None, said_on: dt.date | None = None) -> tuple[dt.date | None, dt.date | None, str]:
    """(date, start_date) a claim's words give it. ``others``: where the sentence's other quantities
    start; a date in another quantity's clause is that quantity's ("800 sq km, down from 1,300
    sq km in August": August dates the 1,300, not the 800). ``ignore_after``: where a relative
    clause dating something else ends ("40% of the territory they seized in August": August dates
    the seizure, not the holding), so a date right after it is not the claim's. ``said_on``: the day
    the report says its source spoke (:func:`_statement_day`), from which "the past week" is counted
    back (date.past_period_of_statement)."""
    mentions = dates_mod.date_mentions(sentence, published)
    if said_on is not None:
        # "The outlet wrote on October 14 ... In the past week, Russian units seized 187.42
        # sq km": the week before the day it was said, not before the report's day.
        again = {(d.start, d.end): d for d in dates_mod.date_mentions(sentence, said_on) if d.kind == "past"}
        mentions = [again.get((d.start, d.end), d) if d.kind == "past" and dates_mod.counted_back(sentence[d.start:d.end])
                    else d for d in mentions]
    # "0.3 percent of Ukraine's land in 2014", "the annexation of Crimea in 2014": a date before
    # the war dates something else (borders, annexations); only a start may lie before it.
    mentions = [d for d in mentions if d.kind == "since" or d.date is None or d.date >= _WAR_START]
    statement = _statement_dates(sentence, mentions)
    mentions = [d for d in mentions if d not in statement]
    mentions = _day_of_the_statement(sentence, mentions, statement, published)
    sentence_days = [d for d in mentions if d.kind in ("as_of", "day")]  # before the clause filters
    # "800 square kilometres, a third less than in August": August dates the comparison, not the 800.
    mentions = [d for d in mentions if not _in_compared_part(sentence, d, q_start)]
    mentions = [d for d in mentions if not _second_predicates_period(sentence, d, measure, q_end)]
    mentions = [d for d in mentions if not _since_of_a_superlative(sentence, d, q_end)]
    if ignore_after is not None:
        mentions = [d for d in mentions if not (ignore_after <= d.start <= ignore_after + 12)]
    mentions = _own_date_mentions(sentence, mentions, measure, q_end)
    lo, hi = _clause_bounds(sentence, q_start)
    mentions = [d for d in mentions if not _dates_another_event(sentence, d, lo, hi)]
    in_clause = [d for d in mentions if lo <= d.start < hi]
    if in_clause or not others:
        pool = in_clause or mentions
    else:
        def owned(d):
            a, b = _clause_bounds(sentence, d.start)
            return any(a <= o < b for o in others)

        pool = [d for d in mentions if not owned(d)]
    by_kind = {d.kind: d for d in sorted(pool, key=lambda d: abs(d.start - q_start), reverse=True)}
    by_kind = _day_of_the_sentence(by_kind, sentence_days, q_start, others)
    shared = _period_of_the_sentence(by_kind, mentions, measure, sentence, q_start, others)
    if shared is not None:
        words = sentence[shared.start:shared.end]
        return (published if shared.kind == "since" else shared.date), shared.start_date, f"date.sentence_period: {words}"
    own_after = None  # the date written right after the figure, when there is one
    if q_end is not None:
        # "143 sq km in March, compared with 196 in February and 326 in January": a date right after
        # a figure, before the next one, is that figure's.
        nxt = min([o for o in others if o > q_start] + [hi, _relative_clause_start(sentence, q_end)])
        after = [d for d in pool if q_end <= d.start < min(nxt, q_end + 60) and d.kind not in ("now",)]
        if after:
            keep = {k: v for k, v in by_kind.items() if k in ("since", "now", "as_of") and v.start < q_start}
            by_kind = {**keep, after[0].kind: after[0]}
            own_after = after[0]
    is_change = measure in ("area_change", "share_lost", "share_gained", "settlements", "advance_rate", "depth")
    def said(d) -> str:
        return sentence[d.start:d.end]

    start = by_kind["since"].start_date if "since" in by_kind else None
    since = f"; start.since: {said(by_kind['since'])}" if "since" in by_kind else ""
    as_of_ends = _as_of_ending_the_period(sentence_days, start, measure)
    if "as_of" in by_kind:
        d = by_kind["as_of"]
        if as_of_ends is d:
            return d.date, start, f"date.as_of_ends_the_period: {said(d)}{since}"
        return d.date, None, f"{_day_rule(by_kind, d, 'date.as_of')}: {said(d)}"
    if "range" in by_kind:  # "between Nov. 1 and Nov. 20": its last day, and its first for a change
        d = by_kind["range"]
        return d.date, (d.start_date if is_change else None), f"date.range: {said(d)}"
    if "past" in by_kind:
        d = by_kind["past"]
        within = _span_within_named_period(sentence, d, mentions) if is_change else None
        if within is not None:
            return within.date, within.start_date, f"date.span_in_named_period: {said(d)} in {said(within)}"
        rule = "date.past_period"
        if said_on is not None and dates_mod.counted_back(said(d)):
            rule = f"date.past_period_of_statement (said on {said_on.isoformat()})"
        elif published is not None and d.start_date is not None and d.date is not None and \
                d.start_date.day == 1 and d.date == published.replace(day=1) - dt.timedelta(days=1) and \
                re.search(r"\b(?:month|year)\b", said(d), re.I):
            rule = "date.past_period_as_calendar (the month or year just ended, read in the first week of the next)"
        return d.date, d.start_date if is_change else None, f"{rule}: {said(d)}"
    if "month" in by_kind:
        d = by_kind["month"]
        if d is own_after and measure in _STATE_MEASURES:
            # "from 16.8% in May 2023 to 17.3% as of 31 May": a state dated by the month
            # written right after it is the state at that month's end.
            mid = dates_mod.mid_month_day(sentence, d.start, d.start_date)
            if mid is not None:
                return mid, None, f"date.named_period: mid-{said(d)} (its middle day)"
            return d.date, None, f"date.named_period: {said(d)} (the state at its end)"
        # A period already over is the figure's own period when it is written right after the figure
        # ("including 600 sq km last month"); one in a clause of its own ("half of the territory it
        # captured in May") starts what a present perfect counts to now.
        attached = d is own_after and q_end is not None and not any(
            v.search(sentence, q_end, d.start) for v in (GAINED_VERBS, LOST_VERBS, HELD_VERBS, _EVENT_VERBS, _CLAUSE_OPENER))
        attached = attached or not dates_mod.PRESENT_PERFECT.search(sentence, lo, hi)  # no perfect in the figure's clause
        if "now" in by_kind or dates_mod.month_runs_to_reference(sentence, d, published if attached else None):
            # A state is as of now, with no start ("it now controls a third of the ground it took
            # last year"); a change runs from the month to now.
            return published, (d.start_date if is_change else None), f"date.since_named_month_to_now: {said(d)}"
        return d.date, (d.start_date if is_change else None), f"date.named_period: {said(d)}"
    if "day" in by_kind:
        d = by_kind["day"]
        if _one_days_change(sentence, q_start, measure, start, d, said(d), published):
            return d.date, d.date, f"date.day_of_change: {said(d)}"
        return d.date, start, f"{_day_rule(by_kind, d, 'date.day')}: {said(d)}{since}"
    if "weekday" in by_kind:
        d = by_kind["weekday"]
        if measure == "depth" and start is None and not operations_mod.RUNNING.search(sentence, *_clause_bounds(sentence, q_start)):
            # "advanced between 1 and 3 km on Monday alone": how far over that one day ("already
            # some 35 km into Russia" on Friday is a running total, not Friday's advance).
            start = d.date
        return d.date, start, f"date.weekday: {said(d)}{since}"
    if statement:
        # "the ISW noted in its most recent update on April 9": the figure is as of the statement.
        d = statement[-1]
        return d.date if d.kind != "past" else published, start, f"date.statement: {said(d)}{since}"
    if "since" in by_kind:
        if by_kind["since"].date is not None and by_kind["since"].date != published:
            # "said on Wednesday ... since the start of the day": that day (date.statement_day).
            return by_kind["since"].date, start, f"date.statement_day{since}"
        if as_of_ends is not None:
            return as_of_ends.date, start, f"date.as_of_ends_the_period: {said(as_of_ends)}{since}"
        return published, start, f"date.publication{since}"
    return published, start, "date.publication: no date named; the report's day"


def _as_of_ending_the_period(sentence_days: list, start: dt.date | None, measure: str):
    """The one "as of" day of a sentence (wherever it is written) that ends the period a "since" starts
    for a change ("Ukraine has freed 58 per cent of the land seized since the start of the
    invasion, or about 69,000 sq km (as of October 3)"; "Figures as of July 9 show Russia has
    occupied 61,240 sq km since the invasion"), or None. Not a share lost, whose "since" bounds the
    peak it is a share of."""
    if start is None or measure not in _CHANGES:
        return None
    as_of = [d for d in sentence_days if d.kind == "as_of" and d.date is not None and d.date > start]
    return as_of[0] if len(as_of) == 1 else None


# "before the (full-scale) invasion", "prior to the invasion", "when it launched its invasion".
_BEFORE_THE_INVASION = re.compile(
    r"\b(?:(?:just\s+)?before|prior\s+to|on\s+the\s+eve\s+of)\s+(?:the\s+start\s+of\s+)?(?:the\s+|its\s+|Russia['’]s\s+|Moscow['’]s\s+)?"
    r"(?:(?:February\s+)?2022\s+)?(?:full[\s-]+scale\s+|large[\s-]+scale\s+)?invasion\b"
    r"|\bwhen\s+(?:it|Russia|Moscow)\s+launched\s+(?:its\s+)?(?:full[\s-]+scale\s+)?invasion\b", re.I)


def _held_before_the_invasion(sentence: str, q: "_Quantity", measure: str, dated: tuple) -> tuple:
    """A state said to be held before the invasion, with no other figure and nothing of now between
    the words and the figure ("Before the full-scale invasion, Russia held roughly 7%";
    "31% held by separatists before the February 2022 invasion"; "occupied about 7% when it launched
    its invasion"), is as of the day before it (date.before_the_invasion); not "with the territories
    held before the invasion, Moscow currently controls 18%", whose figure is now."""
    if measure not in _STATE_MEASURES:
        return dated
    for m in _BEFORE_THE_INVASION.finditer(sentence):
        between = sentence[m.end():q.start] if m.end() <= q.start else sentence[q.end:m.start()]
        if not CURRENT.search(between) and not re.search(r"\d", between):
            return dates_mod.INVASION_DAY - dt.timedelta(days=1), None, f"date.before_the_invasion: {m.group(0)}"
    return dated


def _one_days_change(sentence: str, q_start: int, measure: str, start: dt.date | None, d, words: str,
                     published: dt.date | None) -> bool:
    """Whether a change of ground or settlements whose only time is a calendar day written with its
    number, before the report's day ("Russia took 17 km2 on 9 July", "among its biggest
    one-day gains on 3 July by seizing over 95 km2"), is that one day's change
    (date.day_of_change); not a running total on that day ("had taken 28 settlements by ...", "has
    now captured ... on August 12"), nor an edge of a month ("since the end of August")."""
    return (start is None and measure in ("area_change", "settlements") and d.date is not None
            and re.search(r"\d", words) is not None and (published is None or d.date < published)
            and not operations_mod.RUNNING.search(sentence, *_clause_bounds(sentence, q_start)))


def _span_within_named_period(sentence: str, d, mentions: list):
    """The one named calendar period of the sentence (a month, a year, a range) that a span of time
    ("in a single month", "in 30 days") is the length of (date.span_in_named_period): "In May, ...
    27 settlements were liberated in a single month" is May; "in November they took 690 sq km in 30
    days" is November; the period is of the span's length, within a fifth. None when the span is no
    such span, or the sentence names no such period or several."""
    if not _DURATION.fullmatch(sentence[d.start:d.end].strip()):
        return None
    named = [m for m in mentions if m.kind in ("month", "range") and m.start_date is not None and m.date is not None]
    span = dates_mod.period_days(sentence[d.start:d.end])
    if len(named) != 1 or not span:
        return None
    # Of that length ("gaining 1,100 sq km in two weeks" in early August is no ten days of it).
    length = (named[0].date - named[0].start_date).days + 1
    return named[0] if abs(length - span) <= 0.2 * span else None


# A clause of its own between a figure and a date: "40% of the territory they occupied in August".
_CLAUSE_OPENER = re.compile(r"\b(?:it|they|we|he|she|that|which|who|when)\b", re.I)
def _day_rule(by_kind: dict, d, rule: str) -> str:
    return "date.sentence_day" if by_kind.get("sentence_day") is d else rule


def _day_of_the_sentence(by_kind: dict, days: list, q_start: int, others: tuple) -> dict:
    """A figure with no time of its own takes the sentence's last as-of day or day, even one the
    clause rules gave another clause (date.sentence_day): "As of November 20, Russia held 18% and
    Ukraine about 600 sq km in Kursk"; a day is the sentence's time unless the figure has one, or
    the day is written after another figure that follows this one ("held about 650 sq km, down
    from roughly 1,200 at the start of September": September dates the 1,200)."""
    if any(k in by_kind for k in ("as_of", "day", "range", "month", "past", "weekday", "since")):
        return by_kind
    # An "as of" dates what the sentence reports wherever it is written, and pins down its "now"
    # ("Ukraine now holds 500 sq km, ..., as of Thursday"); a bare day after another figure that
    # follows this one is that figure's.
    days = [d for d in days if d.kind == "as_of" or ("now" not in by_kind and not any(q_start < o < d.start for o in others))]
    if not days:
        return by_kind
    d = days[-1]
    return {**by_kind, d.kind: d, "sentence_day": d}


# Words that set two figures of a sentence against each other: each has its own time.
_CONTRAST = re.compile(r"\b(?:than|compared|down\s+from|up\s+from|versus|vs\.?|against|while|whereas|but|before|after|"
                       r"previous|earlier|prior)\b", re.I)


def _period_of_the_sentence(by_kind: dict, mentions: list, measure: str, sentence: str, q_start: int,
                            others: tuple):
    """The one period a sentence names, for a change with no time of its own whose sentence tells
    several changes side by side (date.sentence_period): "In 2025 Russian forces captured 4,300 sq
    km, and took 190 settlements"; not when the words between the figures set them against each
    other ("down from", "than", "while", "before") or the sentence names more than one period."""
    if by_kind or measure not in ("area_change", "settlements", "share_gained") or not others:
        return None
    periods = [d for d in mentions if d.kind in ("month", "range", "past", "since") and d.start_date is not None]
    if len(periods) != 1:
        return None
    d = periods[0]
    a, b = _clause_bounds(sentence, d.start)
    owner = [o for o in others if a <= o < b]
    if not owner:
        return None
    lo, hi = sorted((owner[0], q_start))
    if _CONTRAST.search(sentence, lo, hi):
        return None
    return d


_STATE_MEASURES = ("area_held", "share_held", "grey_zone", "front_length", "distance")
# "a third of the land it had seized, which, at its height in June, was 410 square miles":
# a relative clause after the figure tells of something else, and its dates are not the figure's.
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose|when)\b", re.I)
# "the annexation of Crimea in 2014 and the full-scale invasion of 2022": an event's own date.
_EVENT_NOUN_BEFORE = re.compile(
    r"\b(?:invasion|seizure|annexation|capture|fall|offensive|counter-?offensive|incursion|war|liberation|occupation)"
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)?\s+(?:in|on)\s+$", re.I)


def _relative_clause_start(sentence: str, q_end: int) -> int:
    """Where a relative clause after the figure begins (", which ..."), or the sentence's end."""
    m = _RELATIVE_CLAUSE.search(sentence, q_end)
    return m.start() if m else len(sentence)


def _own_date_mentions(sentence: str, mentions: list, measure: str, q_end: int | None) -> list:
    """The date mentions that may date the figure: not those of a relative clause after it ("a
    third of the land it had seized, which, at its height in June, was ..."), nor, for a
    state, an event's own date ("a fifth of Ukraine, the result of ... its invasion in 2022").
    (Dates inside the description of what a share is of, "half of the land that Russia had
    taken since February 2022", were tried as the object's too: +2 development claims' start, -1
    held out, so they stay the claim's.)"""
    if q_end is not None:
        # "..., which, at its height in June, stood near 410 square miles": the relative clause's.
        rel = _relative_clause_start(sentence, q_end)
        mentions = [d for d in mentions if d.start < rel or d.kind in ("as_of",)]
    if measure in _STATE_MEASURES:
        mentions = [d for d in mentions if d.kind in ("since", "as_of", "now")
                    or not _EVENT_NOUN_BEFORE.search(sentence, max(0, d.start - 60), d.start)]
    return mentions


# "taking over 950 square kilometres in three weeks": a span of time, which ends on the
# report's day only when the text counts to now (a present perfect, "now", "so far").
_DURATION = re.compile(r"(?:in|within|over)\s+(?:just\s+|only\s+)?(?:the\s+space\s+of\s+)?(?:a|an|one|a\s+single|\d{1,3}|two|"
                       r"three|four|five|six|seven|eight|nine|ten)\s+(?:hour|day|week|fortnight|month)s?", re.I)
# "the incursion started on 6 August, rapidly seizing roughly 1,000 km2": a start the text gives,
# and no end.
_BEGAN = re.compile(r"\b(?:began|begun|started|launched|kicked\s+off)\s+(?:on|in)\s+(?:early\s+|late\s+|mid-?)?$", re.I)
_CHANGES = ("area_change", "settlements", "share_gained", "depth", "advance_rate")


def period_doubt(sentence: str, measure: str, date_rule: str) -> str | None:
    """Why the period the frame builder gave a change is a guess, or None when it is what the
    text says. Two guesses are named: a span of time ("in two weeks") taken to end on the report's
    day in a sentence that does not count to now, and the start of an event ("began on 6 August")
    taken to run to the report's day in the same kind of sentence. The checker answers "not
    checkable" for such a claim rather than measure a period the text does not give."""
    if measure not in _CHANGES or operations_mod.RUNNING.search(sentence):
        return None
    if date_rule.startswith("date.of_the_whole: ") and " (" in date_rule:  # a part has its whole's doubt
        return period_doubt(sentence, measure, date_rule.split(" (", 1)[1].rstrip(")"))
    if date_rule.startswith("date.past_period: "):
        said = date_rule.split(": ", 1)[1].split(";", 1)[0]
        if _DURATION.fullmatch(said.strip()):
            return f"'{said.strip()}' is a span of time, and the text does not say when it ended"
    if "start.since: " in date_rule and date_rule.startswith("date.publication"):
        said = date_rule.split("start.since: ", 1)[1].split(";", 1)[0]
        at = sentence.find(said)
        if at > 0 and _BEGAN.search(sentence, max(0, at - 30), at):
            return f"it began {said}, and the text does not say until when"
    return None


def _period_of_whole(q: "_Quantity", quantities: list, sentence_claims: list, measure: str,
                     dated: tuple) -> tuple:
    """A part of an earlier figure with no date of its own ("under 450 square miles has switched
    sides this year - Russia took 290 of them"; "five settlements - four in Donetsk") has that
    figure's period. ``dated``: (date, start_date, rule) as ``_date_for`` gave them."""
    date, start_date, rule = dated
    if q.inherited_from is None or not rule.startswith("date.publication: no date named"):
        return dated
    whole_at = quantities[q.inherited_from].start if q.inherited_from < len(quantities) else None
    whole = next((c for c in sentence_claims if c.span_in_sentence and c.span_in_sentence[0] == whole_at), None)
    if whole is None or whole.measure != measure:
        return dated
    if "start.operation" in whole.explain.get("date", ""):
        # "74 settlements in Mykolaiv and 430 in the Kharkiv region": the whole's start is its own
        # place's operation; the part's running total is dated by its own place (start.operation).
        return dated
    return whole.date, whole.start_date, f"date.of_the_whole: {whole.surface} ({whole.explain.get('date', '')})"


_OWN_COUNTRY = {"russia": "RUS", "ukraine": "UKR"}
# "in the Kupiansk, Lyman, Siversk, and Toretsk directions": names in a list.
_LIST_OF_NAMES = re.compile(r"[A-Z][\w'’-]*,\s+[A-Z]|[A-Z][\w'’-]*\s+and\s+[A-Z]")
# "a marked drop from earlier estimates that showed control of almost 1,250 sq km",
# "down from 1,300 sq km": a figure of an earlier time, right before the figure.
_EARLIER_FIGURE = re.compile(
    r"\b(?:(?:down|up|decrease|decline|drop|fall|increase|rise|reduction)\w*\s+from|"
    r"(?:prior|previous|earlier|former|initial)\s+(?:estimates?|figures?|reports?|assessments?|claims?))\b"
    r"[^.;:]{0,60}$", re.I)


def frame_doubts(claim: "Claim", last_place: PlaceMention | None) -> dict[str, str]:
    """The side or place of a framed claim that a default rule had to guess, with the reason
    (``last_place``: the last place the report named before the claim's sentence):

    - the whole country (place.whole_country) for a claim whose sentence names no place, after
      the report has named a region or a front sector ("... in the Pokrovsk and Kurakhove directions. In 2023,
      Russia gained 387 sq km": there, or in all Ukraine?); one place taken from several named
      together ("taking 960 sq km in the Kupiansk, Lyman, Siversk, and Toretsk
      directions": not the Kupiansk direction alone);
    - a side read from the object of the sentence when that object is the place itself, for a
      holding of a country ("under 0.005 per cent of Russia's whole land area": whose?);
    - the report's day for a figure of an earlier time that names no day of its own ("a marked drop
      from earlier estimates that showed control of almost 1,250 sq km": when?).
    """
    doubts: dict[str, str] = {}
    earlier = _EARLIER_FIGURE.search(claim.sentence or "", 0, (claim.span_in_sentence or (0, 0))[0])
    if earlier and claim.explain.get("date", "").startswith(_REPORT_DAY_RULES) and claim.aspect != "peak":
        doubts["date"] = f"an earlier figure ('{earlier.group(0).strip()}'), and the text does not say when"
    place_rule = claim.explain.get("place", "")
    if place_rule.startswith("place.whole_country") and last_place is not None and \
            last_place.kind in ("oblast", "oblast_or_city", "union", "direction"):
        # A town named before is no such doubt: "The town of Kupiansk fell. Russia has captured
        # 2,000 sq km this year" is the country's; a region or a front sector is.
        doubts["place"] = (f"the sentence names no place, and the report named {last_place.text} before: "
                           "there, or the whole country?")
    named = place_rule.split(": ", 1)[1] if ": " in place_rule else ""
    if claim.place and "+" not in claim.place and not place_rule.startswith("place.unsure") and \
            "place.oblast_of_all" not in place_rule and _LIST_OF_NAMES.search(named):
        doubts["place"] = (f"the text names several places together ({named}); {claim.place} is one of them, "
                           "and the figure is about them all")
    if claim.explain.get("side", "").startswith("side.object") and claim.measure in ("share_held", "area_held") \
            and claim.side and _OWN_COUNTRY.get(claim.side) == claim.place:
        doubts["side"] = (f"the only side named, {claim.side}, is the country the figure is a part of "
                          f"({claim.place}), not who holds it")
    return doubts


# "regaining 1.76% of land control", "retook 3% of Ukraine": a share of the country, not of
# what the other side had taken.
_OF_CONTROL_OR_COUNTRY = re.compile(r"\s+of\s+(?:(?:its|their|the)\s+)?(?:(?:land|territorial)\s+)?control\b"
                                    r"|\s+of\s+(?:the\s+country|Ukraine|Russia)\b(?!['’]s)")
_RETAKEN = re.compile(r"\b(?:recaptur\w*|retook|retaken|retak\w*|regain\w*|(?:won|took|taken)\s+back)\b", re.I)
_COMPARED_THAN = re.compile(r"\b(?:less|more|fewer|lower|higher|smaller|larger|bigger|greater)\s+(?:(?!than\b)[a-z]+\s+){0,2}than\s+"
                            r"(?:(?:in|on|at|during|by)\s+)?(?:the\s+(?:start|beginning|end)\s+of\s+)?"
                            r"(?:(?:early|mid|late)[\s-]*)?$", re.I)
_PARTICIPLE_CLAUSE = re.compile(r"\s*(?:with\s+(?:(?:the|its|their)\s+)?[\w'’-]+(?:\s+(?:forces|troops|army))?\s+)?(?:[a-z]+ly\s+)?(?:seizing|capturing|taking|gaining|losing|retaking|recapturing|"
                                r"advancing|occupying|adding|bringing|pushing|ceding|extending|reaching|covering|"
                                r"totall?ing|amounting|spanning)\b", re.I)
# A clause of its own that dates another event: "..., including Crimea, which it annexed in March
# 2014"; "..., including land it seized in March 2022".
_EVENT_VERBS = re.compile(r"\b(?:annex\w*|began|begun|started|launched|invaded|entered|crossed)\b", re.I)


# A clause that opens with a comparison: "..., more than all the progress of September",
# "..., compared with the 400 sq km of September".
_COMPARISON_OPENS = re.compile(r"\s*(?:(?:far|much|even|slightly|somewhat|a\s+little|well|nearly|almost)\s+)?"
                               r"(?:(?:more|less|fewer|greater|larger|smaller|higher|lower|bigger)\s+than|"
                               r"compared\s+(?:with|to)|up\s+from|down\s+from|versus|vs\.?)\b", re.I)


def _in_compared_part(sentence: str, d, q_start: int) -> bool:
    """Whether date mention ``d`` lies in the compared part of a comparison, and so dates the figure
    compared with, not the claim (date.compared): right after a comparative and its noun ("800 sq
    km, a third less than in August", "44% less territory than in August"), or in a clause of its own,
    not the figure's, that opens with a comparison ("Since early October, they have seized 540 sq
    km, more than all the progress of September")."""
    if _COMPARED_THAN.search(sentence, max(0, d.start - 40), d.start):
        return True
    lo, hi = _clause_bounds(sentence, d.start)
    if lo <= q_start < hi:
        return False
    return bool(_COMPARISON_OPENS.match(sentence, lo))


def _second_predicates_period(sentence: str, d, measure: str, q_end: int | None) -> bool:
    """Whether date mention ``d`` of a period belongs to a verb of change written between a state's
    figure and it (date.second_predicate): a state ("hold 20% of Ukraine's territory", "now control
    over 70 square miles") is not dated by the period of a change ("and have advanced ... over the
    past two months", "and have booked their largest gains of ground since late 2022")."""
    if q_end is None or measure not in _STATE_MEASURES or d.start < q_end or d.kind not in ("past", "range", "month", "since"):
        return False
    between = sentence[q_end:d.start]
    return any(v.search(between) for v in (GAINED_VERBS, LOST_VERBS, ADVANCE_VERBS, _EVENT_VERBS))


# "the greatest loss of territory since April 1944", "a record since the opening weeks of the war", "the
# fastest pace since 2022": the words after "since" are what the superlative is measured against.
_SUPERLATIVE = re.compile(r"\b(?:biggest|largest|greatest|fastest|quickest|slowest|highest|lowest|worst|best|deepest|"
                          r"heaviest|strongest|smallest|longest|(?:most|least)\s+[a-z]+|record|first\s+time)\b"
                          r"[^.;:!?()]{0,60}$", re.I)
_SINCE_WORD = re.compile(r"\bsince\b", re.I)


def _since_of_a_superlative(sentence: str, d, q_end: int | None) -> bool:
    """Whether a "since" mention is the baseline of a superlative written before it (date.superlative):
    "800 sq km has been seized, the greatest loss of Russian territory since April 1944" names no
    period of the figure; the claim keeps whatever else dates it. The superlative follows the figure
    ("the largest gains in Luhansk, where it has taken 1,520 sq km since January" is
    the figure's period)."""
    if d.kind != "since" or q_end is None or d.start < q_end:
        return False
    word = [m for m in _SINCE_WORD.finditer(sentence, max(0, d.start - 25), min(len(sentence), d.start + 6))]
    if not word:
        return False
    at = word[-1].start()
    sup = _SUPERLATIVE.search(sentence, max(q_end, at - 80), at)
    return sup is not None


def _dates_another_event(sentence: str, d, lo: int, hi: int) -> bool:
    """Whether date mention ``d`` lies in another clause than the claim's (``lo``:``hi``) that has
    a verb of its own before the date, so it dates that verb's event, not the claim. A clause
    opening with "since", "from" or "between" is a period, and one without a verb ("In October,
    Russia took ...") dates the claim."""
    if lo <= d.start < hi:
        return False
    if d.start < lo and _PARTICIPLE_CLAUSE.match(sentence, lo):
        # "..., seizing about 3,000 square kilometres": a participle clause tells more of the
        # clause before it, whose dates are its own ("captured more territory this year").
        return False
    a, _ = _clause_bounds(sentence, d.start)
    clause = sentence[a:d.start]
    if re.match(r"\s*(?:since|from|between|by|as\s+of)\b", clause, re.I):
        return False
    return any(v.search(clause) for v in (GAINED_VERBS, LOST_VERBS, HELD_VERBS, _EVENT_VERBS))


def _published_date(published: dt.date | dt.datetime | str | None) -> dt.date | None:
    if published is None:
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    if isinstance(published, str):
        return dt.date.fromisoformat(published[:10])
    raise TypeError(f"published must be a date, got {type(published).__name__}")


def _reference(clean: str, page_date: dt.date | None, published) -> dt.date | None:
    return _published_date(published) or page_date or (dates_mod.dateline_date(clean) if clean.strip() else None)


def reference_date(text, published=None, page_date=None) -> dt.date | None:
    """The date "now" refers to: ``published``, else a web page's publication time (``page_date``
    when the page was read already, as :func:`document_text` gives it), else the text's dateline."""
    clean, found = document_text(text)
    return _reference(clean, page_date or found, published)


def extract_claims(text: str | bytes | None, published: dt.date | None = None,
                   stats: dict[str, int] | None = None, max_claims: int | None = MAX_CLAIMS_PER_DOCUMENT,
                   max_quantities: int | None = MAX_QUANTITIES_PER_DOCUMENT) -> list[Claim]:
    """The numeric claims in an English news text, in reading order.

    ``published`` is the date "now" refers to; when None it is read from a
    dateline in the text ("7:03 AM EST, November 24, 2024"). Empty, binary or
    non-English input yields an empty list (with a warning for non-English).
    ``stats``, when given, is filled with the work done: sentences read,
    quantities examined, claims, sentences skipped. The work is bounded while it
    is done: a sentence with more than MAX_NUMBERS_PER_SENTENCE figures is
    skipped, and reading stops after ``max_quantities`` figures or ``max_claims``
    claims (with a warning; None: no such cap, for a caller that reads its own
    files, such as the CLI).

    Each claim's ``explain`` names the rule and the words that gave each field,
    and its ``unsure`` the fields the pipeline could not settle, with the reason
    (see docs/claims.md).
    """
    work = stats if stats is not None else {}
    work.update(sentences=0, quantities_examined=0, claims=0, sentences_skipped=0)
    clean, page_date = document_text(text)
    if not clean.strip():
        return []
    if not looks_english(clean):
        notices.warn("frontwatch.claims: text does not look like English; no claims extracted",
                     stacklevel=2)
        return []
    reference = _reference(clean, page_date, published)
    sentences = split_sentences(clean)
    attributions = attributions_for(sentences)
    claims: list[Claim] = []
    context = _PlaceContext([sent.text for sent in sentences])
    last_subject_side: str | None = None
    last_singular_side: str | None = None
    last_claim_side: str | None = None
    previous_period = None  # (paragraph, text) of the sentence before, for its period (date.carried)
    said_on = None  # (paragraph, day): the last day the report says its source spoke (date.past_period_of_statement)
    unit_before = None  # the last area or settlement count of the sentence before (quantity.elided_unit)
    month_tallied = _MonthTally(sentences, reference)  # the month a report of a month's first week tallies
    as_of_before = None  # (day, words) of the last "as of" / "by" day named in the report so far (date.report_as_of)
    for i_sent, (sent, att) in enumerate(zip(sentences, attributions)):
        text_s = sent.text
        work["sentences"] += 1
        if (max_quantities is not None and work["quantities_examined"] >= max_quantities) or \
                (max_claims is not None and len(claims) >= max_claims):
            work["sentences_skipped"] = len(sentences) - work["sentences"] + 1
            notices.warn(f"frontwatch.claims: stopped after {work['quantities_examined']} figures and {len(claims)} "
                         f"claims; {work['sentences_skipped']} sentences not read (not a news report?)", stacklevel=2)
            break
        # Most prose sentences hold no number at all; skip the scanners there.
        if _NUMBERISH.search(text_s):
            quantities = _quantities_in(text_s, dates_mod.non_quantity_spans(text_s), unit_before)
        else:
            quantities = []
        unit_before = next((x for x in reversed(quantities) if x.normalized in _ELIDED_UNITS), None)
        own_att = attribution_span_in(text_s) if quantities else None
        att_span = own_att[1] if own_att else None
        # Names inside the attribution ("according to Deepstate") are speakers, not places.
        anchors = dates_mod.time_anchor_spans(text_s)
        all_mentions = _compass_fronts(place_mentions(text_s), reference)
        mentions = [m for m in all_mentions if not (att_span and att_span[0] <= m.start < att_span[1])
                    and not any(a <= m.start < b for a, b in anchors)]
        if quantities and att_span:
            # "Serhiy Haidai, the governor of Luhansk Oblast, said ... 10 percent of the region": a place
            # in the speaker's description, before the figures, is named for what follows.
            context.see([m for m in all_mentions if att_span[0] <= m.start < min(att_span[1], quantities[0].start)])
        places = [(m.start, m.city or m.canonical if m.kind == "oblast_or_city" else m.canonical) for m in mentions]
        if not quantities:
            said_on = _said_on(text_s, (sent.paragraph, i_sent), reference, said_on)
            as_of_before = _as_of_day(text_s, reference) or as_of_before
            context.see(mentions, text_s)
            last_subject_side = _subject_side(text_s) or last_subject_side
            last_singular_side = _singular_subject_side(text_s) or last_singular_side
            previous_period = (sent.paragraph, text_s)
            continue
        said_on = _said_on(text_s, (sent.paragraph, i_sent), reference, said_on)
        report_as_of = as_of_before
        as_of_before = _as_of_day(text_s, reference) or as_of_before
        sentence_claims: list[Claim] = []
        room = min(len(quantities),
                   len(quantities) if max_quantities is None else max_quantities - work["quantities_examined"],
                   len(quantities) if max_claims is None else max_claims - len(claims))
        quantities = quantities[:max(0, room)]
        work["quantities_examined"] += len(quantities)
        conversions = _conversions(text_s, quantities)
        skipped = None  # the last locator left out (quantity.locator), for its conversion
        for q in quantities:
            if _restates_previous(text_s, q, sentence_claims):
                continue
            if q.normalized == "m" and not q.per_period and (
                    _locator(text_s, q) or (skipped is not None and _AND_BEFORE.match(text_s[skipped.end:q.start]))):
                skipped = q
                continue  # where a place lies, not a claim about the front
            if _dimensions(text_s, q):
                continue  # the size of a rectangle, not a claim about the front
            if _population(text_s, q):
                continue  # how many people live in a place, not a claim about the front
            if skipped is not None and re.fullmatch(r"\s*[(\[]\s*(?:or\s+|about\s+|roughly\s+|some\s+|nearly\s+)?",
                                                    text_s[skipped.end:q.start]):
                skipped = q
                continue  # the locator's bracketed conversion
            measure, direction, aspect, period = _classify(text_s, q, sentence_claims, reference)
            measure_rule = None
            earlier = sentence_claims[-1] if sentence_claims else None
            if (earlier is not None and earlier.unit_normalized == q.normalized
                    and COMPARED_WITH.search(text_s[max(0, q.start - 40):q.start])):
                # "11%, down from 27% in March 2022": the same measure at another time.
                measure, direction = earlier.measure, earlier.direction
                measure_rule = f"measure.same_as_figure_compared: {earlier.surface}"
                aspect = ("peak" if PEAK.search(text_s[max(0, q.start - 40):q.start]) or _ONCE_HELD.match(text_s, q.end)
                          or _AT_THE_PEAK_OF.match(text_s, q.end) else "previous")
            value_n, low_n, high_n, unit_n = _normalized_values(q)
            if period and q.entry is not None and q.entry.pint_unit:
                value_n = None if q.value is None else length_over_days_per_day(q.value, q.entry.pint_unit, period)
                low_n = None if q.low is None else length_over_days_per_day(q.low, q.entry.pint_unit, period)
                high_n = None if q.high is None else length_over_days_per_day(q.high, q.entry.pint_unit, period)
                unit_n = "m_per_day"
            side, side_rule = _side_for(text_s, q.start, q.end, q.modifier, att, att_span,
                                        persons=q.normalized == "persons")
            if q.inherited_from is not None and side is None and q.inherited_from < len(sentence_claims):
                side = sentence_claims[q.inherited_from].side
                side_rule = "side.same_as_figure_before"
            pronouns = list(PRONOUN_SUBJECT.finditer(text_s, 0, q.start))
            if side is None and pronouns and pronouns[-1].group(0).lower() == "it" and last_singular_side:
                # "Maybe the Russians posted along the border ... never believed the Ukrainian army
                # had the means for such an operation. Until now it has gone well, pushing as far as
                # 25km": "it" agrees with a singular subject, not with "the Russians".
                side, side_rule = (last_singular_side,
                                   "side.previous_subject: 'it' for the previous sentences' singular subject")
            if side is None and pronouns and last_subject_side:
                side, side_rule = last_subject_side, "side.previous_subject: a pronoun for the previous sentence's subject"
            if side is None and last_subject_side and measure in _SIDED_MEASURES and not actor_mentions(text_s):
                # "Ukrainian gains peaked on August 18-19 ... The zone of fighting had shrunk
                # to 455 square kilometres": a sentence naming no side goes on about the last one named.
                side, side_rule = last_subject_side, "side.carried: the previous sentence's subject"
            if side is None and _OCCUPIED_PASSIVE.search(text_s, *_clause_bounds(text_s, q.start)):
                side, side_rule = "russia", "side.occupied: 'occupied' on the maps is Russia's holding"
            if side is None and measure in _SIDED_MEASURES + ("distance",) and _speaker_side(att):
                # '"More than 800 square kilometers have been liberated," Rudskoi said': a gain or a
                # holding with no actor named is the speaker's own side's (not a front's length: the
                # whole front is nobody's; not the grey zone: ground neither side holds).
                side, side_rule = _speaker_side(att), f"side.speaker: {att.who}"
            if side is None and measure in _SIDED_MEASURES and last_claim_side:
                side, side_rule = last_claim_side, "side.report_side: the side of the report's last claim"
            if measure in ("advance_rate", "depth") and (RETREAT_OWN.search(text_s) or (
                    RETREAT.search(text_s) and side_rule.startswith("side.object"))):
                side, side_rule = _opposite(side), side_rule + "; reversed: the side named falls back"
            coordinated = _coordinated_with(text_s, q, sentence_claims) if measure == "other" and measure_rule is None else None
            if coordinated is not None:
                measure, direction, aspect = coordinated.measure, coordinated.direction, None
                measure_rule = f"measure.coordinated: like {coordinated.surface} (a verbless coordinated clause)"
                if coordinated.side:
                    side, side_rule = coordinated.side, f"side.coordinated: like {coordinated.surface}"
            remainder = (_remainder_to_take(text_s, q)
                         if measure in ("area_change", "share_gained") and measure_rule is None else None)
            if remainder is not None:
                # "must still free the final 15 sq km": what the side still has to take, the other side holds.
                measure, direction, aspect = ("area_held" if measure == "area_change" else "share_held"), None, "current"
                measure_rule = f"measure.remainder_to_take: {remainder}"
                side, side_rule = _opposite(side), side_rule + "; reversed: ground still to be taken is the other side's"
            prev = sentence_claims[-1] if sentence_claims else None
            apposition_of = None
            if prev is not None and prev.span_in_sentence and _APPOSITION_GAP.match(
                    text_s[prev.span_in_sentence[1]:q.start]):
                side, side_rule = prev.side, f"side.apposition: the figure before ({prev.surface})"
                apposition_of = prev
            if measure == "front_length" and side is not None and _whole_front(value_n if value_n is not None else high_n):
                # "under Russian assault along the over 1,000 km front line": the whole front is
                # nobody's (a front's width of push, tens of km, keeps the side that pushed).
                side, side_rule = None, "side.whole_front: a front of 500 km or more is the whole front, nobody's"
            if measure == "grey_zone":  # ground neither side holds
                side, side_rule = None, "side.grey_zone: ground neither side holds"
            if measure == "share_gained" and (_OF_WHAT_WAS_LOST.match(text_s, q.end) or (
                    _RETAKEN.search(text_s, 0, q.start) and not _OF_CONTROL_OR_COUNTRY.match(text_s, q.end))):
                # "Moscow has recaptured about half of the territory it lost", "By mid-November,
                # Russia had retaken about 40% of the territory": the share of the other side's
                # peak there that it lost again.
                measure, direction, side = "share_lost", "lost", _opposite(side)
            if measure == "share_held" and aspect == "of_peak":
                taker = OF_WHAT_WAS_TAKEN.match(text_s, q.end).group("taker") or ""
                taker_side = next((sd for rx, sd in SIDES[:3] if rx.search(taker)), None) if taker[:1].isupper() else None
                if taker_side and side and taker_side != side:
                    # "Russia now holds about 45% of the Kursk territory Ukraine took in August":
                    # what the taker lost again, as a share of its peak there.
                    measure, direction, aspect, side = "share_lost", "lost", None, taker_side
                    measure_rule = f"measure.share_lost: a share of what {taker} took, held by the other side"
            taken_by = OF_WHAT_WAS_TAKEN.match(text_s, q.end) if measure in ("share_gained", "share_held") else None
            if taken_by and GAINED_VERBS.search(text_s, 0, q.start) and not _IT_TOOK_AFTER.match(text_s, q.end):
                # "it had freed over half of the land that Russia had taken", "More than
                # 750 sq km have been liberated, about 64% of the territory initially occupied": the share
                # of the taker's ground it lost again.
                taker = taken_by.group("taker") or ""
                taker_side = side_of_words(taker) if taker[:1].isupper() else None
                loser = taker_side or opposite(side)
                if loser and loser != side:
                    measure, direction, aspect, side = "share_lost", "lost", None, loser
                    side_rule = f"side.taker: the side that had taken it ({taker or 'the other side'})"
                    measure_rule = "measure.share_lost: a share of what the other side had taken, retaken"
            taken = (OF_WHAT_WAS_TAKEN.match(text_s, q.end) if aspect == "of_peak"
                     else LESS_THAN_PEAK.match(text_s, q.end) if measure == "share_lost" else None)
            # A share of a side's gains is dated as the gains are (their period), though the maps give
            # no such ratio ("almost half of those gains in the past three months").
            dated_as = "share_gained" if measure == "other" and _OF_THE_CHANGE.match(text_s, q.end) else measure
            date, start_date, date_rule = _date_for(text_s, q.start, dated_as, direction, reference,
                                                    tuple(x.start for x in quantities if x is not q and x.start not in conversions),
                                                    ignore_after=taken.end() if taken else None, q_end=q.end,
                                                    said_on=_said_on_here(said_on, sent.paragraph, i_sent))
            date, start_date, date_rule = _respectively(text_s, q, quantities, conversions, dated_as, reference,
                                                        (date, start_date, date_rule))
            date, start_date, date_rule = _period_of_whole(q, quantities, sentence_claims, dated_as,
                                                           (date, start_date, date_rule))
            date, start_date, date_rule = _total_beside_a_part(text_s, q, quantities, conversions, dated_as, reference,
                                                               (date, start_date, date_rule))
            if not date_rule.startswith("date.total") and not _IN_TOTAL.search(text_s):
                # "In December, Russian troops took 30 settlements. In total, they have liberated 4,500
                # sq km": a total sums more than the sentence before told of (its period is unsure).
                date, start_date, date_rule = _period_carried(dated_as, previous_period, sent.paragraph, reference,
                                                              (date, start_date, date_rule), text_s)
            date, start_date, date_rule = _report_as_of(report_as_of, (date, start_date, date_rule))
            date, start_date, date_rule = _dates_of_the_apposition(apposition_of, (date, start_date, date_rule))
            date, start_date, date_rule = _from_the_invasion(date, start_date, date_rule)
            if measure == "share_gained" and start_date is None and not GREW_BY.search(text_s, max(0, q.start - 120), q.start) \
                    and not _names_a_period(text_s) and _share_rise_or_fall(text_s, q, *_clause_bounds(text_s, q.start)) is None:
                # "Russia, which has seized about a fifth of Ukraine": a share taken over no period
                # the text names is what the side holds now. A period the sentence names that the
                # dates could not place ("over the course of the month") keeps it a gain (unsure).
                measure, direction = "share_held", None
                measure_rule = "measure.share_taken_without_period_is_held"
            peak_before = _peak_estimated_again(text_s, q, measure, side, aspect, date_rule, context.claims_before)
            if peak_before is not None:
                aspect = "peak"
                date_rule = (f"date.peak_as_before: another estimate of the peak in the sentence before "
                             f"({peak_before.surface}); the peak up to the report's day")
            date, start_date, date_rule = _held_before_the_invasion(text_s, q, measure, (date, start_date, date_rule))
            if aspect != "peak":
                # The report's day by default, moved to the day the report says its figures are of.
                date, start_date, date_rule = _statement_day_carried(said_on, text_s, (date, start_date, date_rule))
                date, start_date, date_rule = _as_of_the_month_tallied(month_tallied, reference,
                                                                       (date, start_date, date_rule))
            # The place last: it depends on the measure and the side as rewritten above (a share of
            # what the other side took is the taker's loss, and lies where the taker held ground).
            place, inferred, place_rule = _frame_place(text_s, q, measure, side, direction, mentions, context,
                                                       tuple(x.start for x in quantities), reference,
                                                       figure=(value_n if value_n is not None else high_n, unit_n,
                                                               start_date, date))
            place_rule = _oblast_of_all_rule(place, place_rule, mentions)
            place_rule = _spelling_rule(place, place_rule, mentions)
            place, inferred, place_rule = _incursion_country(place, inferred, place_rule, measure, reference,
                                                             _share_of_taken(text_s, q))
            if apposition_of is not None and apposition_of.place and place is None:
                place, inferred, place_rule = (apposition_of.place, apposition_of.place_inferred,
                                               f"place.apposition: the figure before ({apposition_of.surface})")
            if not mentions and _INCURSION.search(text_s):
                # "Since Ukraine's incursion began, ...": the incursion of August 2024 is Kursk's.
                place, inferred, place_rule = "Kursk oblast", True, "place.the_incursion: " + _INCURSION.search(text_s).group(0)
            within = _region_of_place(text_s, place, places) if place and not inferred else None
            front = FROM_THE_FRONT.match(text_s, q.end) if measure == "distance" else None
            if front:  # the distance is to the named side, or to the front: decided by the check
                side = {"russian": "russia", "ukrainian": "ukraine"}.get((front.group("side") or "").lower())
                subject = _SUBJECT_PLACE.search(text_s, 0, q.start)
                if subject and subject.group("name").split()[0] not in NOT_PLACES:
                    place, inferred = subject.group("name"), False
                    place_rule = "place.subject_of_distance: " + subject.group("name")
            if start_date is None and measure in ("area_change", "settlements", "depth") and not q.per_period:
                named_place = None if place_rule.startswith(("place.whole_country", "place.none", "place.unsure")) else place
                op = operations_mod.running_total_start(text_s, measure, side, named_place, date, direction)
                if op is not None:
                    # "Ukrainian units have by now advanced up to 18 miles into the Kursk region": a running
                    # total during an offensive counts from its first day.
                    start_date = op[0].first_day
                    date_rule += f"; start.operation: {op[0].name} began on {op[0].first_day} ({op[1]})"
                    if named_place is None and len(op[0].oblasts) and op[0].oblasts[0].endswith("oblast") and \
                            not any(o.endswith("oblast") for o in op[0].oblasts[1:]):
                        place, inferred = op[0].oblasts[0], True
                        place_rule = f"place.operation: {op[0].name} was fought in {place}"
            surface = text_s[q.start:q.end]
            claim = Claim(
                id=f"c{len(claims) + len(sentence_claims)}",
                value=q.value, low=q.low, high=q.high, unit=q.unit_text,
                value_normalized=value_n, low_normalized=low_n, high_normalized=high_n,
                unit_normalized=unit_n, measure=measure, direction=direction, aspect=aspect,
                side=side, place=place, date=date, start_date=start_date,
                qualifier=q.qualifier, source=att.chain() if att else None,
                sentence=text_s.strip(), surface=surface,
                span=(sent.start + q.start, sent.start + q.end), period_days=period,
                place_inferred=inferred, source_inferred=bool(att and att.inferred),
                span_in_sentence=(q.start, q.end), place_within=within)
            claim.explain["quantity"] = _quantity_rule(q)
            claim.explain["measure"] = measure_rule or _measure_rule(text_s, q, measure, direction)
            claim.explain["side"] = side_rule
            claim.explain["place"] = place_rule
            claim.explain["date"] = date_rule
            if place_rule.startswith("place.unsure"):
                claim.unsure["place"] = place_rule.split(": ", 1)[-1]
            if side is None and measure in _SIDED_MEASURES:
                claim.unsure["side"] = "no side named or implied"
            if claim.explain["measure"].startswith("measure.front_width"):
                # The maps give a front's length in a place, not the width of one push on it: "a
                # salient 40 km wide" set against the 94 km of front in Kursk (or the whole map's,
                # when the place is carried) is a verdict on another figure.
                claim.unsure["measure"] = "the width of a push along the front, which the maps do not measure"
            if measure in ("area_change", "settlements") and direction and start_date is None:
                claim.unsure["period"] = "a change over no period the text names (since when?)"
            elif period_doubt(text_s, measure, date_rule):
                claim.unsure["period"] = period_doubt(text_s, measure, date_rule)
            for name, why in frame_doubts(claim, context.last).items():
                claim.unsure.setdefault(name, why)
            sentence_claims.append(claim)
        claims.extend(sentence_claims)
        work["claims"] = len(claims)
        context.see(mentions, text_s)
        if sentence_claims:
            context.claims_before = list(sentence_claims)
        # side.previous_subject / side.carried: a sentence with claims goes on about the side of its
        # claims ("Maliar said troops had retaken 7 sq km near Bakhmut, a city captured by Russian
        # forces in May. That brought the total recaptured to 31 sq km": Ukraine's, not the first
        # side the sentence names).
        claimed = [c.side for c in sentence_claims if c.side and c.measure in _SIDED_MEASURES]
        last_claim_side = claimed[-1] if claimed else last_claim_side
        last_subject_side = claimed[-1] if claimed else (_subject_side(text_s) or last_subject_side)
        last_singular_side = _singular_subject_side(text_s) or last_singular_side
        previous_period = (sent.paragraph, text_s)
    return claims


def _period_named(sentence: str, reference: dt.date | None):
    """(the one period a sentence names: "in the past 12 months", "since August", "in October",
    its words), or None when it names none, or more than one."""
    periods = [d for d in dates_mod.date_mentions(sentence, reference)
               if d.kind in ("past", "range", "month", "since") and d.start_date is not None]
    if len(periods) != 1:
        return None
    words = sentence[periods[0].start:periods[0].end]
    # A span of time ("unable to seize the capital within four days") says how long, not when.
    return None if _DURATION.fullmatch(words.strip()) else (periods[0], words)


# "41 square kilometres in total", "the total now exceeds 190 square kilometres", "bringing the
# total to 27 sq km": a figure said to be the total.
_TOTAL_AFTER = re.compile(r"\s*(?:of\s+[\w'’ -]{1,30}?\s+)?(?:in\s+total|in\s+all|altogether|overall)\b", re.I)
_TOTAL_BEFORE = re.compile(r"\b(?:(?:a|the)\s+total\s+of|total(?:l?ing)?|the\s+total\s+(?:\w+\s+){0,3}?(?:is|was|stands\s+at|"
                           r"stood\s+at|has\s+reached|reached|rose\s+to|came\s+to|to))\s+(?:[a-z]+\s+){0,2}$", re.I)


def _total_beside_a_part(sentence: str, q: "_Quantity", quantities: list, conversions: set, measure: str,
                         reference: dt.date | None, dated: tuple) -> tuple:
    """A figure said to be the total beside another figure of the sentence, its part ("in the
    last week three square kilometres were freed there, and 41 square kilometres in total"):
    the period written outside the total's own clause is the part's, and the total is what was
    done so far (date.total: the report's day, no start of its own; the running-total rules may
    give it an operation's first day, else its period is unsure)."""
    date, start_date, rule = dated
    if measure not in _CHANGES or reference is None:
        return dated
    others = [x for x in quantities if x is not q and x.start not in conversions and x.normalized == q.normalized]
    if not others:
        return dated
    said_total = _TOTAL_AFTER.match(sentence, q.end) or _TOTAL_BEFORE.search(sentence, max(0, q.start - 60), q.start)
    if not said_total:
        return dated
    lo, hi = _clause_bounds(sentence, q.start)
    if any(lo <= d.start < hi and d.kind != "now" for d in dates_mod.date_mentions(sentence, reference)):
        return dated  # "a total of 47 sq km since the start of the counteroffensive": its own period
    return reference, None, f"date.total: {said_total.group(0).strip()} (a total beside a part; the period named is the part's)"


_AS_OF_WORD = re.compile(r"\b(?:as\s+(?:of|at)|by)\b", re.I)


def _as_of_day(sentence: str, reference: dt.date | None) -> tuple[dt.date, str] | None:
    """(day, words) of the last "as of" or "by" day a sentence names ("By October 27 Russian forces
    had gained ...", "as of November 22"), when it is one of the seven days before the report's
    own day; else None."""
    if reference is None or not _AS_OF_WORD.search(sentence):
        return None
    days = [d for d in dates_mod.date_mentions(sentence, reference) if d.kind == "as_of" and d.date is not None
            and reference - dt.timedelta(days=7) <= d.date < reference]
    return (days[-1].date, sentence[days[-1].start:days[-1].end]) if days else None


def _report_as_of(as_of: tuple[dt.date, str] | None, dated: tuple) -> tuple:
    """A figure whose sentence names no day of its own is as of the day an earlier sentence gave
    the report's figures ("By October 27 Russian forces had gained ... Russia currently controls 18.2
    percent": 27 October; date.report_as_of); its period's start, when it has one, is kept."""
    date, start_date, rule = dated
    if as_of is None or not rule.startswith("date.publication"):
        return dated
    rest = rule[len("date.publication"):] if rule.startswith("date.publication;") else ""  # "; start.since: ..."
    return as_of[0], start_date, f"date.report_as_of: {as_of[1]} (an earlier sentence){rest}"


# A verb of saying in the past tense ("said", "reported", "claimed"), not "is said to".
_SAID_PAST = re.compile(r"\b(?:said|told|wrote|reported|estimated|announced|stated|claimed|posted)\b(?!\s+to\b)", re.I)


# At most this many sentences that could name the month just ended are read for it
# (date.month_just_ended): a report that tallies a month names it early, and the work stays bounded.
_MONTH_TALLY_SENTENCES = 40


def _month_just_ended_named(sentences: list, reference: dt.date | None) -> tuple[dt.date, str] | None:
    """(last day, words) of the calendar month just ended when the report, published in the first
    week of the next month, names that month as a whole ("in November", "last month", "throughout
    August", "over the past month") in one of its first :data:`_MONTH_TALLY_SENTENCES` sentences
    that hold the month's name or the word "month"; else None."""
    ended = dates_mod.calendar_period_just_ended("month", reference) if reference is not None else None
    if ended is None:
        return None
    name = calendar.month_name[ended[1].month]
    cue = re.compile(rf"\b(?:{name}|{name[:3]}\.?|month)(?!\w)", re.I)
    read = 0
    for sent in sentences:
        if not cue.search(sent.text):
            continue
        read += 1
        if read > _MONTH_TALLY_SENTENCES:
            break
        for d in dates_mod.date_mentions(sent.text, reference):
            if d.kind in ("month", "past", "range") and (d.start_date, d.date) == ended:
                return ended[1], sent.text[d.start:d.end]
    return None


class _MonthTally:
    """:func:`_month_just_ended_named`, read once and only when a figure dated to the report's day
    asks for it."""

    def __init__(self, sentences: list, reference: dt.date | None):
        self._args, self._done, self._value = (sentences, reference), False, None

    def get(self) -> tuple[dt.date, str] | None:
        if not self._done:
            self._value, self._done = _month_just_ended_named(*self._args), True
        return self._value


# The rules that date a figure by the report rather than by its own words.
_REPORT_DAY_RULES = ("date.publication", "date.month_just_ended", "date.statement_carried")
# Rules that read the report's day from the words ("today", "on Monday", "as of ..."): not moved.
_DAY_FROM_THE_WORDS = ("date.weekday", "date.day", "date.as_of", "date.statement")


def _as_of_the_month_tallied(tally: _MonthTally, reference: dt.date | None, dated: tuple) -> tuple:
    """A report of the first days of a month that tallies the month just ended (:func:`_month_just_ended_named`)
    gives its figures as of that month's last day: a figure dated to the report's day by no words
    of its own ("Russia now controls 19% of Ukraine", "has seized 4,800 sq km since
    January", in a report of 1 September on August's gains) is as of 31 August
    (date.month_just_ended); a period's start is kept when it is not after that day."""
    date, start_date, rule = dated
    if date != reference or rule.startswith(_DAY_FROM_THE_WORDS):
        return dated
    tallied = tally.get()
    if tallied is None or (start_date is not None and start_date > tallied[0]):
        return dated
    return tallied[0], start_date, f"date.month_just_ended: {tallied[1]} (the month the report tallies); {rule}"


def _statement_day_carried(said_on: tuple | None, sentence: str, dated: tuple) -> tuple:
    """A figure a source is said (in the past tense) to have given, in a sentence that names no day
    of its own, is as of the last day the report said its source spoke, when that day is one of the
    seven before publication ("Russia's defence ministry said on Sunday its forces had taken two
    villages. It said they had also taken a town 9 km from Orikhiv": Sunday; date.statement_carried).
    A figure the report states in the present ("Russia controls about 19%"; "Russia says it
    controls ...") stays as of the report's day; a period's start, when the figure has one, is kept
    when it is not after that day."""
    date, start_date, rule = dated
    if said_on is None or not rule.startswith("date.publication") or not _SAID_PAST.search(sentence):
        return dated
    if start_date is not None and start_date > said_on[2]:
        return dated
    rest = rule[len("date.publication"):] if rule.startswith("date.publication;") else ""  # "; start.since: ..."
    return said_on[2], start_date, f"date.statement_carried: said on {said_on[2].isoformat()}{rest}"


_AND_BETWEEN = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:[a-z]+\s+){0,3}?and\s+(?:about\s+|some\s+|nearly\s+|almost\s+)?$", re.I)
_RESPECTIVELY_AFTER = re.compile(r"^[^.;:]{0,40}?\brespectively\b", re.I)


def _respectively(sentence: str, q: "_Quantity", quantities: list, conversions, measure: str,
                  reference: dt.date | None, dated: tuple) -> tuple:
    """Two figures joined by "and" and followed by "respectively", in a sentence that names two months
    together ("In October and November Ukraine's control grew by 0.42% and 0.64% respectively"):
    the first figure is of the first month, the second of the second (date.respectively); a state
    is as of its month's end."""
    figs = [x for x in quantities if x.start not in conversions]
    i = next((k for k, x in enumerate(figs) if x is q), None)
    if i is None:
        return dated
    if i + 1 < len(figs) and _AND_BETWEEN.match(sentence[q.end:figs[i + 1].start]) and \
            _RESPECTIVELY_AFTER.match(sentence[figs[i + 1].end:]):
        k = 0
    elif i > 0 and _AND_BETWEEN.match(sentence[figs[i - 1].end:q.start]) and _RESPECTIVELY_AFTER.match(sentence[q.end:]):
        k = 1
    else:
        return dated
    pair = dates_mod.month_pair(sentence, reference)
    if pair is None:
        return dated
    first, last = pair[k]
    is_change = measure in ("area_change", "share_lost", "share_gained", "settlements", "advance_rate", "depth")
    return last, (first if is_change else None), f"date.respectively: the {('first', 'second')[k]} of two months named together"


def _dates_of_the_apposition(before: "Claim | None", dated: tuple) -> tuple:
    """A figure that restates the one before it in another unit ("a fifth of Ukraine's land by
    March-April 2022, or roughly 120,000 square kilometers") has its period (date.apposition), when
    its own words name no time of their own (an "as of" or a day of its own is kept)."""
    date, start, rule = dated
    if before is None or before.start_date is None or start is not None or \
            not rule.startswith(("date.publication", "date.report_as_of", "date.as_of", "date.sentence_day")):
        return dated
    own_day = rule.startswith(("date.as_of", "date.sentence_day"))
    return (date if own_day else before.date), before.start_date, \
        f"date.apposition: the period of the figure before ({before.surface}){'; ' + rule if own_day else ''}"


_IN_TOTAL = re.compile(r"\b(?:in\s+total|in\s+all|altogether|all\s+told|overall|in\s+general)\b", re.I)


def _from_the_invasion(date: dt.date | None, start_date: dt.date | None, rule: str) -> tuple:
    """A period of 2022 that begins before the invasion and runs past it ("by February-March 2022",
    "in 2022", "in early 2022") counts from 24 February 2022 (start.invasion): no ground changed
    hands in the weeks before, and every label of every set that starts a period in 2022 starts it
    on that day."""
    if start_date is None or date is None or not (_WAR_START.replace(month=1, day=1) <= start_date < _WAR_START <= date):
        return date, start_date, rule
    return date, _WAR_START, f"{rule}; start.invasion: from {_WAR_START.isoformat()}, not {start_date.isoformat()}"


# Time words the normaliser did not make a period of ("seized in the first weeks of 2022"), and
# words that set a figure against what was said before ("This contrasts sharply with ..."): such a
# sentence does not take the period of the sentence before.
_TIME_UNREAD = re.compile(r"\b(?:19|20)\d\d\b|\b(?:January|February|March|April|(?-i:May)|June|July|August|September|October|"
                          r"November|December)\b|\b(?:weeks|months|years)\s+of\b|\b(?:contrast\w*|compared)\b", re.I)


def _period_carried(measure: str, previous, paragraph: int, reference: dt.date | None, dated: tuple,
                    sentence: str = "") -> tuple:
    """A change whose sentence names no time at all takes the one period the sentence before it
    named, in the same paragraph (date.carried): "Russia has taken ground over the last 10 months.
    Counting gains and losses alike, it has raised its holdings by 0.3 percentage points".
    ``previous``: (paragraph, text) of the sentence before, read only when a claim needs it. Not
    when ``sentence`` has time words of its own that were not read, or sets its figure against the
    sentence before ("This stands in sharp contrast to the 115,000 square km seized in the first weeks
    of 2022")."""
    date, start_date, rule = dated
    if previous is None or measure not in _CHANGES or start_date is not None \
            or not rule.startswith("date.publication: no date named") or previous[0] != paragraph \
            or _TIME_UNREAD.search(sentence):
        return dated
    named = _period_named(previous[1], reference)
    if named is None:
        return dated
    d, words = named
    return d.date, d.start_date, f"date.carried: {words} (the sentence before)"


_SIDED_MEASURES = ("area_change", "area_held", "share_held", "share_lost", "share_gained", "settlements", "advance_rate",
                   "depth", "troops")


def _quantity_rule(q: _Quantity) -> str:
    """How the quantity was read, for ``explain``."""
    parts = [q.rule or ("quantity.fraction" if q.fraction else "quantity.range" if q.low is not None else "quantity.number")]
    if q.inherited_from is not None:
        parts.append("unit of the figure before")
    if q.per_period:
        parts.append(f"per {q.per_period}")
    if q.qualifier:
        parts.append(f"qualifier {q.qualifier!r}")
    return f"{', '.join(parts)}: unit {q.unit_text!r} -> {q.normalized}"


def _measure_rule(sentence: str, q: _Quantity, measure: str, direction: str | None) -> str:
    """The words that made the measure, for ``explain``: the verb nearest the figure, or the
    pattern after it (a distance "from X", a depth "into X")."""
    lo, hi = _clause_bounds(sentence, q.start)
    for name, rx in (("distance_to", DISTANCE_TO), ("distance_to", DISTANCE_TO_NOUN), ("from_the_front", FROM_THE_FRONT),
                     ("depth_into", DEPTH_INTO), ("depth_from_old_front", FROM_OLD_FRONT)):
        m = rx.match(sentence, q.end)
        if m and measure == name.split("_")[0].replace("from", "distance"):
            return f"measure.{measure} ({name}): {sentence[q.start:m.end()].strip()}"
    if q.per_period:
        return f"measure.{measure} (a rate): per {q.per_period}"
    if measure in ("area_change", "share_gained") and _names_a_period(sentence):
        occupy = (_OCCUPY_BEFORE.search(sentence, max(0, q.start - 40), q.start)
                  or _OCCUPIED_FIGURE.search(sentence, max(0, q.start - 40), q.start))
        if occupy:
            return f"measure.occupied_over_period: {occupy.group(0).strip()!r} in a sentence that names a period"
    if measure == "other" and q.normalized in ("km2", "percent") and _damage_not_holding(sentence, lo, hi):
        return f"measure.damage_not_holding: {_DAMAGE_VERBS.search(sentence, lo, hi).group(0)!r}, no verb of holding"
    if measure in ("share_gained", "share_lost") and _share_rise_or_fall(sentence, q, lo, hi) == measure:
        return f"measure.share_rise_or_fall: a {measure.split('_')[1]} share of a holding"
    if measure == "front_length" and q.normalized == "m" and not q.per_period and _width_words(sentence, q):
        return f"measure.front_width: {_width_words(sentence, q)!r}"
    if measure == "distance" and _AWAY_AFTER.match(sentence, q.end):
        return f"measure.distance (away): {sentence[q.start:_AWAY_AFTER.match(sentence, q.end).end()]}"
    if measure == "area_change" and q.normalized == "km2" and _CHANGED_HANDS.search(sentence, q.end, hi):
        return f"measure.area_change (changed_hands): {_CHANGED_HANDS.search(sentence, q.end, hi).group(0)}"
    if measure == "share_held" and q.normalized == "percent" and _share_changed_to(sentence, q):
        said = _CHANGED_TO.search(sentence, max(0, q.start - 60), q.start)
        return f"measure.share_held (changed_to): {said.group(0).strip()}"
    cue = _length_cue_words(sentence, q, lo, hi) if q.normalized == "m" else None
    if cue and cue[0] == measure and not _nearest_verb(sentence, lo, hi, q.start)[0]:
        return f"measure.{measure} (length_noun): {cue[1]}"
    verb, pos = _nearest_verb(sentence, lo, hi, q.start)
    cue = ""
    for rx in (LOST_VERBS, GAINED_VERBS, HELD_VERBS):
        for m in rx.finditer(sentence, lo, hi):
            if (m.end() == pos or m.start() == pos) and len(m.group(0)) > len(cue):
                cue = m.group(0)
    what = f"{measure}" + (f", {direction}" if direction else "")
    return f"measure.{what}: " + (f"verb {cue!r}" if cue else f"unit {q.normalized} and the words around it")


# The words between a figure and its conversion: a bracket or a comma, "or", and any qualifier of
# the number grammar ("(around 0.85 square miles)", "(over six miles)").
_CONVERSION_QUALIFIER = (r"(?:about|around|roughly|some|nearly|almost|approximately|approx\.|over|more\s+than|less\s+than|"
                         r"under|up\s+to|at\s+least|just\s+over|just\s+under|close\s+to|an\s+estimated|circa|c\.|~)\s*")
_CONVERSION_GAP = re.compile(rf"\s*[(\[,]\s*(?:or\s+)?(?:{_CONVERSION_QUALIFIER})?")
# "roughly 140 square miles of land (363 square kilometers)": the conversion after the noun the
# figure measures.
_OF_GROUND_THEN_BRACKET = re.compile(rf"\s+of\s+(?:[\w'’-]+\s+){{0,2}}?(?:territory|territories|land|ground)\s*[(\[]\s*"
                                     rf"(?:or\s+)?(?:{_CONVERSION_QUALIFIER})?")


def _conversions(sentence: str, quantities: list[_Quantity]) -> set[int]:
    """Starts of the quantities that convert the one before into another unit of the same kind
    ("143sq km (55sq miles)", "203 square kilometers, or 78 square miles"): they date nothing."""
    out = set()
    for a, b in zip(quantities, quantities[1:]):
        if a.normalized == b.normalized and a.normalized not in ("persons", "settlements") \
                and _CONVERSION_GAP.fullmatch(sentence[a.end:b.start]) and a.unit_text != b.unit_text:
            out.add(b.start)
    return out


# Locators: where a place lies from another, which no map of the front changes (quantity.locator):
# "Avdiivka lies 20 km north of Donetsk", "a town located less than five km from the Russian
# border", "Vuhledar, roughly 25 miles south of Selydove", "Robotyne (10 km south of Orikhiv)",
# "6km further north lies the town of ...".
_LOCATED_BEFORE = re.compile(
    r"(?:\b(?:located|situated|lies|lying|lie|sits|sitting|nestled|positioned)\s+"
    # "Kupiansk is a contested town some 110 km east of Kharkiv", "Sumy and Kharkiv, cities
    # only 30 km from the border", "the village of X, which is 10 km from Y": a noun or a relative
    # pronoun for a place right before the length (eighth pass).
    r"|\b(?:a|an|the|two|three|four|five|several|both|cities|towns|villages)\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:town|city|cities|village|villages|settlement|settlements|hub|towns)\s+"
    r"|\b(?:town|city|village|settlement|hub|which|that)\s*,?\s+(?:is|lies|was|are|were|sits)\s+"
    r"|(?P<name>\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s*(?:,|\()\s*|\(\s*(?:located|situated)\s+)"
    r"(?:(?:about|around|roughly|some|nearly|almost|approximately|just|only|less\s+than|more\s+than|over|under)\s+)?$")
# "... located less than five km from the Russian border and around 50 km from the city": a second
# locator joined to the first.
_AND_BEFORE = re.compile(r"^\)?\s*(?:\([^)]*\)\s*)?(?:(?:away\s+)?(?:from|of)\s+[^,;.]{1,60}?)?\s*,?\s*and\s+"
                         r"(?:(?:about|around|roughly|some|nearly|almost|approximately|just|only|less\s+than|more\s+than|"
                         r"over|under)\s+)?$", re.I)
# A distance to the front or to a side's troops is a claim, wherever it is written.
_TO_THE_FRONT = re.compile(r"(?:\s*\([^)]*\))?\s+(?:away\s+)?(?:from|of|to)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:front|frontline|front-line|"
                           r"contact\s+line|line\s+of\s+contact|positions|lines|troops|forces|enemy)\b", re.I)


_FROM_OR_OF = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:away\s+)?(?:from|of|outside|" + _COMPASS_OF + r")\s", re.I)


def _locator(sentence: str, q: "_Quantity") -> bool:
    """quantity.locator: a length that says where a place lies from another place ("Avdiivka lies
    20 km north of Donetsk", "Robotyne (10 km south of Orikhiv)"), not how far a side's ground is
    from it: not a claim. A length to the front or to a
    side's positions stays a claim ("Pokrovsk is located 8 km from the front line"), and so does
    one whose clause names an actor before it ("Russian troops are located 3 km from Pokrovsk")
    or that follows a place's name in apposition ("captured Kurakhove, about 30 km from
    Pokrovsk"), or that points to a compass direction with no place ("located about 10 km to the
    north"): the labels read such figures as how close the side's ground is.""" 
    if _TO_THE_FRONT.match(sentence, q.end):
        return False
    m = _LOCATED_BEFORE.search(sentence, max(0, q.start - 60), q.start)
    if m is not None and "(" in m.group(0) and _FROM_OR_OF.match(sentence, q.end):
        return True  # "Robotyne (10 km south of Orikhiv)", "(located 20 km south of Orikhiv)": an aside on a place
    lo = _clause_bounds(sentence, q.start)[0]
    if any(lo <= a.start < q.start and a.governed is None for a in actor_mentions(sentence)):
        return False
    return m is not None and not m.group("name") and bool(_FROM_OR_OF.match(sentence, q.end))


# A place's population is no claim about the front (quantity.population): "had a pre-war population
# of roughly 45,000", "some 3,200 residents stayed in the town", "over 1,100 people still live on
# the left bank"; a count of the people of ground a side took stays ("the territory recaptured ... had
# around 150,000 residents"), and so do troops, casualties and evacuations.
_RESIDENTS = re.compile(r"(?:local\s+)?(?:residents?|inhabitants)\b", re.I)
_POPULATION_WORDS = re.compile(r"\bpopulation\b|\b(?:remain(?:s|ed|ing)?|live[sd]?|living|resid\w*|still)\b", re.I)


# A figure coordinated with an earlier one of the same unit, in a clause with no verb of its own:
# "took control of 0.8% of the country last year and 0.6% in 2024", "30% of the region was in Russian
# hands before the counter-attack, and today, it is 15%" (measure.coordinated: the earlier figure's
# measure and side, at another time or place; eighth pass, generalising the elided clause).
_COORDINATED_GAP = re.compile(r"(?:,\s*|\s)(?:and|but|while|whereas)\s", re.I)


def _coordinated_with(sentence: str, q: "_Quantity", claims_before: list) -> "Claim | None":
    """The sentence's earlier claim in the same unit whose measure a verbless coordinated figure shares."""
    if q.normalized not in ("km2", "percent", "settlements"):
        return None  # a length's measure hangs on its own preposition (from, into, deep), not on the figure before
    before = next((c for c in reversed(claims_before) if c.unit_normalized == q.normalized), None)
    if before is None or before.measure == "other" or not before.span_in_sentence:
        return None
    gap = sentence[before.span_in_sentence[1]:q.start]
    joins = list(_COORDINATED_GAP.finditer(gap))
    if not joins or re.search(r"[.;:]", gap) or re.search(r"\d", re.sub(r"\([^()]*\)|\b(?:19|20)\d\d\b", "", gap)):
        return None  # not coordinated, or another figure comes between (outside brackets; a year is none)
    # No verb of its own from the conjunction to the end of this figure's clause (a verb before the
    # earlier figure is shared: "took 0.8% ... and 0.6% in 2024").
    hi = _clause_bounds(sentence, q.start)[1]
    start = before.span_in_sentence[1] + joins[-1].start()
    if any(rx.search(sentence, start, hi) for rx in (LOST_VERBS, GAINED_VERBS, HELD_VERBS, _INTO_HANDS, ADVANCE_VERBS)):
        return None
    if any(start <= a.start < hi for a in actor_mentions(sentence)):
        return None  # a clause with a subject of its own ("and Ukraine 0.5%"): not the same claim at another time
    if _COUNTRY_OR_REGION_AFTER.match(sentence, q.end) and _COUNTRY_OR_REGION_AFTER.match(sentence, before.span_in_sentence[1]) \
            and _COUNTRY_OR_REGION_AFTER.match(sentence, q.end).group(0).strip() != \
            _COUNTRY_OR_REGION_AFTER.match(sentence, before.span_in_sentence[1]).group(0).strip():
        return None  # a share of another whole ("18% of Ukraine ... and 0.01% of Russia")
    return before


# The sides of a rectangle: "a bridgehead six by six kilometres", "4 by 4 kilometers", "10x10 km"
# (quantity.dimensions): a size, neither a distance nor a claim the maps check as written.
_DIMENSION_BEFORE = re.compile(r"(?:\d[\d.,]*|\b(?:" + _WORDNUM + r"))[\s-]*(?:by|x|×)[\s-]*$", re.I)


def _dimensions(sentence: str, q: "_Quantity") -> bool:
    """quantity.dimensions: a length written as one side of a rectangle ("six by six kilometres")."""
    return q.normalized == "m" and bool(_DIMENSION_BEFORE.search(sentence, max(0, q.start - 40), q.start))


def _population(sentence: str, q: "_Quantity") -> bool:
    """quantity.population: a count of the people living in a place, not a claim."""
    if q.normalized != "persons" or TROOP_WORDS.search(q.unit_text or "") or CASUALTIES.search(q.unit_text or ""):
        return False
    if not (_RESIDENTS.match(q.unit_text or "") or _POPULATION_WORDS.search(sentence)):
        return False
    return not (GAINED_VERBS.search(sentence) or LOST_VERBS.search(sentence))


def _restates_previous(sentence: str, q: _Quantity, earlier: list[Claim]) -> bool:
    """Whether ``q`` is a parenthetical unit conversion of the claim just before it
    ("1,000 square kilometres (386 square miles)"), which is not a claim of its own."""
    if not earlier or q.value is None:
        return False
    prev = earlier[-1]
    gap = sentence[prev.span_in_sentence[1]:q.start] if prev.span_in_sentence else ""
    if not (_CONVERSION_GAP.fullmatch(gap) or _OF_GROUND_THEN_BRACKET.fullmatch(gap)):
        return False
    value_n, _, _, unit_n = _normalized_values(q)
    prev_value, prev_unit = prev.value_normalized, prev.unit_normalized
    if prev_unit == "m_per_day" and prev.period_days and unit_n == "m" and prev_value is not None:
        # "advanced 4 kilometers (2.5 miles) ... over three days": the first is already a pace.
        prev_value, prev_unit = prev_value * float(prev.period_days), "m"
    if prev_value is None or value_n is None or prev_unit != unit_n:
        return False
    # A conversion is rounded as written: "3 km (2 miles)" is 2 +/- 0.5 miles, "(600 miles)" +/- 50.
    digits = re.search(r"\d[\d,]*(?:\.(\d+))?", sentence[q.start:q.end])
    half_step = 0.0
    if digits and q.value:
        whole = digits.group(0).split(".")[0].replace(",", "")
        step = 10.0 ** -len(digits.group(1)) if digits.group(1) else 10.0 ** (len(whole) - len(whole.rstrip("0")))
        half_step = 0.5 * step * abs(value_n / q.value)
    elif q.value and q.value == int(q.value):
        # "five kilometres (three miles)": a number word is rounded to the unit.
        half_step = 0.5 * abs(value_n / q.value)
    # In brackets, in another unit of the same kind, a conversion may be rounded loosely: "5,000 sq km
    # (2,000 sq miles)" is 5,180 sq km, 3.6% off.
    bracketed = (gap.strip().startswith(("(", "[")) or bool(_OF_GROUND_THEN_BRACKET.fullmatch(gap))) \
        and q.unit_text != prev.unit
    return abs(value_n - prev_value) <= max((0.1 if bracketed else 0.03) * abs(prev_value), half_step)


def _region_of_place(sentence: str, place: str, places: list[tuple[int, str]]) -> str | None:
    """The region the sentence puts ``place`` in ("Pushkine in the Kursk region" -> "Kursk"), or None."""
    for pos, name in places:
        m = _IN_REGION.match(sentence, pos + len(name)) if name == place else None
        if m and m.group("region") != place:
            return m.group("region")
    return None


_REFS = ("country_ref", "region_ref", "city_ref", "area_ref", "direction_ref")


def _compass_fronts(mentions: list[PlaceMention], reference: dt.date | None) -> list[PlaceMention]:
    """The mentions with each compass part of the front ("in the south") read as the oblasts that part
    of the front ran through in the operation under way on the report's day (place.compass_front,
    lexicon/places.json compass_fronts: the 2023 counteroffensive's south is Zaporizhzhia and western
    Donetsk), or dropped when no operation was under way: then it names no place."""
    if not any(m.kind == "compass_front" for m in mentions):
        return mentions
    ops = {op.name: op for op in operations_mod.operations()}
    out = []
    for m in mentions:
        if m.kind != "compass_front":
            out.append(m)
            continue
        for entry in COMPASS_FRONTS:
            op = ops.get(entry["operation"])
            if entry["word"] == m.canonical and op is not None and reference is not None \
                    and op.first_day <= reference <= op.last_day:
                out.append(PlaceMention(m.start, m.end, m.text, "union", "+".join(entry["oblasts"]),
                                        f"place.compass_front: {op.name}"))
                break
    return out
# A non-restrictive relative clause: ", which is often called the doorway to the city of Kramatorsk".
_RELATIVE_CLAUSE = re.compile(r",\s+(?:which|where|whose)\b[^,;]*")


def _described_spans(sentence: str) -> list[tuple[int, int]]:
    """The spans of the sentence's non-restrictive relative clauses, whose places describe what the
    clause is about rather than move the report to them."""
    return [m.span() for m in _RELATIVE_CLAUSE.finditer(sentence)]


# A place named as where something comes from or goes to, not where it is.
_SOURCE_OR_GOAL = re.compile(r"\b(?:from|to|towards?|for|against|beyond)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)


class _PlaceContext:
    """The places a report has named so far, for claims whose own sentence names none."""

    def __init__(self, sentences: list[str] | tuple[str, ...] = ()) -> None:
        self.sentences = sentences  # the report's sentences, for its only town (place.the_report_town)
        self._report_town: tuple[PlaceMention | None] | None = None
        self.last: PlaceMention | None = None        # the last place of any kind
        self.last_part: PlaceMention | None = None   # the last place that is not a whole country
        self.last_region: PlaceMention | None = None  # the last oblast, union or country
        self.last_country: str | None = None

        self.last_oblast: PlaceMention | None = None
        self.last_settlement: PlaceMention | None = None
        self.last_direction: PlaceMention | None = None  # the last front sector, for "this front" (place.this_front)
        self.last_point: PlaceMention | None = None  # the last town or sector: a line's point (place.carried)
        # The claims of the last sentence that had any, while no sentence after it has named a
        # place: what a sentence naming no place goes on about (place.continued).
        self.claims_before: list[Claim] = []

    @property
    def recent_region(self) -> PlaceMention | None:
        """The last region named, while no other place has been named since: a report that names
        another place has moved on ("... in Kursk. The city of Kupiansk is ... Russian forces have
        captured 235 km2 in the past week": not Kursk)."""
        return self.last_region if self.last is self.last_region else None

    def line_point(self) -> PlaceMention | None:
        """The place a line's figure (a depth, a distance, a pace) with no place of its own goes on
        about: the last place named, or the last town or sector when the region named after it
        contains it (it says where the town lies); a region that does not contain it has moved on."""
        point, last = self.last_point, self.last
        if point is None or last is None or last is point or last.kind not in ("oblast", "oblast_or_city", "union"):
            return last
        town = point.city if point.kind == "oblast_or_city" else re.sub(r"\s+direction$", "", point.canonical)
        return point if oblast_of_all((town,)) in last.canonical.split("+") else last

    def report_town(self) -> PlaceMention | None:
        """place.the_report_town: "the city" or "the town" before any settlement is named stands for
        the one settlement the whole report names ("... less than eight kilometers from the outskirts of the
        city. ... as Russian infantry reach Toretsk's built-up areas"); None when the report
        names none or several (a city that shares its oblast's name, "Kharkiv", and a sector's town,
        "the Kurakhove direction", count as towns). Read once per report, on the first such reference."""
        if self._report_town is None:
            # Every town the report names, as a settlement, as a city that shares its oblast's name
            # ("Kharkiv") or as a front sector's town ("the Pokrovsk direction").
            towns: dict[str, PlaceMention] = {}
            for text in self.sentences:
                for p in place_mentions(text):
                    if p.kind == "settlement":
                        towns.setdefault(p.canonical, p)
                    elif p.kind == "oblast_or_city" and p.city:
                        towns.setdefault(p.city, p)
                    elif p.kind == "direction":
                        towns.setdefault(re.sub(r"\s+direction$", "", p.canonical), p)
            only = next(iter(towns.values())) if len(towns) == 1 else None
            self._report_town = (None if only is None or only.kind != "settlement" else PlaceMention(
                only.start, only.end, f"{only.text}, the report's only town", "settlement", only.canonical,
                "place.the_report_town"),)
        return self._report_town[0]

    def see(self, mentions: list[PlaceMention], sentence: str = "") -> None:
        """Take in the places of the sentence just read (``sentence``: its text, to tell where
        something happens from where it comes from or goes to)."""
        if any(m.kind not in _REFS for m in mentions):
            self.claims_before = []  # the report has moved on to another place
        regions = [m for m in mentions if m.kind in ("oblast", "oblast_or_city", "union")]
        # place.topic_region: of several regions in a sentence, the last one named as where something
        # is or happens, not as where it comes from or goes to ("a push into Russia's Kursk region
        # meant to draw Russian troops away from the Donbas": "this area" is then Kursk's).
        located = [m for m in regions if not _SOURCE_OR_GOAL.search(sentence, max(0, m.start - 30), m.start)]
        topic = (located or regions or [None])[-1]
        described = _described_spans(sentence)
        listed = _LISTED_MEMBERS.search(sentence)
        for m in mentions:
            if listed is not None and m.start >= listed.end() and m.kind in ("settlement", "oblast_or_city"):
                # place.members_are_not_the_place: the towns listed after a count ("liberated five
                # settlements: A, B and C") lie in the count's place; the report has not moved to them.
                continue
            if m.kind in _REFS or any(a <= m.start < b for a, b in described):
                # place.described_in_passing: a place in a relative clause describes what the clause is
                # about ("into the area, which is often called the doorway to the city of
                # Kramatorsk"); the report has not moved there.
                continue
            if m.kind in ("settlement", "oblast_or_city", "direction"):
                self.last_point = m
            self.last = m
            if m.kind != "country":
                self.last_part = m
            if m.kind in ("oblast", "oblast_or_city", "union"):
                # A country is not carried: "Russia took 700 sq km of Ukrainian land. Ukraine holds
                # about 500 sq km" (where?): a claim with no place of its own falls to the defaults.
                self.last_region = m
            if m.kind in ("oblast", "oblast_or_city", "union"):
                self.last_oblast = m
            if m.kind in ("settlement", "oblast_or_city"):
                self.last_settlement = m
            if m.kind == "direction":
                self.last_direction = m
            if m.kind == "country":
                self.last_country = m.canonical
        if topic is not None:
            self.last_oblast = topic

    def resolve(self, m: PlaceMention, earlier: list[PlaceMention]) -> PlaceMention | None:
        """What "the region" / "the city" / "the country" stands for: the last such place named in
        the sentence before it, else in the report before the sentence; None when there is none."""
        if m.kind == "area_ref":
            # "this area", "that area", "there": a part of a country, never a whole one ("... the
            # northern region of Sumy. It is a part of northern Ukraine ... gained almost three
            # square kilometers in that area": Sumy's).
            named = [e for e in earlier if e.start < m.start and e.kind not in _REFS and e.kind != "country"]
            if named:
                return named[-1]
            last = self.last_part if self.last is not None and self.last.kind == "country" else self.last
            return self.last_oblast if last is self.last_region else last
        if m.kind == "direction_ref":
            # "Ukrainian troops on this axis were able to free three square kilometres": the sector last named.
            named = [e for e in earlier if e.start < m.start and e.kind == "direction"]
            return named[-1] if named else self.last_direction
        if m.kind not in ("region_ref", "city_ref"):
            return m
        wanted = ("oblast", "oblast_or_city", "union") if m.kind == "region_ref" else ("settlement", "oblast_or_city")
        for e in reversed(earlier):
            if e.start < m.start and e.kind in wanted:
                return e
        found = self.last_oblast if m.kind == "region_ref" else self.last_settlement
        if found is None and m.kind == "city_ref":
            found = self.report_town()
        if found is not None and m.kind == "city_ref" and found.kind == "oblast_or_city":
            return PlaceMention(found.start, found.end, found.text, "settlement", found.city or found.canonical,
                                found.rule)
        return found


# An oblast-or-city name read as the city: "the city of Donetsk"; a distance or a pace is to a point.
_CITY_BEFORE = re.compile(r"\b(?:city|town|centre|center|outskirts|edge)\s+of\s+(?:the\s+)?$", re.I)
_POINT_MEASURES = ("distance", "advance_rate")
_LINE_MEASURES = ("advance_rate", "distance", "depth")
# A place attached to the number by a preposition after it: "80% of the Donbas", "576 sq km of
# territory in Russia's Kursk region", "15 sq km per day in Ukraine".
_ATTACHED_GAP = re.compile(r"^[^,;:—–()]{0,60}$")
_ATTACH_PREP = re.compile(r"\b(?:of|in|into|inside|across|throughout|within|near|around|on)\s+(?:[\w'’-]+\s+){0,2}$", re.I)
_CHAINED_PLACE = re.compile(r"^\s*,?\s*(?:in|of|inside|within)\s+(?:the\s+)?(?:(?:eastern|southern|northern|western|"
                            r"north-?eastern|south-?eastern|north-?western|south-?western|central)\s+)?"
                            r"(?:(?:region|province|oblast)\s+of\s+)?$", re.I)
# A region later in the clause of a figure attached to a country, where the ground lies: "12 sq km of
# Ukrainian soil were retaken in the Zaporizhzhia region", "... in the south of Ukraine"
# (place.attached: the region); not a part of it ("..., mostly in Donetsk").
_LOCATIVE_END = re.compile(r"\b(?:in|inside|within|across|throughout)\s+(?:the\s+)?"
                           r"(?:(?:eastern|southern|northern|western)\s+)?$", re.I)
_LOCATIVE_START = re.compile(r"(?:in|inside|within|across|throughout|on|along)\s", re.I)
_PART_BEFORE = re.compile(r"\b(?:mostly|mainly|largely|including|especially|particularly|notably|chiefly)\s+"
                          r"(?:(?:in|inside|within|across)\s+)?(?:the\s+)?$", re.I)


def _located_later(sentence: str, after: int, n: PlaceMention) -> bool:
    """Whether region ``n``, later in the clause than a country ending at ``after``, is named as
    where the ground lies (after in/inside/within/across, or a compass part of the front that says
    so itself: "in the south"), and not as a part of it ("mostly in Donetsk")."""
    before = sentence[max(after, n.start - 40):n.start]
    if _PART_BEFORE.search(before):
        return False
    return bool(_LOCATIVE_END.search(before) or _LOCATIVE_START.match(n.text))


# Measures of ground whose place, when the report names none, is the country the war is in.
_COUNTRY_MEASURES = ("area_change", "area_held", "share_held", "share_lost", "share_gained", "settlements",
                     "front_length", "advance_rate")


def _reading(m: PlaceMention, measure: str, sentence: str, country: str | None) -> str:
    """The canonical name of mention ``m`` for a claim measuring ``measure``: for ground (not a
    line's point), several places named together are the oblast that holds them all."""
    if m.within and measure not in _LINE_MEASURES:
        return m.within
    if m.kind == "oblast_or_city" and (measure in _POINT_MEASURES
                                       or _CITY_BEFORE.search(sentence, max(0, m.start - 30), m.start)):
        return m.city or m.canonical
    if m.kind == "country_ref":
        return country or m.canonical
    return m.canonical


INCURSION_PLACE = dates_mod._EVENTS["incursion"]["place"]
_INCURSION_MAX_KM2 = float(dates_mod._EVENTS["incursion"]["max_area_km2"])
# "10% of the seized land", "a third of the land it had taken": a share of what
# the side took, not of a country.
_OF_TAKEN_GROUND = re.compile(r"\s*of\s+(?:the|what|its|their)\s+(?:(?:conquered|captured|seized|occupied|taken|gained)\s+)?"
                              r"(?:(?:territory|ground|land|area)s?\b(?:\s+(?:that\s+|which\s+)?(?:it|they)\s+(?:had\s+|has\s+|have\s+)?"
                              r"(?:earlier\s+|initially\s+|once\s+)?(?:captured|seized|taken|took|gained|conquered|occupied))?|"
                              r"(?:it|they)\s+(?:had\s+)?(?:captured|seized|taken|took|gained))", re.I)


def _incursion_holding(sentence: str, q: "_Quantity", measure: str, reference: dt.date | None) -> str | None:
    """Why a Ukrainian holding (or a loss of it) that names no place is its ground in Russia, or
    None: reported between the incursion's first and last day, and an area far smaller than
    Ukraine's own ground (lexicon/events.json), or a share of what it took (a share of a
    country would name the country)."""
    if reference is None or not (dates_mod.INCURSION_DAY <= reference <= dates_mod.INCURSION_LAST_DAY + dt.timedelta(days=7)):
        return None
    window = f"Ukraine held ground in Russia from {dates_mod.INCURSION_DAY} to {dates_mod.INCURSION_LAST_DAY}"
    if measure == "area_change":
        # "Ukraine had its heaviest losses of ground in October, ceding 540 square kilometers":
        # a loss naming no place is Ukraine's ground (place.whole_country), not its ground in Russia
        # (it was measured there: a wrong verdict).
        return None
    if measure == "area_held":
        value = _normalized_values(q)[0] if q.value is not None else _normalized_values(q)[2]
        if q.normalized == "km2" and value is not None and value <= _INCURSION_MAX_KM2:
            return f"{window}; {value:,.0f} km2 is not its holding in Ukraine"
        return None
    if _OF_TAKEN_GROUND.match(sentence, q.end) or OF_WHAT_WAS_TAKEN.match(sentence, q.end):
        return f"{window}; a share of the ground it took"
    return None


# What the maps measure: ground, shares of it, counts of settlements and lines on it (not troops).
_GROUND_AND_LINES = ("area_held", "area_change", "share_held", "share_lost", "share_gained", "settlements",
                     "grey_zone", "depth", "distance", "advance_rate", "front_length")


def _share_of_taken(sentence: str, q: "_Quantity") -> bool:
    """Whether the figure is followed by what a side took ("10% of the conquered territory")."""
    return bool(_OF_TAKEN_GROUND.match(sentence, q.end) or OF_WHAT_WAS_TAKEN.match(sentence, q.end))


# A town named as the point a push is near or heads for: "near Velyka Novosilka", "toward Vuhledar".
_POINT_OF_A_PUSH = re.compile(r"\b(?:near|towards?|to|around|outside|at|close\s+to|outskirts\s+of)\s+(?:the\s+)?"
                              r"(?:(?:city|town|village|settlement)\s+of\s+)?$", re.I)


def _depth_oblast(sentence: str, m: PlaceMention, measure: str) -> str | None:
    """place.depth_in_oblast: how deep a side pushed is measured in the region of the push, the
    oblast that holds the settlement named nearest the figure ("drove Russian troops back past the
    village of Mylove, 25km from the old front line": Kherson oblast's); not a town named as the
    point of the push ("advanced 1.5 kilometers toward Vuhledar", "near Kurakhove"), a front sector's
    town ("advanced three kilometres on the Kupiansk front") nor "the city" the report is about
    ("50 km in two years, and the city is now ..."): those name the depth's own point. None when
    the gazetteer puts the settlement in no oblast it knows."""
    if measure != "depth" or m.kind != "settlement" or m.rule in ("place.the_city", "place.the_town") \
            or _POINT_OF_A_PUSH.search(sentence, max(0, m.start - 40), m.start):
        return None
    return oblast_of_all((m.canonical,))


def _larger_than_the_region(q: "_Quantity", measure: str, m: PlaceMention) -> bool:
    """place.larger_than_the_region: ground (an area held or changing hands) larger than a region
    named is not that region's ("Ukraine has now liberated ... around 75,000 square kilometers",
    after "in Kherson": Kherson oblast is 28,461 km2); the region's area by lexicon/places.json, the
    figure's lower end for a range."""
    if measure not in ("area_held", "area_change") or m.kind not in ("oblast", "oblast_or_city", "union"):
        return False
    value, low, _, unit = _normalized_values(q)
    least = value if value is not None else low
    area = region_area_km2(m.canonical)
    return unit == "km2" and least is not None and area is not None and least > area


def _incursion_country(place: str | None, inferred: bool, rule: str, measure: str, reference: dt.date | None,
                       share_of_taken: bool = False) -> tuple[str | None, bool, str]:
    """place.incursion for Russia named as a country: ground in Russia ("585 square kilometers of
    Russian territory", "a salient inside Russia some 40km wide", "some 35 kilometers into Russian
    territory"), reported while Ukraine held ground there (lexicon/events.json), is the incursion's
    ground, Kursk oblast (inferred), whichever side the sentence is read to be about (for what the
    maps measure: not "10,000 troops to Russia"). A share only
    when it is a share of the ground taken (``share_of_taken``: "10% of the territory it seized"):
    a share of Russia is of the whole country ("0.01% of Russia")."""
    if place != "RUS" or reference is None or measure not in _GROUND_AND_LINES \
            or not (dates_mod.INCURSION_DAY <= reference <= dates_mod.INCURSION_LAST_DAY + dt.timedelta(days=7)) \
            or (measure.startswith("share") and not share_of_taken):
        return place, inferred, rule
    named = rule.split(": ", 1)[1] if ": " in rule else "Russia"
    return (INCURSION_PLACE, True,
            f"place.incursion: {named}, reported while Ukraine held ground in {INCURSION_PLACE}")


# The shortest front length that is the whole front's: the front has run 1,000 to 1,300 km since 2022;
# the longest stretch in one oblast (Donetsk, Kherson along the Dnipro) is a few hundred km, and the
# labelled sector lengths are 11 to 160 km.
_WHOLE_FRONT_MIN_M = 500_000


def _longer_than_any_sector(q: "_Quantity") -> bool:
    """Whether a front length is at least _WHOLE_FRONT_MIN_M (its lower end for a range)."""
    value, low, _, unit = _normalized_values(q)
    length = value if value is not None else low
    return unit == "m" and length is not None and length >= _WHOLE_FRONT_MIN_M


# "the Kurakhove sector of the", "that part of the": a part named before the front's length.
_PART_OF_THE_FRONT = re.compile(r"\b(?:part|parts|sector|section|stretch|segment|portion|direction|axis)\s+of\s+"
                                r"(?:the|its|a|their)\s+(?:[\w'’-]+\s+){0,2}?$", re.I)


# The members of a count, listed after it: "220 settlements, including Lyman", "four settlements:
# Alexandria, Leonidovo and ...", "36, among them Krasnohorivka" (lexicon/places.json member_markers).
_MEMBERS_AFTER = re.compile(r"[^.;:()]{0,60}?(?:(?:,\s*|\s+)(?:" + "|".join(re.escape(w) for w in MEMBER_MARKERS)
                            + r")\b|:\s*(?=[A-Z\"“]))", re.I)


# A count of settlements and the words that introduce its members ("five settlements: ", "220
# settlements, including ").
_LISTED_MEMBERS = re.compile(r"\b(?:settlements|villages|towns|localities|cities|hamlets)\b" + _MEMBERS_AFTER.pattern,
                             re.I)


def _without_members(sentence: str, q: "_Quantity", measure: str, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """The mentions without the settlements listed as members of a count of settlements
    (place.members_are_not_the_place): "Russian forces took 220 settlements, including Lyman" counts
    settlements of which Lyman is one; where they are is said elsewhere (a region in the sentence, or
    the report's), not by one of them."""
    if measure != "settlements":
        return mentions
    listed = _MEMBERS_AFTER.match(sentence, q.end)
    if not listed:
        return mentions
    return [m for m in mentions if not (m.start >= listed.end() and m.kind in ("settlement", "oblast_or_city"))]


# A participle clause set off by a comma right after a figure that gives the extent of the same
# ground: ", stretching across 1,150 square kilometers in Kursk", ", covering some 600 km2".
_SAME_GROUND = re.compile(r"\s*,\s*(?:spanning|covering|encompassing|totall?ing|comprising|stretching\s+over)\b", re.I)


def _same_ground_apposition(sentence: str, figure_clause_end: int, clause_start: int) -> bool:
    """Whether the clause starting at ``clause_start`` is such an apposition, right after the clause
    of the figure that ends at ``figure_clause_end``."""
    return clause_start <= figure_clause_end + 2 and bool(_SAME_GROUND.match(sentence, figure_clause_end))


def _frame_place(sentence: str, q: "_Quantity", measure: str, side: str | None, direction: str | None,
                 mentions: list[PlaceMention], context: _PlaceContext,
                 others_at: tuple[int, ...] = (), reference: dt.date | None = None,
                 figure: tuple | None = None) -> tuple[str | None, bool, str]:
    """(place, inferred, "rule: words") for one quantity (``figure``: its value, unit, start and
    end, for place.continued). Named rules, tried in order:

    - place.whole_front: a front's length after a part of it ("the Toretsk stretch of the 1,200-km
      front"): the whole front's, UKR (inferred);
    - place.attached: a place joined to the number by a preposition after it, in its clause
      ("80% of the Donbas", "576 sq km ... in Russia's Kursk region");
    - place.point_near: for a distance, a pace or a depth, the settlement nearest the number;
    - place.in_clause / place.earlier_clause / place.later_clause: the nearest place in the
      number's clause, else in a clause before it ("Near Pokrovsk, ..."), else after it (inferred);
    - place.carried: the last place of the report's earlier sentences (inferred);
    - place.whole_country: for ground taken or held, no place named at all: Ukraine, where the
      war is (the usual reading of "Russia took 478 sq km in October"), and so for ground Ukraine
      lost ("Ukrainian forces lost over 3,000 sq km in 2024": its own ground, whether or not it
      held ground in Russia then);
    - place.incursion: Ukraine's holding, or what it lost of it, with no place named, reported
      while it held ground in Russia (lexicon/events.json: 6 August 2024 to 26 April 2025) and
      far smaller than its own country ("the ground Ukraine still held had fallen to 120
      km2", "Ukraine now keeps just 10% of the seized land"): its ground in Russia, Kursk
      oblast (inferred);
    - place.unsure: none of these (Ukraine's holdings with no place: Ukraine or Kursk?).
    - place.incursion (after these, _incursion_country): Russia named as a country, while Ukraine
      held ground there, is Kursk oblast.
    """
    if measure == "front_length" and _PART_OF_THE_FRONT.search(sentence, max(0, q.start - 60), q.start):
        # "the Toretsk stretch of the 1,200-km (750-mile) front", "along that section of the 1,200-km front
        # line": the length is the whole front's; the sector named is a part of it.
        return "UKR", True, "place.whole_front: a part of the front is named, the length is the whole front's"
    if measure == "front_length" and _longer_than_any_sector(q):
        # "along the more than 1,000 kilometre front line", in a report about the Kursk region: no
        # oblast's front is that long; the length is the whole front's.
        return "UKR", True, f"place.whole_front: {_WHOLE_FRONT_MIN_M // 1000:,} km or more is no sector's length"
    country = next((m.canonical for m in reversed(mentions) if m.kind == "country" and m.start < q.start),
                   context.last_country)
    lo, hi = _clause_bounds(sentence, q.start)
    # place.described_in_passing: a place in a relative clause that does not hold the figure describes
    # what the clause is about ("In the south, where Ukraine's troops aim to push on to
    # Tokmak and Melitopol, they had retaken 9 sq km": the south's, not Melitopol's).
    described = [(a, b) for a, b in _described_spans(sentence) if not a <= q.start < b]
    mentions = [m for m in mentions if not any(a <= m.start < b for a, b in described)]
    resolved = []
    unresolved = None
    for m in mentions:
        r = context.resolve(m, mentions)
        if r is None:
            if lo <= m.start < hi:
                unresolved = m
            continue
        if r is not m:
            r = PlaceMention(m.start, m.end, f"{m.text} ({r.text})", r.kind, r.canonical, m.rule, r.city)
        resolved.append(r)
    mentions = _without_members(sentence, q, measure, resolved)
    # A place in a later clause that holds another number is that number's ("six settlements
    # — five in Luhansk and one in Kharkiv": Luhansk is the five's).
    others = [x for x in others_at if x != q.start]
    if others:
        # Unless that clause is an apposition right after this figure that measures the same ground
        # ("some 90 villages, stretching across 1,150 square kilometers in Kursk": the villages are in
        # Kursk too; read by place.later_clause).
        mentions = [m for m in mentions if m.start < hi
                    or not any(a <= o < b for a, b in [_clause_bounds(sentence, m.start)] for o in others)
                    or _same_ground_apposition(sentence, hi, _clause_bounds(sentence, m.start)[0])]
    usable = [m for m in mentions if not (measure == "depth" and m.kind == "country" and m.canonical in ("UKR", "RUS")
                                          and m.start > q.start)]
    usable = [m for m in usable if not _larger_than_the_region(q, measure, m)]
    for i, m in enumerate(usable):
        if q.end <= m.start < hi and _ATTACHED_GAP.match(sentence[q.end:m.start]) \
                and _ATTACH_PREP.search(sentence, q.end, m.start):
            if measure in _LINE_MEASURES and m.kind in ("country", "union", "oblast"):
                break  # "pushed 10 km into the Kursk region": the depth's point is a town, looked for below
            if m.kind == "country":
                # "143 sq km of Ukrainian territory in the Donetsk region": the region of the country
                # chained right after it is the more precise place ("... in Ukraine, mainly in
                # Donetsk" names a part, not the place).
                for n in usable[i + 1:]:
                    if n.start >= hi:
                        break
                    if n.kind in ("oblast", "oblast_or_city", "union") and (
                            _CHAINED_PLACE.match(sentence[m.end:n.start]) or _located_later(sentence, m.end, n)):
                        return (_reading(n, measure, sentence, country), False,
                                f"place.attached: {m.text} ... {n.text}")
            return _reading(m, measure, sentence, country), False, f"place.attached: {m.text}"
    if measure in _LINE_MEASURES:
        towns = [m for m in usable if m.kind in ("settlement", "oblast_or_city", "direction")]
        in_clause = [m for m in towns if lo <= m.start < hi]
        pool = in_clause or towns
        if not in_clause and all(m.start >= hi for m in towns) \
                and any(m.kind in ("oblast", "union") and m.start < lo for m in usable):
            # place.region_before: "In the Kharkiv region, Russia's units have moved 40 metres a day,
            # while in the Pokrovsk sector, ...": a region fronted before the figure's clause is its
            # place; a town in a clause after it is another figure's (read by place.earlier_clause).
            pool = []
        if pool:
            m = min(pool, key=lambda m: abs(m.start - q.start))
            oblast = _depth_oblast(sentence, m, measure)
            if oblast is not None:
                return oblast, False, f"place.depth_in_oblast: {m.text} lies in {oblast}"
            return _reading(m, measure, sentence, country), False, f"place.point_near: {m.text}"
        into = [m for m in mentions if q.end <= m.start < hi and _ATTACHED_GAP.match(sentence[q.end:m.start])]
        if measure == "depth" and into:  # "pushed up to 35 km into Russia": the country it reaches into
            # (Russia, while Ukraine held ground there, is the incursion's region: _incursion_country)
            return _reading(into[0], measure, sentence, country), False, f"place.attached: {into[0].text}"
    if unresolved is not None:
        return None, False, f"place.unsure: {unresolved.text!r} names no place the report has given"
    in_clause = [m for m in usable if lo <= m.start < hi]
    if in_clause:
        m = min(in_clause, key=lambda m: abs(m.start - q.start))
        return _reading(m, measure, sentence, country), False, f"place.in_clause: {m.text}"
    before = [m for m in usable if m.start < lo]
    if before:
        m = before[-1]
        return _reading(m, measure, sentence, country), False, f"place.earlier_clause: {m.text}"
    if usable:
        m = min(usable, key=lambda m: abs(m.start - q.start))
        return _reading(m, measure, sentence, country), True, f"place.later_clause: {m.text}"
    continued = _continued_place(sentence, measure, side, context.claims_before, figure)
    if continued is not None:
        return continued
    country_before = _country_before(context.claims_before)
    # A pace along a line is carried from the last place named; an area a day, like an area, only
    # from a region (a town named in passing is no area's place).
    line = measure in _LINE_MEASURES and not (measure == "advance_rate" and q.normalized == "km2")
    # place.carried for a line: its point is a town or a sector, the last one named when a region named
    # after it only says where the town lies ("on the Kupiansk axis ... The town of Kupiansk and
    # nearby parts of the Kharkiv region ... moved forward two kilometres": Kupiansk's).
    carried = context.line_point() if line else context.recent_region
    if country_before is not None and measure not in _LINE_MEASURES:
        carried = None  # place.country_as_before, below
    if carried is not None and _larger_than_the_region(q, measure, carried):
        carried = None
    if carried is not None:
        return (_reading(carried, measure, sentence, country), True,
                f"place.carried: {carried.text} (an earlier sentence)")
    if measure in _COUNTRY_MEASURES and (measure != "advance_rate" or q.normalized == "km2"):
        if side == "ukraine" and measure in ("area_held", "share_held", "share_lost"):
            incursion = _incursion_holding(sentence, q, measure, reference)
            if incursion:
                return INCURSION_PLACE, True, f"place.incursion: {incursion}"
            return None, False, "place.unsure: Ukraine's holdings with no place named (in Ukraine or in Russia?)"
        if side is None and measure in ("area_held", "share_held", "share_lost", "area_change"):
            return None, False, "place.unsure: no side and no place named"
        if country_before:
            return "UKR", True, (f"place.country_as_before: no place named, and the claim before ({country_before.surface}) "
                                 f"is about {country_before.place}")
        return "UKR", True, "place.whole_country: no place named; ground taken or held in the war is Ukraine's"
    return None, False, "place.none: no place named"


# A sentence that widens to the whole ("Overall, Russia gained 2,000 sq km", "in total",
# "across the front"): not the place of the claim before.
_WIDENS = re.compile(r"\b(?:overall|in\s+total|all\s+told|altogether|nationwide|country-?wide|in\s+all|"
                     r"across\s+(?:the\s+)?(?:whole\s+|entire\s+)?(?:front|country|Ukraine|theatre|theater)|"
                     r"(?:along|on)\s+(?:the\s+)?(?:whole|entire)\s+front)\b", re.I)


# A figure put by an estimate ("ISW put the contested zone at 1,090 km2"), in the past tense.
_ESTIMATED = re.compile(r"\b(?:estimated|put|assessed|placed|reported|calculated|gave|cited|counted)\b", re.I)
# A present-tense holding: the figure is now, not the peak before it.
_HOLDS_NOW = re.compile(r"\b(?:holds?|controls?|occupies|occupy|is|are|has|have|remains?|stands?)\b", re.I)


def _peak_estimated_again(sentence: str, q: "_Quantity", measure: str, side: str | None, aspect: str | None,
                          date_rule: str, claims_before: list[Claim]) -> Claim | None:
    """The peak claim of the sentence before of which this figure is another estimate, or None
    (date.peak_as_before): "DeepState gave Ukraine's peak holding as 850 km2, with 310 km2 of
    grey zone. ISW put the contested zone at 1,090 km2": the same peak by another source,
    not the holding on the report's day. Only for a state with no time and no present tense of its
    own, put in the past tense by a verb of estimating, after a peak of the same measure and side."""
    if measure not in ("area_held", "grey_zone") or aspect is not None \
            or not date_rule.startswith("date.publication: no date named"):
        return None
    if CURRENT.search(sentence) or _HOLDS_NOW.search(sentence) or not _ESTIMATED.search(sentence, 0, q.start):
        return None
    return next((c for c in reversed(claims_before)
                 if c.measure == measure and c.side == side and c.aspect == "peak"), None)


def _spelling_rule(place: str | None, rule: str, mentions: list[PlaceMention]) -> str:
    """The place rule, with place.ukrainian_spelling named when the place is a town the text spells
    in the older transliteration ("Kupyansk" -> "Kupiansk", claims/places.py)."""
    for m in mentions:
        if place and m.canonical == place and m.rule.endswith("place.ukrainian_spelling"):
            return f"{rule}; place.ukrainian_spelling: {m.text} is {place}"
    return rule


def _oblast_of_all_rule(place: str | None, rule: str, mentions: list[PlaceMention]) -> str:
    """The place rule, with place.oblast_of_all named when the place is the oblast that holds
    several places named together ("in the Toretsk, Siversk, Kostiantynivka, and Kurakhove
    directions": Donetsk oblast)."""
    named = rule.split(": ", 1)[1] if ": " in rule else ""
    for m in mentions:
        if m.within and m.within == place and m.text == named:
            return f"{rule}; place.oblast_of_all: the places named together all lie in {place}"
    return rule


def _continued_place(sentence: str, measure: str, side: str | None, claims_before: list[Claim],
                     figure: tuple | None = None) -> tuple[str, bool, str] | None:
    """place.continued: a sentence that names no place and goes on with the claim before it,
    the same measure by the same side ("Russia has taken 1,520 sq km in Luhansk since January.
    In October by itself, it took 870 sq km"), is about that claim's place, when the
    claim before named it (a place carried further is left to place.carried) and the sentence does
    not widen to the whole ("Overall, ..."). ``claims_before``: the claims of the last sentence
    that had any, while no place has been named since. A figure over a period inside the claim
    before's that is larger than it is not a part of it ("... 1,804 sq km in Donetsk since January.
    In November, it gained 2,000 sq km": not Donetsk's): ``figure`` is (value, unit, start, end)."""
    if side is None or _WIDENS.search(sentence):
        return None
    for prev in reversed(claims_before):
        rule = prev.explain.get("place", "")
        if prev.measure == measure and prev.side == side and prev.place and "place" not in prev.unsure \
                and not _larger_than_its_whole(figure, prev) \
                and not rule.startswith(("place.carried", "place.whole_country", "place.country_as_before",
                                         "place.none", "place.unsure")):
            return (prev.place, True, f"place.continued: {prev.surface} in {prev.place} (the sentence before: "
                                      f"the same measure, by the same side)")
    return None


def _larger_than_its_whole(figure: tuple | None, whole: Claim) -> bool:
    """Whether a change over a period inside ``whole``'s period is larger than ``whole``: then it
    cannot be a part of it (``figure``: value, unit, start, end)."""
    if figure is None:
        return False
    value, unit, start, end = figure
    whole_value = whole.value_normalized if whole.value_normalized is not None else whole.low_normalized
    if None in (value, start, end, whole_value, whole.start_date, whole.date) or unit != whole.unit_normalized:
        return False
    return whole.start_date <= start and end <= whole.date and value > whole_value


def _country_before(claims_before: list[Claim]) -> Claim | None:
    """The claim of the sentence before that names a whole country as its place, when none of that
    sentence's claims is about a smaller place: a sentence naming no place after it goes on about
    the country, not about a region named in passing ("... roughly a fifth of the country, came from
    the annexation of Crimea in 2014 ... A Ukrainian counteroffensive in 2022 regained some
    25,000 sq km": the country's, not Crimea's)."""
    named = [c for c in claims_before if c.place and "place" not in c.unsure
             and not c.explain.get("place", "").startswith(("place.carried", "place.whole_country", "place.none",
                                                            "place.unsure", "place.country_as_before"))]
    if named and all(c.place in ("UKR", "RUS") for c in named):
        return named[-1]
    return None
