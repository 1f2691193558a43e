"""The JSON API and the map UI of ``frontwatch serve``: one FastAPI app over one store.

Each endpoint parses its query (the same options as the CLI command of the same name), calls ONE
library function (measure, regions, front, settlements, claims.check) and returns its records as
JSON; nothing is computed here. Shapes for the map are simplified for display only (the numbers
are always measured on the full-resolution geometries by the library).

Why it is built this way:

* **The store is only read, and never locked.** The app reads the store file read-only
  (:mod:`frontwatch.store`): ``frontwatch ingest``/``sync`` write it while the service serves,
  by writing a copy and moving it in place. Each request checks the file's identity (a
  ``stat``, at most every :data:`REFRESH_S`); when a writer has replaced it, the app opens the
  new file as a new *view* (the store, its borders, resolved regions and memoised results,
  one generation), warms it (see below) while the old view goes on answering, then answers from
  it; the old view closes when its last request ends. A request uses one view from start to
  end. DuckDB connections are not thread-safe, so the service's Store hands each worker thread
  its own cursor (:class:`ServiceStore`). Computed measures go to the bounded cache beside the
  store, never into it.
* **Writes only with a token.** With a token (``FRONTWATCH_TOKEN``), ``POST /api/ingest`` and
  ``POST /api/sync`` accept requests carrying ``Authorization: Bearer TOKEN``, and write the
  store as any writer does; they never take a path from the client (ingest takes the file's
  bytes, sync nothing).
* **Bounded work.** Every request has a time budget (``timeout_s``; ``claims_timeout_s`` for the
  claims), its wait for a worker included, then 504 JSON. Quick queries (areas, changes, peaks,
  layers, borders) run in one thread pool, the slow geometric ones (front lines, advances,
  settlements) in another, so one slow query does not queue the quick ones; a queued
  computation whose every requester has given up is dropped before it starts. Claims, pure
  Python that would hold the GIL, run in worker processes that are killed when their budget
  runs out (:mod:`frontwatch.faces.service.isolated`), so the work stops with the request.
  Bodies are bounded (claims text 256 KB, ingest upload 50 MB: 413), and a gzipped upload may
  unpack to at most 256 MB. Identical queries in flight share one computation, and answers are
  kept in an LRU cache bounded in entries and bytes, per view. Display tolerances snap to a
  few levels (:data:`TOLERANCE_LEVELS`): each new value used to cost seconds of CPU and megabytes
  of cache.
* **Warm before serving.** ``frontwatch serve`` computes, before it accepts connections and again
  for each new store file before it answers from it, what the map page asks first (the borders,
  the list of maps, the latest map's layers, front line and areas, the default chart) and starts
  the claims workers, so the first visitors after a start or an ingest get cached answers.
* **Warnings travel with the answer.** What the CLI prints as a ``warning:`` line (a map older
  than the day asked for, an ambiguous place name) is the answer's ``"warnings"`` list, present
  when there is one. Each computation collects its own (:mod:`frontwatch.notices`, per thread),
  so concurrent queries never see each other's.
* **Errors are JSON** ``{"error": "..."}``: a query the data cannot answer (no snapshot, unknown
  country, place or source) is 404, a malformed one 400 or 422 (a period that ends before it
  starts, an inverted box: constraints between parameters that the schema cannot state), a
  method the path does not take 405, a timeout 504, an unreadable store 503, an unreachable map
  site 502. Messages name the query's parameters, never the CLI's flags or the server's paths.

May import: fastapi, starlette, orjson, numpy, shapely, and frontwatch library modules.
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures as cf
import contextlib
import contextvars
import dataclasses
import datetime as dt
import hmac
import os
import re
import threading
import time
import zlib
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import orjson
import shapely
from fastapi import Body, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, BeforeValidator, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontwatch import __version__, notices
from frontwatch.geo.regions import RegionError
from frontwatch.store import Store, StoreError
from frontwatch.workspace import Workspace

STATIC_DIR = Path(__file__).resolve().parent / "static"
MB = 1024 * 1024

# ------------------------------------------------------------------ configuration


@dataclasses.dataclass
class ServiceConfig:
    """How one app runs. ``token`` None means read-only (no ingest, no sync)."""

    store_path: str | os.PathLike | None = None
    token: str | None = None
    borders_file: str | os.PathLike | None = None
    timeout_s: float = 120.0          # a front line over the whole map takes ~20 s on a busy 2-core machine
    claims_timeout_s: float = 30.0    # the seed article is checked in about 2 s
    sync_timeout_s: float = 900.0
    max_claims_bytes: int = 256 * 1024  # characters of one text: ten times a long article
    max_upload_bytes: int = 50 * MB
    max_unpacked_upload_bytes: int = 256 * MB  # a gzipped upload, once unpacked
    max_other_bytes: int = 64 * 1024
    workers: int = 4                  # threads for quick queries
    heavy_workers: int = 2            # threads for front lines, advances, settlements
    claims_workers: int = 2           # processes for claims (killed on timeout)
    cache_entries: int = 512
    cache_bytes: int = 256 * MB
    warm: bool = False                # compute what the map page asks first before serving (serve: on)
    warm_recent: int = 7              # then, in the background, the slider's maps of the week before
    warm_switch_s: float = 30.0       # a new store file answers after its warm-up, or after this long
    sync_base_url: str | None = None  # the map site (default: the library's); never taken from a client
    sync_retries: int = 4             # extra attempts after a connection error, timeout, 5xx or 429
    sync_backoff_s: float = 1.0       # first wait between attempts, doubled each time (1+2+4+8 s by default)


# ------------------------------------------------------------------ the store, per thread


class ServiceStore(Store):
    """A read-only :class:`Store` safe to share between threads: ``con`` is a per-thread cursor
    of the one DuckDB connection (cursors are cheap; a connection must not be used from two
    threads at once)."""

    def __init__(self, path):
        self._local = threading.local()
        self._cursor_lock = threading.Lock()
        super().__init__(path, read_only=True)

    @property
    def con(self):
        cur = getattr(self._local, "con", None)
        if cur is None:
            with self._cursor_lock:
                cur = Store.cursor(self)
            self._local.con = cur
        return cur

    @con.setter
    def con(self, value):
        self._base = value

    def cursor(self):
        return self.con


# ------------------------------------------------------------------ JSON


def _default(obj):
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, shapely.Geometry):
        return geojson_geometry(obj)
    if isinstance(obj, (set, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(type(obj).__name__)


def dumps(obj) -> bytes:
    return orjson.dumps(obj, default=_default, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


class JSONBytes(JSONResponse):
    """JSON rendered by orjson (dates, numpy numbers, shapes); bytes pass through (cached answers)."""

    def render(self, content) -> bytes:
        return content if isinstance(content, bytes) else dumps(content)


def error(status: int, message: str, headers=None) -> JSONBytes:
    return JSONBytes({"error": message}, status_code=status, headers=headers)


def geojson_geometry(geom, digits: int = 5):
    """A shapely geometry as a GeoJSON dict, coordinates rounded (1e-5 degrees is about 1 m)."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.transform(geom, lambda xy: np.round(xy, digits))
    return orjson.loads(shapely.to_geojson(geom))


def display_shape(geom, tolerance: float):
    """Simplified for drawing only (Douglas-Peucker, topology kept); never measured."""
    if geom is None or geom.is_empty or tolerance <= 0:
        return geom
    out = shapely.simplify(geom, tolerance, preserve_topology=True)
    # Topology-preserving still lets a simplified island poke out of its hole (rare, coarse tolerances).
    return out if shapely.is_valid(out) else shapely.make_valid(out, method="structure")


