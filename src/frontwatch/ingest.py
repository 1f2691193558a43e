"""Ingest: read files with the readers in :mod:`frontwatch.sources` and write them to the store.

Files are read by an engine (:mod:`frontwatch.engine`): in worker processes on this machine, or
on a Dask cluster, a few consecutive files per task (consecutive maps repeat most layers, which a
worker then unions once), results coming back in input order with a bounded number in flight, so
memory stays flat however long the archive. This process alone writes, in batches, each batch one
transaction: a crash leaves every batch before it committed and nothing half-written. A file
already ingested with the same bytes and reader options is not parsed again (its stored
snapshots count as unchanged). A file that cannot be read is reported with a one-line reason and
skipped; with ``strict=True`` any bad file means nothing is written.

Which files are what: :data:`KINDS`, a registry of file kinds tried in order on every file found
(:func:`kind_of`). A kind either stores its files (``prepare`` on a side thread while the maps are
read, then ``save`` in this process after the maps: country borders do so), or is recognised and
passed over (``prepare`` and ``save`` both None: a claims set), counted in the summary's ``passed_over``
rather than failing the ingest. A file no kind claims is a map file, for the readers of
:mod:`frontwatch.sources`. A new kind of input is one :func:`register_kind` call: the gazetteer
adds its places and admin shapes, the live source its recorded listing and ``/areas`` figures, by
registering a kind with the same ``name`` (it replaces the passed-over one).
May import: the standard library, frontwatch.sources, frontwatch.store, frontwatch.engine,
frontwatch.geo.regions (for a borders file).
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from frontwatch.lazy import lazy_import
from frontwatch.sources.archives import Unpacked
from frontwatch.sources.base import (ARCHIVE_SUFFIXES, INPUT_SUFFIXES, SourceError, is_borders_file, is_url, iter_blocks,
                                     iter_files, object_fingerprint, read_head)

if TYPE_CHECKING:  # what the import graph sees; imported on first use (ingest --help loads none)
    from frontwatch import engine as engine_mod
    from frontwatch.geo import admin as admin_geo
    from frontwatch.geo import placefiles as placefiles_geo
    from frontwatch.geo import places as places_geo
    from frontwatch.geo import regions as regions_geo
    from frontwatch.sources import batch as batch_src
    from frontwatch.sources import live as live_src
    from frontwatch.sources import notes as notes_src
    from frontwatch.sources import official as official_src
else:
    engine_mod = lazy_import("frontwatch.engine")
    admin_geo = lazy_import("frontwatch.geo.admin")
    placefiles_geo = lazy_import("frontwatch.geo.placefiles")
    places_geo = lazy_import("frontwatch.geo.places")
    regions_geo = lazy_import("frontwatch.geo.regions")
    batch_src = lazy_import("frontwatch.sources.batch")
    live_src = lazy_import("frontwatch.sources.live")
    notes_src = lazy_import("frontwatch.sources.notes")
    official_src = lazy_import("frontwatch.sources.official")

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
    # Files of other kinds: {kind name: [what save() said, one per file]} and {kind name: count}
    # ("other": a listed file no kind claims, such as a .csv of something else).
    stored: dict = dataclasses.field(default_factory=dict)
    passed_over: dict = dataclasses.field(default_factory=dict)

    def to_record(self) -> dict:
        return dataclasses.asdict(self)


# ---------------------------------------------------------------- file kinds

@dataclasses.dataclass(frozen=True)
class FileKind:
    """One kind of input file that is not a map.

    ``name``: a short id (``borders``, ``places``), the key of the summary's ``stored`` and
    ``passed_over``; ``label``: what a person calls one such file, for the summary ("places list";
    ``plural`` when adding an s will not do); ``suffixes``: file names it may have (listed
    in folders, lower case); ``detect(path, head)``: True for a file of this kind (``head``: its
    first 4,096 bytes); ``prepare(path)``: the file read and checked, on a side thread while the maps
    are read (it must not touch the store), or a one-line error string; ``save(store, path,
    prepared, summary)``: stores it after the maps, may count what it stored in the summary, and
    returns a short phrase for it ("34,264 places"); ``held(store, path)``: a short phrase when
    the store holds this file's content already (the same hash), which is then neither prepared
    nor saved again, else None; ``kept(store, path)``: what this machine keeps of a file with the
    same content (prepared before, for this store or another), or None; asked on the main thread
    before the maps are read; when it gives something, ``prepare(path, kept)`` is called with it
    instead of ``prepare(path)`` and finishes from it. A kind with neither ``prepare`` nor
    ``save`` is recognised and passed over.
    """

    name: str
    label: str
    suffixes: tuple
    detect: Callable[[object, bytes], bool]
    prepare: Callable | None = None
    save: Callable | None = None
    plural: str = ""  # default: label + "s"
    held: Callable | None = None
    kept: Callable | None = None

    @property
    def labels(self) -> str:
        return self.plural or self.label + "s"

    @property
    def stores(self) -> bool:
        return self.prepare is not None or self.save is not None


KINDS: list[FileKind] = []


def register_kind(kind: FileKind) -> None:
    """Add a file kind, or replace the kind of the same name (keeping its place in the order)."""
    for i, k in enumerate(KINDS):
        if k.name == kind.name:
            KINDS[i] = kind
            return
    KINDS.append(kind)


def kind_of(path, head: bytes | None = None) -> FileKind | None:
    """The registered kind of ``path``, or None for a map file (or a file no kind claims, which
    the map readers then accept or refuse)."""
    name = (str(path).rsplit("/", 1)[-1] if is_url(path) else Path(path).name).lower()
    kinds = [k for k in KINDS if name.endswith(k.suffixes)]
    if not kinds:
        return None
    if head is None:
        head = read_head(path)
    for k in kinds:
        try:
            if k.detect(path, head):
                return k
        except Exception:  # a detector that trips on odd bytes claims nothing
            continue
    return None


def kind_label(name: str, count: int = 1) -> str:
    """What a person calls ``count`` files of the kind ``name`` ("2 places lists")."""
    kind = next((k for k in KINDS if k.name == name), None)
    if kind is None:
        return f"{count} other file{'s' if count != 1 else ''}"
    return f"{count} {kind.label if count == 1 else kind.labels}"


def listed_suffixes() -> tuple:
    """File names a folder walk lists: map files, archives, and every registered kind's."""
    return tuple(dict.fromkeys(INPUT_SUFFIXES + ARCHIVE_SUFFIXES + tuple(s for k in KINDS for s in k.suffixes)))


