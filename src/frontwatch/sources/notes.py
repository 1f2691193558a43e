"""The map maker's notes: what DeepStateMap says changed on each map, with the places it links.

Every entry of the ``/api/history/public`` listing carries the map maker's note on that map in
``descriptionEn`` (English; empty for 76 of the 1,734 recorded maps) and ``description``
(Ukrainian), as HTML. Each settlement named in a note is a link whose fragment holds where the
map was centred: ``https://deepstatemap.live/en#14/48.2187579/37.4131240`` is zoom 14,
lat 48.2187579, lon 37.4131240. The recorded listing (``../shared/data/deepstate/api/
history-public.json``) shows every variant this module reads: stray spaces inside the fragment
(``#14/48.5 /37.6``), ``en`` in odd places (``#en14/...``, ``#15/en48.18/...``, ``/en14/...``), a
doubled ``##``, relative links (``/en#12/50.22/36.41``), ``#dl!coords!LAT,LON`` and
``#dl!city!dsm:l:5899`` (a place known by the site's own id: kept with no coordinates), and
links that are no place at all (Telegram and Facebook posts), which are left out.

:func:`notes_from_listing` gives one :class:`Note` per map: the English text where present,
else the Ukrainian, as plain text, and the places linked in that text. The HTML is read with
the standard library's parser, not with patterns. Nothing here prints or touches the store.
May import: the standard library, orjson, frontwatch.sources.base.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html.parser
import re
from urllib.parse import unquote, urlsplit

import orjson

from frontwatch.sources.base import SourceError, iter_blocks, read_head

SITE_HOSTS = ("deepstatemap.live", "www.deepstatemap.live")
# zoom/lat/lon with optional signs, once the fragment is cleaned of spaces and "en" markers.
_ZLL = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d+)?)/(-?\d{1,2}\.\d+)/(-?\d{1,3}\.\d+)(?![\d.])")
_COORDS = re.compile(r"dl!coords!(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)")
_CITY = re.compile(r"dl!city!([\w:.-]+)")
_SPACE = re.compile(r"\s+")
_BROKEN_END_A = re.compile(r"<\s*/\s*a\b\s*>?", re.I)
_TRIM = " \t\r\n.,;:!?()\"'«»“”„–—-"


@dataclasses.dataclass(frozen=True)
class LinkedPlace:
    """A place a note links to: ``name`` as written in the note (in the note's language and
    grammatical case: "Тихонівки", "Tykhonivka"), ``lat``/``lon`` in degrees WGS84 where the
    link gave them (None for a link by the site's own place id, ``site_id``), and ``zoom``, the
    map zoom of the link (a region is linked at zoom 8-10, a village at 13-16)."""

    name: str
    lat: float | None
    lon: float | None
    zoom: float | None = None
    site_id: str | None = None

    def to_record(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Note:
    """The map maker's note on one map. ``map_id`` is the map's id (its unix time in seconds),
    ``created``/``updated`` its ``createdAt``/``updatedAt`` (UTC), ``lang`` ``en`` or ``uk`` (the
    language of ``text``), ``places`` the places linked in ``text`` with their coordinates, in the
    order written (every one has ``lat`` and ``lon``), and ``site_places`` those linked by the
    site's own place id only, with no coordinates (96 of the 4,685 links of the recorded listing,
    all from 2025 on)."""

    map_id: int
    created: dt.datetime
    updated: dt.datetime | None
    lang: str
    text: str
    places: tuple = ()
    site_places: tuple = ()
    # Set by a query near a point (Store.notes(near=...)): ((LinkedPlace, distance km), ...).
    near: tuple = ()

    @property
    def date(self) -> dt.date:
        return self.created.date()

    def to_record(self) -> dict:
        return {"map_id": self.map_id, "date": self.date.isoformat(), "created": self.created.isoformat(),
                "updated": self.updated.isoformat() if self.updated else None, "lang": self.lang,
                "text": self.text, "places": [p.to_record() for p in self.places],
                **({"site_places": [p.to_record() for p in self.site_places]} if self.site_places else {}),
                **({"near": [{**p.to_record(), "distance_km": round(km, 2)} for p, km in self.near]} if self.near else {})}


# ------------------------------------------------------------------ links and text

def parse_link(href) -> tuple[float | None, float | None, float | None, str | None] | None:
    """``(zoom, lat, lon, site_id)`` of a link to a place on the map, or None when the link is
    not one (a Telegram post, another site, a link to the map with no place).

    >>> parse_link("https://deepstatemap.live/en#14/48.2187579/37.4131240")
    (14.0, 48.2187579, 37.413124, None)
    >>> parse_link("https://deepstatemap.live/#dl!coords!47.7363,36.5319")
    (None, 47.7363, 36.5319, None)
    >>> parse_link("https://t.me/DeepStateUA/14298") is None
    True
    """
    if not href:
        return None
    text = _SPACE.sub("", unquote(str(href)))
    parts = urlsplit(text if "//" in text or text.startswith(("/", "#")) else "//" + text)
    host = (parts.netloc or "").lower()
    if host and host not in SITE_HOSTS:
        return None
    where = (parts.fragment or "") or (parts.path or "")
    if "#" in text:  # a doubled "##", or a fragment split oddly: everything after the first '#'
        where = text.split("#", 1)[1]
    m = _COORDS.search(where)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        return (None, lat, lon, None) if _plausible(lat, lon) else None
    m = _CITY.search(where)
    if m:
        return (None, None, None, m.group(1))
    # "en" marks the English site wherever it was pasted: "#en14/...", "#15/en48.18/...", "/en14/...".
    cleaned = re.sub(r"(?i)en(?=\d)", "", where.replace("#", "/"))
    m = _ZLL.search(cleaned)
    if not m:
        return None
    zoom, lat, lon = float(m.group(1)), float(m.group(2)), float(m.group(3))
    return (zoom, lat, lon, None) if _plausible(lat, lon) else None


def _plausible(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


class _NoteParser(html.parser.HTMLParser):
    """Collects the text of a note and its links (``<a href>`` with the text inside them)."""

    BREAKS = {"br", "p", "div", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._href = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.chunks.append("\n")
        if tag == "a":
            # A link opened inside another closes it, as browsers do ("Mykhaylivka(<a ...>
            # confirmation</a>) </a>": the place is "Mykhaylivka", the stray end tag is ignored).
            self._close_link()
            self._href = dict(attrs).get("href") or ""
            self._link_text = []

    def handle_startendtag(self, tag, attrs):
        if tag in self.BREAKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag == "a":
            self._close_link()
        elif tag in ("p", "div", "li"):
            self.chunks.append("\n")

    def _close_link(self):
        if self._href is not None:
            self.links.append((self._href, "".join(self._link_text)))
            self._href = None

    def handle_data(self, data):
        self.chunks.append(data)
        if self._href is not None:
            self._link_text.append(data)


def parse_note_html(markup) -> tuple[str, tuple[LinkedPlace, ...]]:
    """``(plain text, linked places)`` of one note's HTML. The text keeps the words of links and
    one line per paragraph or ``<br>``; a place's name is its link's text, trimmed of spaces and
    of the punctuation the map maker sometimes put inside the link ("Ternove." -> "Ternove")."""
    p = _NoteParser()
    # End tags typed with a space ("< /a>", "</ a>") or cut off at the end ("Chromove.</a") are
    # text to an HTML parser, and would run the link on to the end of the note.
    p.feed(_BROKEN_END_A.sub("</a>", str(markup or "")))
    p.close()
    p._close_link()  # an <a> left open at the end
    lines = [_SPACE.sub(" ", ln).strip() for ln in "".join(p.chunks).split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    places = []
    for href, label in p.links:
        where = parse_link(href)
        name = _SPACE.sub(" ", label).strip(_TRIM)
        if where is None or not name:
            continue
        zoom, lat, lon, site_id = where
        places.append(LinkedPlace(name, lat, lon, zoom, site_id))
    return text, tuple(places)


# ------------------------------------------------------------------ the listing

def _time(value) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value) / (1000.0 if value > 1e11 else 1.0)
        return dt.datetime.fromtimestamp(int(seconds), tz=dt.timezone.utc)
    text = str(value).strip()
    if text.isdigit():
        return _time(int(text))
    try:
        t = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)


def note_from_entry(entry: dict) -> Note | None:
    """The note of one listing entry, or None when the entry has no usable id or time, or no
    text in either language."""
    try:
        map_id = int(str(entry.get("id")).strip())
    except (TypeError, ValueError):
        return None
    created = _time(entry.get("createdAt")) or _time(map_id)
    if created is None:
        return None
    created = created.replace(microsecond=0)
    for lang, key in (("en", "descriptionEn"), ("uk", "description")):
        markup = entry.get(key)
        if isinstance(markup, str) and markup.strip():
            text, places = parse_note_html(markup)
            if text:
                return Note(map_id, created, _time(entry.get("updatedAt")), lang, text,
                            tuple(p for p in places if p.lat is not None),
                            tuple(p for p in places if p.lat is None))
    return None


def notes_from_listing(doc) -> list[Note]:
    """One :class:`Note` per map of a ``/api/history/public`` body (a JSON list, or the list
    under ``data``), oldest first; entries with no text are left out."""
    if isinstance(doc, dict):
        doc = next((doc[k] for k in ("data", "items", "history", "results") if isinstance(doc.get(k), list)), doc)
    if not isinstance(doc, list):
        raise SourceError("history/public", f"expected a JSON list of maps, got {type(doc).__name__}")
    out = {}
    for entry in doc:
        if isinstance(entry, dict):
            n = note_from_entry(entry)
            if n is not None:
                out[n.map_id] = n
    return sorted(out.values(), key=lambda n: (n.created, n.map_id))


# ------------------------------------------------------------------ recorded listing files

_LISTING_HEAD = re.compile(rb'^\s*(\{\s*"(?:data|items|history|results)"\s*:\s*)?\[\s*\{[^{}]*"(?:descriptionEn|createdAt|updatedAt)"\s*:', re.S)


def is_listing_file(path) -> bool:
    """True for a recorded ``/api/history/public`` body (``.json``): a JSON list of objects with
    ``createdAt``/``descriptionEn``/``updatedAt``, as ``history-public.json`` is. Lets
    ``frontwatch ingest`` take one among map files."""
    name = str(path).rsplit("/", 1)[-1].lower()
    if not name.endswith((".json", ".json.gz")):
        return False
    return bool(_LISTING_HEAD.match(head_text(path)))


def head_text(path, n: int = 4096) -> bytes:
    """The first ``n`` bytes of a local file or an object, gunzipped when it is gzip."""
    head = read_head(path, n)
    if head[:2] == b"\x1f\x8b":
        import zlib

        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(read_head(path, 1 << 16), n)
        except zlib.error:
            return b""
    return head[:n]


def load_json_file(path):
    """The JSON document in a local file or an object (gzipped or not); SourceError naming the
    file when it cannot be read or is not JSON."""
    try:
        data = b"".join(iter_blocks(path))
    except Exception as exc:  # OSError, or an object store client's own errors
        raise SourceError(path, f"cannot read file ({getattr(exc, 'strerror', None) or exc})") from None
    if data[:2] == b"\x1f\x8b":
        import gzip
        import zlib

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(path, f"corrupt gzip ({exc})") from None
    if not data.strip():
        raise SourceError(path, "empty file")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        reason = str(exc).splitlines()[0]
        what = "truncated JSON" if "truncated" in reason.lower() or "eof" in reason.lower() else "invalid JSON"
        raise SourceError(path, f"{what} ({reason})") from None


def read_listing_file(path) -> list[dict]:
    """The entries of a recorded listing file; SourceError naming the file when it is not one."""
    doc = load_json_file(path)
    if isinstance(doc, dict):
        doc = next((doc[k] for k in ("data", "items", "history", "results") if isinstance(doc.get(k), list)), doc)
    if not isinstance(doc, list):
        raise SourceError(path, "not a DeepStateMap listing (expected a JSON list of maps)")
    return doc

