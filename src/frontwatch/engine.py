"""Engines run the per-snapshot work of the analytics: locally (threads for geometry, since
Shapely 2 releases the GIL inside GEOS, and processes for file parsing, which is mostly Python),
or on a Dask distributed cluster. Both have the same methods and give identical results:

- :meth:`map` ``(fn, items)``: ``fn`` over items, results in order;
- :meth:`clipped_areas` ``(geoms, region)``: km2 of each ``geom ∩ region``;
- :meth:`areas_many` ``(geoms, regions)``: km2 of each geometry in each region (one pass: each
  geometry is loaded and projected once, then measured in every region);
- :meth:`read_files` ``(paths, options)``: parse map files into snapshots, yielded in input order
  with a bounded number in flight (memory stays flat however long the archive);
- :meth:`front_lines` ``(layer_sets, borders, region_geom)``: the front line of each snapshot.

Workers never open the store (DuckDB allows one writing process per file): geometries travel as
WKB, files as paths on a filesystem the workers share, and the calling process writes.

Local worker processes die with the process that started them: each watches its parent and
exits within half a second of it going (a ``kill -9`` of ``frontwatch ingest`` used to leave its
readers running, re-parented, about 78 MB each).
May import: the standard library, numpy, shapely, frontwatch.geo.geodesy, frontwatch.sources;
frontwatch.analysis.front inside the front-line worker only; dask.distributed only for the dask engine.
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
import pickle
import threading
import time

import numpy as np
import shapely

from frontwatch.geo.geodesy import TiledRegion, adopt_tiled_region, has_tiled_region, measure_by_part, tiled_region, tiling_state

ENGINES = ("local", "dask")
MAX_LOCAL_WORKERS = 8  # worker processes by default, at most: ~100-150 MB each, and one process writes


def available_cpus() -> int:
    """The CPUs this process may run on: its affinity mask, which ``taskset``, cgroup cpusets and
    container runtimes restrict, where the system has one; else ``os.cpu_count()``."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on macOS, Windows
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """Worker processes of the local engine when none are asked for: one per CPU this process may
    use (:func:`available_cpus`), at most :data:`MAX_LOCAL_WORKERS`."""
    return min(available_cpus(), MAX_LOCAL_WORKERS)


CHUNK_FILES = 8  # files per reading task: consecutive maps repeat layers, which a worker unions once


ORPHAN_POLL_S = 0.5


def _die_with_parent(parent_pid: int) -> None:
    """Initializer of every local worker process: a daemon thread that ends the worker as soon
    as its parent is gone (re-parented to init or a subreaper). A worker blocked waiting for
    work never notices otherwise: a forked worker holds both ends of its task pipe, so the
    pipe never reports the parent's end closed."""
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch():
        while True:
            time.sleep(ORPHAN_POLL_S)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="frontwatch-parent-watch", daemon=True).start()


def process_pool(workers: int, context) -> cf.ProcessPoolExecutor:
    """A process pool whose workers die with this process (:func:`_die_with_parent`)."""
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                  initializer=_die_with_parent, initargs=(os.getpid(),))


class EngineError(ValueError):
    """An engine that cannot be started (bad name, unreachable scheduler); the message is one line."""


# ---------------------------------------------------------------- work done on workers
# Top-level functions (picklable by reference) taking and returning plain data.

def _tiled(key, wkb, state=None):
    """The region's tiling in this worker: kept from an earlier task, rebuilt from the saved
    ``state`` (:func:`~frontwatch.geo.geodesy.tiling_state`) when one is sent, else cut here."""
    if state is not None and not has_tiled_region(key):
        if isinstance(state, bytes):
            state = pickle.loads(state)
        adopt_tiled_region(key, TiledRegion.from_state(shapely.from_wkb(wkb), state))
    return tiled_region(key, shapely.from_wkb(wkb))


def _areas_chunk(wkbs, region_key, region_wkb, state=None):
    """``(km2 of each WKB geometry inside one region, tiles of the region cut meanwhile)``: the
    region's tiling is cached per worker, and the tiles it cut go back to the caller, which keeps
    them (:meth:`~frontwatch.geo.geodesy.TiledRegion.take_cut`)."""
    tiled = _tiled(region_key, region_wkb, state)
    values = [tiled.area_km2(g) for g in shapely.from_wkb(np.asarray(wkbs, dtype=object))]
    return values, _take_cut(tiled)