def display_borders(geoms, tolerance: float) -> list:
    """Country borders simplified together for drawing: holes under 25 tolerance^2 dropped (ponds
    and river islands of a 10 m land border), then GEOS coverage simplification, which gives an edge
    two countries share the same simplified line on both sides and takes well under a second where
    Douglas-Peucker with topology kept took 4 s on the 12,000 holes of Ukraine; coordinates on a
    1e-4 degree grid (about 11 m). Never measured."""
    shapes = np.asarray([without_small_holes(g, 25 * tolerance ** 2) for g in geoms], dtype=object)
    if tolerance > 0 and len(shapes):
        # Its rings never cross each other (topology-preserving Visvalingam-Whyatt), so valid stays valid.
        shapes = shapely.coverage_simplify(shapes, tolerance)
    # Snapped to the 1e-4 degree grid of the GeoJSON keeping them valid (rounding alone does not).
    return list(shapely.set_precision(shapes, 1e-4))


def without_small_holes(geom, min_area_deg2: float):
    """Polygons without the holes smaller than ``min_area_deg2`` (ponds and river islands of a 10 m
    land border speckle a country-wide map); for drawing only."""
    if geom is None or geom.is_empty or min_area_deg2 <= 0:
        return geom
    parts, filled = [], False
    for p in shapely.get_parts(geom):
        if p.geom_type == "Polygon":
            holes = shapely.get_rings(p)[1:]
            keep = shapely.area(shapely.polygons(holes)) >= min_area_deg2
            if keep.all():
                parts.append(p)
            else:
                filled = True
                parts.append(shapely.Polygon(p.exterior, list(holes[keep])))
    if not filled:
        return geom
    out = shapely.MultiPolygon(parts)
    # An island in a hole that was filled is now a shell nested in another: merge them.
    return out if shapely.is_valid(out) else shapely.union_all(parts)


def feature_collection(features, **extra) -> dict:
    return {"type": "FeatureCollection", "features": features, **extra}


# ------------------------------------------------------------------ errors


class Error(BaseModel):
    error: str = Field(description="One-line explanation.")


class Unavailable(Exception):
    """A library feature this installation does not have (yet)."""


ERRORS = {
    400: {"model": Error, "description": "Malformed query"},
    404: {"model": Error, "description": "No data for that query (no snapshot, unknown country or place)"},
    413: {"model": Error, "description": "Request body too large"},
    422: {"model": Error, "description": "Invalid parameter"},
    501: {"model": Error, "description": "Not available in this installation"},
    504: {"model": Error, "description": "Took longer than the service's time limit"},
}
AUTH_ERRORS = {401: {"model": Error, "description": "No bearer token"},
               403: {"model": Error, "description": "Wrong token, or the service is read-only"},
               502: {"model": Error, "description": "The map site could not be reached"}}


def _one_line(exc) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_FLAG_WORDS = {"--source": "source=", "--replace": "replace=true", "--published": "published="}


def api_words(message: str) -> str:
    """A library message as the API's user reads it: the query's parameter names, not the CLI's
    flags (``--from`` -> ``from``, ``--source X`` -> ``source=X``)."""
    message = re.sub(r"(--source|--published) ", lambda m: _FLAG_WORDS[m.group(1)], message)
    message = message.replace("--replace", _FLAG_WORDS["--replace"])
    return re.sub(r"--([a-z][a-z-]*)", r"\1", message)


def library_error(exc) -> JSONBytes | None:
    """The JSON answer for a library exception, or None for a bug (then: 500)."""
    from frontwatch.faces.service.isolated import error_status

    if isinstance(exc, BadQuery):
        return error(422, str(exc))
    if isinstance(exc, Unavailable):
        return error(501, _one_line(exc))
    got = error_status(exc)
    return None if got is None else error(got[0], api_words(got[1]))


class BadQuery(ValueError):
    """A query the schema admits but that cannot be answered as asked (a period that ends before
    it starts, an inverted box, coordinates off the globe): 422, not "no data"."""


class _LibraryFailure(Exception):
    def __init__(self, response):
        self.response = response


# ------------------------------------------------------------------ body size


