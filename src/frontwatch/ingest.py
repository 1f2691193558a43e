"""Ingest: read files with the readers in :mod:`frontwatch.sources` and write them to the store.

Files are read by an engine (:mod:`frontwatch.engine`): in worker processes on this machine, or
on a Dask cluster, a few consecutive files per task (consecutive maps repeat most layers, which a
worker then unions once), results coming back in input order with a bounded number in flight, so
memory stays flat however long the archive. This process alone writes, in batches, each batch one
transaction: a crash leaves every batch before it committed and nothing half-written. A file
already ingested with the same bytes and reader options is not parsed again (its stored
snapshots count as unchanged). A file that cannot be read is reported with a one-line reason and
skipped; with ``strict=True`` any bad file means nothing is written.

A country-borders file among the inputs (:func:`frontwatch.sources.base.is_borders_file`) is taken as
``frontwatch borders FILE`` does, and prepared (repaired, Crimea counted in UKR only, RUS and UKR
tilings projected) on a thread while the maps are read: the two jobs share nothing until the borders
are saved, after the maps.
May import: the standard library, frontwatch.sources, frontwatch.store, frontwatch.engine,
frontwatch.geo.regions (for a borders file).
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
from pathlib import Path

from frontwatch.sources.archives import Unpacked
from frontwatch.sources.base import SourceError, is_borders_file, is_url, iter_blocks, iter_files, object_fingerprint
from frontwatch.sources.live import side_file_kind

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
    borders: list = dataclasses.field(default_factory=list)  # borders files saved
    notes: int = 0  # the map maker's notes stored or updated (recorded DeepStateMap listings)
    official_areas: int = 0  # stored maps given the map maker's own figures (recorded /areas)

    def to_record(self) -> dict:
        return dataclasses.asdict(self)


def read_all(paths, options, workers, engine=None):
    """Yield ``(path, snapshots | None, error | None)`` in input order, reading in parallel."""
    if engine is None:
        from frontwatch.engine import LocalEngine

        engine = LocalEngine(workers)
    yield from engine.read_files(paths, options, workers=workers)


def file_key(path, options) -> str | None:
    """Hash of a file's bytes and the reader options it is read with (None when unreadable:
    the reader then reports why). For an object in a store, of its URL and entity tag instead
    (:func:`~frontwatch.sources.base.object_fingerprint`), when the store gives one."""
    h = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    tag = object_fingerprint(path) if is_url(path) else None
    if tag is not None:
        # An object in a store: its entity tag, so an unchanged object is not even downloaded.
        h.update(b"object\0" + str(path).encode() + b"\0" + tag.encode())
        return h.hexdigest()[:32]
    try:
        for block in iter_blocks(path):
            h.update(block)
    except Exception:  # OSError, or an object store client's own errors
        return None
    return h.hexdigest()[:32]


def file_keys(paths, options) -> dict:
    """``{path: file_key(path, options)}``, on several threads: hashlib and the object-store
    clients release the GIL, so the 136 MB of the shared archive hash in half the time on 2 cores,
    and the entity tags of a store's objects are asked for side by side."""
    paths = list(paths)
    if len(paths) < 2:
        return {p: file_key(p, options) for p in paths}
    from frontwatch.engine import available_cpus

    threads = 8 if any(is_url(p) for p in paths) else available_cpus()
    with cf.ThreadPoolExecutor(min(threads, len(paths))) as pool:
        return dict(zip(paths, pool.map(lambda p: file_key(p, options), paths)))


def ingest(store, inputs, *, strict=False, replace=False, workers=None, progress=None, engine=None,
           **reader_options) -> IngestSummary:
    """Read every file under ``inputs`` (files, folders, zip/tar archives, object URLs) into ``store``.

    ``progress`` is called after each map file with ``(files done, map files in all)``. ``reader_options``
    go to the readers (``reader``, ``status_field``, ``status_map``, ``date``, ...). ``engine``
    (:func:`frontwatch.engine.get_engine`) reads the files; default: local processes.
    """
    with Unpacked() as unpacked:
        return _ingest(store, inputs, unpacked, strict, replace, workers, progress, engine, reader_options)


