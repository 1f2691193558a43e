"""Place recogniser: where a sentence says things happen, in the canonical names the checker reads.

Finds the place mentions of one sentence and names each the way
``frontwatch.geo.regions.resolve_region`` and the gazetteer read them: a country as its ISO-3
code ("UKR", "RUS"), an oblast as "Donetsk oblast" (Ukrainian transliteration, whatever the
spelling in the text: "Lugansk" is "Luhansk oblast"), a union of oblasts as
"Donetsk oblast+Luhansk oblast" ("the Donetsk and Luhansk regions", "the Donbas"), a settlement
by its name, a front sector as "Pokrovsk direction". A name that is both an oblast and its
centre city ("in Donetsk", "Kursk") is kept as both readings (``kind == "oblast_or_city"``): the
frame builder picks one from what the number measures (an area is the oblast's, a distance the
city's).

Every rule is named (``PlaceMention.rule``) for the claim's ``explain`` record, and the words
live in ``lexicon/places.json`` (countries, oblasts and their spellings, regions, the nouns that
introduce a settlement, words that are never places). A capitalised word after a preposition
is a settlement only when the gazetteer (``frontwatch.geo.places``: GeoNames, offline) knows it in
Ukraine, Russia or Belarus, or a noun introduces it ("the village of Pushkine"): "the
Luxembourgish parliament", "Federation" or "Ukraine Oleksandr Syrskyi" are not places.

Pure functions over one sentence; linear-time regular expressions. May import the standard
library, frontwatch.claims.lexicon and, lazily, the gazetteer (exact and transliterated names
only: ``frontwatch.geo.places.exact_place``, no fuzzy search).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontwatch.claims.lexicon import load_lexicon
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # what the import graph sees; loaded on first use (the gazetteer is heavy)
    from frontwatch.geo import places as gazetteer
else:
    gazetteer = lazy_import("frontwatch.geo.places")


@dataclass(frozen=True)
class PlaceMention:
    """One place named in a sentence. ``canonical`` is the name to check against ("UKR",
    "Donetsk oblast", "Donetsk oblast+Luhansk oblast", "Pokrovsk", "Pokrovsk direction");
    ``city`` is the settlement reading of an oblast-or-city name ("Donetsk"), else None."""

    start: int
    end: int
    text: str
    kind: str   # country, country_ref, oblast, oblast_or_city, union, settlement, direction, region_ref, city_ref,
    # area_ref ("this area": the place last named, of any kind), direction_ref ("this front": the sector last named),
    # compass_front ("in the south": resolved by the report's day, see COMPASS_FRONTS)
    canonical: str
    rule: str
    city: str | None = None
    # Several places named together ("the Pokrovsk, Kurakhove and Vuhledar directions"): the oblast
    # that holds them all, by the gazetteer (place.oblast_of_all), else None.
    within: str | None = None


_LEX = load_lexicon("places")
_NON_PLACES = frozenset(_LEX["non_places"])
_RIVERS = frozenset(_LEX["rivers"])
_OUTLET_WORDS = frozenset(_LEX["outlet_words"])
# Words after a count that introduce its members ("220 settlements, including Lyman"): the frame
# builder does not take a member for the count's place.
MEMBER_MARKERS = tuple(_LEX["member_markers"])
# A compass part of the front and the operation during which it names oblasts (the frame builder
# resolves it by the report's day: place.compass_front).
COMPASS_FRONTS = tuple(_LEX["compass_fronts"])


def _alternation(names) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


# spelling -> canonical oblast; whether the bare spelling may also be the centre city.
_OBLAST_OF: dict[str, str] = {}
_CITY_OF: dict[str, str] = {}
for _canon, _entry in _LEX["oblasts"].items():
    for _n in _entry["names"]:
        _OBLAST_OF[_n] = _canon
        if _entry.get("city"):
            _CITY_OF[_n] = _entry["city"]
_REGION_OF: dict[str, list[str]] = dict(_LEX["regions"])
_COUNTRY_OF: dict[str, str] = {}
_COUNTRY_ADJ: dict[str, str] = {}
for _code, _entry in _LEX["countries"].items():
    for _n in _entry["names"]:
        _COUNTRY_OF[_n] = _code
    for _n in _entry["adjectives"]:
        _COUNTRY_ADJ[_n] = _code
_CAPITAL_OF: dict[str, str] = {n: code for code, e in _LEX["countries"].items() for n in e.get("capitals", ())}
_POSSESSIVE_AFTER = re.compile(r"['’]s\b")
# The capital's name stands for the government ("Kyiv said"): a place only with a region word.
_METONYMS = frozenset({"Kyiv", "Kiev"})

_OBL = _alternation(_OBLAST_OF)
_REG = _alternation(_REGION_OF)
_REGION_WORDS = _alternation(_LEX["region_words"])
_DIRECTION_WORDS = _alternation(_LEX["direction_words"])
_SETTLEMENT_NOUNS = _alternation(_LEX["settlement_nouns"])
_WORD = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*\b"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,2}}"

# "the Donetsk, Luhansk, Zaporizhzhia and Kherson regions"
UNION = re.compile(rf"\b(?P<names>(?:{_OBL})(?:\s*,\s*(?:{_OBL}))*\s*,?\s+and\s+(?:{_OBL}))\s+(?:{_REGION_WORDS})\b")
# "the Kursk region", "Russia's Kursk Oblast", "Luhansk province"
OBLAST_WORD = re.compile(rf"\b(?P<name>{_OBL})(?:['’]s)?\s+(?:{_REGION_WORDS})\b")
# "the region of Kharkiv", "Kharkiv oblast" written the other way round
WORD_OBLAST = re.compile(rf"\b(?:region|oblast|province)\s+of\s+(?P<name>{_OBL})\b")
# "the Donbas (region)"
REGION = re.compile(rf"\b(?P<name>{_REG})\b")
# "the Pokrovsk, Kurakhove and Vuhledar directions", "the Pokrovsk axis"
DIRECTION = re.compile(rf"\b(?P<name>{_WORD}(?:\s+{_WORD})?)(?:\s*,\s*{_WORD}(?:\s+{_WORD})?)*(?:\s*,?\s+and\s+{_WORD}(?:\s+{_WORD})?)?"
                       rf"(?:['’]s)?\s+(?:{_DIRECTION_WORDS})\b")
# Oblast names joined by "and" with no word for region: "roughly 75% of Kherson and Zaporizhzhia" (a union,
# for ground; a distance's point is looked for among towns, so a union is never one).
BARE_UNION = re.compile(rf"(?<![\w-])(?P<names>(?:{_OBL})(?:\s*,\s*(?:{_OBL}))*\s*,?\s+and\s+(?:{_OBL}))(?![\w'’-])"
                        rf"(?!\s+(?:{_REGION_WORDS}|city|cities|towns?)\b)")
# A bare oblast (or oblast-and-city) name: "in Donetsk", "Kursk", "the Crimean peninsula"
BARE_OBLAST = re.compile(rf"(?<![\w-])(?P<name>{_OBL})(?![\w-])")
# "the (key logistics) town of Pokrovsk", "the village of Pushkine", "the logistics hub Pokrovsk"
SETTLEMENT_OF = re.compile(rf"\b(?:{_SETTLEMENT_NOUNS})\s+(?:of\s+)?(?P<name>{_NAME})")
# "Toretsk, the strategically important town located ...": a name opening the sentence, then
# an apposition that says it is a settlement.
APPOSITIVE = re.compile(rf"^\s*(?P<name>{_NAME}),\s+(?:a|an|the)\s+[^,;]{{0,50}}?\b(?:{_SETTLEMENT_NOUNS})\b")
# An oblast's name inside the name of an office ("the Kharkiv regional military administration"):
# the speaker's title, not where the claim is.
_OFFICE_AFTER = re.compile(r"\s+(?:regional|oblast|city|military|district)\s+(?:military\s+|state\s+)?"
                           r"(?:administration|council|governor|head|police|prosecutor)", re.I)
# The country in an institution's name ("the Armed Forces of Ukraine", "the President of Ukraine") or
# after a holder's phrase ("back in the hands of Ukraine", "under the control of Russia"): an actor,
# not where a figure is (place.institution_or_holder, by its absence).
_INSTITUTION_BEFORE = re.compile(rf"(?:\b(?:{_alternation(_LEX['institution_nouns'])})|"
                                 r"\b(?:hands|control|rule|grip|possession|forces|troops|army)\b)\s+of\s+(?:the\s+)?$")
# A military formation named after a place ("troops of the Zapad (West) group of forces", "the
# Centre Grouping", "the Khortytsia operational-strategic group"): not a place.
_UNIT_AFTER = re.compile(rf"\s*(?:\([^()]{{0,30}}\)\s*)?(?:operational(?:-strategic)?\s+|tactical\s+)?"
                         rf"(?:{_alternation(_LEX['unit_words'])})\b")
_OPERATION_AFTER = re.compile(r"\s+(?:counter-?offensive|offensive|operation|campaign|incursion|counterattack)s?\b", re.I)
# After a preposition of place: "near Pokrovsk", "south of Bakhmut", "in Vovchansk".
AFTER_PREP = re.compile(
    r"\b(?i:in|near|around|outside|of|to|towards?|into|inside|at|from|across|on|west\s+of|east\s+of|"
    r"north\s+of|south\s+of|northwest\s+of|northeast\s+of|southwest\s+of|southeast\s+of|close\s+to|beyond|"
    r"(?:the\s+)?outskirts\s+of)\s+(?i:the\s+)?(?:(?i:embattled|key|frontline|front-line|strategic|besieged|eastern|"
    r"southern|northern|western|central)\s+)?(?P<name>" + _NAME + r")")
# Countries: "in Ukraine", "of Russia", "the Russian Federation"; "Ukrainian territory", "pre-2014
# Ukrainian land"; "the country". The frame builder decides whether a country name is a place
# or an actor ("Russia took ..." is an actor).
COUNTRY = re.compile(rf"\b(?P<name>{_alternation(_COUNTRY_OF)})\b(?!['’]s)")
# "Kyiv's land", "Moscow's territory": a capital's possessive stands for its country (place.country_territory).
COUNTRY_ADJ_LAND = re.compile(rf"\b(?P<name>(?:{_alternation(_COUNTRY_ADJ)})|(?:{_alternation(list(_COUNTRY_OF) + list(_CAPITAL_OF))})['’]s)\s+(?:(?:own|entire|whole|total)\s+)?(?:territory|territories|land|lands|soil|ground)\b"
                              r"(?!\s+(?:forces|troops|units|operations?|offensive|assault))")
COUNTRY_REF = re.compile(r"\b(?:the|our|their|its)\s+(?:whole\s+|entire\s+)?country\b|\bour\s+(?:territory|land|soil)\b", re.I)
# "the region", "the city": the last oblast or settlement named before it (resolved by the frame).
REGION_REF = re.compile(r"\b(?:the|this|that)\s+(?:(?:same|border|frontier|neighbou?ring)\s+)?"
                        r"(?P<what>region|oblast|province|city|town)\b(?!\s+(?:[a-z]+\s+)?of\b)", re.I)
# "in the south", "on the southern front", "As for the south", "the south of Ukraine": a compass part of
# the front (not "south of Bakhmut", a locator, nor "the south of the Kharkiv region").
COMPASS_FRONT = re.compile(r"\b(?:in|on|across|for|along)\s+the\s+(?P<word>"
                           + "|".join(sorted({re.escape(e["word"]) for e in COMPASS_FRONTS}))
                           + r")(?:ern)?(?:\s+(?:front|direction|flank))?\b"
                           r"(?!\s+of\s+(?!Ukraine\b|the\s+country\b))(?:\s+of\s+(?:Ukraine|the\s+country)\b)?"
                           r"(?!\s+and\s+(?:in\s+|on\s+)?(?:the\s+)?(?:east|north|west))", re.I)
# "on this front", "in that direction", "the same sector": the front sector last named (place.this_front).
DIRECTION_REF = re.compile(r"\b(?:this|that|the\s+same)\s+(?:front|direction|sector|axis)\b(?!\s+(?:line|of)\b)", re.I)
# "1,240 square kilometres of this area", "the total recaptured in the area": the place last named,
# of any kind. "The area" alone is not one ("the area under Russian control", "the area of Ukraine").
AREA_REF = re.compile(r"\b(?:this|that)\s+(?:same\s+)?area\b"
                      r"|(?<=\bin\s)the\s+area\b(?!\s+(?:of|under|held|controlled|around|near|between|where|that|which)\b)",
                      re.I)
# "the enemy captured 30 square kilometres there", "the total territory recaptured there": the place
# last named, as "this area" (not the existential "there is", nor a sentence's opening "There").
THERE_REF = re.compile(r"(?<=\s)there\b(?!\s+(?:is|are|was|were|has|have|had|will|would|may|might|could|should|"
                       r"must|seems?|seemed|appears?|appeared|remains?|remained|exists?|existed|'s|’s)\b)")
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|inside|of|across|throughout|within|from|to)\s+(?:the\s+)?(?:(?:whole|entire|all\s+of|eastern|southern|northern|western)\s+)?$", re.I)
_RIVER_AFTER = re.compile(r"\s+[Rr]iver\b")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)
_SIZE_OF = re.compile(r"\b(?:size|area)\s+of\s+(?:the\s+)?$", re.I)
# A capitalised word followed by a lower-case noun it qualifies ("the Luxembourgish parliament").
_DEMONYM = re.compile(r"(?:" + "|".join(_LEX["demonym_endings"]) + r")$")
_LOWER_NOUN_AFTER = re.compile(r"\s+[a-z]")


def place_mentions(sentence: str) -> list[PlaceMention]:
    """The places a sentence names, in reading order, one per stretch of text (the longest
    reading wins: "the Donetsk and Luhansk regions" is one union, not two oblasts)."""
    found: list[PlaceMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= m.start or a >= m.end for m in found)

    def add(m: PlaceMention) -> None:
        if free(m.start, m.end):
            found.append(m)

    for m in UNION.finditer(sentence):
        names = re.split(r"\s*,\s*(?:and\s+)?|\s*,?\s+and\s+", m.group("names"))
        members = [_OBLAST_OF[n] for n in names if n in _OBLAST_OF]
        add(PlaceMention(m.start(), m.end(), m.group(0), "union", "+".join(dict.fromkeys(members)),
                         "place.union_of_oblasts"))
    for m in OBLAST_WORD.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "oblast", _OBLAST_OF[m.group("name")], "place.oblast_named"))
    for m in WORD_OBLAST.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "oblast", _OBLAST_OF[m.group("name")], "place.oblast_named"))
    for m in REGION.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "union", "+".join(_REGION_OF[m.group("name")]),
                         "place.named_region"))
    for m in DIRECTION.finditer(sentence):
        name = m.group("name")
        if name.split()[0] in _NON_PLACES or name in _COUNTRY_OF or name in _COUNTRY_ADJ:
            continue  # "the southern front", "the Russian front"
        names = _DIRECTION_NAMES.findall(m.group(0))
        within = oblast_of_all(tuple(names)) if len(names) > 1 else None
        add(PlaceMention(m.start(), m.end(), m.group(0), "direction", f"{name} direction", "place.direction",
                         within=within))
    for m in APPOSITIVE.finditer(sentence):
        name = _trim(m.group("name"))
        if name:
            add(PlaceMention(m.start("name"), m.start("name") + len(name), name, "settlement", name,
                             "place.appositive"))
    for m in SETTLEMENT_OF.finditer(sentence):
        name = _trim(m.group("name"))
        if name:
            add(PlaceMention(m.start("name"), m.start("name") + len(name), name, "settlement", name,
                             "place.settlement_noun"))
    for m in BARE_UNION.finditer(sentence):
        names = re.split(r"\s*,\s*(?:and\s+)?|\s*,?\s+and\s+", m.group("names"))
        members = list(dict.fromkeys(_OBLAST_OF[n] for n in names if n in _OBLAST_OF))
        if len(members) > 1 and not any(n in _METONYMS for n in names) and not _OFFICE_AFTER.match(sentence, m.end()):
            add(PlaceMention(m.start(), m.end(), m.group(0), "union", "+".join(members), "place.union_of_names"))
    for m in BARE_OBLAST.finditer(sentence):
        name = m.group("name")
        if name in _METONYMS or _RIVER_AFTER.match(sentence, m.end()) or _OFFICE_AFTER.match(sentence, m.end()):
            continue
        canonical = _OBLAST_OF[name]
        # "the Kharkiv counteroffensive", "the Kherson offensive": an operation named after the region
        # (place.region_operation), not its centre city.
        city = None if _OPERATION_AFTER.match(sentence, m.end()) else _CITY_OF.get(name)
        kind = "oblast_or_city" if city else "oblast"
        add(PlaceMention(m.start(), m.end(), name, kind, canonical, "place.oblast_name", city=city))
    # Before the countries: "in the south of Ukraine" is a part of the front, not the country.
    for m in COMPASS_FRONT.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "compass_front", m.group("word").lower(), "place.compass_front"))
    for m in COUNTRY_ADJ_LAND.finditer(sentence):
        name = re.sub(r"['’]s$", "", m.group("name"))
        add(PlaceMention(m.start(), m.end(), m.group(0), "country",
                         _COUNTRY_ADJ.get(name) or _COUNTRY_OF.get(name) or _CAPITAL_OF[name],
                         "place.country_territory"))
    for m in COUNTRY.finditer(sentence):
        if _INSTITUTION_BEFORE.search(sentence, max(0, m.start() - 40), m.start()):
            continue  # "the Armed Forces of Ukraine", "in the hands of Ukraine": an actor
        if _LOCATIVE_BEFORE.search(sentence, max(0, m.start() - 30), m.start()):
            add(PlaceMention(m.start(), m.end(), m.group(0), "country", _COUNTRY_OF[m.group("name")],
                             "place.country_after_preposition"))
    for m in COUNTRY_REF.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "country_ref", "UKR", "place.the_country"))
    for m in REGION_REF.finditer(sentence):
        what = m.group("what").lower()
        kind = "city_ref" if what in ("city", "town") else "region_ref"
        add(PlaceMention(m.start(), m.end(), m.group(0), kind, "", f"place.the_{what}"))
    for m in AREA_REF.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "area_ref", "", "place.this_area"))
    for m in THERE_REF.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "area_ref", "", "place.there"))
    for m in DIRECTION_REF.finditer(sentence):
        add(PlaceMention(m.start(), m.end(), m.group(0), "direction_ref", "", "place.this_front"))
    for m in AFTER_PREP.finditer(sentence):
        name = _trim(m.group("name"))
        pos = m.start("name")
        if not name or not free(pos, pos + len(name)):
            continue
        if _SIZE_OF.search(sentence, max(0, m.start("name") - 30), m.start("name")):
            continue  # "an area the size of Los Angeles": a comparison
        if name in _RIVERS and (_THE_BEFORE.search(sentence, max(0, pos - 10), pos) or _RIVER_AFTER.match(sentence, pos + len(name))):
            continue  # "the Dnipro": the river, not the city
        if _DEMONYM.search(name) and _LOWER_NOUN_AFTER.match(sentence, pos + len(name)) and not known_settlement(name):
            continue  # "the Luxembourgish parliament"
        if _OFFICE_AFTER.match(sentence, pos + len(name)) or _UNIT_AFTER.match(sentence, pos + len(name)) \
                or known_settlement(name) is False:
            continue
        if name in _CAPITAL_OF and _POSSESSIVE_AFTER.match(sentence, pos + len(name)):
            continue  # "in the hands of Kyiv's forces": the government's, not the city
        add(PlaceMention(pos, pos + len(name), name, "settlement", name, "place.settlement_after_preposition"))
    for m in CAPITALISED.finditer(sentence):
        # "Russian forces captured Vuhledar", "Pokrovsk is 8 km from ...": a name with no preposition
        # or noun before it is a settlement only when the gazetteer knows it by that very name.
        name = _trim(m.group("name"))
        pos = m.start("name")
        if not name or not free(pos, pos + len(name)) or name in _METONYMS or name in _RIVERS or name in _ACTOR_WORDS \
                or name in _OBLAST_OF or _RIVER_AFTER.match(sentence, pos + len(name)) \
                or _OFFICE_AFTER.match(sentence, pos + len(name)) or _UNIT_AFTER.match(sentence, pos + len(name)) \
                or _SIZE_OF.search(sentence, max(0, pos - 30), pos):
            continue
        if named_settlement(name):
            add(PlaceMention(pos, pos + len(name), name, "settlement", name, "place.known_settlement"))
    found.sort(key=lambda p: p.start)
    found = [_in_ukrainian_spelling(m) for m in found]
    return _region_possessive_before_town(sentence, found)


# "Kupyansk", "Bohoyavlenka", "Maryinka": a "y" before a vowel inside a name is the older
# (Russian-style) transliteration of the Ukrainian "я", "є", "ю", "ї" inside a word, which the
# national transliteration writes "ia", "ie", "iu", "i" ("Kupiansk", "Bohoiavlenka", "Marinka").
_Y_BEFORE_VOWEL = re.compile(r"(?<=[a-z])y(?=[aeu])|(?<=[a-z])yi")


def _in_ukrainian_spelling(m: PlaceMention) -> PlaceMention:
    """place.ukrainian_spelling: a settlement (or a sector's town) written in the older
    transliteration is named in Ukraine's national one, the spelling oblasts are named in, when the
    gazetteer knows both spellings as the same place ("Kupyansk" -> "Kupiansk"); else unchanged."""
    if m.kind not in ("settlement", "direction"):
        return m
    town = re.sub(r"\s+direction$", "", m.canonical)
    spelled = _ukrainian_spelling(town)
    if spelled == town:
        return m
    return PlaceMention(m.start, m.end, m.text, m.kind, m.canonical.replace(town, spelled, 1),
                        m.rule + "; place.ukrainian_spelling", m.city, m.within)


@functools.lru_cache(maxsize=2048)
def _ukrainian_spelling(name: str) -> str:
    spelled = _Y_BEFORE_VOWEL.sub("i", name)  # "yi" -> "i", "ya" -> "ia"
    if spelled == name:
        return name
    try:
        a, b = gazetteer.exact_place(f"{name}, UA"), gazetteer.exact_place(f"{spelled}, UA")
    except Exception:  # the gazetteer could not be read: keep the text's spelling
        return name
    return spelled if a is not None and b is not None and a.geonameid == b.geonameid else name


def _region_possessive_before_town(sentence: str, found: list[PlaceMention]) -> list[PlaceMention]:
    """Without a region named in the possessive right before a town or a sector of it ("near Donetsk
    Oblast's Bakhmut", "in Donetsk's Avdiivka-Pokrovsk sector", "the Kharkiv region's Kupiansk"): the
    possessive says where the town lies; the town is the place named (place.region_possessive)."""
    out = []
    for i, m in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) else None
        if m.kind in ("oblast", "oblast_or_city", "union") and nxt is not None \
                and nxt.kind in ("settlement", "direction") and _POSSESSIVE_GAP.fullmatch(sentence, m.end, nxt.start):
            continue
        out.append(m)
    return out


_POSSESSIVE_GAP = re.compile(r"(?:\s+(?:region|oblast|province|Oblast|Region|Province))?['’]s\s+(?:the\s+)?")


# Any capitalised name (up to three words), for the gazetteer's strict test.
CAPITALISED = re.compile(rf"(?<![\w'’-])(?P<name>{_NAME})")
# Words that name a side or a speaker ("Zelensky", "Moscow"): never a settlement by the strict test.
_ACTOR_WORDS = frozenset(w for e in load_lexicon("actors")["sides"].values() for w in e["nouns"] + e["adjectives"]) | \
    frozenset(w for ws in load_lexicon("actors")["speakers"].values() for w in ws)
# A name the gazetteer lists among another place's alternate names is taken only for a town this
# large (Ugledar for Vuhledar), and only when this long: GeoNames' alternates include short codes
# and historic names ("He", "In", "Zelenskoye" as other places' names).
_ALTERNATE_MIN_POPULATION = 10_000
_ALTERNATE_MIN_LETTERS = 6


def _trim(name: str) -> str:
    """The name without the capitalised non-place words at its ends ("Kursk Reuters" -> "Kursk");
    and cut at a country or oblast name inside it ("Ukraine Oleksandr Syrskyi" -> ""); nothing for
    a publication's name ("New York Times" -> "")."""
    words = name.split()
    if words and words[-1] in _OUTLET_WORDS:
        return ""  # "The New York Times", "The Kyiv Independent": a publication, not a place
    for i, w in enumerate(words):
        if i and (w in _COUNTRY_OF or w in _OBLAST_OF or w in _COUNTRY_ADJ):
            words = words[:i]
            break
    while words and (words[0] in _NON_PLACES or words[0] in _COUNTRY_OF or words[0] in _COUNTRY_ADJ):
        words.pop(0)
        if words:  # "Ukraine Oleksandr Syrskyi": what follows a country name is not its place
            return ""
    while words and words[-1] in _NON_PLACES:
        words.pop()
    return " ".join(words)


@functools.lru_cache(maxsize=4096)
def known_settlement(name: str) -> bool | None:
    """Whether the gazetteer knows ``name`` as a settlement, anywhere, by its exact or
    transliterated name (a place outside the theatre is still a place: the checker says it lies
    outside the maps); None when no gazetteer can be loaded (the name is then kept: the checker
    will say if it cannot find it). No fuzzy match: a miss costs a bisection, where a fuzzy
    search over every name cost 0.05-0.3 s (300 unknown names after "in" took 120 s; close
    spellings gained no claim of the development set)."""
    try:
        return gazetteer.exact_place(name) is not None
    except Exception:  # the gazetteer could not be read: do not decide
        return None


@functools.lru_cache(maxsize=4096)
def named_settlement(name: str) -> bool:
    """Whether the gazetteer knows ``name`` as a settlement in Ukraine or Russia by that very name
    (exactly or by transliteration: not a near spelling, nor another place's alternate name
    unless that is a town of 10,000 or more): the strict test for a name no preposition or noun
    introduces. False when no gazetteer can be loaded."""
    try:
        key = gazetteer.normalise_name(name)
        found = [gazetteer.exact_place(f"{name}, {cc}") for cc in ("UA", "RU")]
    except Exception:  # the gazetteer could not be read, or its packages are not installed
        return False
    return any(place is not None and (gazetteer.normalise_name(place.name) == key or (
        place.population >= _ALTERNATE_MIN_POPULATION and len(name) >= _ALTERNATE_MIN_LETTERS)) for place in found)


# The names of a list of directions: "Pokrovsk", "Velyka Novosilka" in "the Pokrovsk, ... and Velyka
# Novosilka directions".
_DIRECTION_NAMES = re.compile(rf"{_WORD}(?:\s+(?!and\b){_WORD})?")


@functools.lru_cache(maxsize=1024)
def oblast_of_all(names: tuple[str, ...]) -> str | None:
    """The oblast (canonical name, "Donetsk oblast") in which the gazetteer puts every one of
    ``names`` (the most populous place of each name, in Ukraine, else in Russia), or None when a
    name is not known, they lie in several oblasts, or no gazetteer can be loaded: "the Toretsk,
    Siversk, Kostiantynivka and Kurakhove directions" are all in Donetsk oblast."""
    oblasts = set()
    try:
        for name in names:
            place = gazetteer.exact_place(f"{name}, UA") or gazetteer.exact_place(f"{name}, RU")
            if place is None or not place.admin1:
                return None
            region = gazetteer.region_name(place.admin1)
            oblasts.add(_OBLAST_OF.get(re.sub(r"\s+(?:Oblast|oblast|Region|region)$", "", region)))
    except Exception:  # the gazetteer could not be read, or its packages are not installed
        return None
    return oblasts.pop() if len(oblasts) == 1 and None not in oblasts else None


_AREA_KM2: dict[str, float] = {canon: float(e["area_km2"]) for canon, e in _LEX["oblasts"].items() if e.get("area_km2")}


def region_area_km2(canonical: str) -> float | None:
    """The area of an oblast or a union of oblasts ("Donetsk oblast+Luhansk oblast") in km2, by
    lexicon/places.json; None when a member's area is not listed (a country, a settlement)."""
    parts = canonical.split("+")
    if not all(p in _AREA_KM2 for p in parts):
        return None
    return sum(_AREA_KM2[p] for p in parts)


def oblast_of_name(name: str) -> str | None:
    """The canonical oblast a spelling names ("Lugansk" -> "Luhansk oblast"), or None."""
    return _OBLAST_OF.get(name)


def country_of_name(name: str) -> str | None:
    """ISO-3 of a country name or adjective ("Ukraine", "Ukrainian" -> "UKR"), or None."""
    return _COUNTRY_OF.get(name) or _COUNTRY_ADJ.get(name)
