"""What every request of the JSON API shares: the service's configuration, the current view of
the store (one :class:`~frontwatch.workspace.Workspace` per store file), the pools that compute,
the answer cache, and the warm-up.

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
  few levels (:data:`~frontwatch.faces.service.query.TOLERANCE_LEVELS`): each new value used to
  cost seconds of CPU and megabytes of cache.
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
import contextvars
import dataclasses
import os
import threading
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from frontwatch import notices
from frontwatch.faces.service import isolated
from frontwatch.faces.service.query import check_region_spec
from frontwatch.faces.service.responses import (BadQuery, JSONBytes, LibraryFailure, api_words, dumps, error,
                                                library_error)
from frontwatch.lazy import lazy_import
from frontwatch.store import Store, StoreError, default_store_path
from frontwatch.store import _file_identity as store_file_identity
from frontwatch.workspace import Workspace

if TYPE_CHECKING:
    from frontwatch.geo import places
else:
    places = lazy_import("frontwatch.geo.places")  # the gazetteer (pandas), loaded by the warm-up

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
HEAVY = frozenset({"front", "advance", "settlements"})  # computations that take seconds when cold
ISOLATED = frozenset({"claims_extract", "claims_check"})  # run in processes that can be killed

_VIEW: contextvars.ContextVar = contextvars.ContextVar("frontwatch_view", default=None)
_RAW: contextvars.ContextVar = contextvars.ContextVar("frontwatch_raw_request", default=None)
_THREAD = threading.local()


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
        self.claims = isolated.IsolatedPool(config.store_path or _default_store(), config.borders_file, config.claims_workers)
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
            raise LibraryFailure(error(504, f"the computation took longer than {timeout or self.config.timeout_s:g} s")) from None

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
            except LibraryFailure as exc:
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
        deadline = time.monotonic() + budget

        def fn():
            try:
                reply = self.claims.call(task, args, deadline)
            except isolated.Timeout:
                raise LibraryFailure(error(504, f"the claims took longer than {budget:g} s; the work was stopped "
                                                "(send a shorter text)")) from None
            except isolated.Busy:
                raise LibraryFailure(error(503, f"every claims worker stayed busy for {budget:g} s; ask again later",
                                           headers={"Retry-After": "10"})) from None
            except isolated.WorkerFailed:
                raise LibraryFailure(error(503, "the claims worker stopped unexpectedly; ask again")) from None
            kind, value, said = reply
            if kind == "error":
                status, message = value
                raise LibraryFailure(error(status, api_words(message)))
            for message in said:
                notices.warn(message)
            return value
        return fn

    # answering a request -------------------------------------------------
    async def run_answer(self, name, params: dict, fn):
        """Check what the schema cannot say (a period that ends before it starts, an inverted
        box, a source the store does not have), then answer from the cache or compute ``fn``
        in the pool for ``name``, within the request's time budget."""
        refused = self._refused(name, params)
        if refused is not None:
            return refused
        if name in ISOLATED:
            size = len(params["text"])  # characters, as the schema's maxLength counts them
            if size > self.config.max_claims_bytes:
                return error(413, f"text too large ({size:,} characters; the limit is "
                                  f"{self.config.max_claims_bytes:,}): send the article, not a collection")
            return await self.answer(self._key(name, params), fn, "isolated", timeout=self.config.claims_timeout_s + 5)
        return await self.answer(self._key(name, params), fn, "heavy" if name in HEAVY else "light")

    @staticmethod
    def _key(name, params):
        return (name, tuple(sorted((k, str(v)) for k, v in params.items())))

    def _refused(self, name, params):
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
            broken = self.check_store()
            if broken is not None:
                return broken
            try:
                have = self.view().source_names()
            except StoreError as exc:
                return error(503, str(exc))
            if source not in have:
                return error(404, f"no snapshots of source {source!r}; the store holds "
                                  f"{', '.join(have) if have else 'no snapshots yet'}")
        return None


def _lower_priority(nice: int) -> None:
    """Lower the calling thread's scheduling priority by ``nice`` (Linux schedules threads one by
    one; elsewhere a no-op)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (AttributeError, OSError):
        pass


def _file_identity(path):
    return store_file_identity(Path(path))


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
    return default_store_path()


def _warm_places() -> None:
    """Load the gazetteer's index (0.3 s from its cache file; built once per machine otherwise),
    so that the first region named by a place does not pay for it."""
    try:
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


def current_state(request: Request) -> "State":
    """The :class:`State` of the app serving ``request`` (a FastAPI dependency of every route)."""
    return request.app.state.frontwatch


StateDep = Annotated[State, Depends(current_state)]
