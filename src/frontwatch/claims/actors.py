"""Actor recogniser: who acts or holds in a sentence, and whose side a speaker is on.

Finds the mentions of the sides of the war in one sentence, each with its kind:

- ``noun``: a side by itself ("Russia", "Moscow's", "Kyiv", "the Kremlin");
- ``adjective``: "Russian", "Ukrainian" followed by an actor or holder noun ("Russian forces",
  "Ukrainian control", "Kyiv's troops"), or a force named by its country after "of" ("the Armed
  Forces of Ukraine"); an adjective before another noun ("Russian lines",
  "Ukrainian television", "Russian territory") names no actor and is not returned;
- ``compound``: "Ukrainian-held", "Russian-occupied" (the holder of what follows);
- ``term``: what one side calls the other ("the occupiers", "the invaders": Russia);
- ``speaker``: "we", "our", "us", "his forces" (the side of whoever is quoted);
- ``enemy``: "the enemy" (the side opposite the speaker's).

Each mention also says whether it is the object of a preposition or of a verb that acts upon
it ("recaptured from Russian forces", "pushed Russian soldiers back"), which the frame builder
uses to find the clause's actor. Words live in ``lexicon/actors.json``. Pure functions over
one sentence; linear-time regular expressions. May import the standard library and
frontwatch.claims.lexicon.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from frontwatch.claims.lexicon import load_lexicon

_LEX = load_lexicon("actors")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class ActorMention:
    """One mention of a side: ``side`` is russia, ukraine, north_korea, or "speaker"/"enemy"
    (resolved through the sentence's attribution); ``governed`` is the preposition or verb that
    makes it an object ("from", "pushed"), else None."""

    start: int
    end: int
    text: str
    side: str
    kind: str
    governed: str | None = None


_ACTOR_NOUNS = _alt(_LEX["actor_nouns"])
_PATTERNS: list[tuple[re.Pattern[str], str, str]] = []
for _side, _entry in _LEX["sides"].items():
    if _entry["adjectives"]:
        _adj = _alt(_entry["adjectives"])
        _PATTERNS.append((re.compile(rf"\b(?:{_adj})-(?:held|occupied|controlled|led|backed)\b"), _side, "compound"))
        # The actor noun in any case: "the Ukrainian Armed Forces", "the Russian Army".
        _PATTERNS.append((re.compile(rf"\b(?:{_adj})\s+(?:[A-Za-z-]+\s+)?(?i:{_ACTOR_NOUNS})\b"), _side, "adjective"))
    _nouns = _alt(_entry["nouns"])
    # "the Armed Forces of Ukraine", "the troops of Russia": a force named by its country after "of"
    # (before the noun alone, which would read the country as the object of "of").
    _PATTERNS.append((re.compile(rf"\b(?i:{_alt(_LEX['force_nouns_of'])})\s+of\s+(?:the\s+)?(?:{_nouns})(?![\w-])"),
                      _side, "adjective"))
    _PATTERNS.append((re.compile(rf"(?<![\w-])(?:{_nouns})(?![\w-])"), _side, "noun"))
    if _entry["terms"]:
        _PATTERNS.append((re.compile(rf"\b(?:the\s+)?(?:{_alt(_entry['terms'])})\b", re.I), _side, "term"))
_PATTERNS.append((re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s)\b|\b(?:[Hh]is|[Hh]er)\s+(?:troops|forces|soldiers|army|units|men|"
                             r"fighters)\b"), "speaker", "speaker"))
# "the enemy", "the adversary", "the opponent": the side opposite the speaker's.
_PATTERNS.append((re.compile(r"\b(?:[Tt]he\s+)?(?:enemy|adversary|opponent)\b"), "enemy", "enemy"))

# "Russia" before one of these names a place, not an actor ("Russian territory" is never matched:
# the adjective needs an actor noun).
_TERRITORY_AFTER = re.compile(r"['’]?s?\s+(?:territory|territories|land|soil|region|regions|border|oblast|towns?|"
                              r"cities|city|villages?|side\s+of)\b")
# A side noun after a possessive determiner modifies the noun after it ("Russia launched its Ukraine
# offensive"), and one after a compass adjective names a part of the country ("Eastern Ukraine: 10
# square kilometers gained", "in southern Russia"): neither is an actor.
_ATTRIBUTIVE_BEFORE = re.compile(r"\b(?:its|their|his|her|whose|(?:north|south)?(?:-?east|-?west)ern|northern|southern|"
                                 r"central)\s+$", re.I)
_PREPOSITION_BEFORE = re.compile(r"\b(?P<w>in|into|inside|of|for|across|against|from|near|to|at|on|toward|towards|"
                                 r"behind|through|with|by|over|than)\s+(?:the\s+)?(?:[a-z-]+\s+)?$", re.I)
_OBJECT_VERB_BEFORE = re.compile(rf"\b(?P<w>{_alt(_LEX['object_verbs'])})\s+(?:the\s+)?$", re.I)
_SPEAKERS = {side: re.compile(rf"\b(?:{_alt(words)})\b") for side, words in _LEX["speakers"].items()}
_NOUN_SIDE = [(re.compile(rf"(?<![\w-])(?:{_alt(e['nouns'] + e['adjectives'])})(?![\w-])"), s)
              for s, e in _LEX["sides"].items()]


def actor_mentions(sentence: str) -> list[ActorMention]:
    """The side mentions of a sentence in reading order (the longest at each place)."""
    found: list[ActorMention] = []
    for regex, side, kind in _PATTERNS:
        for m in regex.finditer(sentence):
            if any(not (m.end() <= f.start or m.start() >= f.end) for f in found):
                continue
            if kind == "noun" and _TERRITORY_AFTER.match(sentence, m.end()):
                continue  # "Russia's territory", "Ukraine's border": where, not who
            if kind == "noun" and _ATTRIBUTIVE_BEFORE.search(sentence, max(0, m.start() - 20), m.start()):
                continue  # "its Ukraine offensive", "eastern Ukraine": what or where, not who
            before = sentence[max(0, m.start() - 30):m.start()]
            gov = _PREPOSITION_BEFORE.search(before) or _OBJECT_VERB_BEFORE.search(before)
            found.append(ActorMention(m.start(), m.end(), m.group(0), side, kind,
                                      gov.group("w").lower() if gov else None))
    found.sort(key=lambda a: a.start)
    return found


def speaker_side(who: str | None) -> str | None:
    """The side of a speaker ("Ukraine's military", "Shoigu", "the Russian defence ministry"), or None."""
    if not who:
        return None
    named = [(m.start(), side) for regex, side in _NOUN_SIDE for m in [regex.search(who)] if m]
    if named:
        return min(named)[1]
    for side, regex in _SPEAKERS.items():
        if regex.search(who):
            return side
    return None


_KNOWN_SPEAKER = re.compile(r"(?<![\w-])(?:" + _alt(w for words in _LEX["speakers"].values() for w in words) + r")(?![\w-])")


def known_speakers_in(sentence: str) -> list[tuple[int, str]]:
    """The speakers of the lexicon named in a sentence, speaking or not ("DeepState analysts,
    however, paint a different picture"), as (offset, name) in reading order."""
    return [(m.start(), m.group(0)) for m in _KNOWN_SPEAKER.finditer(sentence)]


# How a report introduces a person: "Ivan Petrenko, the acting governor of Russia's Bryansk region"
# (an apposition after the name) or "Russian governor Ivan Petrenko" (titles before it).
_APPOSITION_AFTER = re.compile(r"\s*,\s*(?P<app>(?:the|a|an)\s+[^,;.!?\"“”()]{3,100})")
_TITLES_BEFORE = re.compile(r"(?:^|[,;.:\"“”()]\s*|\s)(?P<pre>(?:[\w'’-]+\s+){1,4}?)(?:[A-Z][\w'’-]+\s+){0,2}$")
# A speaker named by a common noun only: "the brigade", "the ministry", "the general staff".
_COMMON_SPEAKER = re.compile(r"(?:[Tt]he|[Ii]ts|[Tt]heir)\s+(?P<noun>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)")
# The mentions of a name looked at: a report introduces a person at the first mentions.
_DESCRIBED_MENTIONS = 20


def described_side(who: str | None, text: str) -> str | None:
    """The side of a speaker whose name says none, from how the report introduces the person
    (side.speaker_described): the side word of an apposition after one of the first mentions of
    their surname, else of the titles right before it, else None. ``text``: the whole report
    (the work is bounded: the first 20 mentions, 120 characters around each)."""
    if not who:
        return None
    common = _COMMON_SPEAKER.fullmatch(who.strip())
    if common:
        # "The brigade said ..." after "A Ukrainian brigade says ...": the side word the report put
        # before that noun when it first named it (side.speaker_described).
        m = re.search(r"(?P<adj>[A-Z][\w'’-]+)\s+(?:[A-Za-z-]+\s+)?" + re.escape(common.group("noun")) + r"\b", text)
        return side_of_words(m.group("adj")) if m else None
    names = re.findall(r"[A-Z][\w'’-]{2,}", who)
    if not names:
        return None
    found = None
    for i, m in enumerate(re.finditer(re.escape(names[-1]) + r"(?![\w'’-])", text)):
        if i >= _DESCRIBED_MENTIONS:
            break
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "'’-"):
            continue
        app = _APPOSITION_AFTER.match(text, m.end(), min(len(text), m.end() + 110))
        side = side_of_words(app.group("app")) if app else None
        if side:
            return side
        pre = _TITLES_BEFORE.search(text, max(0, m.start() - 80), m.start())
        if pre and found is None:
            found = side_of_words(pre.group("pre"))
    return found


def side_of_words(words: str) -> str | None:
    """The side the first side word in ``words`` names ("Russian and North Korean" -> russia)."""
    named = [(m.start(), side) for regex, side in _NOUN_SIDE for m in [regex.search(words)] if m]
    return min(named)[1] if named else None


def opposite(side: str | None) -> str | None:
    """The other side of the war (None for anything else)."""
    return {"russia": "ukraine", "ukraine": "russia"}.get(side or "")
