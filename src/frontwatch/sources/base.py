"""The contract between readers and the store: :class:`Snapshot`, :class:`SourceError`, and the
reader registry that picks a reader for each input file.

A reader is a module in ``frontwatch.sources`` that calls :func:`register` with a name, a
``detect(path, head)`` predicate and a ``read(path, data, **options)`` function returning a list of
snapshots. May import: the standard library, numpy, shapely, orjson. Never the store or analytics.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import os
import zlib
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import shapely

from ..statuses import STATUSES


class SourceError(ValueError):
    """A file that cannot be read. ``str()`` is one line naming the file and the reason."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")


@dataclasses.dataclass
class Snapshot:
    """One published control map.

    ``layers`` maps each status to one valid (Multi)Polygon in EPSG:4326 lon/lat (2-D), the
    union of the map's features of that status; statuses absent from the map are absent here.
    ``stats`` counts what the reader kept, repaired and dropped, for the ingest summary.
    ``official`` holds the map maker's own area figures when the source publishes them.
    """

    source: str
    taken_at: dt.datetime  # UTC, timezone-aware
    layers: dict
    origin: str
    stats: dict = dataclasses.field(default_factory=dict)
    official: list | None = None
    source_id: str | None = None

    _encoded: tuple | None = dataclasses.field(default=None, repr=False, compare=False)

    def encoded(self) -> tuple:
        """``(content_hash, [(status, geometry_hash, wkb), ...])``, computed once (in the worker
        that read the map, so the writing process only writes): each layer is normalised once
        for both hashes, and stored as the reader made it."""
        if self._encoded is None:
            h = hashlib.sha256()
            rows = []
            for status in STATUSES:
                g = self.layers.get(status)
                if g is None:
                    continue
                norm = shapely.to_wkb(shapely.normalize(g), output_dimension=2)
                if not g.is_empty:
                    h.update(status.encode())
                    h.update(norm)
                rows.append((status, hashlib.sha256(norm).hexdigest()[:32], shapely.to_wkb(g, output_dimension=2)))
            self._encoded = (h.hexdigest()[:32], rows)
        return self._encoded

    def content_hash(self) -> str:
        """A hash of the geometries only: identical maps hash the same whatever their file."""
        return self.encoded()[0]


# ---------------------------------------------------------------- reading bytes