class BodyLimit:
    """Pure ASGI middleware: refuse bodies over the limit of their path with 413 JSON, whether the
    client sent Content-Length or streams chunks (counted as they arrive)."""

    def __init__(self, app, limits: dict, default: int):
        self.app, self.limits, self.default = app, limits, default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limits.get(scope["path"], self.default)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    return await self._too_large(send, limit)
        seen = 0
        started = False

        async def counting_receive():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return msg

        async def tracking_send(msg):
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._too_large(send, limit)

    @staticmethod
    async def _too_large(send, limit):
        body = dumps({"error": f"request body too large (limit {limit // 1024} KiB)"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class FastAnswers:
    """Pure ASGI middleware: a GET asked before, with the same path and query string, on the same
    view of the store, is answered with its cached bytes before routing and parameter
    validation (which cost more than the answer itself: a map page asks the same few URLs over
    and over). Everything else goes through the app, which records which URL gave which answer."""

    def __init__(self, app, state):
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/api/") \
                or scope["path"] == "/api/health":
            return await self.app(scope, receive, send)
        state = self.state
        state.refresh()
        if state._view_error is None and _VIEW.get() is None:
            raw = (state._view.generation, scope["path"], scope.get("query_string", b""))
            body = state.fast_answer(raw)
            if body is not None:
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            token = _RAW.set(raw)
            try:
                return await self.app(scope, receive, send)
            finally:
                _RAW.reset(token)
        return await self.app(scope, receive, send)


# ------------------------------------------------------------------ shared state


REFRESH_S = 0.25  # how often, at most, a request checks whether a writer replaced the store file
TOLERANCE_LEVELS = (0.0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05)  # degrees, for display
HEAVY = frozenset({"front", "advance", "settlements"})  # computations that take seconds when cold
ISOLATED = frozenset({"claims_extract", "claims_check"})  # run in processes that can be killed

_VIEW: contextvars.ContextVar = contextvars.ContextVar("frontwatch_view", default=None)
_RAW: contextvars.ContextVar = contextvars.ContextVar("frontwatch_raw_request", default=None)
_THREAD = threading.local()


def snap_tolerance(tolerance: float) -> float:
    """The largest of :data:`TOLERANCE_LEVELS` not above ``tolerance`` (what the answer uses)."""
    return max(t for t in TOLERANCE_LEVELS if t <= tolerance + 1e-12)


class View:
    """One generation of the store as the service serves it: the store file opened read-only,
    its :class:`~frontwatch.workspace.Workspace` (borders, resolved regions: the library's
    questions), memoised results and its sources. Closed once replaced by a newer one and no
    request uses it any more."""

    def __init__(self, config: ServiceConfig, generation: int):
        self.config = config
        self.generation = generation
        self.store = ServiceStore(config.store_path or _default_store())
        self.identity = self.store._identity
        # Never downloads borders during a request: a store without them says how to set them.
        self.ws = Workspace(store=self.store, borders_file=config.borders_file, fetch_borders=False)
        self.memo = Memo()
        self.sources = None
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()

    @property
    def borders(self) -> dict:
        return self.ws.borders

    def source_names(self) -> list:
        if self.sources is None:
            self.sources = self.store.sources()
        return self.sources

    def enter(self):
        with self._lock:
            self._users += 1

    def leave(self):
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self.store.close()

    def retire(self):
        with self._lock:
            self._retired = True
            done = self._users == 0
        if done:
            self.store.close()


class State:
    """What every request shares: the current view of the store, the pools that compute, the
    answer cache. ``store``, ``borders``, ``region()``, ``memo`` and ``generation`` are those of
    the view the calling request started with (or the current one)."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        self.read_only = config.token is None
        if not self.read_only:
            path = Path(config.store_path or _default_store())
            if not path.exists():  # a service that may write starts an empty store
                Store(path).close()
        self._generation = 0
        self._view = View(config, self._next_generation())
        self._pending = None          # a newer view being warmed before it answers
        self._view_error = None       # why the file on disk could not be opened (then 503)
        self._checked = time.monotonic()
        self._refresh_lock = threading.Lock()
        # Computing threads run at a lower priority than the thread that answers (the event loop):
        # cached answers go out at once while new ones are computed.
        self.pools = {"light": cf.ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="frontwatch",
                                                     initializer=_lower_priority, initargs=(5,)),
                      "heavy": cf.ThreadPoolExecutor(max_workers=config.heavy_workers,
                                                     thread_name_prefix="frontwatch-heavy",
                                                     initializer=_lower_priority, initargs=(10,)),
                      "isolated": cf.ThreadPoolExecutor(max_workers=4 * config.claims_workers,
                                                        thread_name_prefix="frontwatch-claims")}
        self.pool = self.pools["light"]
        from frontwatch.faces.service.isolated import IsolatedPool

        self.claims = IsolatedPool(config.store_path or _default_store(), config.borders_file, config.claims_workers)
        self.write_lock = threading.Lock()
        self.cache: collections.OrderedDict = collections.OrderedDict()
        self.cache_bytes = 0
        self.inflight: dict = {}
        self.raw: dict = {}             # (generation, path, query string) -> answer key
        self._cache_lock = threading.RLock()  # a cancelled future runs its done callback at once
        self.closed = False
        self.warmed_generation = None
        self.app = None

    def _next_generation(self) -> int:
        self._generation += 1
        return self._generation

    # the view of the calling request ---------------------------------------
    def view(self) -> View:
        return getattr(_THREAD, "view", None) or _VIEW.get() or self._view

    @property
    def store(self) -> ServiceStore:
        return self.view().store

    @property
    def borders(self) -> dict:
        return self.view().borders

    @property
    def ws(self) -> Workspace:
        """The workspace of the calling request's view."""
        return self.view().ws

    @property
    def memo(self) -> "Memo":
        return self.view().memo

    @property
    def generation(self) -> int:
        return self.view().generation

    def region(self, spec: str):
        """The region of ``spec`` as the view's workspace resolves it, once checked for what a
        web client must not ask (a file path, an absurd radius)."""
        return self.view().ws.region(check_region_spec(spec))

    # a store file replaced by a writer ---------------------------------------
    def refresh(self, force: bool = False, warm_first: bool = True) -> None:
        """Open the store file anew when a writer has replaced it (checked at most every
        REFRESH_S unless ``force``). With warming on and ``warm_first``, the new view is warmed
        while the current one answers; otherwise it answers at once. A file that cannot be
        opened is remembered (``_view_error``: requests answer 503) and tried again later."""
        now = time.monotonic()
        if not force and now - self._checked < REFRESH_S:
            return
        with self._refresh_lock:
            self._checked = now
            current = self._pending or self._view
            if _file_identity(current.store.path) == current.identity and not force:
                self._view_error = None
                return
            if force and self._pending is None and _file_identity(current.store.path) == current.identity:
                self._view_error = None
                return
            try:
                fresh = View(self.config, self._next_generation())
            except StoreError as exc:
                self._view_error = str(exc)
                return
            self._view_error = None
            if self._pending is not None:
                self._pending.retire()
                self._pending = None
            if self.config.warm and warm_first and self.app is not None:
                self._pending = fresh
                self._start_warm(fresh)
            else:
                self._install(fresh)
                if self.config.warm and self.app is not None:
                    self._start_warm(fresh)

    def _install(self, fresh: View) -> None:
        old, self._view = self._view, fresh
        if self._pending is fresh:
            self._pending = None
        # Answers of older views are never asked for again: free them now.
        with self._cache_lock:
            for key in [k for k in self.cache if k[0] != fresh.generation]:
                self.cache_bytes -= len(self.cache.pop(key))
            self.raw = {k: v for k, v in self.raw.items() if k[0] == fresh.generation}
        old.retire()

    def _start_warm(self, view: View, first: bool = True, then=None) -> None:
        """Warm ``view`` on a thread of its own: its first page (then it answers, if it is the
        pending view), then the recent maps of the date slider (``warm_recent``), then ``then()``."""
        def warm():
            try:
                if first:
                    # New maps matter more than a warm start: after warm_switch_s, answer anyway.
                    asyncio.run(asyncio.wait_for(warm_view(self.app, view), self.config.warm_switch_s))
            except asyncio.TimeoutError:
                pass
            finally:
                with self._refresh_lock:
                    if self._pending is view:
                        self._install(view)
            try:
                if self.config.warm_recent and self._view is view and not self.closed:
                    # As many at a time as the slow queries have threads, and only while this view is
                    # the one answering: a newer store file's warm-up does not wait behind it.
                    asyncio.run(warm_view(self.app, view, self.config.warm_recent,
                                          keep_going=lambda: self._view is view and not self.closed,
                                          concurrency=self.config.heavy_workers))
            finally:
                if then is not None and not self.closed:
                    then()
        threading.Thread(target=warm, name="frontwatch-warm", daemon=True).start()

    def check_store(self):
        """503 JSON when the store file cannot be read, else None."""
        self.refresh()
        if self._view_error:
            return error(503, self._view_error)
        return None

    def close(self):
        """Wait for the computations in progress, then close the store."""
        self.closed = True
        for pool in self.pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        self.claims.close()
        if self._pending is not None:
            self._pending.retire()
        self._view.retire()

    def invalidate(self):
        """After this service wrote the store: answer from the new file at once."""
        self.refresh(force=True, warm_first=False)

    # running library calls ----------------------------------------------
    async def run(self, fn, *, timeout=None):
        loop = asyncio.get_running_loop()
        view = self.view()

        def bound():
            _THREAD.view = view
            view.enter()
            try:
                return fn()
            finally:
                view.leave()
                _THREAD.view = None
        fut = loop.run_in_executor(self.pools["light"], bound)
        try:
            return await asyncio.wait_for(fut, timeout or self.config.timeout_s)
        except asyncio.TimeoutError:
            raise _LibraryFailure(error(504, f"the computation took longer than {timeout or self.config.timeout_s:g} s")) from None

    async def answer(self, key: tuple, fn, pool: str = "light", timeout: float | None = None) -> JSONBytes:
        """The JSON of ``fn()`` (run in ``pool``), shared by identical queries and cached.

        In-flight computations are ``concurrent.futures`` futures, so a request of any event
        loop (the server's, or a warm-up's on its own thread) can share them."""
        if self.closed:
            return error(503, "the service is stopping")
        broken = self.check_store()
        if broken is not None:
            return broken
        view = self.view()
        key = (view.generation, *key)
        raw = _RAW.get()
        with self._cache_lock:
            hit = self.cache.get(key)
            if hit is not None:
                self.cache.move_to_end(key)
                if raw is not None and raw[0] == view.generation:
                    self._remember_raw(raw, key)
        if hit is not None:
            return JSONBytes(hit)
        timeout = timeout or self.config.timeout_s

        def work():
            _THREAD.view = view
            view.enter()
            try:
                with notices.collect() as said:
                    value = fn()
                if said and isinstance(value, dict):
                    value = {**value, "warnings": said}
                return "ok", dumps(value)
            except _LibraryFailure as exc:
                return "error", exc.response
            except Exception as exc:  # noqa: BLE001 - classified below, bugs re-raised
                resp = library_error(exc)
                if resp is None:
                    raise
                return "error", resp
            finally:
                view.leave()
                _THREAD.view = None

        with self._cache_lock:
            entry = self.inflight.get(key)
            if entry is None:
                entry = [self.pools[pool].submit(work), 0]
                self.inflight[key] = entry

                def done(f, key=key):
                    with self._cache_lock:
                        self.inflight.pop(key, None)
                    if not f.cancelled() and f.exception() is None:
                        kind, value = f.result()
                        if kind == "ok" and self.view_generation_for(key[0]) is not None:
                            self._keep(key, value)

                entry[0].add_done_callback(done)
            entry[1] += 1
        try:
            kind, value = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(entry[0])), timeout)
        except asyncio.TimeoutError:
            with self._cache_lock:
                entry[1] -= 1
                dropped = entry[1] <= 0 and entry[0].cancel()
            if dropped:
                # Nobody waits for it any more and it had not started: it never will.
                return error(504, f"the computation took longer than {timeout:g} s (it waited for a free worker "
                                  "and was dropped); ask again later")
            return error(504, f"the computation took longer than {timeout:g} s; "
                              "it goes on in the background: ask again later")
        with self._cache_lock:
            entry[1] -= 1
            if kind == "ok" and raw is not None and raw[0] == view.generation:
                self._remember_raw(raw, key)
        return JSONBytes(value) if kind == "ok" else value

    def _remember_raw(self, raw, key) -> None:
        """This request's path and query string give the answer under ``key`` (see :class:`FastAnswers`)."""
        self.raw[raw] = key
        while len(self.raw) > 4 * self.config.cache_entries:
            self.raw.pop(next(iter(self.raw)))

    def fast_answer(self, raw) -> bytes | None:
        """The cached answer of a request exactly as asked before in this view, else None."""
        key = self.raw.get(raw)
        if key is None:
            return None
        with self._cache_lock:
            return self.cache.get(key)

    def view_generation_for(self, generation: int) -> int | None:
        """``generation`` when it is the current view's or the one being warmed (its answers are
        worth keeping), else None."""
        live = {self._view.generation} | ({self._pending.generation} if self._pending is not None else set())
        return generation if generation in live else None

    def _keep(self, key, value: bytes) -> None:
        """Keep an answer, within the cache's bounds in entries and bytes (oldest used first out)."""
        if len(value) > self.config.cache_bytes // 4:
            return
        with self._cache_lock:
            old = self.cache.pop(key, None)
            if old is not None:
                self.cache_bytes -= len(old)
            self.cache[key] = value
            self.cache_bytes += len(value)
            while self.cache and (len(self.cache) > self.config.cache_entries or
                                  self.cache_bytes > self.config.cache_bytes):
                _, dropped = self.cache.popitem(last=False)
                self.cache_bytes -= len(dropped)

    def isolated(self, task: str, args: tuple, budget: float):
        """A function for :meth:`answer` that runs ``task`` in a claims worker process within
        ``budget`` seconds (counted from now, the wait for a free worker included)."""
        from frontwatch.faces.service import isolated

        deadline = time.monotonic() + budget

        def fn():
            try:
                reply = self.claims.call(task, args, deadline)
            except isolated.Timeout:
                raise _LibraryFailure(error(504, f"the claims took longer than {budget:g} s; the work was stopped "
                                                 "(send a shorter text)")) from None
            except isolated.Busy:
                raise _LibraryFailure(error(503, f"every claims worker stayed busy for {budget:g} s; ask again later",
                                            headers={"Retry-After": "10"})) from None
            except isolated.WorkerFailed:
                raise _LibraryFailure(error(503, "the claims worker stopped unexpectedly; ask again")) from None
            kind, value, said = reply
            if kind == "error":
                status, message = value
                raise _LibraryFailure(error(status, api_words(message)))
            for message in said:
                notices.warn(message)
            return value
        return fn


