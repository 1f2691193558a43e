"""The JSON API and the map UI of ``frontwatch serve``: one FastAPI app over one store.

Each endpoint parses its query (the same options as the CLI command of the same name), calls ONE
library function (measure, regions, front, settlements, claims.check) and returns its records as
JSON; nothing is computed here. Shapes for the map are simplified for display only (the numbers
are always measured on the full-resolution geometries by the library).

Why it is built this way:

* **One Store per app.** The Store memoises decoded geometries and the measures cache, so it is
  shared by every request. DuckDB connections are not thread-safe, so the service's Store hands
  each worker thread its own cursor (:class:`ServiceStore`).
* **Read-only unless a token is configured.** DuckDB lets one process write a file, or several
  read it. Without a token the app opens the store read-only: it can never change the data, it
  can run beside other read-only readers (a second `serve`, a report), and a CLI ingest must wait
  until it stops. With a token (``FRONTWATCH_TOKEN``) the store is opened read-write and
  ``POST /api/ingest`` and ``POST /api/sync`` accept requests carrying ``Authorization: Bearer
  TOKEN``; they never take a path from the client (ingest takes the file's bytes, sync nothing).
* **Bounded work.** Library calls run in a thread pool and are awaited at most ``timeout_s``
  (then 504 JSON; the computation finishes in the background and its answer is cached). Bodies
  are bounded (claims text 2 MB, ingest upload 50 MB: 413). Identical queries in flight share
  one computation, and answers are kept in a small LRU cache that is emptied whenever an ingest
  or sync changes the store.
* **Warnings travel with the answer.** What the CLI prints as a ``warning:`` line (a map older
  than the day asked for, an ambiguous place name) is the answer's ``"warnings"`` list, present
  when there is one. Each computation collects its own (:mod:`frontwatch.notices`, per thread),
  so concurrent queries never see each other's.
* **Errors are JSON** ``{"error": "..."}``: a query the data cannot answer (no snapshot, unknown
  country or place) is 404, a malformed one 400 or 422, a timeout 504, an unreachable map site 502.

May import: fastapi, starlette, orjson, numpy, shapely, and frontwatch library modules.
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures as cf
import dataclasses
import datetime as dt
import hmac
import os
import re
import shutil
import tempfile
import threading
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
from frontwatch.analysis.measure import MeasureError
from frontwatch.geo.regions import RegionError
from frontwatch.store import Store, StoreError

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
    sync_timeout_s: float = 900.0
    max_claims_bytes: int = 2 * MB
    max_upload_bytes: int = 50 * MB
    max_other_bytes: int = 64 * 1024
    workers: int = 4
    cache_entries: int = 512
    sync_base_url: str | None = None  # the map site (default: the library's); never taken from a client
    sync_retries: int = 4             # extra attempts after a connection error, timeout, 5xx or 429
    sync_backoff_s: float = 1.0       # first wait between attempts, doubled each time (1+2+4+8 s by default)


# ------------------------------------------------------------------ the store, per thread


class ServiceStore(Store):
    """A :class:`Store` safe to share between threads.

    ``con`` is a per-thread cursor of the one DuckDB connection (cursors are cheap; a connection
    must not be used from two threads at once). When read-only, measures the library would cache
    in the file are kept in memory instead, so a repeated query is not recomputed.
    """

    def __init__(self, path, read_only: bool):
        self._local = threading.local()
        self._cursor_lock = threading.Lock()
        self._mem_cache: dict = {}
        super().__init__(path, read_only=read_only)

    @property
    def con(self):
        cur = getattr(self._local, "con", None)
        if cur is None:
            with self._cursor_lock:
                cur = self.__dict__["_base_con"].cursor()
            self._local.con = cur
        return cur

    @con.setter
    def con(self, value):
        self.__dict__["_base_con"] = value

    def close(self):
        self.__dict__["_base_con"].close()

    def cached(self, kind, keys):
        out = super().cached(kind, keys)
        if self.read_only:
            for k in keys:
                v = self._mem_cache.get((kind, k))
                if v is not None:
                    out[k] = v
        return out

    def put_cached(self, kind, values):
        if not self.read_only:
            return super().put_cached(kind, values)
        if len(self._mem_cache) > 200_000:
            self._mem_cache.clear()
        self._mem_cache.update({(kind, k): float(v) for k, v in values.items()})


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


def library_error(exc) -> JSONBytes | None:
    """The JSON answer for a library exception, or None for a bug (then: 500)."""
    from frontwatch.sources.base import SourceError

    msg = _one_line(exc)
    if isinstance(exc, MeasureError):
        return error(404, msg)
    if isinstance(exc, RegionError):
        # Any region the spec cannot name (unknown country or place, an inverted box, coordinates off
        # the globe) is "no such region": the request was well formed, the region does not exist.
        return error(404, msg)
    if isinstance(exc, StoreError):
        return error(503, msg)
    if isinstance(exc, Unavailable):
        return error(501, msg)
    if isinstance(exc, OverflowError):
        return error(404, f"date out of range ({msg})")
    if isinstance(exc, SourceError):
        # The map site unreachable, or answering no data (403, a web page, a body cut short): 502.
        upstream = type(exc).__name__ in ("SourceUnreachable", "BadResponse")
        return error(502 if upstream else 400, msg)
    if isinstance(exc, ValueError):  # PlaceNotFound, unknown statuses, bad radius...
        return error(404 if type(exc).__name__ == "PlaceNotFound" or "place" in msg.lower() else 400, msg)
    return None


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


# ------------------------------------------------------------------ shared state


class State:
    """What every request shares: the store, the borders, resolved regions, the answer cache."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        self.read_only = config.token is None
        self.store = ServiceStore(config.store_path or _default_store(), read_only=self.read_only)
        self.pool = cf.ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="frontwatch")
        self.write_lock = threading.Lock()
        self._borders = None
        self._borders_lock = threading.Lock()
        self._regions: collections.OrderedDict = collections.OrderedDict()
        self._regions_lock = threading.Lock()
        self.cache: collections.OrderedDict = collections.OrderedDict()
        self.inflight: dict = {}
        self.memo = Memo()
        self.generation = 0

    # borders and regions -------------------------------------------------
    @property
    def borders(self) -> dict:
        with self._borders_lock:
            if self._borders is None:
                from frontwatch.geo.regions import load_borders

                if self.read_only and not self.config.borders_file and not self.store.borders():
                    raise RegionError("no country borders in the store: run `frontwatch borders FILE` (or start with --borders FILE)")
                self._borders = load_borders(self.store, self.config.borders_file)
            return self._borders

    def region(self, spec: str):
        from frontwatch.geo.regions import resolve_region

        spec = check_region_spec(spec)
        with self._regions_lock:
            hit = self._regions.get(spec)
        if hit is None:
            with notices.collect() as said:  # an ambiguous place name: given again on every hit
                # Borders are loaded only when the spec needs them (a country, a named oblast).
                reg = resolve_region(spec, lambda: self.borders, store=self.store)
            hit = (reg, tuple(said))
            with self._regions_lock:
                self._regions[spec] = hit
                while len(self._regions) > 256:
                    self._regions.popitem(last=False)
        for message in hit[1]:
            notices.warn(message)
        return hit[0]

    def close(self):
        """Wait for the computations in progress, then close the store."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.store.close()

    def invalidate(self):
        self.generation += 1
        self.cache.clear()
        self.memo.clear()
        with self._borders_lock:
            self._borders = None
        with self._regions_lock:
            self._regions.clear()

    # running library calls ----------------------------------------------
    async def run(self, fn, *, timeout=None):
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(self.pool, fn)
        try:
            return await asyncio.wait_for(fut, timeout or self.config.timeout_s)
        except asyncio.TimeoutError:
            raise _LibraryFailure(error(504, f"the computation took longer than {timeout or self.config.timeout_s:g} s")) from None

    async def answer(self, key: tuple, fn) -> JSONBytes:
        """The JSON of ``fn()`` (run in the pool), shared by identical queries and cached."""
        key = (self.generation, *key)
        hit = self.cache.get(key)
        if hit is not None:
            self.cache.move_to_end(key)
            return JSONBytes(hit)
        fut = self.inflight.get(key)
        if fut is None:
            loop = asyncio.get_running_loop()

            def work():
                try:
                    with notices.collect() as said:
                        value = fn()
                    if said and isinstance(value, dict):
                        value = {**value, "warnings": said}
                    return "ok", dumps(value)
                except Exception as exc:  # noqa: BLE001 - classified below, bugs re-raised
                    resp = library_error(exc)
                    if resp is None:
                        raise
                    return "error", resp

            fut = loop.run_in_executor(self.pool, work)
            self.inflight[key] = fut

            def done(f, key=key):
                self.inflight.pop(key, None)
                if not f.cancelled() and f.exception() is None:
                    kind, value = f.result()
                    if kind == "ok" and key[0] == self.generation:
                        self.cache[key] = value
                        while len(self.cache) > self.config.cache_entries:
                            self.cache.popitem(last=False)

            fut.add_done_callback(done)
        try:
            kind, value = await asyncio.wait_for(asyncio.shield(fut), self.config.timeout_s)
        except asyncio.TimeoutError:
            return error(504, f"the computation took longer than {self.config.timeout_s:g} s; "
                              "it goes on in the background: ask again later")
        return JSONBytes(value) if kind == "ok" else value


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
        raise RegionError("region: give ALL, an ISO-3 code, Place:15km, lat,lon:15km or bbox:...")
    if "/" in spec or "\\" in spec or spec.lower().endswith((".json", ".geojson", ".gpkg")):
        raise RegionError(f"region {spec!r}: files are not accepted by the web service")
    if spec.lower().startswith("bbox:"):
        try:
            x0, y0, x1, y1 = (float(v) for v in spec[5:].split(","))
        except ValueError:
            raise RegionError(f"bad bbox {spec!r}: expected bbox:minlon,minlat,maxlon,maxlat") from None
        if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
            raise RegionError(f"bad bbox {spec!r}: longitudes within ±180, latitudes within ±90")
    elif ":" in spec:
        from frontwatch.geo.regions import parse_radius_km

        where, radius = spec.rsplit(":", 1)
        if parse_radius_km(radius) > MAX_RADIUS_KM:
            raise RegionError(f"radius {radius!r} too large (at most {MAX_RADIUS_KM:g} km)")
        m = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$", where)
        if m and not (-90 <= float(m.group(1)) <= 90 and -180 <= float(m.group(2)) <= 180):
            raise RegionError(f"bad coordinates {where!r}: expected LAT,LON in degrees")
    return spec


def parse_statuses_or_error(text):
    from frontwatch.statuses import parse_statuses

    return parse_statuses(text)


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
                                               "at most 0.05). Numbers are never measured on simplified shapes.")]


class ClaimsRequest(BaseModel):
    text: str = Field(max_length=2 * MB, description="The article text.")
    published: IsoDate | None = Field(default=None, description="Publication date (default: the text's dateline).")


# ------------------------------------------------------------------ the app


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The FastAPI application for ``config`` (opens the store now: StoreError if it cannot)."""
    config = config or ServiceConfig()
    state = State(config)

    # No lifespan hook closes anything: an ASGI client may run startup/shutdown around every call
    # (schemathesis does); State.close() is for whoever owns the app (running_server, tests).
    # No /docs or /redoc: FastAPI's pages load their scripts from a CDN, and frontwatch fetches
    # nothing from outside at run time. The schema itself is at /openapi.json.
    app = FastAPI(
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

    def run_answer(name, params: dict, fn):
        return state.answer((name, tuple(sorted((k, str(v)) for k, v in params.items()))), fn)

    # -------------------------------------------------------------- basics
    @app.get("/api/health", tags=["meta"], summary="Service status")
    async def health():
        def fn():
            summ = state.store.summary()
            return {"status": "ok", "version": __version__, "read_only": state.read_only,
                    "writes_enabled": not state.read_only,
                    "snapshots": sum(s["snapshots"] for s in summ["sources"]), "sources": summ["sources"]}
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

    @app.get("/api/snapshots", tags=["data"], summary="Stored snapshots (one per published map)", responses=ERRORS)
    async def snapshots(start: From = None, end: To = None, source: Source = None):
        return await run_answer("snapshots", dict(start=start, end=end, source=source), lambda: {
            "snapshots": [s.to_record() for s in state.store.snapshots(source=source, start=start, end=end)]})

    # -------------------------------------------------------------- measures
    @app.get("/api/area", tags=["measures"], summary="Area of each status in a region, on a date or as a series",
             responses=ERRORS)
    async def area(region: Region = "UKR", status: Statuses = "all", date: OptDate = None,
                   start: From = None, end: To = None, every: Every = None, source: Source = None):
        def fn():
            from frontwatch.analysis.measure import resolve_statuses, totals_by_snapshot
            from frontwatch.analysis.shares import area_with_shares

            reg = state.region(region)
            # "all" is every status the source maps (the daily archive maps occupied only).
            statuses = resolve_statuses(state.store, parse_statuses_or_error(status), source)
            try:
                borders = state.borders
            except RegionError:
                borders = None  # no shares without land to take them of
            recs = area_with_shares(state.store, reg, statuses, date=date, start=start, end=end, every=every,
                                    source=source, borders=borders)
            # Each status's record has share_pct (of the region's land); each side's total
            # (its statuses and its country's land no layer covers) comes under "sides".
            sides = [r for r in recs if "side" in r]
            recs = [r for r in recs if "side" not in r]
            return {"region": reg.to_record(), "statuses": list(statuses), "records": recs,
                    "totals": totals_by_snapshot(recs), "sides": sides}
        return await run_answer("area", dict(region=region, status=status, date=date, start=start, end=end,
                                             every=every, source=source), fn)

    @app.get("/api/change", tags=["measures"], summary="Area gained and lost between two dates", responses=ERRORS)
    async def change(start: Annotated[IsoDate, Query(alias="from", description="First day, YYYY-MM-DD")],
                     end: Annotated[IsoDate, Query(alias="to", description="Last day, YYYY-MM-DD")],
                     region: Region = "UKR",
                     status: Annotated[str | None, Query(max_length=200, pattern=STATUS_PATTERN,
                                                         description="Statuses (their union); default: side russia")] = None,
                     side: Annotated[Literal["russia", "ukraine"] | None, Query()] = None,
                     geometry: Annotated[bool, Query(description="Include the gained and lost areas as GeoJSON")] = False,
                     tolerance: Tolerance = 0.002, source: Source = None):
        def fn():
            from frontwatch.analysis.measure import change as change_fn

            # As in the CLI: a side, when given, wins over statuses; neither means side russia.
            reg = state.region(region)
            use_side = side or (None if status else "russia")
            rec = change_fn(state.store, reg, start=start, end=end,
                            statuses=parse_statuses_or_error(status) if not use_side else None, side=use_side,
                            borders=state.borders if use_side else None, source=source, geometry=geometry)
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
            from frontwatch.analysis.measure import peak as peak_fn

            return peak_fn(state.store, state.region(region), parse_statuses_or_error(status),
                           until=until, since=since, source=source)
        return await run_answer("peak", dict(region=region, status=status, until=until, since=since,
                                             source=source), fn)

    # -------------------------------------------------------------- shapes
    @app.get("/api/layers", tags=["shapes"], summary="The status polygons of one snapshot (GeoJSON)", responses=ERRORS)
    async def layers(date: OptDate = None, tolerance: Tolerance = 0.005, source: Source = None):
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
        # Coordinates are on a 1e-4 degree grid: a finer simplification is none (one cached answer).
        tolerance = tolerance if tolerance >= 1e-4 else 0.0

        def fn():
            isos = sorted(state.borders)
            shapes = display_borders([state.borders[iso] for iso in isos], tolerance)
            return feature_collection([
                {"type": "Feature", "properties": {"iso_a3": iso}, "geometry": geojson_geometry(g, 4)}
                for iso, g in zip(isos, shapes)], tolerance=tolerance)
        return await run_answer("borders", dict(tolerance=tolerance), fn)

    @app.get("/api/front", tags=["shapes"], summary="The front line on a date (GeoJSON and length)", responses=ERRORS)
    async def front(date: OptDate = None, region: Region = "ALL", tolerance: Tolerance = 0.0, source: Source = None):
        def fn():
            front_mod = _optional("frontwatch.analysis.front", "front lines")
            recs = state.memo.get(("front", state.generation, date, region, source), lambda: front_mod.front(
                state.store, state.region(region), date=date, borders=state.borders, source=source))
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

            front_mod = _optional("frontwatch.analysis.front", "advances")
            recs = front_mod.advance(state.store, near, parse_radius_km(radius), start=start, end=end, every=every,
                                     borders=state.borders, source=source)
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
            mod = _optional("frontwatch.analysis.settlements", "settlement counts")
            # As in the CLI: near (with radius), when given, wins over region; neither means UKR.
            from frontwatch.geo.regions import parse_radius_km

            reg = state.region(f"{near}:{parse_radius_km(radius):g}km" if near is not None else (region or "UKR"))
            if date or not (start or end):
                recs = mod.settlements_on(state.store, reg, date, borders=state.borders, source=source)
                return {"region": reg.to_record(), "records": recs}
            recs = mod.settlement_changes(state.store, reg, start=start, end=end, borders=state.borders, source=source)
            return {"region": reg.to_record(), "records": recs, "summary": mod.summarise_changes(recs)}
        return await run_answer("settlements", dict(region=region, near=near, radius=radius, date=date,
                                                    start=start, end=end, source=source), fn)

    # -------------------------------------------------------------- claims
    @app.post("/api/claims/extract", tags=["claims"], summary="The numeric claims of an article", responses=ERRORS)
    async def claims_extract(body: Annotated[ClaimsRequest, Body()]):
        def fn():
            from frontwatch.claims import extract_claims
            from frontwatch.claims.extract import reference_date

            ref = reference_date(body.text, body.published)
            return {"published": ref.isoformat() if ref else None,
                    "claims": [c.to_record() for c in extract_claims(body.text, ref)]}
        return await run_answer("claims_extract", dict(text=body.text, published=body.published), fn)

    @app.post("/api/claims/check", tags=["claims"], summary="The claims of an article checked against the maps",
              responses=ERRORS)
    async def claims_check(body: Annotated[ClaimsRequest, Body()]):
        def fn():
            from frontwatch.claims.check import check_text

            return check_text(state.store, body.text, body.published, state.borders)
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

        def fn():
            from frontwatch.ingest import ingest

            tmpdir = tempfile.mkdtemp(prefix="frontwatch-upload-")
            try:
                path = Path(tmpdir) / Path(filename).name
                path.write_bytes(data)
                with state.write_lock:
                    summary = ingest(state.store, [path], replace=replace, workers=1)
            finally:
                shutil.rmtree(tmpdir, ignore_errors=True)
            return summary

        summary = await state.run(fn, timeout=config.sync_timeout_s)
        if summary.added or summary.replaced:
            state.invalidate()
        rec = summary.to_record()
        rec["errors"] = [e.replace(str(Path(tempfile.gettempdir())), "") for e in summary.errors]
        if summary.errors and not (summary.added or summary.unchanged or summary.replaced):
            return JSONBytes({"error": _one_line(summary.errors[0]), **rec}, status_code=400)
        return JSONBytes(rec)

    @app.post("/api/sync", tags=["writes"], summary="Fetch new maps from the map site (token required)",
              include_in_schema=writes_in_schema, responses={**ERRORS, **AUTH_ERRORS})
    async def sync(since: OptDate = None, until: OptDate = None,
                   authorization: Annotated[str | None, Header()] = None):
        require_token(authorization)

        def fn():
            from frontwatch.sources.live import sync as sync_fn

            with state.write_lock:
                return sync_fn(state.store, since=since, until=until, base_url=config.sync_base_url,
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
    async def api_not_found(rest: str):
        return error(404, f"no endpoint /api/{rest}: see /openapi.json")

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

    app.add_middleware(BodyLimit, limits={"/api/claims/extract": config.max_claims_bytes * 4,
                                          "/api/claims/check": config.max_claims_bytes * 4,
                                          "/api/ingest": config.max_upload_bytes},
                       default=config.max_other_bytes)
    return app


def _optional(module: str, what: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise Unavailable(f"{what} are not available in this installation ({module} missing)") from None