def _ingest(store, inputs, unpacked, strict, replace, workers, progress, engine, reader_options) -> IngestSummary:
    shown = unpacked.shown
    summary = IngestSummary()
    paths = []
    for inp in ([inputs] if isinstance(inputs, (str, Path)) else inputs):
        try:
            found, errors = unpacked.expand(iter_files(inp))
        except SourceError as exc:
            summary.errors.append(str(exc))
            continue
        paths.extend(found)
        summary.errors.extend(errors)
    borders_files = [p for p in paths if is_borders_file(p)]
    paths = [p for p in paths if p not in borders_files]
    # Files that are not maps but go with them (frontwatch.sources.live.SIDE_FILES: a recorded
    # DeepStateMap listing, the map maker's own area figures), stored after the maps.
    side_files = [(p, kind) for p in paths for kind in [side_file_kind(p)] if kind is not None]
    paths = [p for p in paths if p not in {s for s, _ in side_files}]
    summary.files = len(paths)
    keys = file_keys(paths, reader_options)
    known = store.ingested_files([k for k in keys.values() if k])
    done = 0
    todo = []
    for p in paths:
        stored = known.get(keys[p])
        if stored and not replace:
            # Same bytes, same options: the reader would give the snapshots already stored.
            done += 1
            summary.unchanged += len(stored)
            for stats in stored:
                _count(summary, stats)
            if progress:
                progress(done, summary.files)
        else:
            todo.append(p)
    pending, origins = [], []
    with cf.ThreadPoolExecutor(1) as side:
        borders = None
        for p, (_, snaps, err) in zip(todo, read_all(todo, reader_options, workers, engine)):
            # Started once the readers run (forked, if they are, before this thread exists).
            borders = borders or side.submit(_prepare_borders, borders_files)
            done += 1
            if progress:
                progress(done, summary.files)
            if err:
                summary.errors.append(shown(err))
                continue
            for s in snaps:
                s.origin = shown(s.origin)  # "history.zip!history/1.geojson", not a temporary path
                _count(summary, s.stats)
            pending.extend(snaps)
            origins.extend([keys[p]] * len(snaps))
            if not strict and len(pending) >= BATCH:
                _write(store, pending, origins, replace, summary)
                pending, origins = [], []
        prepared = (borders or side.submit(_prepare_borders, borders_files)).result()
    for path, result in prepared:
        if isinstance(result, str):
            summary.errors.append(shown(result))
    if strict and summary.errors:
        summary.written = False
        return summary
    if pending:
        _write(store, pending, origins, replace, summary)
    for path, kind in side_files:
        try:
            kind.store(store, path, summary)
        except SourceError as exc:
            summary.errors.append(shown(str(exc)))
    for path, result in prepared:
        if not isinstance(result, str):
            from frontwatch.geo.regions import save_borders

            save_borders(store, result[0], shown(str(path)), tilings=result[1])
            summary.borders.append(shown(str(path)))
    return summary


def _prepare_borders(paths) -> list:
    """``[(path, (borders, tilings) | one-line error)]`` for borders files (see the module docstring)."""
    from frontwatch.geo.regions import RegionError, borders_from_file

    out = []
    for path in paths:
        try:
            out.append((path, borders_from_file(path)))
        except (RegionError, SourceError) as exc:
            out.append((path, str(exc)))
        except Exception as exc:  # a GEOS or reader failure must not lose the maps written meanwhile
            out.append((path, f"{path}: cannot use as borders ({type(exc).__name__}: {' '.join(str(exc).split())})"))
    return out


def _count(summary, stats):
    for k in ("repaired", "dropped", "out_of_theatre", "fill_mismatch"):
        setattr(summary, k, getattr(summary, k) + int(stats.get(k, 0) or 0))
    for name in stats.get("unknown_layers", []):
        summary.unknown_layers[name] = summary.unknown_layers.get(name, 0) + 1


def _write(store, snaps, origins, replace, summary):
    outcomes = store.add_snapshots(snaps, replace=replace)
    for o in outcomes:
        if o["action"] == "conflict":
            summary.errors.append(f"{o['origin']}: {o['reason']}")
        else:
            setattr(summary, o["action"], getattr(summary, o["action"]) + 1)
    store.add_ingested_files([(k, o["id"]) for k, o in zip(origins, outcomes) if k and o["action"] != "conflict"])
