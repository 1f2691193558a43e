"""The live DeepStateMap client: list the published maps, fetch the ones the store lacks, and
write them (with the map maker's own area figures) to the store.

The public API has three read-only endpoints: ``/api/history/public`` (a JSON list of maps,
each with ``id`` = the map's unix time in seconds, ``createdAt``, ``updatedAt``, ``description``,
``descriptionEn``, ...), ``/api/history/{id}/geojson`` (one map; the same bodies as the shared
history files, read by :mod:`frontwatch.sources.deepstate`) and ``/api/history/{id}/areas`` (the
map maker's km2 per area type). :func:`sync` is incremental: a map whose time or id is already
stored is never fetched again. The client is polite (a User-Agent naming frontwatch, at least
``min_interval`` seconds between requests, exponential backoff on connection errors, 5xx and 429
honouring ``Retry-After``), and an unreachable site raises :class:`SourceUnreachable` with a
one-line message. Nothing here prints. May import: the standard library, requests, orjson,
frontwatch.sources, frontwatch.store (through the ``store`` argument only), frontwatch.analysis.measure
(for the area-type vocabulary).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import os
import time
from urllib.parse import urlsplit

import orjson
import requests

from frontwatch import __version__
from frontwatch.analysis.measure import OFFICIAL_TYPES
from frontwatch.sources.base import SourceError
from frontwatch.sources.deepstate import parse_features, snapshot_from_features
from frontwatch.sources.notes import notes_from_listing

DEFAULT_BASE_URL = "https://deepstatemap.live"
USER_AGENT = f"frontwatch/{__version__} (front-line map statistics; incremental sync, polite rate)"
SOURCE = "deepstate"
BATCH = 8  # snapshots per store transaction: a crash loses at most one batch of downloads
MAX_RETRY_AFTER_S = 300.0  # never sleep longer than this on a server's say-so


class SourceUnreachable(SourceError):
    """The site cannot be reached (offline, DNS, refused, timeouts, or 5xx/429 after every retry).

    ``str()`` is one line: ``"deepstatemap.live unreachable (ConnectionError: ...)"``.
    """

    def __init__(self, host: str, reason: str):
        self.path = host
        self.reason = " ".join(str(reason).split())
        ValueError.__init__(self, f"{host} unreachable ({self.reason})")


class _RetryableStatus(Exception):
    def __init__(self, response):
        self.response = response
        super().__init__(f"HTTP {response.status_code} {response.reason or ''}".strip())


@dataclasses.dataclass
class SyncSummary:
    """What a sync did. ``errors`` are maps that did not go in (one line each, naming the id);
    ``warnings`` are official figures that could not be fetched (the map itself went in)."""

    base_url: str = DEFAULT_BASE_URL
    listed: int = 0
    selected: int = 0
    added: int = 0
    unchanged: int = 0
    skipped_existing: int = 0
    official_areas: int = 0
    notes: int = 0
    requests: int = 0
    errors: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    last: dt.datetime | None = None

    def to_record(self) -> dict:
        rec = dataclasses.asdict(self)
        rec["last"] = self.last.isoformat() if self.last else None
        return rec


@dataclasses.dataclass(frozen=True)
class MapEntry:
    """One published map from the listing."""

    id: int
    taken_at: dt.datetime
    description: str = ""


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


class Client:
    """A rate-limited, retrying GET client for one site.

    ``retries`` extra attempts follow a connection error, timeout, 5xx or 429, after
    ``backoff * 2**attempt`` seconds, or the server's ``Retry-After`` when it gives one (capped
    at ``MAX_RETRY_AFTER_S``). ``sleep`` and ``clock`` are injectable so tests never wait.
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

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def _wait_turn(self):
        if self._last_request is not None and self.min_interval:
            wait = self.min_interval - (self._clock() - self._last_request)
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def get(self, path: str) -> bytes:
        """The body of ``GET base_url/path``.

        Raises :class:`SourceUnreachable` when the site cannot be reached or keeps failing
        (5xx/429) after every retry, and :class:`SourceError` for other HTTP errors (404, ...).
        """
        url = self.url(path)
        last = None
        for attempt in range(self.retries + 1):
            self._wait_turn()
            self.requests += 1
            delay = self.backoff * (2 ** attempt)
            try:
                resp = self.session.get(url, timeout=self.timeout)
                if resp.status_code == 429 or resp.status_code >= 500:
                    raise _RetryableStatus(resp)
                if resp.status_code >= 400:
                    raise SourceError(url, f"HTTP {resp.status_code} {resp.reason or ''}".strip())
                return resp.content
            except _RetryableStatus as exc:
                last = f"HTTPError: {exc}"
                hint = _retry_after_s(exc.response)
                if hint is not None:
                    delay = min(hint, MAX_RETRY_AFTER_S)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                # ChunkedEncodingError: the connection dropped mid-body; worth another try.
                last = _short_reason(exc)
            except requests.RequestException as exc:  # invalid URL, too many redirects, ...
                raise SourceUnreachable(self.host, _short_reason(exc)) from None
            if attempt < self.retries:
                self._sleep(delay)
        raise SourceUnreachable(self.host, last or "no response")

    def get_json(self, path: str):
        data = self.get(path)
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise SourceError(self.url(path), f"invalid JSON ({str(exc).splitlines()[0]})") from None


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