def read_bytes(path) -> bytes:
    """The content of ``path``, gunzipped if it is gzip; SourceError for empty or truncated files."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise SourceError(path, "empty file")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(path, f"corrupt or truncated gzip ({exc})") from None
        if not data.strip():
            raise SourceError(path, "empty file (after gunzip)")
    return data


# ---------------------------------------------------------------- geometry helpers

def polygonal(geoms) -> np.ndarray:
    """Only the polygonal parts of each geometry (collections are exploded), as an array."""
    geoms = np.asarray(geoms, dtype=object)
    if geoms.size == 0:
        return geoms
    parts = shapely.get_parts(geoms)
    if parts.size == 0:
        return parts
    types = shapely.get_type_id(parts)
    nested = types == 7  # GeometryCollection inside a collection
    if nested.any():
        parts = np.concatenate([parts[~nested], polygonal(parts[nested])])
        types = shapely.get_type_id(parts)
    return parts[(types == 3) | (types == 6)]


# Where the war's front can be: Ukraine, Moldova, Belarus and western Russia (lon/lat degrees).
# DeepStateMap files carry a few stray parts far outside it (a "contested" polygon in the
# Arabian Sea in early 2023); such parts are dropped and counted as ``out_of_theatre``.
THEATRE_BBOX = (20.0, 43.0, 50.0, 57.0)


def clean_union(geoms, stats: dict, extent=None):
    """Union of the polygonal parts of ``geoms``, repairing invalid ones and counting what was done.

    Repairs (``make_valid``) and drops (non-polygonal or empty after repair) are added to
    ``stats['repaired']`` and ``stats['dropped']``; parts whose representative point lies outside
    ``extent`` (minlon, minlat, maxlon, maxlat) to ``stats['out_of_theatre']``. Nothing is
    changed silently.
    """
    geoms = shapely.force_2d(np.asarray(geoms, dtype=object))
    if geoms.size == 0:
        return None
    # Consecutive maps repeat most layers unchanged (Crimea for years, the liberated areas for
    # weeks): the same input features give the same union, so it is computed once per process
    # and its repair counts are replayed into ``stats`` on every reuse.
    key = _union_key(geoms, extent)
    hit = _UNIONS.get(key)
    if hit is not None:
        out, delta = hit
        for k, v in delta.items():
            stats[k] = stats.get(k, 0) + v
        return out
    delta: dict = {}
    out = _clean_union(geoms, delta, extent)
    if len(_UNIONS) >= _UNIONS_MAX:
        _UNIONS.pop(next(iter(_UNIONS)))  # oldest first: archives are read in time order
    _UNIONS[key] = (out, delta)
    for k, v in delta.items():
        stats[k] = stats.get(k, 0) + v
    return out


_UNIONS: dict = {}
_UNIONS_MAX = 64


def _union_key(geoms, extent) -> bytes:
    h = hashlib.sha256(repr(extent).encode())
    for wkb in shapely.to_wkb(geoms):
        h.update(len(wkb).to_bytes(8, "little"))
        h.update(wkb)
    return h.digest()


def _clean_union(geoms, stats: dict, extent=None):
    valid = shapely.is_valid(geoms)
    n_invalid = int((~valid).sum())
    if n_invalid:
        geoms = geoms.copy()
        geoms[~valid] = shapely.make_valid(geoms[~valid])
        stats["repaired"] = stats.get("repaired", 0) + n_invalid
    parts = polygonal(geoms)
    parts = parts[~shapely.is_empty(parts)]
    # Parts with zero area (slivers, degenerate rings) carry no territory.
    areas = shapely.area(parts)
    dropped = int((areas <= 0).sum())
    if dropped:
        stats["dropped"] = stats.get("dropped", 0) + dropped
        parts = parts[areas > 0]
    if extent is not None and parts.size:
        pts = shapely.point_on_surface(parts)
        inside = shapely.intersects_xy(shapely.box(*extent), shapely.get_x(pts), shapely.get_y(pts))
        if not inside.all():
            stats["out_of_theatre"] = stats.get("out_of_theatre", 0) + int((~inside).sum())
            parts = parts[inside]
    if parts.size == 0:
        return None
    out = shapely.union_all(parts)
    if out.is_valid and shapely.get_type_id(out) in (3, 6):
        # Already one valid (Multi)Polygon: re-unioning its parts would return it unchanged.
        return out
    if not out.is_valid:
        out = shapely.make_valid(out)
        stats["repaired"] = stats.get("repaired", 0) + 1
    out = shapely.union_all(polygonal([out]))
    return out


def check_lonlat(path, geoms) -> None:
    """SourceError when coordinates are not lon/lat degrees, or look like swapped lat/lon.

    The maps frontwatch reads cover Europe and the former USSR: a layer whose x range lies
    where latitudes of the region are (40-72) and y range where its longitudes are (20-50) is
    taken to be lat/lon swapped, since no land of interest lies there the other way round.
    """
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(np.asarray(geoms, dtype=object))
    if xmin < -180.0 or xmax > 180.0 or ymin < -90.0 or ymax > 90.0:
        raise SourceError(path, f"coordinates are not lon/lat degrees (bounds {xmin:.0f},{ymin:.0f},{xmax:.0f},{ymax:.0f}); reproject to EPSG:4326 first")
    if 40.0 <= xmin and xmax <= 72.0 and 19.0 <= ymin and ymax <= 42.0:
        raise SourceError(path, f"coordinates look like lat/lon swapped (x {xmin:.1f}..{xmax:.1f}, y {ymin:.1f}..{ymax:.1f}); GeoJSON is lon,lat")


# ---------------------------------------------------------------- registry

@dataclasses.dataclass
class Reader:
    name: str
    detect: Callable[[Path, bytes], bool]
    read: Callable[..., list]


READERS: list[Reader] = []


def register(name: str, detect, read) -> None:
    """Register a reader. Readers are tried in registration order; the first that detects wins."""
    READERS.append(Reader(name, detect, read))


INPUT_SUFFIXES = (".geojson", ".json", ".geojson.gz", ".json.gz", ".gpkg", ".kml", ".kmz")


def iter_files(path) -> Iterator[Path]:
    """The input files under ``path`` (a file, or a folder walked recursively, ``.git`` skipped), sorted."""
    path = Path(path)
    if path.is_file():
        yield path
        return
    if not path.exists():
        raise SourceError(path, "no such file or folder")
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in files:
            if f.lower().endswith(INPUT_SUFFIXES):
                found.append(Path(root) / f)
    yield from sorted(found)


def read_path(path, reader: str | None = None, **options) -> list[Snapshot]:
    """The snapshots in one file, read by the named reader or the first that recognises it."""
    from . import deepstate, daily, generic  # noqa: F401  (registration side effect)

    path = Path(path)
    suffix = path.name.lower()
    if suffix.endswith((".gpkg", ".kml", ".kmz")):
        data = b""
    else:
        data = read_bytes(path)
    candidates = READERS if reader is None else [r for r in READERS if r.name == reader]
    if not candidates:
        raise SourceError(path, f"unknown reader {reader!r}; known: {', '.join(r.name for r in READERS)}")
    for r in candidates:
        if reader is not None or r.detect(path, data[:4096]):
            return r.read(path, data, **options)
    raise SourceError(path, "format not recognised (expected DeepStateMap history, daily archive, or GeoJSON/GPKG/KML with --status-field)")
