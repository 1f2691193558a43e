"""Engines run picklable tasks of the layers above: locally (threads for geometry, since
Shapely 2 releases the GIL inside GEOS, and processes for file parsing and for long runs of
layers, which are mostly Python), or on a Dask distributed cluster. Both have the same methods
and cut work the same way, so results agree:

- :meth:`map` ``(fn, items)``: ``fn`` over items, results in order;
- :meth:`run` ``(fn, jobs, *shared)``: ``fn(job, *shared)`` for each job, in order (a Dask
  cluster gets the shared arguments once, not with each task);
- :meth:`run_chunked` ``(fn, items, *shared, fork_from=None)``: ``fn(chunk, *shared)`` over
  consecutive chunks of ``items``; locally in forked processes for ``fork_from`` items or more;
- :meth:`stream` ``(fn, jobs, *shared)``: ``fn(job, *shared)`` in worker processes, yielded in
  order with a bounded number in flight (memory stays flat however long the input).

The tasks live where their domain is: reading files in :mod:`frontwatch.sources.batch`, areas
and front lines in :mod:`frontwatch.analysis.tasks`. The engine knows none of them.

Workers never open the store (DuckDB allows one writing process per file): geometries travel as
WKB, files as paths on a filesystem the workers share, and the calling process writes.

Local worker processes die with the process that started them: each watches its parent and
exits within half a second of it going (a ``kill -9`` of ``frontwatch ingest`` used to leave its
readers running, re-parented, about 78 MB each).
May import: the standard library; dask.distributed only for the dask engine (the dask extra);
of frontwatch, only frontwatch.extras.
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
import pickle
import threading
import time

from frontwatch.extras import MissingExtra, require

__all__ = ["ENGINES", "EngineError", "LocalEngine", "DaskEngine", "get_engine", "default_engine", "available_cpus",
           "default_workers", "process_pool"]

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


def chunks(items, size) -> list:
    """``items`` cut into consecutive lists of ``size`` (the last may be shorter)."""
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
    remote = False  # True when workers share neither this process's memory nor its working folder

    def chunk_size(self, n: int) -> int:
        """Items per task when ``n`` items are shared out: four tasks a worker, at most 32 items each."""
        return max(1, min(32, -(-n // (4 * max(1, self.workers)))))

    def run_chunked(self, fn, items, *shared, fork_from=None) -> list:
        """``[fn(chunk, *shared) for chunk in chunks of items]``, in order; ``fork_from`` is the
        number of items from which a local engine may run the chunks in forked processes."""
        items = list(items)
        return self.run(fn, chunks(items, self.chunk_size(len(items))), *shared)


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

    def __init__(self, workers=None):
        self.workers = workers or default_workers()

    def _forking(self, n, fork_from) -> bool:
        return self.workers > 1 and n >= fork_from and _fork_is_safe()

    def _run_forked(self, fn, jobs, *shared):
        """``fn(job, *shared)`` for each job, in order, in forked worker processes."""
        jobs = list(jobs)
        with process_pool(min(self.workers, len(jobs)), multiprocessing.get_context("fork")) as pool:
            return list(pool.map(fn, jobs, *[[a] * len(jobs) for a in shared]))

    def run_chunked(self, fn, items, *shared, fork_from=None) -> list:
        """Forked worker processes, each taking a contiguous run of about ``n / (2 workers)``
        items, when there are ``fork_from`` items or more and forking is safe (they inherit what
        this process prepared, a region's tiling say); threads otherwise."""
        items = list(items)
        if fork_from is None or not self._forking(len(items), fork_from):
            return super().run_chunked(fn, items, *shared)
        return self._run_forked(fn, chunks(items, -(-len(items) // (2 * self.workers))), *shared)

    def map(self, fn, items):
        items = list(items)
        if self.workers <= 1 or len(items) < 2:
            return [fn(x) for x in items]
        with cf.ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(fn, items))

    def run(self, fn, jobs, *shared):
        """``fn(job, *shared)`` for each job, in order."""
        return self.map(lambda job: fn(job, *shared), jobs)

    def stream(self, fn, jobs, *shared, workers=None):
        """Yield ``fn(job, *shared)`` for each job, in order, from ``workers`` (default: this
        engine's) processes, with at most two jobs a worker in flight; with one worker, in this
        process. Forked when this process
        runs no other thread (cheap), spawned otherwise (a web request)."""
        workers = workers or self.workers
        if workers <= 1:  # one worker: this process, one job at a time
            for job in jobs:
                yield fn(job, *shared)
            return
        context = multiprocessing.get_context("fork" if _fork_is_safe() else "spawn")
        with process_pool(workers, context) as pool:
            yield from _ordered(lambda job: pool.submit(fn, job, *shared), jobs, 2 * workers)

    def close(self):
        pass

    def describe(self) -> str:
        return f"local ({self.workers} workers)"


class DaskEngine(_Engine):
    """The same work on a Dask distributed cluster (``tcp://HOST:PORT``, or a Client).

    The workers must have frontwatch installed, and for :func:`frontwatch.sources.batch.read_files` see the input files
    at the same paths (a network disk, or files staged to the same place on every node).
    """

    name = "dask"
    remote = True

    def __init__(self, scheduler=None, client=None):
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

    def map(self, fn, items):
        futures = [self.client.submit(fn, x, pure=False) for x in items]
        return self.client.gather(futures)

    def run(self, fn, jobs, *shared):
        """``fn(job, *shared)`` for each job, in order. The shared arguments (a 1 MB country
        border) go to every worker once, not with each task."""
        jobs = list(jobs)
        if not jobs:
            return []
        shared = [self.client.scatter([a], broadcast=True, hash=False)[0] if isinstance(a, (bytes, list, dict)) else a
                  for a in shared]
        return self.client.gather([self._submit(fn, (job, *shared)) for job in jobs])

    def stream(self, fn, jobs, *shared, workers=None):
        """Yield ``fn(job, *shared)`` for each job, in order; at most two tasks per worker thread
        are in flight (``workers`` is ignored: the cluster's threads are the workers)."""
        yield from _ordered(lambda job: self._submit(fn, (job, *shared)), jobs, 2 * self.workers)

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
