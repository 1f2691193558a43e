"""Reading many map files on an engine (:mod:`frontwatch.engine`): the reading tasks (top-level,
picklable) and :func:`read_files`, which hands them out and yields the snapshots in input order.

Workers read and encode (hashes, WKB) the snapshots, so the process that writes the store only
writes; a reader's error is one line for its file and never loses the rest of the ingest.

May import: frontwatch.sources.base, frontwatch.engine, and (to load them before forking) the
libraries the readers parse with: numpy, shapely, pyproj.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Iterator

from frontwatch.engine import LocalEngine, chunks
from frontwatch.sources.base import SourceError, is_url, read_path, warm_readers

__all__ = ["read_files", "CHUNK_FILES"]

CHUNK_FILES = 8  # files per reading task: consecutive maps repeat layers, which a worker unions once


def _read_one(path, options, real_path=None):
    """``(path, snapshots | None, error | None)``; ``real_path`` is where this worker finds the
    file when ``path`` (what the store and messages show) is relative to the client's folder."""
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


def _load_readers_before_forking() -> None:
    """Import the readers and the libraries they parse with here, once, when the local workers
    about to read will be forked from this process: each worker would otherwise import them
    itself (numpy, shapely and pyproj, about 0.15 s of CPU each time). Measured on the 40 newest
    maps (``frontwatch ingest``, 2 workers, load average 8): 1.38 -> 1.22 s of CPU, and less wall
    time. Where workers are spawned (other threads run: a web request), they import their own, and
    nothing is loaded here."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return
    warm_readers()  # each reader's own libraries and warm-up (sources.base.Reader.warm)
    import numpy  # noqa: F401
    import pyproj  # noqa: F401
    import shapely  # noqa: F401


def read_files(paths, options=None, engine=None, workers=None) -> Iterator[tuple]:
    """Read map files on ``engine`` (default: local processes).

    Parameters
    ----------
    paths : iterable of str or Path
        Map files, local or object-store URLs (``s3://...``).
    options : dict, optional
        Reader options (``reader``, ``status_field``, ...), as :func:`~frontwatch.sources.base.read_path` takes.
    engine : frontwatch.engine.LocalEngine or frontwatch.engine.DaskEngine, optional
    workers : int, optional
        Processes of a local engine (default: the engine's).

    Yields
    ------
    tuple
        ``(path, snapshots | None, error | None)`` for each file, in input order; at most two
        reading tasks a worker are in flight, so memory stays flat however long the archive.

    Examples
    --------
    >>> list(read_files([]))
    []
    """
    options = dict(options or {})
    engine = engine if engine is not None else LocalEngine(workers)
    paths = list(paths)
    if engine.remote:
        # URLs (s3://...) every worker fetches itself; local paths must be the same on every node.
        paths = [str(p) if is_url(p) else (str(p), os.path.abspath(p)) for p in paths]
        workers = engine.workers
    else:
        workers = workers or engine.workers
        if len(paths) < 4:
            workers = 1  # a few files: read here, one after another
    size = 1 if workers <= 1 else max(1, min(CHUNK_FILES, -(-len(paths) // (2 * workers))))
    if workers > 1 and not engine.remote:
        _load_readers_before_forking()
    for part in engine.stream(_read_chunk, chunks(paths, size), options, workers=workers):
        yield from part