def parse_listing(doc, origin="history/public") -> tuple[list[MapEntry], list[str]]:
    """The maps of a ``/api/history/public`` body, oldest first, and one line per entry skipped.

    Lenient: extra fields are ignored; the time comes from ``createdAt`` when present, else from
    ``id``; an entry with neither a usable id nor a time is reported, not fatal. Some
    deployments wrap the list (``{"data": [...]}``); that is accepted too.
    """
    if isinstance(doc, dict):
        for key in ("data", "items", "history", "results"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
    if not isinstance(doc, list):
        raise SourceError(origin, f"expected a JSON list of maps, got {type(doc).__name__}")
    out, problems = {}, []
    for i, item in enumerate(doc):
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
        desc = item.get("descriptionEn") or item.get("description") or ""
        out[mid] = MapEntry(mid, taken, " ".join(str(desc).split())[:300])
    return sorted(out.values(), key=lambda e: (e.taken_at, e.id)), problems


def parse_areas(doc, origin="areas") -> list[dict]:
    """The map maker's figures from an ``/areas`` body, as store records
    (``type``, ``status``, ``hash``, ``area`` km2, ``percent`` string).

    ``status`` is our status for the type (``measure.OFFICIAL_TYPES``), None for types with no
    status of ours (``other_territories``: annotation layers, and ground held outside Ukraine).
    """
    if isinstance(doc, dict):
        doc = doc.get("areas", doc.get("data"))
    if not isinstance(doc, list):
        raise SourceError(origin, "expected a JSON list of areas")
    out = []
    for item in doc:
        if not isinstance(item, dict):
            continue
        try:
            km2 = float(item.get("area"))
        except (TypeError, ValueError):
            continue
        kind = str(item.get("type") or "").strip()
        pct = item.get("percent")
        out.append({"type": kind or None, "status": OFFICIAL_TYPES.get(kind), "hash": item.get("hash"),
                    "area": km2, "percent": None if pct is None else str(pct)})
    if not out:
        raise SourceError(origin, "no area figures in the body")
    return out


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
        raise SourceError(url, "empty body")
    feats = parse_features(url, data)
    return snapshot_from_features(url, feats, entry.taken_at, source=SOURCE, source_id=str(entry.id))


def fetch_official(client: Client, entry: MapEntry) -> list[dict]:
    path = f"api/history/{entry.id}/areas"
    return parse_areas(client.get_json(path), client.url(path))


def sync(store, since=None, until=None, base_url=None, timeout=20, retries=4, backoff=1.0,
         min_interval=0.5, session=None, progress=None, *, backfill_official=25,
         sleep=time.sleep, clock=time.monotonic) -> SyncSummary:
    """Bring ``store`` up to date with the live DeepStateMap archive.

    Lists the published maps, keeps those with ``since <= time <= until`` (dates are whole UTC
    days) whose time and id are not yet stored under source ``deepstate``, fetches each one's
    geojson and area figures, and writes them in batches of ``BATCH`` (one transaction each).
    Up to ``backfill_official`` already-stored maps that have no official figures get them too
    (newest first). ``base_url`` defaults to ``$FRONTWATCH_DEEPSTATE_URL``, else
    :data:`DEFAULT_BASE_URL`. ``progress(done, total)`` is called after each map. ``sleep``
    and ``clock`` are injectable so tests never wait.

    Raises :class:`SourceUnreachable` when the listing cannot be fetched. A bad map (invalid
    JSON, no polygons, HTTP error) is reported in ``errors`` with its id and the rest go in; if
    the site goes away mid-run, the maps already fetched are kept and the rest reported.
    """
    client = Client(base_url, timeout=timeout, retries=retries, backoff=backoff,
                    min_interval=min_interval, session=session, sleep=sleep, clock=clock)
    summary = SyncSummary(base_url=client.base_url)
    try:
        doc = client.get_json("api/history/public")
        entries, problems = parse_listing(doc, client.url("api/history/public"))
    finally:
        summary.requests = client.requests
    summary.listed = len(entries)
    summary.warnings.extend(problems)
    # The map maker's notes of every listed map: a few hundred kB, and a note may be edited later.
    counts = store.add_notes(notes_from_listing(doc), source=SOURCE)
    summary.notes = counts["added"] + counts["updated"]

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

    # Stored maps without the maker's figures (e.g. ingested from files): newest first, bounded.
    backfill = []
    if backfill_official and have:
        for e, known in reversed(have):
            if not store.official_areas(known.id):
                backfill.append((e, known))
                if len(backfill) >= backfill_official:
                    break

    total = len(todo) + len(backfill)
    done = attempted = 0
    pending = []
    stopped = None

    def write(batch):
        for o in store.add_snapshots(batch):
            if o["action"] in ("added", "replaced"):
                summary.added += 1
            elif o["action"] == "unchanged":
                summary.unchanged += 1
            else:
                summary.errors.append(f"{o['origin']}: {o.get('reason', o['action'])}")
                continue
            if any(s.official for s in batch if s.origin == o["origin"]):
                summary.official_areas += 1

    try:
        for e in todo:
            attempted += 1
            try:
                snap = fetch_snapshot(client, e)
            except SourceUnreachable as exc:
                stopped = exc
                summary.errors.append(f"map {e.id}: {exc}")
                break
            except SourceError as exc:
                summary.errors.append(f"map {e.id}: {exc}")
            except Exception as exc:  # a reader bug must not lose the other maps
                summary.errors.append(f"map {e.id}: unexpected error ({type(exc).__name__}: {exc})")
            else:
                try:
                    snap.official = fetch_official(client, e)
                except SourceUnreachable as exc:
                    stopped = exc
                    summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
                except SourceError as exc:
                    summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
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
            except SourceUnreachable as exc:
                stopped = exc
                summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
                break
            except SourceError as exc:
                summary.warnings.append(f"map {e.id}: official areas not fetched ({exc})")
            else:
                store.add_official_areas(known.id, official)
                summary.official_areas += 1
            done += 1
            if progress:
                progress(done, total)
    finally:
        if pending:
            write(pending)
        summary.requests = client.requests

    if stopped and attempted < len(todo):
        summary.errors.append(f"{len(todo) - attempted} more maps not fetched: {client.host} became unreachable ({stopped.reason})")
    latest = store.snapshots(SOURCE)
    summary.last = latest[-1].taken_at if latest else None
    return summary