def _areas_many_chunk(wkbs, regions):
    """``([[km2 in region r for r in regions] for each WKB geometry], [tiles cut in each region])``;
    ``regions`` is a list of ``(key, wkb, tiling state or None)``. Each geometry's new parts are
    projected once and reused for every region (:func:`~frontwatch.geo.geodesy.measure_by_part`)."""
    tiles = [_tiled(*r) for r in regions]
    rows = [measure_by_part(tiles, g) for g in shapely.from_wkb(np.asarray(wkbs, dtype=object))]
    return rows, [_take_cut(t) for t in tiles]


def _take_cut(tiled) -> dict:
    return tiled.take_cut() if tiled.tiled else {}


def _keep_cut(regions, cuts) -> None:
    """Give this process's tiling of each region the tiles its workers cut (``cuts``: per task,
    one ``{tile: ...}`` per region), so that the caller can save them with the tiling; local
    threads cut into this process's tilings directly, and their tiles are already here."""
    for j, r in enumerate(regions):
        got = [task[j] for task in cuts if task[j]]
        if got:
            tiled = tiled_region(r.key, r.geometry)
            for cut in got:
                tiled.adopt_cut(cut)


def _read_one(path, options, real_path=None):
    """``(path, snapshots | None, error | None)``; ``real_path`` is where this worker finds the
    file when ``path`` (what the store and messages show) is relative to the client's folder."""
    from frontwatch.sources.base import SourceError, read_path

    path = str(path)
    try:
        snaps = read_path(real_path or path, **options)
    except SourceError as exc:
        return path, None, str(exc).replace(str(real_path), path) if real_path else str(exc)
    except Exception as exc:  # a reader bug must not lose the rest of the ingest
        return path, None, f"{path}: unexpected error ({type(exc).__name__}: {exc})"
    if real_path:
        for s in snaps:
            s.origin = s.origin.replace(str(real_path), path)
    for s in snaps:
        s.encoded()  # hashes and WKB made here, in parallel, not in the process that writes
    return path, snaps, None


def _read_chunk(paths, options):
    """``[(path, snapshots | None, error | None)]`` for consecutive files, read in one worker;
    ``paths`` holds paths or ``(path, real_path)`` pairs."""
    return [_read_one(p[0], options, p[1]) if isinstance(p, tuple) else _read_one(p, options) for p in paths]


def _front_one(layer_wkbs, border_wkbs, region_wkb):
    from frontwatch.analysis.front import front_of_layers

    layers = {k: shapely.from_wkb(w) for k, w in layer_wkbs.items()}
    borders = {k: shapely.from_wkb(w) for k, w in border_wkbs.items()}
    region = shapely.from_wkb(region_wkb) if region_wkb is not None else None
    return shapely.to_wkb(front_of_layers(layers, borders, region))


def _wkb(geoms) -> list:
    """WKB of each geometry; WKB given (as the store holds it) passes through."""
    geoms = list(geoms)
    if geoms and all(isinstance(g, bytes) for g in geoms):
        return geoms
    return list(shapely.to_wkb(np.asarray(geoms, dtype=object), output_dimension=2))


def _chunks(items, size):
    items = list(items)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _ordered(submit, jobs, window):
    """Results of ``submit(job).result()`` in job order, with at most ``window`` jobs in flight
    besides the one whose result is being consumed."""
    pending = collections.deque()
    jobs = iter(jobs)
    for job in jobs:
        pending.append(submit(job))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        for job in jobs:
            pending.append(submit(job))
            break
        yield result