def _text(head: bytes) -> str:
    return head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")


def _save_borders(store, path, prepared, summary) -> str:
    borders, tilings, file_hash, fresh = prepared
    keys = regions_geo.save_borders(store, borders, str(path), tilings=tilings, file_hash=file_hash)
    if fresh and file_hash:
        # Prepared here: kept for every store of this machine too, so that the next ingest or
        # `--borders FILE` given the same file, into any store, does not prepare it again.
        store.keep_prepared_borders(file_hash, borders, keys, str(path))
    return f"{len(borders)} countries"


def _borders_kept(store, path):
    """``(borders, file hash, saved tiling states)`` when this machine keeps the borders prepared
    from a file with the content of ``path`` (:meth:`~frontwatch.store.Store.borders_of_file`:
    for another store, or given to a command with ``--borders FILE``), with the RUS and UKR
    tilings it keeps of them (:func:`~frontwatch.geo.regions.kept_tilings`), else None."""
    borders, h = regions_geo.stored_borders_of(store, path, kept=True)
    if borders is None:
        return None
    return borders, h, regions_geo.kept_tilings(store, borders)


def _borders_held(store, path) -> str | None:
    own, _ = regions_geo.stored_borders_of(store, path)
    return f"{len(own)} countries, unchanged" if own is not None else None


