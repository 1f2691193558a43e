"""Ingest: read files with the readers in :mod:`frontwatch.sources` and write them to the store.

Files are read in parallel worker processes (parsing and geometry repair are CPU-bound), and
written by this process in batches, each batch one transaction: a crash leaves every batch
before it committed and nothing half-written. A file that cannot be read is reported with a
one-line reason and skipped; with ``strict=True`` any bad file means nothing is written.
May import: the standard library, frontwatch.sources, frontwatch.store.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import os
from pathlib import Path

from .sources.base import SourceError, iter_files, read_path

BATCH = 32


@dataclasses.dataclass
class IngestSummary:
    """What an ingest did: counts per action, one line per bad file, and geometry repairs."""

    files: int = 0
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    identical_to_previous: int = 0
    errors: list = dataclasses.field(default_factory=list)
    repaired: int = 0
    dropped: int = 0
    out_of_theatre: int = 0
    unknown_layers: dict = dataclasses.field(default_factory=dict)
    fill_mismatch: int = 0
    written: bool = True

    def to_record(self) -> dict:
        return dataclasses.asdict(self)


def _read_one(args):
    path, options = args
    try:
        return path, read_path(path, **options), None
    except SourceError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a reader bug must not lose the rest of the ingest
        return path, None, f"{path}: unexpected error ({type(exc).__name__}: {exc})"


def read_all(paths, options, workers):
    """Yield ``(path, snapshots | None, error | None)`` in input order, reading in parallel."""
    jobs = [(p, options) for p in paths]
    if workers <= 1 or len(jobs) < 4:
        yield from map(_read_one, jobs)
        return
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_read_one, jobs, chunksize=2)


def ingest(store, inputs, *, strict=False, replace=False, workers=None, progress=None, **reader_options) -> IngestSummary:
    """Read every file under ``inputs`` (files or folders) into ``store``.

    ``progress`` is called with the number of files done after each file. ``reader_options``
    go to the readers (``reader``, ``status_field``, ``status_map``, ``date``, ...).
    """
    summary = IngestSummary()
    paths = []
    for inp in ([inputs] if isinstance(inputs, (str, Path)) else inputs):
        try:
            paths.extend(iter_files(inp))
        except SourceError as exc:
            summary.errors.append(str(exc))
    summary.files = len(paths)
    workers = workers or min(2, os.cpu_count() or 1)
    pending = []
    done = 0
    for path, snaps, err in read_all(paths, reader_options, workers):
        done += 1
        if progress:
            progress(done)
        if err:
            summary.errors.append(err)
            continue
        for s in snaps:
            for k in ("repaired", "dropped", "out_of_theatre", "fill_mismatch"):
                setattr(summary, k, getattr(summary, k) + int(s.stats.get(k, 0) or 0))
            for name in s.stats.get("unknown_layers", []):
                summary.unknown_layers[name] = summary.unknown_layers.get(name, 0) + 1
        pending.extend(snaps)
        if not strict and len(pending) >= BATCH:
            _write(store, pending, replace, summary)
            pending = []
    if strict and summary.errors:
        summary.written = False
        return summary
    if pending:
        _write(store, pending, replace, summary)
    return summary


def _write(store, snaps, replace, summary):
    outcomes = store.add_snapshots(snaps, replace=replace)
    for o in outcomes:
        if o["action"] == "conflict":
            summary.errors.append(f"{o['origin']}: {o['reason']}")
        else:
            setattr(summary, o["action"], getattr(summary, o["action"]) + 1)