class _Engine:
    """What both engines share: the work is cut into chunks the same way, so results agree."""

    workers: int

    def _chunk_size(self, n):
        return max(1, min(32, -(-n // (4 * max(1, self.workers)))))

    def clipped_areas(self, geoms, region) -> list[float]:
        """Ellipsoidal km2 of each ``geom ∩ region`` (a :class:`~frontwatch.geo.regions.Region`);
        ``geoms`` are geometries or their WKB."""
        wkbs = _wkb(geoms)
        if not wkbs:
            return []
        rwkb = shapely.to_wkb(region.geometry, output_dimension=2)
        parts = self._measure(_areas_chunk, wkbs, [region], region.key, rwkb, *self._tiling_states([region]))
        _keep_cut([region], [[cut] for _, cut in parts])
        return [float(v) for values, _ in parts for v in values]

    def areas_many(self, geoms, regions) -> np.ndarray:
        """``km2[i, j]`` of ``geoms[i] ∩ regions[j]``."""
        wkbs = _wkb(geoms)
        if not wkbs or not regions:
            return np.zeros((len(wkbs), len(regions)))
        rs = [(r.key, shapely.to_wkb(r.geometry, output_dimension=2), st) for r, st in zip(regions, self._tiling_states(regions))]
        parts = self._measure(_areas_many_chunk, wkbs, regions, rs)
        _keep_cut(regions, [cuts for _, cuts in parts])
        rows = [row for part, _ in parts for row in part]
        return np.asarray(rows, dtype=float).reshape(len(wkbs), len(regions))

    def _tiling_states(self, regions) -> list:
        """What the workers need to rebuild each region's tiling: nothing here (local workers
        are forked from this process, or are its threads, and share its tilings)."""
        return [None] * len(regions)

    def _measure(self, fn, wkbs, regions, *shared) -> list:
        """``fn(chunk, *shared)`` over chunks of ``wkbs``, in order; ``regions`` are those whose
        tilings the work uses."""
        return self._run(fn, _chunks(wkbs, self._chunk_size(len(wkbs))), *shared)

    def front_lines(self, layer_sets, borders, region_geom=None) -> list:
        """The front line (EPSG:4326) of each ``{status: geometry}`` of ``layer_sets``, by
        :func:`frontwatch.analysis.front.front_of_layers`."""
        bw = {k: shapely.to_wkb(v, output_dimension=2) for k, v in borders.items() if k in ("RUS", "UKR")}
        rw = shapely.to_wkb(region_geom, output_dimension=2) if region_geom is not None else None
        jobs = [{k: shapely.to_wkb(v, output_dimension=2) for k, v in layers.items()} for layers in layer_sets]
        return [shapely.from_wkb(w) for w in self._run(_front_one, jobs, bw, rw)]


def _fork_is_safe() -> bool:
    """Whether this process may fork workers: fork is available and no other Python thread runs.
    A fork copies only the calling thread; a lock another thread holds at that moment (a request
    thread of `frontwatch serve` importing a module or logging, say) stays held in the child for
    ever, and the child hangs. The service's threads therefore measure in threads and read files
    in spawned processes; the CLI, single-threaded when it measures, forks."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class LocalEngine(_Engine):
    """Processes (file parsing, and measuring many layers) and threads (the rest) on this machine.

    Measuring many layers runs in forked worker processes: they inherit this process's region
    tilings (made or loaded from the store just before), and each takes a contiguous run of
    layers, so the tile memo of :class:`~frontwatch.geo.geodesy.TiledRegion` sees consecutive maps;
    the tiles they cut come back with their figures.
    Python-level work per layer keeps threads from using both cores there. Where fork is not
    available, or other threads run (the web service: :func:`_fork_is_safe`), threads do it.
    """

    name = "local"
    FORK_MIN_LAYERS = 24

    def __init__(self, workers=None):
        self.workers = workers or default_workers()

    def _forking(self, n) -> bool:
        return self.workers > 1 and n >= self.FORK_MIN_LAYERS and _fork_is_safe()

    def _run_forked(self, fn, jobs, *shared):
        """``fn(job, *shared)`` for each job, in order, in forked worker processes."""
        jobs = list(jobs)
        with process_pool(min(self.workers, len(jobs)), multiprocessing.get_context("fork")) as pool:
            return list(pool.map(fn, jobs, *[[a] * len(jobs) for a in shared]))

    def _measure(self, fn, wkbs, regions, *shared) -> list:
        if not self._forking(len(wkbs)):
            return super()._measure(fn, wkbs, regions, *shared)
        for r in regions:
            tiled_region(r.key, r.geometry)  # here, once: the workers inherit them
        return self._run_forked(fn, _chunks(wkbs, -(-len(wkbs) // (2 * self.workers))), *shared)

    def map(self, fn, items):
        items = list(items)
        if self.workers <= 1 or len(items) < 2:
            return [fn(x) for x in items]
        with cf.ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(fn, items))

    def _run(self, fn, jobs, *shared):
        """``fn(job, *shared)`` for each job, in order."""
        return self.map(lambda job: fn(job, *shared), jobs)

    def read_files(self, paths, options=None, workers=None):
        """Yield ``(path, snapshots | None, error | None)`` for each file, in input order."""
        options = dict(options or {})
        workers = workers or self.workers
        paths = list(paths)
        if workers <= 1 or len(paths) < 4:
            for p in paths:
                yield _read_one(p, options)
            return
        size = max(1, min(CHUNK_FILES, -(-len(paths) // (2 * workers))))
        # Forked when this process runs no other thread (cheap); spawned otherwise (a web request).
        context = multiprocessing.get_context("fork" if _fork_is_safe() else "spawn")
        with process_pool(workers, context) as pool:
            for part in _ordered(lambda c: pool.submit(_read_chunk, c, options), _chunks(paths, size), 2 * workers):
                yield from part

    def close(self):
        pass

    def describe(self) -> str:
        return f"local ({self.workers} workers)"


class DaskEngine(_Engine):
    """The same work on a Dask distributed cluster (``tcp://HOST:PORT``, or a Client).

    The workers must have frontwatch installed, and for :meth:`read_files` see the input files
    at the same paths (a network disk, or files staged to the same place on every node).
    """

    name = "dask"

    def __init__(self, scheduler=None, client=None):
        from frontwatch.extras import MissingExtra, require

        try:
            require("dask", "--engine dask")
        except MissingExtra as exc:
            raise EngineError(str(exc)) from None
        from distributed import Client
        if client is None:
            if not scheduler:
                raise EngineError("--engine dask needs --scheduler tcp://HOST:PORT (or FRONTWATCH_SCHEDULER)")
            try:
                client = Client(scheduler, timeout=os.environ.get("FRONTWATCH_DASK_TIMEOUT", "20s"), set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: {exc})") from None
            self._own = True
        else:
            self._own = False
        self.client = client
        self.scheduler = scheduler or client.scheduler.address
        self.workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()))

    def _submit(self, fn, args):
        return self.client.submit(fn, *args, pure=False)

    def _tiling_states(self, regions) -> list:
        """The state of each tiled region's tiling in this process (loaded from the store by
        :func:`frontwatch.analysis.measure.prepare_tilings`, with the tiles cut so far), sent to every
        worker once: a worker then cuts only the tiles nobody has cut yet, and sends those back.
        Sent pickled, as one blob: Dask would make a message frame of each of the thousands of
        gap WKBs (2.3 s to scatter UKR's 13,000)."""
        states = [tiling_state(r.key) for r in regions]
        return [None if st is None else pickle.dumps(st, protocol=5) for st in states]

    def map(self, fn, items):
        futures = [self.client.submit(fn, x, pure=False) for x in items]
        return self.client.gather(futures)

    def _run(self, fn, jobs, *shared):
        """``fn(job, *shared)`` for each job, in order. The shared arguments (a 1 MB country
        border) go to every worker once, not with each task."""
        jobs = list(jobs)
        if not jobs:
            return []
        shared = [self.client.scatter([a], broadcast=True, hash=False)[0] if isinstance(a, (bytes, list, dict)) else a
                  for a in shared]
        return self.client.gather([self._submit(fn, (job, *shared)) for job in jobs])

    def read_files(self, paths, options=None, workers=None):
        """Yield ``(path, snapshots | None, error | None)`` for each file, in input order; at most
        two reading tasks per worker thread are in flight."""
        options = dict(options or {})
        from frontwatch.sources.base import is_url

        # URLs (s3://...) every worker fetches itself; local paths must be the same on every node.
        paths = [str(p) if is_url(p) else (str(p), os.path.abspath(p)) for p in paths]
        size = max(1, min(CHUNK_FILES, -(-len(paths) // (2 * self.workers))))
        for part in _ordered(lambda c: self._submit(_read_chunk, (c, options)), _chunks(paths, size), 2 * self.workers):
            yield from part

    def close(self):
        if self._own:
            self.client.close()

    def describe(self) -> str:
        return f"dask ({self.scheduler}, {self.workers} worker threads)"


def get_engine(name=None, scheduler=None, workers=None):
    """The engine called ``name`` (``local`` or ``dask``; default ``$FRONTWATCH_ENGINE`` or local).
    ``dask`` connects to ``scheduler`` (default ``$FRONTWATCH_SCHEDULER``)."""
    name = (name or os.environ.get("FRONTWATCH_ENGINE") or "local").lower()
    if name == "local":
        return LocalEngine(workers)
    if name == "dask":
        return DaskEngine(scheduler or os.environ.get("FRONTWATCH_SCHEDULER"))
    raise EngineError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")


_DEFAULT = None


def default_engine():
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LocalEngine()
    return _DEFAULT
