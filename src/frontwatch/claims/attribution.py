"""Who says so: attribution chains of sentences in news text.

Finds the speaker of a sentence ("a military source in the Ukrainian general
staff, cited by Reuters", "ISW", "Moscow"), resolves anaphoric speakers ("the
source", "the informant", "according to reports") to the last specific one, and
gives quoted sentences that carry no attribution of their own the attribution
of the sentence that closes their quote. May import only the standard library
and frontwatch.claims.*.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from frontwatch.claims.actors import described_side, known_speakers_in, side_of_words, speaker_side
from frontwatch.claims.text import Sentence

_VERBS = (r"(?:said|says|say|reported|reports|report|told|tells|informed|informs|"
          r"stated|states|claimed|claims|claim|added|adds|announced|announces|"
          r"estimated|estimates|estimate|wrote|writes|noted|notes|confirmed|confirms|"
          r"assessed|assesses|indicated|indicates|believes|believed|acknowledged|"
          r"admitted|insisted|explained|warned|revealed)")
_NP = r"[^,;:\"“”\d()]{2,100}?"
_OUTLET = r"(?P<outlet>(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+(?:of\s+|the\s+|for\s+)*[A-Z][\w.&'’-]*)*)"

ACCORDING_TO = re.compile(r"\baccording\s+to\s+(?P<who>[^,;.!?\"“”]{2,100})", re.I)
CITED_BY = re.compile(r",?\s*(?:cited|quoted)\s+by\s+" + _OUTLET + r"\s*(?=[,.;]|$)")
TAIL = re.compile(
    r"[,\"”]\s*(?P<who>" + _NP + r"(?:,\s*(?:cited|quoted)\s+by\s+[^,;\"“”]{2,60}?,)?)"
    r"\s+(?:also\s+|has\s+|have\s+|had\s+)?" + _VERBS + r"\b(?P<rest>[^\"“”]{0,80})$")
TAIL_INVERTED = re.compile(
    r"[,\"”]\s*(?:also\s+)?" + _VERBS + r"\s+(?P<who>" + _NP + r")\s*[.!?]?[\"”]?\s*$")
LEAD = re.compile(
    # "Shoigu said ...", and after an opening phrase: "In a Telegram post, Maliar said ...",
    # "On Sunday, Ukrainian officials said ...".
    r"^[\s\"“]*(?:(?:In|On|At|Speaking|Writing|Late|Earlier|Later|Also)\b[^,;:\"“”]{0,50},\s*)?"
    r"(?P<who>[A-Z][^,;:\"“”\d]{1,90}?)\s+(?:also\s+|has\s+|have\s+|had\s+|on\s+\w+\s+)?"
    r"(?P<verb>" + _VERBS + r")\b(?P<rest>.{0,60})")
VAGUE = re.compile(
    r"^(?:the|this|that|these|those|our)\s+(?:[\w-]+\s+){0,2}?(?:sources?|informants?|officials?|"
    r"officers?|commanders?|spokes(?:man|woman|person)|person|military|interlocutor)\b"
    r"|^(?:he|she|they|it|we|reports?|sources|media|media\s+reports|officials|"
    r"unnamed\s+sources|several\s+sources)$", re.I)
_DEFINITE_OR_PRONOUN = re.compile(r"^(?:the|this|that|these|those|our|he|she|they|it|we|reports?|sources|media|officials|unnamed|several)\b", re.I)
_LEADING_JUNK = re.compile(r"^(?:and|but|while|as|so)\s+", re.I)
# A speaker that is a pronoun after other words: the subject of a verb of saying inside a relative
# clause ("one of about ten it says it has taken").
_PRONOUN_SAYS = re.compile(r"\S\s+(?P<p>it|they|he|she|we)\s*$", re.I)
# A verb of saying after a form of "be" is a passive with no speaker: "The Ukrainian-held part of
# Kursk region is now estimated at 600 square kilometres" is not said by that part.
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:(?:now|still|currently|widely|generally|"
                             r"officially|also|already|\w+ly)\s+){0,2}$", re.I)
# A verb of saying after an article qualifies a figure, with no speaker: "Kyiv's forces control an
# estimated 650 square kilometres", "a reported 40 villages".
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|the)\s+$", re.I)
# A speaker is a noun phrase: words that open a verb phrase or an adverbial ("said in a report",
# "in a report released Wednesday") are not one.
_NOT_A_SPEAKER = re.compile(r"^(?:" + _VERBS[3:-1] + r"|in|on|at|during|earlier|later|also|then|when|after|before|"
                            r"that|which|who|while)\b", re.I)
# "DeepState, a Ukrainian open-source mapping project that tracks the front, said in a post":
# the name before an apposition set off by commas is the speaker, the apposition describes it.
TAIL_APPOSITION = re.compile(
    r"(?P<who>(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+(?:of\s+|the\s+|for\s+)*[A-Z][\w.&'’-]*){0,6}),\s+"
    r"(?P<app>(?:a|an|the)\s+[^,;\"“”]{2,140}?),"
    r"\s+(?:also\s+|has\s+|have\s+|had\s+)?" + _VERBS + r"\b(?P<rest>[^\"“”]{0,80})$")
# Words that are verbs of saying and nouns alike: "The DeepState report, released on Monday" is a
# noun phrase, not "The DeepState" reporting.
_NOUN_READING = re.compile(r"^(?:reports?|claims?|estimates?|notes|states|say)$", re.I)
_NOUN_AFTER = re.compile(r"^\s*(?:,|\b(?:of|from|by|on|in|was|is|has|had|were|are|released|published|issued|says|said|"
                         r"shows?|showed|found|suggests?|suggested)\b)", re.I)


@dataclass(frozen=True)
class Attribution:
    """A speaker and the outlet that cites it."""

    who: str
    outlet: str | None = None
    inferred: bool = False
    side: str | None = None

    def chain(self) -> str:
        """The attribution as a readable chain: "who, cited by outlet"."""
        if self.outlet and self.outlet.lower() not in self.who.lower():
            return f"{self.who}, cited by {self.outlet}"
        return self.who


def _clean_who(who: str) -> str:
    who = _LEADING_JUNK.sub("", who.strip(" ,.\"“”'"))
    return re.sub(r"\s+", " ", who)


def _split_outlet(who: str) -> tuple[str, str | None]:
    m = CITED_BY.search(who)
    if m:
        return _clean_who(who[:m.start()]), m.group("outlet").strip()
    return _clean_who(who), None


def attribution_span_in(sentence: str) -> tuple[Attribution, tuple[int, int]] | None:
    """The attribution written in one sentence and its character span, or None."""
    m = ACCORDING_TO.search(sentence)
    if m:
        who, outlet = _split_outlet(m.group("who"))
        return Attribution(who, outlet), m.span()
    m = TAIL_APPOSITION.search(sentence)
    if m and not _NOT_A_SPEAKER.match(m.group("who")) and len(m.group("who").split()) <= 10:
        side = speaker_side(m.group("who")) or side_of_words(m.group("app"))
        # The span ends with the verb: what follows it ("says some 47 square kilometres of the Kharkiv
        # region are ...") is the claim.
        return Attribution(_clean_who(m.group("who")), side=side), (m.start("who"), m.start("rest"))
    m = TAIL.search(sentence)
    if m and (_PASSIVE_BEFORE.search(sentence, 0, m.end("who") + 1) or _NOT_A_SPEAKER.match(m.group("who").strip())
              or _ARTICLE_BEFORE.search(sentence, 0, m.end("who") + 1)):
        m = None
    inner = _PRONOUN_SAYS.search(m.group("who")) if m else None
    if m and inner and m.group("rest").strip(" .!?\"”"):
        # "..., one of about ten it says it has taken in the Luhansk region": "it says" is
        # a relative clause's aside; what follows it is the claim, not where the speaker was.
        start = m.start("who") + inner.start("p")
        return Attribution(inner.group("p")), (start, m.start("rest"))
    if m:
        who, outlet = _split_outlet(m.group("who"))
        rest = m.group("rest")
        verb_text = sentence[m.end("who"):m.start("rest")]
        if re.search(r"\b(?:told|informed)\s*$", verb_text):
            t = re.match(r"\s*" + _OUTLET, rest)
            if t:
                outlet = t.group("outlet").strip(" .,;")
        citing = re.match(r"\s*,?\s*citing\s+(?P<who>[^,;.\"“”]{2,80})", rest)
        if citing and outlet is None:
            who, outlet = _clean_who(citing.group("who")), who
        if who and len(who.split()) <= 14:
            return Attribution(who, outlet), (m.start("who"), len(sentence))
    m = TAIL_INVERTED.search(sentence)
    if m and not _NOT_A_SPEAKER.match(m.group("who").strip()):
        who, outlet = _split_outlet(m.group("who"))
        if who and len(who.split()) <= 14:
            return Attribution(who, outlet), (m.start(), len(sentence))
    m = LEAD.search(sentence)
    if m and (_PASSIVE_BEFORE.search(sentence, 0, m.end("who") + 1)
              or _ARTICLE_BEFORE.search(sentence, 0, m.start("verb"))):
        m = None
    if m and _NOUN_READING.match(m.group("verb")) and _NOUN_AFTER.match(m.group("rest")):
        m = None  # "The DeepState report, released on Monday, ...": a noun
    if m and len(m.group("who").split()) <= 12:
        who, outlet = _split_outlet(m.group("who"))
        if m.group("verb") in ("told", "informed"):
            t = re.match(r"\s*" + _OUTLET, m.group("rest"))
            if t:
                outlet = t.group("outlet").strip(" .,;")
        return Attribution(who, outlet), (m.start("who"), m.end("verb"))
    return None


def _is_vague(who: str) -> bool:
    """Whether a speaker is anaphoric ("the source", "he", "reports") rather than named."""
    words = who.split()
    # "the source" is anaphoric, "the Pentagon" is a name.
    return bool(VAGUE.search(who)) or (
        bool(_DEFINITE_OR_PRONOUN.match(who)) and len(words) <= 2
        and not (len(words) == 2 and words[1][:1].isupper()))


_DESCRIBED_SPEAKERS = 50


def _with_side(att: Attribution | None, report: str, sides: dict) -> Attribution | None:
    """The attribution with its speaker's side: named by the speaker's words ("Ukraine's
    military", a speaker of the lexicon), else by how the report introduces the person
    (``described_side``), else, for a speaker of no known side cited by an outlet of one, the
    outlet's ("military expert Andrey Marochko told TASS")."""
    if att is None:
        return None
    key = (att.who, att.outlet)
    if key not in sides:
        # Reading the report for how it introduces a speaker is bounded too: the first
        # _DESCRIBED_SPEAKERS speakers of no known side (a news report names a handful).
        looked = sides.get("looked", 0)
        described = None
        side = speaker_side(att.who)
        if side is None and looked < _DESCRIBED_SPEAKERS:
            sides["looked"] = looked + 1
            described = described_side(att.who, report)
        sides[key] = side or described or speaker_side(att.outlet)
    return Attribution(att.who, att.outlet, att.inferred, att.side or sides[key])


def _quote_state_changes(text: str, open_at_start: bool) -> tuple[bool, bool]:
    """(opens_or_continues_quote, open_at_end) for a sentence given the state at its start."""
    state = open_at_start
    touched = open_at_start
    for ch in text:
        if ch == "“":
            state, touched = True, True
        elif ch == "”":
            state = False
        elif ch == '"':
            state = not state
            touched = True
    return touched, state


def attributions_for(sentences: list[Sentence]) -> list[Attribution | None]:
    """The attribution of every sentence, resolved and carried over.

    Vague speakers are resolved to the last specific one; a quoted sentence
    without its own attribution takes the one of the sentence closing its
    quote; any other sentence without one carries the previous attribution
    (marked inferred), since news copy keeps relaying the same source.
    """
    own: list[Attribution | None] = []
    last_specific: Attribution | None = None
    report = " ".join(s.text for s in sentences)
    for s in sentences:
        found = attribution_span_in(s.text)
        if found is None:
            own.append(None)
            named = known_speakers_in(s.text)
            if named:
                # "DeepState analysts, however, paint a different picture. '...,' the project
                # stated": the speaker last named, speaking or not, is who a vague one stands for.
                last_specific = Attribution(named[-1][1])
            continue
        att = found[0]
        if _is_vague(att.who) and last_specific is not None:
            outlet = att.outlet or last_specific.outlet
            att = Attribution(last_specific.who, outlet, side=last_specific.side)
        elif not _is_vague(att.who):
            last_specific = att
        own.append(att)
    sides: dict = {}  # one look-up per speaker and outlet: a report cites the same one many times
    own = [_with_side(a, report, sides) for a in own]

    # Quote bookkeeping per paragraph.
    in_quote: list[bool] = []
    closes_at: list[int | None] = [None] * len(sentences)
    open_state = False
    paragraph = None
    pending: list[int] = []
    for i, s in enumerate(sentences):
        if s.paragraph != paragraph:
            paragraph, open_state, pending = s.paragraph, False, []
        touched, open_state = _quote_state_changes(s.text, open_state)
        in_quote.append(touched)
        if touched:
            pending.append(i)
        if not open_state and pending:
            for j in pending:
                closes_at[j] = i
            pending = []

    resolved: list[Attribution | None] = []
    carried: Attribution | None = None
    for i, att in enumerate(own):
        if att is None and in_quote[i] and closes_at[i] is not None and own[closes_at[i]] is not None:
            att = own[closes_at[i]]
        if att is None and carried is not None:
            att = Attribution(carried.who, carried.outlet, inferred=True, side=carried.side)
        if att is not None and not att.inferred:
            carried = att
        resolved.append(att)
    return resolved