def _lower_priority(nice: int) -> None:
    """Lower the calling thread's scheduling priority by ``nice`` (Linux schedules threads one by
    one; elsewhere a no-op)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (AttributeError, OSError):
        pass


def _file_identity(path):
    from frontwatch.store import _file_identity as identity

    return identity(Path(path))


class Memo:
    """Library results shared across display variants (the front line of a date is computed once,
    whatever simplification the map asks for). Thread-safe; one computation per key at a time."""

    def __init__(self, size: int = 64):
        self.size = size
        self._lock = threading.Lock()
        self._values: collections.OrderedDict = collections.OrderedDict()
        self._keys_locks: dict = {}

    def get(self, key, fn):
        """``fn()``, computed once per key; the library's warnings it gave are given again on
        every hit, so each answer made from it carries them."""
        value, said = self._get(key, fn)
        for message in said:
            notices.warn(message)
        return value

    def _get(self, key, fn):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            klock = self._keys_locks.setdefault(key, threading.Lock())
        with klock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            with notices.collect() as said:
                value = fn()
            entry = (value, tuple(said))
            with self._lock:
                self._values[key] = entry
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
                self._keys_locks.pop(key, None)
            return entry

    def clear(self):
        with self._lock:
            self._values.clear()


def _default_store():
    from frontwatch.store import default_store_path

    return default_store_path()


# ------------------------------------------------------------------ query vocabulary

STATUS_WORDS = "occupied|occupied_before_2022|ukraine_held|contested|russia|ukraine"
STATUS_PATTERN = rf"^(all|(?:{STATUS_WORDS})(?:,(?:{STATUS_WORDS}))*)$"
_NUM = r"-?\d{1,3}(?:\.\d{1,6})?"
# A named first-level region (an oblast in any script, "UA-14"), or several joined with "+".
_UNIT = r"[^\W\d_][\w' .-]*"  # unbounded: a bounded Unicode class blows the regex engine's size limit
REGION_PATTERN = (rf"^(ALL|all|[A-Za-z]{{3}}|bbox:{_NUM},{_NUM},{_NUM},{_NUM}|"
                  rf"[^/\\:]{{1,80}}:[1-9]\d{{0,2}}(?:\.\d{{1,3}})?(?:km|m|mi)?|"
                  rf"{_UNIT}(?:\+{_UNIT})*)$")
REGION_HELP = ("ALL, an ISO-3 country code (RUS, UKR), an oblast by name or ISO 3166-2 code (Donetsk oblast, "
               "UA-14; A+B for a union; /api/regions lists them), Place:15km, lat,lon:15km, or "
               "bbox:minlon,minlat,maxlon,maxlat. Files are not accepted over HTTP.")
MAX_RADIUS_KM = 2000.0  # above the largest radius the pattern admits (999 mi)
# The radius of /api/advance and /api/settlements, written as on the command line: "15", "15km",
# "500m" or "10mi", from 1 km (or 1 m) up to 100 km. The pattern admits only radii in that range
# (100 km = 62.1 mi), so every string it matches is answered.
RADIUS_PATTERN = r"^(?:(?:[1-9]\d?(?:\.\d{1,3})?|100)(?:\s?km)?|[1-9]\d{0,4}\s?m|(?:[1-9]|[1-5]\d|6[01])(?:\.\d{1,3})?\s?mi)$"
RADIUS_HELP = "Circle radius: 15 or 15km (km), 500m, 10mi; at most 100 km"
PATTERN_HINTS = {"region": "expected " + REGION_HELP,
                 "status": "expected statuses (occupied, occupied_before_2022, ukraine_held, contested), a side "
                           "(russia, ukraine) or all, comma-separated",
                 "near": "expected a place name or lat,lon (no ':' or '/')",
                 "radius": "expected " + RADIUS_HELP,
                 "source": "expected a source name (letters, digits, _ . -)",
                 "filename": "expected a plain file name (letters, digits, _ . -)"}


def check_region_spec(spec: str) -> str:
    """Refuse what the service must not resolve: file paths (the CLI accepts a GeoJSON file as a
    region; a web client must never make the server read a path), absurd radii and coordinates."""
    spec = str(spec).strip()
    if not spec or len(spec) > 200:
        raise BadQuery("region: give ALL, an ISO-3 code, Place:15km, lat,lon:15km or bbox:...")
    if "/" in spec or "\\" in spec or spec.lower().endswith((".json", ".geojson", ".gpkg")):
        raise BadQuery(f"region {spec!r}: files are not accepted by the web service")
    if spec.lower().startswith("bbox:"):
        try:
            x0, y0, x1, y1 = (float(v) for v in spec[5:].split(","))
        except ValueError:
            raise BadQuery(f"region: bad bbox {spec!r}: expected bbox:minlon,minlat,maxlon,maxlat") from None
        if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
            raise BadQuery(f"region: bad bbox {spec!r}: longitudes within ±180, latitudes within ±90")
        if not (x0 < x1 and y0 < y1):
            raise BadQuery(f"region: bad bbox {spec!r}: give minlon,minlat,maxlon,maxlat, each min below its max")
    elif ":" in spec:
        from frontwatch.geo.regions import parse_radius_km

        where, radius = spec.rsplit(":", 1)
        try:
            km = parse_radius_km(radius)
        except RegionError as exc:
            raise BadQuery(f"region: {exc}") from None
        if km > MAX_RADIUS_KM:
            raise BadQuery(f"region: radius {radius!r} too large (at most {MAX_RADIUS_KM:g} km)")
        m = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$", where)
        if m and not (-90 <= float(m.group(1)) <= 90 and -180 <= float(m.group(2)) <= 180):
            raise BadQuery(f"region: bad coordinates {where!r}: expected LAT,LON in degrees")
    return spec


Region = Annotated[str, Query(description=REGION_HELP, max_length=200, pattern=REGION_PATTERN)]
Statuses = Annotated[str, Query(description="Statuses, comma-separated (occupied, occupied_before_2022, ukraine_held, "
                                            "contested), a side (russia, ukraine), or all.",
                                max_length=200, pattern=STATUS_PATTERN)]
def _iso_date(value):
    """Only YYYY-MM-DD: pydantic alone would also take a number as a Unix time (from=0 as 1970-01-01)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip())):
        return value
    raise ValueError("expected a date, YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
OptDate = Annotated[IsoDate | None, Query(description="YYYY-MM-DD")]
From = Annotated[IsoDate | None, Query(alias="from", description="First day (inclusive), YYYY-MM-DD")]
To = Annotated[IsoDate | None, Query(alias="to", description="Last day (inclusive), YYYY-MM-DD")]
Every = Annotated[Literal["day", "week", "month", "year"] | None,
                  Query(description="One value per period: the last snapshot of each.")]
Source = Annotated[str | None, Query(description="Which map maker's snapshots (default: deepstate if present).",
                                     max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Tolerance = Annotated[float, Query(ge=0.0, le=0.05,
                                   description="Simplification for display, in degrees (0 = full resolution; "
                                               "at most 0.05), taken down to the nearest of 0, 0.0005, 0.001, "
                                               "0.002, 0.005, 0.01, 0.02, 0.05 (the answer's tolerance). Numbers "
                                               "are never measured on simplified shapes.")]


MAX_CLAIMS_TEXT = 256 * 1024  # characters the schema admits; the service's own limit is ServiceConfig.max_claims_bytes


class ClaimsRequest(BaseModel):
    text: str = Field(max_length=MAX_CLAIMS_TEXT, description="The article text (at most 256 KB).")
    published: IsoDate | None = Field(default=None, description="Publication date (default: the text's dateline).")


# ------------------------------------------------------------------ the app


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The FastAPI application for ``config`` (opens the store now: StoreError if it cannot)."""
    config = config or ServiceConfig()
    state = State(config)

    # No lifespan hook closes anything: an ASGI client may run startup/shutdown around every call
    # (schemathesis does); State.close() is for whoever owns the app (running_server, tests).
    # Startup warms the store's first view, once (with config.warm), before the server listens.
    # No /docs or /redoc: FastAPI's pages load their scripts from a CDN, and frontwatch fetches
    # nothing from outside at run time. The schema itself is at /openapi.json.
    @contextlib.asynccontextmanager
    async def lifespan(app):
        if config.warm:
            await asyncio.get_running_loop().run_in_executor(state.pools["light"], _warm_places)
            view = state.view()
            if state.warmed_generation != view.generation:
                state.warmed_generation = view.generation
                try:
                    await asyncio.wait_for(warm_view(app, view), config.timeout_s)
                except asyncio.TimeoutError:
                    pass  # what is not warm yet is computed on demand
            # Then, in the background, the date slider's recent maps, and after them the claims
            # workers (whose start would compete with the first visitors' queries for the cores).
            state._start_warm(view, first=False, then=lambda: state.claims.start(warm=True))
        yield

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None, redoc_url=None,
        title="frontwatch",
        version=__version__,
        description="Verified numbers from front-line control maps: areas, changes, peaks, front lines, "
                    "advances and settlements from the snapshots in a frontwatch store, and checks of the "
                    "numeric claims of news articles. Every page of the map UI at / is made from these "
                    "endpoints.",
        default_response_class=JSONBytes,
    )
    app.state.frontwatch = state
    state.app = app

    @app.exception_handler(RequestValidationError)
    async def _validation(request, exc):
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
        if first.get("type") == "string_pattern_mismatch":
            hint = PATTERN_HINTS.get(where, "not in the accepted form")
            msg = f"{where}: {first.get('input')!r} is not valid: {hint}"
        else:
            msg = f"{where}: {first.get('msg', 'invalid')}" if where else first.get("msg", "invalid request")
        return JSONBytes({"error": msg}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc):
        return error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(_LibraryFailure)
    async def _lib(request, exc):
        return exc.response

    async def run_answer(name, params: dict, fn):
        """Check what the schema cannot say (a period that ends before it starts, an inverted
        box, a source the store does not have), then answer from the cache or compute ``fn``
        in the pool for ``name``, within the request's time budget."""
        refused = _refused(name, params)
        if refused is not None:
            return refused
        if name in ISOLATED:
            size = len(params["text"])  # characters, as the schema's maxLength counts them
            if size > config.max_claims_bytes:
                return error(413, f"text too large ({size:,} characters; the limit is "
                                  f"{config.max_claims_bytes:,}): send the article, not a collection")
            return await state.answer(_key(name, params), fn, "isolated", timeout=config.claims_timeout_s + 5)
        return await state.answer(_key(name, params), fn, "heavy" if name in HEAVY else "light")

    def _key(name, params):
        return (name, tuple(sorted((k, str(v)) for k, v in params.items())))

    def _refused(name, params):
        for a, b, first, last in (("start", "end", "from", "to"), ("since", "until", "since", "until")):
            if params.get(a) is not None and params.get(b) is not None and params[a] > params[b]:
                return error(422, f"{first} ({params[a]}) is after {last} ({params[b]}): the period starts "
                                  "after it ends; swap the two dates")
        if params.get("region"):
            try:
                check_region_spec(params["region"])
            except BadQuery as exc:
                return error(422, str(exc))
        source = params.get("source")
        if source:
            broken = state.check_store()
            if broken is not None:
                return broken
            try:
                have = state.view().source_names()
            except StoreError as exc:
                return error(503, str(exc))
            if source not in have:
                return error(404, f"no snapshots of source {source!r}; the store holds "
                                  f"{', '.join(have) if have else 'no snapshots yet'}")
        return None

    # -------------------------------------------------------------- basics
    @app.get("/api/health", tags=["meta"], summary="Service status")
    async def health():
        broken = state.check_store()
        if broken is not None:
            return broken

        def fn():
            summ = state.store.summary()
            return {"status": "ok", "version": __version__, "read_only": state.read_only,
                    "writes_enabled": not state.read_only,
                    "snapshots": sum(s["snapshots"] for s in summ["sources"]), "sources": summ["sources"],
                    "generation": state.generation, "claims_workers": len(state.claims.pids())}
        return JSONBytes(await state.run(fn))

    @app.get("/api/regions", tags=["meta"], summary="Country codes and named first-level regions (oblasts) available as regions",
             responses=ERRORS)
    async def regions():
        def fn():
            from frontwatch.analysis.shares import list_regions

            # The oblasts the store holds (`frontwatch admin FILE`), with their ISO 3166-2 code,
            # English, Ukrainian and Russian names and land km2; never downloaded during a request.
            units, notes = list_regions(state.store, state.borders, fetch=False)
            return {"countries": sorted(state.borders),
                    "units": [u for u in units if u["iso"] != u["country"]], "notes": notes,
                    "forms": ["ALL", "ISO-3 code", "oblast name or ISO 3166-2 code (A+B for a union)", "Place:15km",
                              "lat,lon:15km", "bbox:minlon,minlat,maxlon,maxlat"]}
        return await run_answer("regions", {}, fn)

    @app.get("/api/places", tags=["data"], summary="Settlements to label on the map in a box, largest first",
             responses=ERRORS)
    async def places(bbox: Annotated[str, Query(max_length=200, pattern=rf"^{_NUM},{_NUM},{_NUM},{_NUM}$",
                                                description="minlon,minlat,maxlon,maxlat")],
                     limit: Annotated[int, Query(ge=1, le=200)] = 40):
        def fn():
            import shapely as _shapely

            from frontwatch.geo.places import label_places, settlements_in

            x0, y0, x1, y1 = (float(v) for v in bbox.split(","))
            if x0 >= x1 or y0 >= y1:  # an empty box holds no place
                return {"places": [], "source": "GeoNames"}
            found = label_places(settlements_in(_shapely.box(x0, y0, x1, y1)), limit)
            # Largest first, without city districts: the names a reader looks for at this view.
            return {"places": [{"name": r.name, "country": r.country, "population": int(r.population),
                                "lat": float(r.lat), "lon": float(r.lon)} for r in found.itertuples()],
                    "source": "GeoNames"}
        return await run_answer("places", dict(bbox=bbox, limit=limit), fn)

    @app.get("/api/snapshots", tags=["data"], summary="Stored snapshots (one per published map)", responses=ERRORS)
    async def snapshots(start: From = None, end: To = None, source: Source = None):
        return await run_answer("snapshots", dict(start=start, end=end, source=source), lambda: {
            "snapshots": [s.to_record() for s in state.store.snapshots(source=source, start=start, end=end)]})

    # -------------------------------------------------------------- measures
    @app.get("/api/area", tags=["measures"], summary="Area of each status in a region, on a date or as a series",
             responses=ERRORS)
    async def area(region: Region = "UKR", status: Statuses = "all", date: OptDate = None,
                   start: From = None, end: To = None, every: Every = None, source: Source = None,
                   slivers: Annotated[Literal["leave_out", "keep"], Query(
                       description="Border slivers (Russia's statuses inside Russia narrower than 3 km along Ukraine's "
                                   "border): left out of km2 (default, given in border_slivers_km2) or kept")] = "leave_out"):
        def fn():
            from frontwatch.analysis.measure import totals_by_snapshot

            reg = state.region(region)
            # "all" is every status the source maps (the daily archive maps occupied only).
            statuses = state.ws.statuses(status, source)
            recs = state.ws.area(reg, statuses, date=date, start=start, end=end, every=every, source=source,
                                 slivers=slivers)
            # Each status's record has share_pct (of the region's land) and, for Russia's statuses in
            # Russia, its border slivers left out (border_slivers_km2); each side's total (its
            # statuses and its country's land no layer covers) comes under "sides", never both added.
            sides = [r for r in recs if "side" in r]
            recs = [r for r in recs if "side" not in r]
            return {"region": reg.to_record(), "statuses": list(statuses), "records": recs,
                    "totals": totals_by_snapshot(recs), "sides": sides}
        return await run_answer("area", dict(region=region, status=status, date=date, start=start, end=end,
                                             every=every, source=source, slivers=slivers), fn)

    @app.get("/api/change", tags=["measures"], summary="Area gained and lost between two dates", responses=ERRORS)
    async def change(start: Annotated[IsoDate, Query(alias="from", description=(
                         "First day of the period, YYYY-MM-DD (inclusive): measured from the state at its start, "
                         "i.e. the last map before it (from=2024-11-01 starts from the map of 31 October)"))],
                     end: Annotated[IsoDate, Query(alias="to", description=(
                         "Last day of the period, YYYY-MM-DD (inclusive): the last map on or before it"))],
                     region: Region = "UKR",
                     status: Annotated[str | None, Query(max_length=200, pattern=STATUS_PATTERN,
                                                         description="Statuses (their union); default: side russia")] = None,
                     side: Annotated[Literal["russia", "ukraine"] | None, Query()] = None,
                     geometry: Annotated[bool, Query(description="Include the gained and lost areas as GeoJSON")] = False,
                     tolerance: Tolerance = 0.002, source: Source = None):
        tolerance = snap_tolerance(tolerance)

        def fn():
            # As in the CLI: a side, when given, wins over statuses; neither means side russia.
            rec = state.ws.change(state.region(region), start=start, end=end, statuses=status, side=side,
                                  source=source, geometry=geometry)
            geoms = rec.pop("geometry", {})
            if geometry:
                rec["geojson"] = feature_collection([
                    {"type": "Feature", "properties": {"change": k, "from": rec["from_date"], "to": rec["to_date"]},
                     "geometry": geojson_geometry(display_shape(g, tolerance))}
                    for k, g in geoms.items() if not g.is_empty])
            return rec
        return await run_answer("change", dict(start=start, end=end, region=region, status=status, side=side,
                                               geometry=geometry, tolerance=tolerance, source=source), fn)

    @app.get("/api/peak", tags=["measures"], summary="Peak of an area and the share lost since", responses=ERRORS)
    async def peak(region: Region = "UKR", status: Statuses = "ukraine_held",
                   until: OptDate = None, since: OptDate = None, source: Source = None):
        def fn():
            return state.ws.peak(state.region(region), status, until=until, since=since, source=source)
        return await run_answer("peak", dict(region=region, status=status, until=until, since=since,
                                             source=source), fn)

    # -------------------------------------------------------------- shapes
    @app.get("/api/layers", tags=["shapes"], summary="The status polygons of one snapshot (GeoJSON)", responses=ERRORS)
    async def layers(date: OptDate = None, tolerance: Tolerance = 0.005, source: Source = None):
        tolerance = snap_tolerance(tolerance)

        def fn():
            from frontwatch.analysis.measure import select_snapshots, snapshot_on

            s = snapshot_on(state.store, date, source=source) if date else select_snapshots(state.store, source=source)[-1]
            feats = [{"type": "Feature", "properties": {"status": st, "date": s.date.isoformat(), "snapshot_id": s.id},
                      "geometry": geojson_geometry(display_shape(g, tolerance))}
                     for st, g in sorted(state.store.layers(s.id).items())]
            return feature_collection(feats, snapshot=s.to_record(), tolerance=tolerance)
        return await run_answer("layers", dict(date=date, tolerance=tolerance, source=source), fn)

    @app.get("/api/borders", tags=["shapes"], summary="Country borders for the map (GeoJSON)", responses=ERRORS)
    async def borders(tolerance: Tolerance = 0.01):
        # A few levels (each new value cost 2.8 s of CPU and 8 MB of cache); coordinates are on a
        # 1e-4 degree grid anyway.
        tolerance = snap_tolerance(tolerance)

        def fn():
            isos = sorted(state.borders)
            shapes = display_borders([state.borders[iso] for iso in isos], tolerance)
            return feature_collection([
                {"type": "Feature", "properties": {"iso_a3": iso}, "geometry": geojson_geometry(g, 4)}
                for iso, g in zip(isos, shapes)], tolerance=tolerance)
        return await run_answer("borders", dict(tolerance=tolerance), fn)

    @app.get("/api/front", tags=["shapes"], summary="The front line on a date (GeoJSON and length)", responses=ERRORS)
    async def front(date: OptDate = None, region: Region = "ALL", tolerance: Tolerance = 0.0, source: Source = None):
        tolerance = snap_tolerance(tolerance)

        def fn():
            recs = state.memo.get(("front", state.generation, date, region, source), lambda: state.ws.front(
                state.region(region), date=date, source=source))
            rec = dict(recs[-1])
            geom = rec.pop("geometry")
            return {"type": "Feature", "properties": rec,
                    "geometry": geojson_geometry(display_shape(geom, tolerance)) or
                    {"type": "MultiLineString", "coordinates": []},
                    "length_km": rec["length_km"], "date": rec["date"]}
        return await run_answer("front", dict(date=date, region=region, tolerance=tolerance, source=source), fn)

    @app.get("/api/advance", tags=["measures"], summary="Advance of each side near a place", responses=ERRORS)
    async def advance(near: Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[^/\\:]+$",
                                                 description="A place name or lat,lon")],
                      start: Annotated[IsoDate, Query(alias="from", description="First day, YYYY-MM-DD")],
                      end: Annotated[IsoDate, Query(alias="to", description="Last day, YYYY-MM-DD")],
                      radius: Annotated[str, Query(max_length=12, pattern=RADIUS_PATTERN, description=RADIUS_HELP)] = "15km",
                      every: Every = None, geometry: bool = False, source: Source = None):
        def fn():
            from frontwatch.geo.regions import parse_radius_km

            recs = state.ws.advance(near, parse_radius_km(radius), start=start, end=end, every=every, source=source)
            out = []
            for r in recs:
                g = r.pop("geometry", None)
                if geometry and isinstance(g, dict):
                    r["geojson"] = feature_collection([
                        {"type": "Feature", "properties": {"part": k}, "geometry": geojson_geometry(v)}
                        for k, v in g.items() if isinstance(v, shapely.Geometry) and not v.is_empty])
                out.append(r)
            return {"records": out}
        return await run_answer("advance", dict(near=near, start=start, end=end, radius=radius, every=every,
                                                geometry=geometry, source=source), fn)

    @app.get("/api/settlements", tags=["measures"], summary="Status and side of each settlement on a date, or the changes of hands between two dates",
             responses=ERRORS)
    async def settlements(region: Annotated[str | None, Query(max_length=200, pattern=REGION_PATTERN,
                                                              description=REGION_HELP)] = None,
                          near: Annotated[str | None, Query(max_length=100, pattern=r"^[^/\\:]+$",
                                                            description="A place name or lat,lon (with radius)")] = None,
                          radius: Annotated[str, Query(max_length=12, pattern=RADIUS_PATTERN, description=RADIUS_HELP)] = "20km",
                          date: OptDate = None, start: From = None, end: To = None, source: Source = None):
        def fn():
            # As in the CLI: near (with radius), when given, wins over region; neither means UKR.
            from frontwatch.analysis.settlements import summarise_changes
            from frontwatch.geo.regions import parse_radius_km

            reg = state.region(f"{near}:{parse_radius_km(radius):g}km" if near is not None else (region or "UKR"))
            recs = state.ws.settlements(reg, date=date, start=start, end=end, source=source)
            if date or not (start or end):
                return {"region": reg.to_record(), "records": recs}
            return {"region": reg.to_record(), "records": recs, "summary": summarise_changes(recs)}
        return await run_answer("settlements", dict(region=region, near=near, radius=radius, date=date,
                                                    start=start, end=end, source=source), fn)

    # -------------------------------------------------------------- claims
    @app.post("/api/claims/extract", tags=["claims"], summary="The numeric claims of an article", responses=ERRORS)
    async def claims_extract(body: Annotated[ClaimsRequest, Body()]):
        # In a worker process, killed if it passes the time budget (frontwatch.faces.service.isolated).
        fn = state.isolated("claims_extract", (body.text, body.published), config.claims_timeout_s)
        return await run_answer("claims_extract", dict(text=body.text, published=body.published), fn)

    @app.post("/api/claims/check", tags=["claims"], summary="The claims of an article checked against the maps",
              responses=ERRORS)
    async def claims_check(body: Annotated[ClaimsRequest, Body()]):
        fn = state.isolated("claims_check", (body.text, body.published), config.claims_timeout_s)
        return await run_answer("claims_check", dict(text=body.text, published=body.published), fn)

    # -------------------------------------------------------------- writes (token only)
    def require_token(authorization: str | None):
        if state.read_only:
            raise _LibraryFailure(error(403, "this service is read-only: start it with a token "
                                             "(FRONTWATCH_TOKEN) to enable ingest and sync"))
        if not authorization or not authorization.lower().startswith("bearer "):
            raise _LibraryFailure(error(401, "missing bearer token (Authorization: Bearer TOKEN)",
                                        headers={"WWW-Authenticate": "Bearer"}))
        given = authorization[7:].strip().encode()
        if not hmac.compare_digest(given, config.token.encode()):
            raise _LibraryFailure(error(403, "wrong token"))

    writes_in_schema = not state.read_only

    @app.post("/api/ingest", tags=["writes"], summary="Ingest one uploaded map file (token required)",
              include_in_schema=writes_in_schema, responses={**ERRORS, **AUTH_ERRORS},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def ingest_upload(request: Request,
                            filename: Annotated[str, Query(max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                                           description="The file's name (DeepStateMap history files "
                                                                       "carry their time: 1732485298.geojson)")] = "upload.geojson",
                            replace: bool = False,
                            authorization: Annotated[str | None, Header()] = None):
        require_token(authorization)
        data = await request.body()
        if not data:
            return error(400, "empty upload: send the file's bytes as the request body")

        if data[:2] == b"\x1f\x8b":
            # A gzip bomb (50 MB of zeros unpack to 50 GB) is refused before anything is written.
            from frontwatch.sources.base import gunzip_capped

            try:
                gunzip_capped([data], config.max_unpacked_upload_bytes)
            except ValueError:
                return error(413, f"{filename}: gzip unpacks to more than "
                                  f"{config.max_unpacked_upload_bytes // MB} MB, the limit for one upload")
            except (OSError, EOFError, zlib.error) as exc:
                return error(400, f"{filename}: corrupt or truncated gzip ({exc})")
        name = Path(filename).name

        def fn():
            from frontwatch.ingest import ingest
            from frontwatch.sources.base import temp_folder

            with temp_folder("upload") as tmpdir, state.write_lock:
                path = Path(tmpdir) / name
                path.write_bytes(data)
                with Store(state.store.path) as writer:
                    summary = ingest(writer, [path], replace=replace, workers=1)
                # The client sees its file's name, never the server's temporary folder.
                summary.errors = [e.replace(str(path), name).replace(tmpdir + "/", "").replace(tmpdir, "")
                                  for e in summary.errors]
            return summary

        summary = await state.run(fn, timeout=config.sync_timeout_s)
        if summary.added or summary.replaced:
            state.invalidate()
        rec = summary.to_record()
        if summary.errors and not (summary.added or summary.unchanged or summary.replaced):
            return JSONBytes({"error": api_words(_one_line(summary.errors[0])), **rec}, status_code=400)
        return JSONBytes(rec)

    @app.post("/api/sync", tags=["writes"], summary="Fetch new maps from the map site (token required)",
              include_in_schema=writes_in_schema, responses={**ERRORS, **AUTH_ERRORS})
    async def sync(since: OptDate = None, until: OptDate = None,
                   authorization: Annotated[str | None, Header()] = None):
        require_token(authorization)

        def fn():
            from frontwatch.sources.live import sync as sync_fn

            with state.write_lock, Store(state.store.path) as writer:
                return sync_fn(writer, since=since, until=until, base_url=config.sync_base_url,
                               retries=config.sync_retries, backoff=config.sync_backoff_s)

        try:
            summary = await state.run(fn, timeout=config.sync_timeout_s)
        except Exception as exc:  # noqa: BLE001
            resp = library_error(exc)
            if resp is None:
                raise
            return resp
        if summary.added or summary.revised:  # a revised map keeps its id and date: cached answers are stale
            state.invalidate()
        return JSONBytes({"added": summary.added, "revised": summary.revised, "unchanged": summary.unchanged,
                          "listed": summary.listed,
                          "skipped_existing": summary.skipped_existing, "errors": summary.errors,
                          "warnings": summary.warnings,
                          "last": summary.last.isoformat() if summary.last else None})

    # -------------------------------------------------------------- the UI
    @app.get("/api/{rest:path}", include_in_schema=False)
    async def api_not_found(rest: str, request: Request):
        # A path that exists for other methods (GET on a POST-only endpoint) is a 405.
        allowed = sorted({m for r in app.router.routes if getattr(r, "methods", None) and r is not api_route
                          and r.path_regex.match(request.url.path) for m in r.methods} - {"HEAD"})
        if allowed:
            return error(405, f"/api/{rest} takes {', '.join(allowed)}, not GET", headers={"Allow": ", ".join(allowed)})
        return error(404, f"no endpoint /api/{rest}: see /openapi.json")

    api_route = app.router.routes[-1]

    if (STATIC_DIR / "index.html").exists():
        from fastapi.staticfiles import StaticFiles

        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="ui")
    else:
        @app.get("/", include_in_schema=False, response_class=HTMLResponse)
        async def no_ui():
            return HTMLResponse(
                "<!doctype html><title>frontwatch</title><h1>frontwatch API</h1>"
                "<p>The map UI is not built in this installation: run <code>npm ci && npm run build</code> "
                "in <code>web/</code>. The API works: see <a href='/openapi.json'>/openapi.json</a> and "
                "<a href='/api/health'>/api/health</a>.</p>")

    # Run library work inside the handlers' own error mapping: a library error raised directly by
    # state.run() (health) becomes JSON too.
    @app.exception_handler(Exception)
    async def _any(request, exc):
        resp = library_error(exc)
        return resp if resp is not None else error(500, f"internal error ({type(exc).__name__})")

    app.add_middleware(FastAnswers, state=state)
    app.add_middleware(BodyLimit, limits={"/api/claims/extract": config.max_claims_bytes * 4,
                                          "/api/claims/check": config.max_claims_bytes * 4,
                                          "/api/ingest": config.max_upload_bytes},
                       default=config.max_other_bytes)
    return app


def _warm_places() -> None:
    """Load the gazetteer's index (0.3 s from its cache file; built once per machine otherwise),
    so that the first region named by a place does not pay for it."""
    try:
        from frontwatch.geo import places

        with notices.collect():
            places.resolve_place("Kyiv")
    except Exception:  # noqa: BLE001 - a gazetteer problem is reported by the queries that need it
        pass


def warm_queries(store, recent: int = 0) -> list[tuple[str, dict]]:
    """What the map page asks first, as it asks it (same parameters, so the same cache keys):
    the list of maps, the countries, the borders, the latest map's layers, front line and area
    of the default region, the default chart; and the latest areas of the other country-wide
    regions a shared link most often names. With ``recent``, only what the date slider asks for
    the ``recent`` maps before the latest (their layers, front lines and country-wide areas)."""
    snaps = store.snapshots()
    if not snaps:
        return [] if recent else [("/api/snapshots", {}), ("/api/regions", {}), ("/api/borders", {})]
    days = list(dict.fromkeys(s.date.isoformat() for s in snaps))
    if recent:
        return [q for d in reversed(days[-1 - recent:-1]) for q in (
            ("/api/layers", {"date": d}), ("/api/front", {"date": d}), ("/api/area", {"region": "RUS", "date": d}),
            ("/api/area", {"region": "UKR", "date": d}), ("/api/area", {"region": "ALL", "date": d}))]
    latest, first = days[-1], days[0]
    return [("/api/snapshots", {}), ("/api/regions", {}), ("/api/borders", {}),
            ("/api/layers", {"date": latest}), ("/api/front", {"date": latest}),
            ("/api/area", {"region": "RUS", "date": latest}),
            ("/api/area", {"region": "RUS", "status": "ukraine_held", "every": "week", "from": first}),
            ("/api/area", {"region": "UKR", "date": latest}), ("/api/area", {"region": "ALL", "date": latest})]


async def warm_view(app, view, recent: int = 0, keep_going=None, concurrency: int = 1) -> dict:
    """Ask ``app`` (in this process, through its ASGI interface, so the answers land in its cache
    under the keys real requests use) the :func:`warm_queries` of ``view`` (``recent``: those of
    the date slider's recent maps), side by side; with ``keep_going``, ``concurrency`` at a time
    while ``keep_going()`` is true. Returns ``{path?query: status}``."""
    import urllib.parse

    async def get(path, params):
        query = urllib.parse.urlencode(params).encode()
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
                 "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 0),
                 "server": ("127.0.0.1", 0), "root_path": ""}
        status = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(msg):
            if msg["type"] == "http.response.start":
                status.append(msg["status"])

        token = _VIEW.set(view)
        try:
            await app(scope, receive, send)
        finally:
            _VIEW.reset(token)
        return f"{path}?{query.decode()}", status[0] if status else None

    try:
        queries = warm_queries(view.store, recent)
    except StoreError:
        return {}
    if keep_going is None:
        return dict(await asyncio.gather(*(get(p, q) for p, q in queries)))
    gate = asyncio.Semaphore(concurrency)

    async def one(p, q):
        async with gate:
            return await get(p, q) if keep_going() else (None, None)
    return {k: v for k, v in await asyncio.gather(*(one(p, q) for p, q in queries)) if k is not None}
