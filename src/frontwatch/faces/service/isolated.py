"""Work the service runs in worker processes it can kill: claim extraction and checking.

Why processes: extracting claims is pure Python, so in a thread it holds the GIL and slows every
other query of the service (two 100 KB texts made an unrelated area query answer 504), and a
thread cannot be stopped: the work went on for minutes after its request had timed out. Here
each task runs in one of a few worker processes, one task at a time; a task that passes its
request's time budget is stopped with its process (SIGKILL), and a fresh worker takes its place.
So the work a request can cause is bounded by its budget, and the other queries keep their
threads and cores.

Workers are started from a fork server that has imported frontwatch's claims modules (a
worker is ready in well under a second, not the few seconds of a fresh interpreter), die with
the service (they watch their parent), open the store read-only themselves, and reopen it when
a writer has replaced it. A task's answer travels back pickled with the library's warnings.
May import: the standard library, frontwatch library modules (in the workers).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import time
from typing import TYPE_CHECKING

from frontwatch import notices
from frontwatch.engine import _die_with_parent
from frontwatch.geo.regions import RegionError
from frontwatch.lazy import lazy_import
from frontwatch.sources.base import SourceError
from frontwatch.store import StoreError
from frontwatch.workspace import MeasureError

if TYPE_CHECKING:  # imported by the workers on first use (the fork server preloads the claims)
    from frontwatch import workspace
    from frontwatch.claims import check, extract
    from frontwatch.geo import places
else:
    workspace = lazy_import("frontwatch.workspace")
    check = lazy_import("frontwatch.claims.check")
    extract = lazy_import("frontwatch.claims.extract")
    places = lazy_import("frontwatch.geo.places")

TASKS = ("claims_extract", "claims_check", "warm")


class Timeout(Exception):
    """The task passed its time budget; its worker was stopped."""


class Busy(Exception):
    """No worker became free within the time budget."""


class WorkerFailed(Exception):
    """The worker died without an answer (killed from outside, out of memory)."""


# ------------------------------------------------------------------ in the worker

def error_status(exc) -> tuple[int, str] | None:
    """``(HTTP status, one-line message)`` for a library exception, None for a bug. Shared by
    the service (threads) and the workers (processes), so both classify alike."""
    text = str(exc).strip()
    msg = text.splitlines()[0] if text else type(exc).__name__
    if isinstance(exc, (MeasureError, RegionError)):
        # A region the spec cannot name (unknown country or place) is "no such region".
        return 404, msg
    if isinstance(exc, StoreError):
        return 503, msg
    if isinstance(exc, OverflowError):
        return 404, f"date out of range ({msg})"
    if isinstance(exc, SourceError):
        # The map site unreachable, or answering no data (403, a web page, a body cut short): 502.
        upstream = type(exc).__name__ in ("SourceUnreachable", "BadResponse")
        return (502 if upstream else 400), msg
    if isinstance(exc, ValueError):  # PlaceNotFound, unknown statuses, bad radius...
        return (404 if type(exc).__name__ == "PlaceNotFound" or "place" in msg.lower() else 400), msg
    return None


class _WorkerState:
    """What a worker keeps between tasks: its :class:`~frontwatch.workspace.Workspace` (the
    store read-only, its borders, the regions it resolved), made anew after a writer replaced
    the store file."""

    def __init__(self, store_path, borders_file):
        self.store_path, self.borders_file = store_path, borders_file
        self.ws = None

    def current(self) -> workspace.Workspace:
        if self.ws is not None and self.ws.store.changed_on_disk():
            self.ws.close()
            self.ws = None
        if self.ws is None:
            self.ws = workspace.Workspace(self.store_path, borders_file=self.borders_file)
        return self.ws


def _claims_extract(state, text, published):
    ref = extract.reference_date(text, published)
    return {"published": ref.isoformat() if ref else None,
            "claims": [c.to_record() for c in extract.extract_claims(text, ref)]}


def _claims_check(state, text, published):
    return state.current().check_claims(text, published)


def _warm(state):
    """Load what the first real task would (modules, the store, its borders, the place index)."""
    check.check_text  # the checker's modules, imported (a lazy module imports on first use)
    try:
        state.current().borders
    except Exception:  # noqa: BLE001 - a store without borders answers its own error later
        pass
    try:
        places.resolve_place("Kyiv")
    except Exception:  # noqa: BLE001 - the gazetteer's own errors are reported by real tasks
        pass
    extract.extract_claims("Russian forces took 40 square kilometres near Pokrovsk in November 2024.", None)
    return None


def _worker_main(conn, parent_pid, store_path, borders_file):
    # The fork server is this worker's parent, and it exits with the service: watching it is
    # watching the service.
    _die_with_parent(os.getppid())
    state = _WorkerState(store_path, borders_file)
    run = {"claims_extract": _claims_extract, "claims_check": _claims_check, "warm": _warm}
    while True:
        try:
            task, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            with notices.collect() as said:
                value = run[task](state, *args)
            reply = ("ok", value, list(said))
        except Exception as exc:  # noqa: BLE001 - classified here, bugs named
            classified = error_status(exc)
            reply = ("error", classified or (500, f"internal error ({type(exc).__name__})"), [])
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


# ------------------------------------------------------------------ in the service

def _context():
    """A fork server that has imported the claims modules: workers fork from it, ready."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["frontwatch.faces.service.isolated", "frontwatch.claims",
                                "frontwatch.claims.check", "frontwatch.store"])
    return ctx