def _prepare_borders_file(path, kept=None):
    """``(borders, RUS and UKR tilings, file hash, prepared here)``: from ``kept``
    (:func:`_borders_kept`) the borders are not read or prepared again, and the tilings are
    rebuilt from those kept (made when none are)."""
    try:
        if kept is not None:
            borders, file_hash, states = kept
            return borders, regions_geo.tilings_of(borders, states), file_hash, False
        return (*regions_geo.borders_from_file(path), regions_geo.borders_file_hash(path), True)
    except (regions_geo.RegionError, SourceError) as exc:
        return str(exc)
    except Exception as exc:  # a GEOS or reader failure must not lose the maps written meanwhile
        return f"{path}: cannot use as borders ({type(exc).__name__}: {' '.join(str(exc).split())})"


_GEOJSON = (".geojson", ".json", ".geojson.gz", ".json.gz")

register_kind(FileKind("borders", "country borders file", (".geojson", ".json"), lambda p, h: is_borders_file(p),
                       prepare=_prepare_borders_file, save=_save_borders, held=_borders_held, kept=_borders_kept))
# geoBoundaries-style first-level units (shapeName, shapeISO, shapeType ADM1...): the oblasts, saved
# in the store as `frontwatch admin FILE` saves them (frontwatch.geo.admin).
def _prepare_admin(path):
    try:
        return admin_geo.read_admin_file(path)
    except admin_geo.AdminError as exc:
        return str(exc)


def _save_admin(store, path, units, summary) -> str:
    saved = admin_geo.save_admin(store, units, str(path), keep_detailed=True)
    return ", ".join(f"{n} {cc} regions" for cc, n in saved.items()) or "kept the more detailed regions already stored"


register_kind(FileKind("admin", "administrative boundaries file", _GEOJSON,
                       lambda p, h: bool(re.search(r'"(shapeISO|shapeType|shapeGroup|ADM1_EN|adm1_code)"', _text(h))),
                       prepare=_prepare_admin, save=_save_admin))
