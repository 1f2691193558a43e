"""Text preparation for claim extraction: cleaning, language check, sentences.

Turns whatever the caller hands in (str, bytes, None) into clean text, tells
whether it looks like English at all, and splits it into paragraphs and
sentences without any model (abbreviation-aware rules, linear time, bounded
sentence length so later regexes stay cheap on hostile input). May import only
the standard library.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Sentences longer than this are cut at whitespace: real news sentences are far
# shorter, and the cap bounds the cost of every per-sentence regex.
MAX_SENTENCE_CHARS = 2000

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")

ABBREVIATIONS = frozenset(
    """mr mrs ms dr st gen lt col maj sgt capt cpl adm brig pres gov sen rep
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc e.g i.e
    approx est fig inc ltd co corp dept u.s u.k u.n e.u mln bln sq
    jr sr prof rev""".split())
# Not "km", "mi", "ft": a unit with a period before a capital ends its sentence ("... some 200 sq
# km. Ukraine holds ..."); "5 km. north" goes on in lower case and is kept whole anyway.

_STOPWORDS_EN = frozenset(
    """the of and to in a is was has have said by for on that with its their
    at from are were it as about over than near up this they he she we our
    been had will would not but or which who after into more some""".split())

_WORD = re.compile(r"[^\W\d_]+")


def document_text(text: str | bytes | None) -> tuple[str, dt.date | None]:
    """``(clean text, publication date or None)``. For a saved web page (HTML): the text of its
    ``<article>`` when it has one of some length, else of its body, without scripts, styles,
    navigation, headers, footers, asides and forms, entities decoded, one line per block; the
    date from its ``article:published_time`` (or ``datePublished``, ``pubdate``, ...) meta tag,
    else its first ``<time datetime>``. Plain text gives no date here (its dateline is read later)."""
    if text is None:
        return "", None
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise TypeError(f"extract_claims needs str or bytes text, got {type(text).__name__}")
    published = None
    if _looks_html(text):
        text, published = _html_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS.sub(" ", text)
    return _SPACES.sub(" ", text), published


_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<html)", re.I)
_HTML_TAG = re.compile(r"</(?:p|div|span|a|li|h[1-6]|article|section|body)>", re.I)


def _looks_html(text: str) -> bool:
    head = text[:4096]
    return bool(_HTML_START.match(head)) or len(_HTML_TAG.findall(text[:65536])) >= 5


_SKIP = frozenset("script style noscript template svg nav header footer aside form button select iframe head".split())
_BLOCK = frozenset("p div br li ul ol h1 h2 h3 h4 h5 h6 article section tr td th table blockquote pre figcaption "
                   "dd dt hr main title".split())
_DATE_META = frozenset(("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
                        "publishdate", "dc.date.issued", "dc.date", "parsely-pub-date", "sailthru.date"))
_ISO_DAY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


class _PageText(HTMLParser):
    """The readable text of a page (see :func:`document_text`), with the stdlib's parser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.body: list[str] = []
        self.article: list[str] = []
        self.skip = 0
        self.in_article = 0
        self.meta_date: dt.date | None = None
        self.time_date: dt.date | None = None

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and self.meta_date is None:
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in _DATE_META:
                self.meta_date = _iso_day(a.get("content", ""))
        elif tag == "time" and self.time_date is None and "datetime" in a:
            self.time_date = _iso_day(a["datetime"])
        if tag in _SKIP:
            self.skip += 1
        elif tag == "article":
            self.in_article += 1
        if tag in _BLOCK:
            self._add("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "article":
            self.in_article = max(0, self.in_article - 1)
        if tag in _BLOCK:
            self._add("\n")

    def handle_data(self, data):
        if not self.skip:
            self._add(data)

    def _add(self, piece):
        self.body.append(piece)
        if self.in_article:
            self.article.append(piece)


def _iso_day(value: str) -> dt.date | None:
    m = _ISO_DAY.match(value)
    if not m:
        return None
    try:
        return dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None


def _html_text(page: str) -> tuple[str, dt.date | None]:
    parser = _PageText()
    parser.feed(page)
    parser.close()
    article = "".join(parser.article)
    text = article if len(article.strip()) >= 200 else "".join(parser.body)
    # One line per block: the sentence splitter takes a blank line as a paragraph end.
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line), parser.meta_date or parser.time_date


def looks_english(text: str, sample_chars: int = 20000) -> bool:
    """Whether the text reads as English prose (common function words present).

    Short snippets (under 8 words) are given the benefit of the doubt.
    """
    words = _WORD.findall(text[:sample_chars])
    if len(words) < 8:
        return True
    hits = sum(1 for w in words if w.lower() in _STOPWORDS_EN)
    return hits / len(words) >= 0.08


@dataclass(frozen=True)
class Sentence:
    """One sentence with its offset in the cleaned text and its paragraph."""

    text: str
    start: int
    paragraph: int


# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space; or at a full stop
# between two words with the space lost, as text copied from web pages joins paragraphs
# ("... the two settlements.The sector lies ..."): a lower-case word before, a capitalised word
# after, or a number before ("... as of December 31.In total"); not "rbc.ru", "Censor.NET", "UP.Live".
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+|;\s*(?=[\"“])|(?:(?<=[a-z]{2})|(?<=\d))\.(?=[A-Z][a-z]+\b(?![.@/]))")


def _is_abbreviation(chunk: str, dot_at: int) -> bool:
    """Whether the period at ``dot_at`` closes an abbreviation or initial, not a sentence."""
    start = dot_at
    while start > 0 and (chunk[start - 1].isalpha() or chunk[start - 1] == "."):
        start -= 1
    word = chunk[start:dot_at].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    # Single capital letter: an initial ("J. Smith"); dotted acronyms ("U.S.").
    if len(word) == 1 and chunk[start].isupper():
        return True
    return "." in word and len(word) <= 5


def _split_long(text: str, start: int, paragraph: int) -> list[Sentence]:
    """Pieces of at most MAX_SENTENCE_CHARS, cut at whitespace where possible."""
    pieces: list[Sentence] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + MAX_SENTENCE_CHARS)
        if end < len(text):
            cut = text.rfind(" ", pos + MAX_SENTENCE_CHARS // 2, end)
            if cut > pos:
                end = cut
        piece = text[pos:end]
        if piece.strip():
            pieces.append(Sentence(piece, start + pos, paragraph))
        pos = end
    return pieces


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of the text, in order; each line is its own paragraph."""
    sentences: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(text.split("\n")):
        line_start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        begin = 0
        for m in _BOUNDARY.finditer(line):
            dot = m.start()
            nxt = line[m.end():m.end() + 1]
            if line[dot] == "." and _is_abbreviation(line, dot):
                continue
            # A lower-case continuation means this was not a sentence end
            # ("approx. 5 km", "said the U.S. official").
            if nxt and nxt.islower():
                continue
            chunk = line[begin:m.end()]
            if chunk.strip():
                sentences.extend(_split_long(chunk, line_start + begin, paragraph))
            begin = m.end()
        rest = line[begin:]
        if rest.strip():
            sentences.extend(_split_long(rest, line_start + begin, paragraph))
    return sentences