class _Worker:
    def __init__(self, ctx, store_path, borders_file):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, os.getpid(), str(store_path),
                                                           str(borders_file) if borders_file else None),
                                daemon=True, name="frontwatch-claims")
        self.proc.start()
        child.close()
        self.tasks = 0
        self._killed = threading.Lock()

    @property
    def pid(self):
        return self.proc.pid

    def kill(self):
        """Stop the worker and close its pipe, once: the pool's close and a starting or calling
        thread may both stop the same worker, and closing a pipe twice at once can close another
        file that took its descriptor in between."""
        if not self._killed.acquire(blocking=False):
            return
        try:
            self.proc.kill()
        except (OSError, ValueError):
            pass
        self.proc.join(5)
        self.conn.close()


class IsolatedPool:
    """``workers`` worker processes for the claims endpoints; :meth:`call` runs one task in one
    of them within a deadline, or stops it (see the module docstring).

    ``killed`` counts the workers stopped because a task ran out of time (for tests and
    /api/health)."""

    def __init__(self, store_path, borders_file=None, workers: int = 2):
        self.store_path, self.borders_file = store_path, borders_file
        self.size = max(1, workers)
        self._idle: queue.Queue = queue.Queue()
        self._all: set = set()
        self._lock = threading.Lock()
        self._ctx = None
        self._closed = False
        self.killed = 0
        self.started = 0
        self.failures = 0  # workers that died by themselves in a row

    def _start_one(self, warm: bool = False) -> None:
        """Start a worker; with ``warm``, it loads what a task needs before it takes one (a
        replacement for a stopped worker does, so that the next request does not pay for it)."""
        if self._closed:
            return
        try:
            if self._ctx is None:
                self._ctx = _context()
            w = _Worker(self._ctx, self.store_path, self.borders_file)
        except Exception:  # noqa: BLE001 - no worker: calls wait and answer "busy"
            return
        with self._lock:
            if self._closed:
                w.kill()
                return
            self._all.add(w)
            self.started += 1
        if warm:
            try:
                w.conn.send(("warm", ()))
                if multiprocessing.connection.wait([w.conn, w.proc.sentinel], 120) != [w.conn]:
                    raise EOFError()
                w.conn.recv()
            except (EOFError, OSError, ValueError):
                self._discard(w, killed=False)
                return
        self._idle.put(w)

    def start(self, warm: bool = False) -> None:
        """Start the workers (in the background); with ``warm``, each loads what a task needs."""
        def go():
            for _ in range(self.size - len(self._all)):
                self._start_one(warm)
        threading.Thread(target=go, name="frontwatch-claims-start", daemon=True).start()

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all]

    def call(self, task: str, args: tuple, deadline: float):
        """``(value, warnings)`` of ``task(*args)`` run in a worker, or Timeout (the worker was
        stopped), Busy (no worker free in time), WorkerFailed, or ``("error", (status, msg))``
        returned as the value's stand-in (see :func:`_worker_main`). Blocking: call it from a
        thread."""
        assert task in TASKS, task
        with self._lock:
            short = len(self._all) < self.size
        if short:
            threading.Thread(target=self._start_one, daemon=True).start()
        try:
            w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise Busy() from None
        try:
            w.conn.send((task, args))
            remaining = deadline - time.monotonic()
            # The answer, or the worker's end: its pipe is not closed when it dies (the fork
            # server holds the other end), its process sentinel is.
            ready = multiprocessing.connection.wait([w.conn, w.proc.sentinel], max(0.0, remaining))
            if w.conn not in ready:
                if w.proc.sentinel in ready:
                    raise EOFError()
                raise Timeout()
            reply = w.conn.recv()
        except Timeout:
            self._discard(w, killed=True)
            raise
        except (EOFError, OSError, ValueError):
            self._discard(w, killed=False)
            raise WorkerFailed() from None
        w.tasks += 1
        self.failures = 0
        self._idle.put(w)
        return reply

    def _discard(self, w, killed: bool):
        """Stop ``w`` and start another in its place, unless workers keep dying by themselves
        (then the next call starts one: no restart loop)."""
        w.kill()
        with self._lock:
            self._all.discard(w)
            if killed:
                self.killed += 1
            else:
                self.failures += 1
            again = killed or self.failures < 3
        if again:
            threading.Thread(target=self._start_one, args=(True,), daemon=True).start()

    def close(self):
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for w in workers:
            w.kill()