# A table of places: a header naming the place and its coordinates (GeoNames, Who's On First...).
# Saved in the cache folder as `frontwatch places FILE` saves them (frontwatch.geo.placefiles): the
# gazetteer every command that names a place or lists settlements uses.
def _file_digest(path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _prepare_places(path):
    try:
        return (*placefiles_geo.read_places_file(path), _file_digest(path))
    except placefiles_geo.PlacesError as exc:
        return str(exc)


def _save_places(store, path, prepared, summary) -> str:
    frame, coverage, digest = prepared
    placefiles_geo.save_places(frame, coverage, str(path), digest=digest)
    places_geo.reset()
    places_geo.gazetteer_summary()  # the index built and cached now, not in the next command that names a place
    return f"{len(frame):,} places of {', '.join(sorted(coverage))} in the gazetteer"


def _places_held(store, path) -> str | None:
    return "in the gazetteer already" if placefiles_geo.holds_digest(_file_digest(path)) else None


register_kind(FileKind("places", "places list", (".csv", ".tsv"),
                       lambda p, h: bool(re.match(r"[^\n]*\b(name|asciiname)\b[^\n]*\b(lat|latitude)\b",
                                                  _text(h).split("\n", 1)[0], re.I)),
                       prepare=_prepare_places, save=_save_places, held=_places_held))
# What DeepStateMap's API answers: the listing (/api/history/public, a bare array of maps with
# their notes, stored as notes) and the map maker's own area figures (/api/history/{id}/areas,
# keyed by map id).
def _prepare_listing(path):
    return notes_src.notes_from_listing(notes_src.read_listing_file(path))


def _save_listing(store, path, notes, summary) -> str:
    counts = store.add_notes(notes, source=live_src.SOURCE)
    summary.notes += counts["added"] + counts["updated"]
    return f"{len(notes):,} notes"


def _is_listing(path, head) -> bool:
    return notes_src.is_listing_file(path)


register_kind(FileKind("listing", "recorded map listing", (".json", ".json.gz"), _is_listing,
                       prepare=_prepare_listing, save=_save_listing))
def _is_areas(path, head) -> bool:
    return official_src.is_areas_file(path)


def _prepare_areas(path):
    try:
        return official_src.read_areas_file(path)
    except SourceError as exc:  # one line naming the file (and the map) and the reason
        return str(exc)


def _save_areas(store, path, figures, summary) -> str:
    attached = live_src.attach_official(store, figures)
    summary.official_areas += attached
    return f"figures attached to {attached:,} stored maps of its {len(figures):,}"


register_kind(FileKind("areas", "recorded area figures file", (".json", ".json.gz"), _is_areas,
                       prepare=_prepare_areas, save=_save_areas))
# Labelled claims, one JSON object a line (../shared/data/claims/dev.jsonl): for `claims`, not the store.
register_kind(FileKind("claims", "claims set", (".jsonl",), lambda p, h: _text(h).startswith("{")))


def read_all(paths, options, workers, engine=None):
    """Yield ``(path, snapshots | None, error | None)`` in input order, reading in parallel."""

    yield from batch_src.read_files(paths, options, engine, workers)


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

    threads = 8 if any(is_url(p) for p in paths) else engine_mod.available_cpus()
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
            found, errors = unpacked.expand(iter_files(inp, listed_suffixes()))
        except SourceError as exc:
            summary.errors.append(str(exc))
            continue
        paths.extend(found)
        summary.errors.extend(errors)
    # Each file is a map file, or of a registered kind: stored by it, or passed over.
    others = []  # (path, kind) of the kinds that store
    maps = []
    map_suffixes = INPUT_SUFFIXES + ARCHIVE_SUFFIXES
    held = []  # (path, kind, phrase) of files whose content the store holds already
    for p in paths:
        kind = kind_of(p)
        said = kind.held(store, p) if kind is not None and kind.stores and kind.held is not None else None
        if said:
            held.append((p, kind, said))
        elif kind is not None and kind.stores:
            others.append((p, kind))
        elif kind is not None:
            summary.passed_over[kind.name] = summary.passed_over.get(kind.name, 0) + 1
        elif not str(p).lower().endswith(map_suffixes):
            summary.passed_over["other"] = summary.passed_over.get("other", 0) + 1
        else:
            maps.append(p)
    # What this machine keeps of files prepared before (for another store): finished from that.
    others = [(p, kind, _kept(kind, store, p)) for p, kind in others]
    paths = maps
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
        prepared = None
        for p, (_, snaps, err) in zip(todo, read_all(todo, reader_options, workers, engine)):
            # Started once the readers run (forked, if they are, before this thread exists).
            prepared = prepared or side.submit(_prepare_others, others)
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
        prepared = (prepared or side.submit(_prepare_others, others)).result()
    for path, kind, result in prepared:
        if isinstance(result, str):
            summary.errors.append(shown(result))
    if strict and summary.errors:
        summary.written = False
        return summary
    if pending:
        _write(store, pending, origins, replace, summary)
    for path, kind, said in held:
        summary.stored.setdefault(kind.name, []).append(said)
        if kind.name == "borders":
            summary.borders.append(shown(str(path)))
    for path, kind, result in prepared:
        if isinstance(result, str) or kind.save is None:
            continue
        said = kind.save(store, shown(str(path)), result, summary)
        summary.stored.setdefault(kind.name, []).append(said or shown(str(path)))
        if kind.name == "borders":
            summary.borders.append(shown(str(path)))
    return summary


def _kept(kind, store, path):
    """``kind.kept(store, path)``, or None (no such function, or it failed: what the machine
    keeps only saves time, and the file is then prepared as usual)."""
    if kind.kept is None:
        return None
    try:
        return kind.kept(store, path)
    except Exception:
        return None


def _prepare_others(items) -> list:
    """``[(path, kind, prepared | one-line error)]`` for files of kinds that store (see the module
    docstring), from ``(path, kind, what the machine keeps of it or None)``."""
    out = []
    for path, kind, kept in items:
        if kind.prepare is None:
            out.append((path, kind, None))
            continue
        try:
            out.append((path, kind, kind.prepare(path) if kept is None else kind.prepare(path, kept)))
        except Exception as exc:  # a kind's failure must not lose the maps written meanwhile
            out.append((path, kind, f"{path}: cannot read as a {kind.label} ({type(exc).__name__}: "
                                    f"{' '.join(str(exc).split())})"))
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
