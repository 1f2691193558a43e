"""The live DeepStateMap client: list the published maps, fetch the ones the store lacks (and the
recent ones the map maker has revised since), and write them, with the map maker's own area
figures and notes, to the store.

The public API, as public trackers have recorded it for years (``../shared/data/deepstate/api``):
``/api/history/public`` is a bare JSON list of ``{id, description, descriptionEn, updatedAt,
datetime, status, createdAt}`` (``id`` = the map's unix time in seconds = ``createdAt``;
``datetime`` a display string, "21.08 o 14:23"; the descriptions the map maker's notes, in HTML);
``/api/history/{id}/geojson`` is one map, a bare FeatureCollection read by
:mod:`frontwatch.sources.deepstate`; ``/api/history/{id}/areas`` the map maker's km2 per area type
(:mod:`frontwatch.sources.official`).

:func:`sync` is incremental: a stored map is fetched again only when the listing says the map
maker revised it (``updatedAt`` newer than the version stored) and it is one of the last
``recheck_days`` days of maps; a revised map replaces the stored one under the same id. The
client is polite (a User-Agent naming frontwatch, at least ``min_interval`` seconds between
requests, exponential backoff on connection errors, timeouts, truncated bodies, 5xx and 429
honouring ``Retry-After``). Every failure is one line: :class:`SourceUnreachable` when the site
cannot be reached or keeps failing, :class:`BadResponse` when it answers but not with the API's
data (403, 404, an HTML page from a CDN or a maintenance screen, a body cut short, invalid JSON).
Nothing here prints. May import: the standard library, requests, orjson, frontwatch.sources,
frontwatch.store (through the ``store`` argument only).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import html
import os
import re
import time
from urllib.parse import urlsplit

import orjson
import requests

from frontwatch import __version__
from frontwatch.sources.base import SourceError
from frontwatch.sources.deepstate import parse_features, snapshot_from_features
from frontwatch.sources.notes import notes_from_listing, parse_note_html
from frontwatch.sources.official import parse_areas

DEFAULT_BASE_URL = "https://deepstatemap.live"
USER_AGENT = f"frontwatch/{__version__} (front-line map statistics; incremental sync, polite rate)"
SOURCE = "deepstate"
BATCH = 8  # snapshots per store transaction: an interrupted sync loses at most one batch of downloads
MAX_RETRY_AFTER_S = 300.0  # never sleep longer than this on a server's say-so
# A revision is looked for among the maps of the last days of the listing: 1,684 of the 1,734
# recorded maps were last revised within 7 days of publication (1,639 within a day).
RECHECK_DAYS = 7
# A map "revised at some point": updatedAt this long after createdAt (the site stamps a fresh map
# a few seconds after its createdAt). Used for stored maps whose version is unknown (from files).
REVISED_AFTER_S = 60
# What one map costs to fetch, for the estimate a first sync gives up front: the shared archive's
# 2024 maps average 599 kB of GeoJSON (its 239 maps of 2022-2024: 570 kB), /areas about 1 kB.
TYPICAL_MAP_BYTES = 600_000
REQUESTS_PER_MAP = 2
# The main job's first sync: this many days of maps before the newest listed, not the whole archive.
FIRST_RUN_DAYS = 365


class SourceUnreachable(SourceError):
    """The site cannot be reached (offline, DNS, refused, timeouts, or 5xx/429 after every retry).

    ``str()`` is one line: ``"deepstatemap.live unreachable (ConnectionError: ...)"``.
    """

    def __init__(self, host: str, reason: str):
        self.path = host
        self.reason = " ".join(str(reason).split())
        ValueError.__init__(self, f"{host} unreachable ({self.reason})")


class BadResponse(SourceError):
    """The site answered, but not with the API's data: an HTTP error (403, 404, ...), an HTML page
    (a CDN's challenge, a maintenance screen), a body cut short, or invalid JSON. ``str()`` is one
    line naming the address and the reason; ``status`` is the HTTP status, ``refused`` is True
    when the answer says the site will not serve this client (401/403, an HTML page in place of
    data), so that fetching more maps is pointless."""

    def __init__(self, url: str, reason: str, status: int | None = None, refused: bool = False):
        super().__init__(url.split("://", 1)[-1], reason)
        self.status = status
        self.refused = refused


class _RetryableStatus(Exception):
    def __init__(self, response):
        self.response = response
        super().__init__(f"HTTP {response.status_code} {response.reason or ''}".strip())


@dataclasses.dataclass
class SyncPlan:
    """What a sync is about to fetch, given before the first map (a first sync of the whole
    archive is about 1,700 maps, 1 GB and half an hour at the polite pace). ``first`` is True
    when the store held no map of the source; ``older`` counts the listed maps before ``since``
    that a sync without ``--since`` would fetch too."""

    maps: int
    revisions: int
    official_only: int
    requests: int
    bytes: int
    min_seconds: float
    first: bool
    since: dt.date | None
    newest: dt.date | None
    older: int = 0


@dataclasses.dataclass
class SyncSummary:
    """What a sync did. ``errors`` are maps that did not go in (one line each, naming the id);
    ``warnings`` are official figures that could not be fetched (the map itself went in);
    ``revised`` maps the map maker changed after they were stored, fetched again and replaced;
    ``interrupted`` is True when the sync was stopped (Ctrl-C) before it was done: what was
    fetched is stored, and the next sync goes on from there."""

    base_url: str = DEFAULT_BASE_URL
    listed: int = 0
    selected: int = 0
    added: int = 0
    unchanged: int = 0
    revised: int = 0
    skipped_existing: int = 0
    official_areas: int = 0
    notes: int = 0
    requests: int = 0
    bytes: int = 0
    errors: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    last: dt.datetime | None = None
    plan: SyncPlan | None = None
    interrupted: bool = False

    def to_record(self) -> dict:
        rec = dataclasses.asdict(self)
        rec["last"] = self.last.isoformat() if self.last else None
        return rec


@dataclasses.dataclass(frozen=True)
class MapEntry:
    """One published map from the listing: ``updated_at`` is when the map maker last changed it."""

    id: int
    taken_at: dt.datetime
    description: str = ""
    updated_at: dt.datetime | None = None


# ------------------------------------------------------------------ the HTTP client

def _short_reason(exc: BaseException) -> str:
    """``Type: innermost reason`` on one line (requests nests urllib3 errors several deep)."""
    name = type(exc).__name__
    root = exc
    seen = set()
    while True:
        nxt = getattr(root, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = root.__cause__ or root.__context__
        if nxt is None and root.args and isinstance(root.args[0], BaseException):
            nxt = root.args[0]
        if nxt is None or id(nxt) in seen:
            break
        seen.add(id(nxt))
        root = nxt
    text = str(root) if root is not exc else str(exc)
    # urllib3 prefixes "<urllib3.connection.HTTPConnection object at 0x...>: " to the OS error.
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    text = " ".join(text.split())
    return f"{name}: {text[:200]}" if text else name


_INCOMPLETE = re.compile(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)")


def _truncation(exc: BaseException) -> str | None:
    """``"truncated body (received 100 of 1,000 bytes)"`` when ``exc`` is a body cut short."""
    text = repr(exc) + " " + str(exc)
    m = _INCOMPLETE.search(text)
    if m:
        got, more = int(m.group(1)), int(m.group(2))
        return f"truncated body (received {got:,} of {got + more:,} bytes)"
    if "IncompleteRead" in text or "Response ended prematurely" in text:
        return "truncated body (the connection closed before the end)"
    return None


def _retry_after_s(response) -> float | None:
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def _html_page(body: bytes, content_type: str = "") -> str | None:
    """``'an HTML page: "Just a moment..."'`` when ``body`` is a web page (by its type or its first
    character), naming its title or first heading; None for anything else."""
    head = body[:2048].lstrip()
    if not (head[:1] == b"<" or "html" in (content_type or "").lower()):
        return None
    m = _TITLE.search(body[:65536]) or _H1.search(body[:65536])
    title = ""
    if m:
        title = " ".join(html.unescape(_TAGS.sub(" ", m.group(1).decode("utf-8", "replace"))).split())[:80]
    return f'an HTML page: "{title}"' if title else "an HTML page"


class Client:
    """A rate-limited, retrying GET client for one site.

    ``retries`` extra attempts follow a connection error, timeout, truncated body, 5xx or 429,
    after ``backoff * 2**attempt`` seconds, or the server's ``Retry-After`` when it gives one
    (capped at ``MAX_RETRY_AFTER_S``). ``sleep`` and ``clock`` are injectable so tests never wait.
    ``bytes`` counts the bytes of the bodies received.
    """

    def __init__(self, base_url=None, *, timeout=20.0, retries=4, backoff=1.0, min_interval=0.5,
                 session=None, sleep=time.sleep, clock=time.monotonic):
        self.base_url = (base_url or os.environ.get("FRONTWATCH_DEEPSTATE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.min_interval = max(0.0, float(min_interval))
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        if "python-requests" in str(self.session.headers.get("User-Agent", "")):
            self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.setdefault("Accept", "application/json")
        self._sleep = sleep
        self._clock = clock
        self._last_request = None
        self.requests = 0
        self.bytes = 0

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def _wait_turn(self):
        if self._last_request is not None and self.min_interval:
            wait = self.min_interval - (self._clock() - self._last_request)
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def get(self, path: str) -> bytes:
        """The body of ``GET base_url/path``: API data, never a web page.

        Raises :class:`SourceUnreachable` when the site cannot be reached or keeps failing (5xx,
        429, timeouts) after every retry, and :class:`BadResponse` for an HTTP error (403, 404,
        ...), an HTML page in place of data, or a body still cut short after every retry.
        """
        url = self.url(path)
        last = truncated = None
        for attempt in range(self.retries + 1):
            self._wait_turn()
            self.requests += 1
            delay = self.backoff * (2 ** attempt)
            try:
                resp = self.session.get(url, timeout=self.timeout)
                body = resp.content  # read here, so a body cut short is caught below
                self.bytes += len(body)
                if resp.status_code == 429 or resp.status_code >= 500:
                    raise _RetryableStatus(resp)
                page = _html_page(body, resp.headers.get("Content-Type", ""))
                if resp.status_code >= 400:
                    status = f"HTTP {resp.status_code} {resp.reason or ''}".strip()
                    raise BadResponse(url, f"{status} ({page})" if page else status, resp.status_code,
                                      refused=resp.status_code in (401, 403) or page is not None)
                if page:
                    raise BadResponse(url, f"{page} in place of the API's data (HTTP {resp.status_code})",
                                      resp.status_code, refused=True)
                return body
            except _RetryableStatus as exc:
                last, truncated = f"HTTPError: {exc}", None
                hint = _retry_after_s(exc.response)
                if hint is not None:
                    delay = min(hint, MAX_RETRY_AFTER_S)
            except requests.Timeout:
                last, truncated = f"timed out after {self.timeout:g} s", None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                # ChunkedEncodingError: the connection dropped mid-body; worth another try.
                truncated = _truncation(exc)
                last = truncated or _short_reason(exc)
            except requests.RequestException as exc:  # invalid URL, too many redirects, ...
                raise SourceUnreachable(self.host, _short_reason(exc)) from None
            if attempt < self.retries:
                self._sleep(delay)
        if truncated:
            tries = self.retries + 1
            raise BadResponse(url, f"{truncated}, {tries} tr{'y' if tries == 1 else 'ies'}")
        raise SourceUnreachable(self.host, last or "no response")

    def get_json(self, path: str):
        data = self.get(path)
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            text = str(exc).splitlines()[0]
            what = "truncated JSON" if "truncated" in text.lower() or "eof" in text.lower() else "invalid JSON"
            raise BadResponse(self.url(path), f"{what} ({text})") from None


# ------------------------------------------------------------------ the API's records

def _parse_time(value) -> dt.datetime | None:
    """A UTC datetime from an ISO string (``2024-11-22T21:44:24.000Z``) or unix seconds/ms."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000.0
        return dt.datetime.fromtimestamp(int(seconds), tz=dt.timezone.utc)
    text = str(value).strip()
    if text.isdigit():
        return _parse_time(int(text))
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    # Whole seconds, like the ids and the archive's file names.
    return t.astimezone(dt.timezone.utc).replace(microsecond=0)


def _listing_items(doc, origin):
    if isinstance(doc, dict):
        for key in ("data", "items", "history", "results"):
            if isinstance(doc.get(key), list):
                return doc[key]
    if not isinstance(doc, list):
        raise BadResponse(origin, f"expected a JSON list of maps, got {type(doc).__name__}")
    return doc


def parse_listing(doc, origin="history/public") -> tuple[list[MapEntry], list[str]]:
    """The maps of a ``/api/history/public`` body, oldest first, and one line per entry skipped.

    Lenient: extra fields are ignored; the time comes from ``createdAt`` when present, else from
    ``id``; an entry with neither a usable id nor a time is reported, not fatal. Some
    deployments wrap the list (``{"data": [...]}``); that is accepted too.
    """
    out, problems = {}, []
    for i, item in enumerate(_listing_items(doc, origin)):
        if not isinstance(item, dict):
            problems.append(f"{origin}: entry {i} is not an object")
            continue
        raw_id = item.get("id")
        try:
            mid = int(str(raw_id).strip())
        except (TypeError, ValueError):
            problems.append(f"{origin}: entry {i} has no numeric id ({raw_id!r})")
            continue
        taken = _parse_time(item.get("createdAt")) or _parse_time(mid)
        if taken is None:
            problems.append(f"{origin}: map {mid} has no usable time")
            continue
        desc = parse_note_html(item.get("descriptionEn") or item.get("description") or "")[0]
        out[mid] = MapEntry(mid, taken, " ".join(desc.split())[:300], _parse_time(item.get("updatedAt")))
    return sorted(out.values(), key=lambda e: (e.taken_at, e.id)), problems


# ------------------------------------------------------------------ recorded figures given to `ingest`

def attach_official(store, figures: dict) -> int:
    """Attach recorded figures (``{map id: parse_areas rows}``, as
    :func:`frontwatch.sources.official.read_areas_file` reads them) to the stored maps of the same
    id (or time), in one transaction; maps not stored are passed over (a tracker's file covers
    more maps than a store may hold). Returns how many maps got figures they did not have."""
    stored = store.snapshots(SOURCE)
    by_id = {s.source_id: s for s in stored if s.source_id}
    by_time = {int(s.taken_at.timestamp()): s for s in stored}
    matched = {mid: by_id.get(str(mid)) or by_time.get(int(mid)) for mid in figures}
    have = store.official_of([s.id for s in matched.values() if s is not None])
    todo = {}
    for mid, rows in figures.items():
        snap = matched[mid]
        if snap is not None and _canon(have.get(snap.id, ([], {}))[0]) != _canon([_as_stored(r) for r in rows]):
            todo[snap.id] = rows
    store.set_official_areas(todo)
    return len(todo)


def _canon(rows) -> list:
    return sorted((str(r.get("type")), str(r.get("hash")), round(float(r.get("km2") or 0), 6), str(r.get("percent")))
                  for r in rows)


def _as_stored(row: dict) -> dict:
    return {"type": row.get("type"), "status": row.get("status"), "hash": row.get("hash"),
            "km2": row.get("area"), "percent": None if row.get("percent") is None else str(row.get("percent"))}


# ------------------------------------------------------------------ sync

def _bound(value, end=False):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    t = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    # A date as upper bound means the whole day.
    return t + dt.timedelta(days=1) - dt.timedelta(microseconds=1) if end else t


def list_maps(client: Client) -> list[MapEntry]:
    entries, _ = parse_listing(client.get_json("api/history/public"), client.url("api/history/public"))
    return entries


def fetch_snapshot(client: Client, entry: MapEntry):
    """One map as a :class:`Snapshot` (official figures not included); SourceError when bad."""
    path = f"api/history/{entry.id}/geojson"
    url = client.url(path)
    data = client.get(path)
    if not data.strip():
        raise BadResponse(url, "empty body")
    feats = parse_features(url.split("://", 1)[-1], data)
    return snapshot_from_features(url, feats, entry.taken_at, source=SOURCE, source_id=str(entry.id))


def fetch_official(client: Client, entry: MapEntry) -> list[dict]:
    path = f"api/history/{entry.id}/areas"
    return parse_areas(client.get_json(path), client.url(path))


def first_run_since(store, newest: dt.date | None, days: int = FIRST_RUN_DAYS) -> dt.date | None:
    """Where the main job (`frontwatch run`) starts syncing: the day ``days`` before the newest
    listed map when the store has no DeepStateMap map yet (a first run fetches a year, about 365
    maps, not the whole archive), else a week before the newest stored map (new maps, the
    revisions of the last days, and a map that failed last time). Older history is fetched on
    request: ``frontwatch sync deepstate`` (resumable)."""
    stored = store.snapshots(SOURCE)
    if stored:
        return stored[-1].date - dt.timedelta(days=RECHECK_DAYS)
    return None if newest is None else newest - dt.timedelta(days=days)


def sync(store, since=None, until=None, base_url=None, timeout=20, retries=4, backoff=1.0,
         min_interval=0.5, session=None, progress=None, *, backfill_official=25, recheck_days=RECHECK_DAYS,
         since_first_run=None, on_plan=None, sleep=time.sleep, clock=time.monotonic) -> SyncSummary:
    """Bring ``store`` up to date with the live DeepStateMap archive.

    Lists the published maps and stores the map maker's notes of all of them; keeps the maps with
    ``since <= time <= until`` (dates are whole UTC days) that are not yet stored under source
    ``deepstate``, and the stored ones of the last ``recheck_days`` days of the listing that the
    map maker revised since they were stored (``updatedAt`` newer than the version stored; for a
    map stored from a file, whose version is unknown: revised at all after publication); fetches
    each one's geojson and area figures, and writes them in batches of ``BATCH`` (one
    transaction each). A revised map replaces the stored one under the same id. Up to
    ``backfill_official`` already-stored maps that have no official figures get them too (newest
    first). ``since_first_run`` (a callable ``(store, newest listed date) -> date | None``) picks
    ``since`` once the listing is known, when ``since`` is None (the main job's policy,
    :func:`first_run_since`). ``on_plan(SyncPlan)`` is called once before the first map is
    fetched, ``progress(done, total)`` after each. ``base_url`` defaults to
    ``$FRONTWATCH_DEEPSTATE_URL``, else :data:`DEFAULT_BASE_URL`. ``sleep`` and ``clock`` are
    injectable so tests never wait.

    Raises :class:`SourceUnreachable` or :class:`BadResponse` when the listing cannot be had. A
    bad map (invalid JSON, no polygons, 404) is reported in ``errors`` with its id and the rest
    go in; if the site goes away or starts refusing (403, HTML pages) mid-run, the maps already
    fetched are kept and the rest reported in one line. Interrupted (KeyboardInterrupt), it
    stores what was fetched, sets ``interrupted`` and returns: the next sync goes on from there.
    """
    client = Client(base_url, timeout=timeout, retries=retries, backoff=backoff,
                    min_interval=min_interval, session=session, sleep=sleep, clock=clock)
    summary = SyncSummary(base_url=client.base_url)
    try:
        doc = client.get_json("api/history/public")
        entries, problems = parse_listing(doc, client.url("api/history/public"))
    finally:
        summary.requests = client.requests
        summary.bytes = client.bytes
    summary.listed = len(entries)
    summary.warnings.extend(problems)
    # The map maker's notes of every listed map: a few hundred kB, and a note may be edited later.
    counts = store.add_notes(notes_from_listing(doc), source=SOURCE)
    summary.notes = counts["added"] + counts["updated"]

    newest = entries[-1].taken_at if entries else None
    if since is None and since_first_run is not None:
        since = since_first_run(store, newest.date() if newest else None)
    lo, hi = _bound(since), _bound(until, end=True)
    window = [e for e in entries if (lo is None or e.taken_at >= lo) and (hi is None or e.taken_at <= hi)]
    stored = store.snapshots(SOURCE)
    by_time = {s.taken_at: s for s in stored}
    by_id = {s.source_id: s for s in stored if s.source_id}
    todo, have = [], []
    for e in window:
        known = by_time.get(e.taken_at) or by_id.get(str(e.id)) or by_time.get(_parse_time(e.id))
        if known is None:
            todo.append(e)
        else:
            have.append((e, known))
    summary.selected = len(todo)
    summary.skipped_existing = len(have)

    # Revisions: stored maps of the last days whose listing entry is newer than the stored version.
    revisions = []
    if recheck_days and newest is not None and have:
        recent = [(e, k) for e, k in have if e.taken_at >= newest - dt.timedelta(days=recheck_days) and e.updated_at]
        versions = store.map_versions(SOURCE, [str(e.id) for e, _ in recent])
        for e, known in recent:
            v = versions.get(str(e.id))
            if (e.updated_at > v) if v is not None else \
                    (e.updated_at - e.taken_at).total_seconds() > REVISED_AFTER_S:
                revisions.append((e, known))
    revised_ids = {e.id for e, _ in revisions}

    # Stored maps without the maker's figures (e.g. ingested from files): newest first, bounded.
    backfill = []
    if backfill_official and have:
        with_figures = set(store.official_of([k.id for _, k in have]))  # one query, not one per map
        for e, known in reversed(have):
            if e.id in revised_ids or known.id in with_figures:
                continue
            backfill.append((e, known))
            if len(backfill) >= backfill_official:
                break

    fetch = todo + [e for e, _ in revisions]
    total = len(fetch) + len(backfill)
    summary.plan = SyncPlan(
        maps=len(todo), revisions=len(revisions), official_only=len(backfill),
        requests=REQUESTS_PER_MAP * len(fetch) + len(backfill), bytes=TYPICAL_MAP_BYTES * len(fetch),
        min_seconds=(REQUESTS_PER_MAP * len(fetch) + len(backfill)) * client.min_interval, first=not stored,
        since=lo.date() if lo else None, newest=newest.date() if newest else None,
        older=sum(1 for e in entries if lo is not None and e.taken_at < lo
                  and by_id.get(str(e.id)) is None and by_time.get(e.taken_at) is None))
    if on_plan:
        on_plan(summary.plan)

    done = attempted = 0
    pending = []
    versions_seen = {}
    stopped = None

    def write(batch):
        for o in store.add_snapshots(batch, replace=True):
            snap = next(s for s in batch if s.origin == o["origin"])
            revision = int(snap.source_id) in revised_ids
            if o["action"] == "added":
                summary.added += 1
            elif o["action"] == "replaced":
                summary.revised += 1 if revision else 0
                summary.added += 0 if revision else 1
            elif o["action"] == "unchanged":
                summary.unchanged += 1
            else:
                summary.errors.append(f"{o['origin']}: {o.get('reason', o['action'])}")
                continue
            if snap.official:
                summary.official_areas += 1
        store.set_map_versions(SOURCE, {s.source_id: versions_seen[s.source_id] for s in batch
                                        if versions_seen.get(s.source_id) is not None})

    try:
        for e in fetch:
            attempted += 1
            try:
                snap = fetch_snapshot(client, e)
            except (SourceUnreachable, BadResponse) as exc:
                summary.errors.append(f"map {e.id}: {exc}")
                if isinstance(exc, SourceUnreachable) or exc.refused:
                    stopped = exc
                    break
            except SourceError as exc:
                summary.errors.append(f"map {e.id}: {exc}")
            except Exception as exc:  # a reader bug must not lose the other maps
                summary.errors.append(f"map {e.id}: unexpected error ({type(exc).__name__}: {exc})")
            else:
                try:
                    snap.official = fetch_official(client, e)
                except (SourceUnreachable, BadResponse) as exc:
                    summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
                    if isinstance(exc, SourceUnreachable) or exc.refused:
                        stopped = exc
                except SourceError as exc:
                    summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
                versions_seen[snap.source_id] = e.updated_at
                pending.append(snap)
                if len(pending) >= BATCH:
                    write(pending)
                    pending = []
            done += 1
            if progress:
                progress(done, total)
            if stopped:
                break
        if pending:
            write(pending)
            pending = []

        for e, known in backfill:
            if stopped:
                break
            try:
                official = fetch_official(client, e)
            except (SourceUnreachable, BadResponse) as exc:
                summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
                if isinstance(exc, SourceUnreachable) or exc.refused:
                    stopped = exc
                    break
            except SourceError as exc:
                summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
            else:
                store.add_official_areas(known.id, official)
                summary.official_areas += 1
            done += 1
            if progress:
                progress(done, total)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if pending:
            write(pending)
        summary.requests = client.requests
        summary.bytes = client.bytes

    if stopped and attempted < len(fetch):
        what = (f"{client.host} became unreachable ({stopped.reason})" if isinstance(stopped, SourceUnreachable)
                else f"{client.host} refused ({stopped.reason})")
        summary.errors.append(f"{len(fetch) - attempted} more maps not fetched: {what}")
    latest = store.snapshots(SOURCE)
    summary.last = latest[-1].taken_at if latest else None
    return summary
