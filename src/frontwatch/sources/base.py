"""The contract between readers and the store: :class:`Snapshot`, :class:`SourceError`, and the
reader registry that picks a reader for each input file.

A reader is a module in ``frontwatch.sources`` that calls :func:`register` with a name, a
``detect(path, head)`` predicate and a ``read(path, data, **options)`` function returning a list of
snapshots. Inputs may be object-store URLs, fetched with fsspec (imported only for them).
May import: the standard library, numpy, shapely, orjson, msgspec, fsspec. Never the store or analytics.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import os
import re
import zlib
from pathlib import Path
from typing import Callable, Iterator

import msgspec
import orjson

from frontwatch.statuses import STATUSES

# numpy and shapely are imported by the functions that parse and repair geometry: a command that
# only reads the store (a repeated query) imports this module for its errors and helpers alone.


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
                norm, ghash, wkb = _encode_layer(g)
                if not g.is_empty:
                    h.update(status.encode())
                    h.update(norm)
                rows.append((status, ghash, wkb))
            self._encoded = (h.hexdigest()[:32], rows)
        return self._encoded

    def __getstate__(self):
        # Sent from reading workers after encoded(): each layer travels once, as its WKB from
        # the encoding (not a second WKB made by pickling the geometry).
        state = self.__dict__.copy()
        if self._encoded is not None:
            state["layers"] = {status: wkb for status, _, wkb in self._encoded[1]}
            state["_layers_wkb"] = True
        return state

    def __setstate__(self, state):
        if state.pop("_layers_wkb", False):
            # Decoded when first asked for: the process that writes the store needs only the
            # encoding, which came with them (40 MB of WKB on the shared archive, 0.1 s of CPU).
            state["_wkb_layers"] = state.pop("layers")
        self.__dict__.update(state)

    def __getattr__(self, name):
        wkbs = self.__dict__.get("_wkb_layers")
        if name != "layers" or wkbs is None:
            raise AttributeError(name)
        import numpy as np
        import shapely

        self.layers = dict(zip(wkbs, shapely.from_wkb(np.asarray(list(wkbs.values()), dtype=object))))
        del self.__dict__["_wkb_layers"]
        return self.layers

    def content_hash(self) -> str:
        """A hash of the geometries only: identical maps hash the same whatever their file."""
        return self.encoded()[0]


_ENCODED: dict = {}  # id(layer) -> (layer, normalised WKB, hash, WKB): a layer repeated from the previous map is the same object
_ENCODED_MAX = 64


def _encode_layer(g) -> tuple:
    """``(normalised WKB, its hash, WKB)`` of one layer, once per layer object."""
    import shapely

    hit = _ENCODED.get(id(g))
    if hit is not None and hit[0] is g:
        return hit[1:]
    norm = shapely.to_wkb(shapely.normalize(g), output_dimension=2)
    out = (norm, hashlib.sha256(norm).hexdigest()[:32], shapely.to_wkb(g, output_dimension=2))
    _remember(_ENCODED, _ENCODED_MAX, id(g), (g, *out))
    return out


# ---------------------------------------------------------------- reading bytes

MAX_UNPACKED_BYTES = 1 << 30  # one map file, gunzipped (the largest shared history file is 2.2 MB)


def max_unpacked_bytes() -> int:
    """The most one map file may hold once gunzipped: ``$FRONTWATCH_MAX_UNPACKED_MB`` MB, else
    :data:`MAX_UNPACKED_BYTES` (1 GiB). A gzip bomb (50 MB of zeros unpack to 50 GB) stops there."""
    env = os.environ.get("FRONTWATCH_MAX_UNPACKED_MB")
    try:
        return int(float(env) * 1024 * 1024) if env else MAX_UNPACKED_BYTES
    except ValueError:
        return MAX_UNPACKED_BYTES


def gunzip_capped(chunks, limit: int, sink=None) -> int:
    """Gunzip the byte ``chunks`` (concatenated members too, as gzip does), never holding more
    than a block of output at a time: each block goes to ``sink`` (when given). Returns the
    unpacked size; ValueError("unpacks to more than ...") as soon as it passes ``limit``, and
    zlib.error/EOFError for a corrupt or truncated stream."""
    total = 0
    d = zlib.decompressobj(wbits=31)

    def emit(out):
        nonlocal total
        total += len(out)
        if total > limit:
            raise ValueError(f"unpacks to more than {limit / 1024 / 1024:,.0f} MB")
        if sink is not None and out:
            sink(out)

    for chunk in chunks:
        data = chunk
        while data:
            if d.eof:  # a member ended: another may follow (zero padding after the last is allowed)
                data = data.lstrip(b"\0")
                if not data:
                    break
                if not data.startswith(b"\x1f\x8b"[:len(data)]):
                    raise zlib.error("trailing garbage after gzip data")
                d = zlib.decompressobj(wbits=31)
            emit(d.decompress(data, 1 << 20))
            data = d.unused_data if d.eof else d.unconsumed_tail
        while not d.eof:  # output zlib still holds for the input it was given
            out = d.decompress(b"", 1 << 20)
            if not out:
                break
            emit(out)
    if not d.eof:
        raise EOFError("compressed file ended before the end-of-stream marker was reached")
    return total


def read_bytes(path) -> bytes:
    """The content of ``path``, gunzipped if it is gzip (streamed, at most
    :func:`max_unpacked_bytes`); SourceError for empty, truncated or oversized files."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise SourceError(path, "empty file")
    if data[:2] == b"\x1f\x8b":
        parts = []
        limit = max_unpacked_bytes()
        try:
            gunzip_capped([data], limit, parts.append)
        except ValueError as exc:
            raise SourceError(path, f"gzip {exc} (the limit for one map file; $FRONTWATCH_MAX_UNPACKED_MB "
                                    "raises it)") from None
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(path, f"corrupt or truncated gzip ({exc})") from None
        data = b"".join(parts)
        del parts
        if not data.strip():
            raise SourceError(path, "empty file (after gunzip)")
    return data


# ---------------------------------------------------------------- temporary folders

_TEMP_PREFIX = "frontwatch-"


def temp_folder(kind: str):
    """A temporary folder (a ``tempfile.TemporaryDirectory``) named after this process
    (``frontwatch-KIND-PID-XXXX``), so that one left behind by a process killed with ``kill -9``
    is recognised and removed by the next one (:func:`clean_temp_leftovers`)."""
    import tempfile

    return tempfile.TemporaryDirectory(prefix=f"{_TEMP_PREFIX}{kind}-{os.getpid()}-")


def clean_temp_leftovers() -> list[str]:
    """Remove the temporary folders of frontwatch processes that no longer run (killed before
    they could clean up); returns their paths. Folders of running processes are left alone."""
    import shutil
    import tempfile

    gone = []
    root = tempfile.gettempdir()
    try:
        names = os.listdir(root)
    except OSError:
        return gone
    for name in names:
        m = re.match(rf"{_TEMP_PREFIX}[a-z]+-(\d+)-", name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        pid = int(m.group(1))
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except OSError:
            continue
        path = os.path.join(root, name)
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            gone.append(path)
    return gone


# ---------------------------------------------------------------- geometry helpers

def polygonal(geoms) -> np.ndarray:
    """Only the polygonal parts of each geometry (collections are exploded), as an array."""
    import numpy as np
    import shapely

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
    """Union of the polygonal parts of ``geoms`` (Shapely geometries), repairing invalid ones and
    counting what was done: ``stats['repaired']`` (``make_valid``), ``stats['dropped']`` (missing
    geometries, zero-area parts), ``stats['out_of_theatre']`` (parts whose representative point
    lies outside ``extent`` = minlon, minlat, maxlon, maxlat). Nothing is changed silently.
    The work is shared with earlier calls in this process as in :func:`union_geojson`, each
    geometry known by its WKB."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    if geoms.size == 0:
        return None
    keys = [hashlib.blake2b(w or b"", digest_size=16).digest() for w in shapely.to_wkb(geoms)]
    return _union_features(keys, lambda idx: geoms[idx], stats, extent)[0]


# ---------------------------------------------------------------- GeoJSON features, read fast
# A FeatureCollection is decoded with each feature's geometry kept as its raw JSON bytes
# (msgspec.Raw): no Python float is made for a coordinate, and the bytes are what GEOS reads and
# what identifies a feature across files. Consecutive maps repeat most features byte for byte
# (87% of the polygons of one DeepStateMap snapshot are in the one before), so each feature is
# parsed, repaired and cut to polygons once per process, and a layer's union is done per group of
# features whose boxes overlap, each group once: a map that moves the front near one town
# re-unions only that town's group.

_RAW_NULL = msgspec.Raw(b"null")


class Feature(msgspec.Struct):
    """One GeoJSON feature: ``geometry`` the raw JSON of its geometry, ``properties`` a dict."""

    geometry: msgspec.Raw = _RAW_NULL
    properties: dict | None = None

    def geometry_type(self) -> str | None:
        # Most writers put "type" first ({"type":"Polygon",...}): read it from the first bytes
        # (not copying the coordinates); anything else is decoded properly.
        head = memoryview(self.geometry)[:40].tobytes()
        if head.startswith(b'{"type":"'):
            end = head.find(b'"', 9)
            if end > 9:
                return head[9:end].decode()
        g = _GEOM_TYPE.decode(self.geometry)
        return g.type if g is not None else None


class _GeomType(msgspec.Struct):
    type: str | None = None


class _Doc(msgspec.Struct):
    type: str | None = None
    features: list[Feature | None] | None = None
    map: msgspec.Raw = _RAW_NULL


class _RawDoc(msgspec.Struct):
    type: str | None = None
    features: list[msgspec.Raw] | None = None
    map: msgspec.Raw = _RAW_NULL


_GEOM_TYPE = msgspec.json.Decoder(_GeomType | None)
_DOC = msgspec.json.Decoder(_Doc)
_RAW_DOC = msgspec.json.Decoder(_RawDoc)
_LIST = msgspec.json.Decoder(list[Feature | None])
_FEATURE = msgspec.json.Decoder(Feature | None)


def split_features(data: bytes) -> list | None:
    """The features of a GeoJSON FeatureCollection as their raw JSON bytes (``msgspec.Raw``,
    views of ``data``: nothing of a feature is decoded, so a reader can recognise a feature it
    has seen by the hash of its bytes before decoding it; :func:`decode_feature` decodes one).
    None when ``data`` is not a plain FeatureCollection with a non-empty ``features`` list (a
    bare list, DeepStateMap's ``{"map": ...}`` wrapper, invalid JSON...): the reader then uses
    :func:`parse_features`, which reads those or says why it cannot."""
    try:
        doc = _RAW_DOC.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not doc.features or bytes(doc.map) != b"null":
        return None
    return doc.features


def decode_feature(raw):
    """One raw feature of :func:`split_features` as a :class:`Feature` (None for a JSON null).
    A feature that is not a JSON object is read as a feature without geometry, as
    :func:`parse_features` reads it."""
    try:
        return _FEATURE.decode(raw)
    except msgspec.ValidationError:  # odd but readable (properties that are not an object...)
        return _features_from_python(None, [orjson.loads(bytes(raw))])[0]


def parse_features(path, data: bytes) -> list:
    """The features (:class:`Feature`, or None for a null feature) of a GeoJSON FeatureCollection,
    a bare list of features, or DeepStateMap's ``{"map": {...}}`` wrapper; SourceError for
    invalid or truncated JSON and for JSON that is not such a document."""
    try:
        try:
            doc = _DOC.decode(data)
        except msgspec.ValidationError:
            try:
                return _nonempty(path, _LIST.decode(data))
            except msgspec.ValidationError:
                return _nonempty(path, _features_from_python(path, orjson.loads(data)))
        if bytes(doc.map) != b"null" and doc.features is None:
            doc = _DOC.decode(doc.map)
    except (msgspec.DecodeError, orjson.JSONDecodeError) as exc:
        text = str(exc).splitlines()[0]
        at = re.search(r"\(byte (\d+)\)", text)
        ended = at is not None and int(at.group(1)) >= len(data.rstrip())  # failed on the last byte: cut short
        truncated = ended or "truncated" in text.lower() or "unexpected end" in text.lower()
        reason = "truncated JSON" if truncated else "invalid JSON"
        raise SourceError(path, f"{reason} ({text})") from None
    except msgspec.ValidationError:
        raise SourceError(path, "not a GeoJSON FeatureCollection") from None
    if doc.features is None:
        raise SourceError(path, "FeatureCollection has no 'features' list" if doc.type == "FeatureCollection"
                          else "not a GeoJSON FeatureCollection")
    return _nonempty(path, doc.features)


def _features_from_python(path, doc) -> list:
    """The slow path, for documents whose features are not all objects (odd but readable)."""
    if isinstance(doc, dict) and isinstance(doc.get("map"), dict):
        doc = doc["map"]
    feats = doc.get("features") if isinstance(doc, dict) else doc
    if not isinstance(feats, list):
        raise SourceError(path, "not a GeoJSON FeatureCollection")
    out = []
    for ft in feats:
        if not isinstance(ft, dict):
            out.append(None)
            continue
        props = ft.get("properties")
        out.append(Feature(msgspec.Raw(orjson.dumps(ft.get("geometry"))), props if isinstance(props, dict) else None))
    return out


def _nonempty(path, feats):
    if not feats:
        raise SourceError(path, "empty FeatureCollection (no features)")
    return feats


class FeatureGeometryError(ValueError):
    """A feature geometry GEOS cannot read at all."""


_FEATURES: dict = {}  # digest of a feature's raw geometry -> (parts, bounds, stats delta)
_FEATURES_MAX = 4_000
_GROUPS: dict = {}  # (extent, part ids of an overlapping group) -> (union, stats delta)
_GROUPS_MAX = 2_000
_LAYERS: dict = {}  # (extent, digests of a layer's features) -> (union, bounds, stats delta)
_LAYERS_MAX = 32


_OTHER_CACHES: list = []


def register_cache(cache: dict) -> dict:
    """Have :func:`clear_caches` clear ``cache`` too (a reader's own per-process memo); returns it."""
    _OTHER_CACHES.append(cache)
    return cache


def clear_caches() -> None:
    """Forget every per-process parse and union memo (tests use it to compare with a cold read)."""
    _FEATURES.clear()
    _GROUPS.clear()
    _LAYERS.clear()
    _ENCODED.clear()
    for cache in _OTHER_CACHES:
        cache.clear()


def _remember(cache, limit, key, value):
    if len(cache) >= limit:
        cache.pop(next(iter(cache)))  # oldest first: archives are read in time order
    cache[key] = value


def _add(stats, delta):
    for k, v in delta.items():
        stats[k] = stats.get(k, 0) + v


def union_geojson(blobs, stats: dict, extent=None, digests=None):
    """``(union, bounds)`` of raw GeoJSON geometries (bytes): the union of their polygonal parts
    as one valid (Multi)Polygon (None when nothing is left), and the bounds of the geometries as
    read (for :func:`check_lonlat_bounds`, before anything is dropped). Counts repairs and drops
    as :func:`clean_union` does; each geometry is known by its bytes, so one seen in an earlier
    map is not parsed, repaired or cut again. ``digests``: the geometries'
    ``blake2b(bytes, digest_size=16)`` when the caller has them already."""
    import numpy as np
    import shapely

    def parse(idx):
        try:
            with np.errstate(all="ignore"):  # an overflowing number is an unreadable geometry, counted below
                return shapely.from_geojson(np.array([bytes(blobs[i]) for i in idx], dtype=object), on_invalid="ignore")
        except shapely.errors.GEOSException as exc:
            raise FeatureGeometryError(str(exc)) from None

    # Hashed in place (buffer protocol): only the geometries not seen yet are copied, to be parsed.
    if digests is None:
        digests = [hashlib.blake2b(b, digest_size=16).digest() for b in blobs]
    return _union_features(list(digests), parse, stats, extent)


def _union_features(digests, load, stats: dict, extent):
    """The union of features known by ``digests``; ``load(indices)`` gives the geometries of
    those not memoised yet. Returns ``(union, bounds as read)``."""
    import numpy as np

    lkey = (extent, tuple(digests))
    hit = _LAYERS.get(lkey)
    if hit is not None:
        _add(stats, hit[2])
        return hit[0], hit[1]
    delta: dict = {}
    miss = [i for i, d in enumerate(digests) if d not in _FEATURES]
    fresh = _clean_features(load(miss), [digests[i] for i in miss], extent) if miss else {}
    parts, ids, bounds = [], [], []
    for d in digests:
        fparts, fbounds, fdelta = fresh[d] if d in fresh else _FEATURES[d]
        _add(delta, fdelta)
        parts.extend(fparts)
        ids.extend((d, k) for k in range(len(fparts)))
        bounds.append(fbounds)
    bounds = np.asarray(bounds, dtype=float).reshape(-1, 4)
    total = None
    if bounds.size and not np.isnan(bounds).all():
        total = (np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1]), np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3]))
    out = _union_groups(np.asarray(parts, dtype=object), ids, delta, extent) if parts else None
    _remember(_LAYERS, _LAYERS_MAX, lkey, (out, total, delta))
    _add(stats, delta)
    return out, total


def _clean_features(geoms, digests, extent):
    """Repair and cut to polygons the features not seen yet; memoise each."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    missing = shapely.is_missing(geoms)
    geoms = shapely.force_2d(geoms)
    bounds = shapely.bounds(geoms)
    valid = missing | shapely.is_valid(geoms)
    fixed = geoms.copy()
    if (~valid).any():
        fixed[~valid] = shapely.make_valid(geoms[~valid])
    box = shapely.box(*extent) if extent is not None else None
    # Every feature's polygonal parts in one vectorized pass (each feature's in its own order);
    # a feature with a collection nested in a collection (none on the shared archive) one by one.
    idx = np.flatnonzero(~missing)
    parts, owner = shapely.get_parts(fixed[idx], return_index=True)
    owner = idx[owner]
    types = shapely.get_type_id(parts)
    nested = np.zeros(len(fixed), dtype=bool)
    nested[owner[types == 7]] = True
    sel = ((types == 3) | (types == 6)) & ~nested[owner]
    parts, owner = parts[sel], owner[sel]
    sel = ~shapely.is_empty(parts)
    parts, owner = parts[sel], owner[sel]
    areas = shapely.area(parts)
    n = len(fixed)
    nonempty = np.bincount(owner, minlength=n)
    zero = np.bincount(owner[areas <= 0], minlength=n)
    parts, owner = parts[areas > 0], owner[areas > 0]
    outside = np.zeros(n, dtype=np.int64)
    if box is not None and parts.size:
        pts = shapely.point_on_surface(parts)
        inside = shapely.intersects_xy(box, shapely.get_x(pts), shapely.get_y(pts))
        outside = np.bincount(owner[~inside], minlength=n)
        parts, owner = parts[inside], owner[inside]
    cuts = np.searchsorted(owner, np.arange(n + 1))  # owner is sorted: feature i's parts are cuts[i]:cuts[i + 1]
    out = {}
    for i, d in enumerate(digests):
        if missing[i]:  # GEOS could not read it (its reason: unreadable_reason)
            out[d] = ((), (np.nan,) * 4, {"dropped": 1, "unreadable": 1})
        elif nested[i]:
            out[d] = _clean_one(fixed[i], bool(valid[i]), tuple(bounds[i]), box)
        else:
            delta = {}
            if not valid[i]:
                delta["repaired"] = 1
            if zero[i] or not nonempty[i]:  # nothing polygonal left of it (a repaired sliver) counts once
                delta["dropped"] = max(int(zero[i]), 1)
            if outside[i]:
                delta["out_of_theatre"] = int(outside[i])
            out[d] = (tuple(parts[cuts[i]:cuts[i + 1]]), tuple(bounds[i]), delta)
        _remember(_FEATURES, _FEATURES_MAX, d, out[d])
    return out


def _clean_one(geom, valid: bool, bounds: tuple, box) -> tuple:
    """``(parts, bounds, stats delta)`` of one repaired feature, as :func:`_clean_features` makes them."""
    import shapely

    delta = {}
    if not valid:
        delta["repaired"] = 1
    parts = polygonal([geom])
    parts = parts[~shapely.is_empty(parts)]
    areas = shapely.area(parts)
    if (areas <= 0).any() or not parts.size:  # nothing polygonal left of it (a repaired sliver) counts once
        delta["dropped"] = max(int((areas <= 0).sum()), 1)
        parts = parts[areas > 0]
    if box is not None and parts.size:
        pts = shapely.point_on_surface(parts)
        inside = shapely.intersects_xy(box, shapely.get_x(pts), shapely.get_y(pts))
        if not inside.all():
            delta["out_of_theatre"] = int((~inside).sum())
            parts = parts[inside]
    return tuple(parts), bounds, delta


_JSON_NOISE = re.compile(r"^(ParseException|IllegalArgumentException): |Error parsing JSON: '|\[json\.exception\.[^\]]*\]\s*|'$")


def unreadable_reason(blobs) -> str | None:
    """Why GEOS cannot read the first unreadable raw GeoJSON geometry of ``blobs`` (None when it
    reads them all): for the message of a file whose every polygon was dropped. Slow path only."""
    import numpy as np
    import shapely

    for b in blobs:
        try:
            with np.errstate(all="ignore"):
                shapely.from_geojson(bytes(b), on_invalid="raise")
        except shapely.errors.GEOSException as exc:
            return _JSON_NOISE.sub("", " ".join(str(exc).split()))
    return None


def nothing_left(blobs, stats: dict, what: str = "polygons") -> str:
    """The reason, for a SourceError, that no valid polygon is left of ``blobs`` once read,
    repaired and cut (from the reader's ``stats``)."""
    why = []
    if stats.get("unreadable"):
        reason = unreadable_reason(blobs)
        why.append(f"{stats['unreadable']} unreadable geometr{'y' if stats['unreadable'] == 1 else 'ies'}"
                   + (f": {reason}" if reason else ""))
    zero = stats.get("dropped", 0) - stats.get("unreadable", 0)
    if zero > 0:
        why.append(f"{zero} empty or zero-area polygon{'s' if zero > 1 else ''}")
    if stats.get("out_of_theatre"):
        why.append(f"{stats['out_of_theatre']} outside the theatre")
    return f"no valid {what} after repair" + (f" ({'; '.join(why)})" if why else "")


def _groups(parts) -> list:
    """Indices of ``parts`` grouped so that boxes of different groups do not touch (connected
    components of the box-overlap graph): groups are then disjoint and unioned apart."""
    import numpy as np
    import shapely

    n = len(parts)
    b = shapely.bounds(parts)
    boxes = shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
    i, j = shapely.STRtree(boxes).query(boxes)
    label = np.arange(n)
    while True:  # label propagation with pointer jumping: a few rounds
        new = label.copy()
        np.minimum.at(new, i, label[j])
        np.minimum.at(new, j, label[i])
        new = new[new]
        if (new == label).all():
            break
        label = new
    order = np.argsort(label, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(label[order])) + 1)


def _union_groups(parts, ids, delta, extent):
    import numpy as np
    import shapely

    if len(parts) == 1:
        return parts[0]
    pieces = []
    for idx in _groups(parts):
        if len(idx) == 1:
            pieces.append(parts[idx[0]])
            continue
        gkey = (extent, tuple(ids[k] for k in idx))
        hit = _GROUPS.get(gkey)
        if hit is None:
            gdelta: dict = {}
            u = _dissolve(parts[idx])
            if not u.is_valid:
                u = shapely.make_valid(u)
                gdelta["repaired"] = 1
            if shapely.get_type_id(u) not in (3, 6):
                u = shapely.union_all(polygonal([u]))
            hit = (u, gdelta)
            _remember(_GROUPS, _GROUPS_MAX, gkey, hit)
        _add(delta, hit[1])
        pieces.append(hit[0])
    polys = shapely.get_parts(np.asarray(pieces, dtype=object))
    polys = polys[shapely.get_type_id(polys) == 3]
    if polys.size == 0:
        return None
    return polys[0] if polys.size == 1 else shapely.multipolygons(polys)


def _dissolve(polys):
    """The union of valid polygons, as GEOS's zero-distance buffer of their MultiPolygon: on the
    archive's overlapping layer parts it gives the same geometry as ``union_all`` (topologically
    equal on all 1,007 groups of the shared archive, areas within 1e-13 deg²) in 40% of the time.
    A zero buffer is only trusted on valid parts, which these are; if its area is not between the
    largest part's and the parts' sum (a part lost), ``union_all`` is used instead."""
    import shapely

    polys = shapely.get_parts(polys)
    u = shapely.buffer(shapely.multipolygons(polys), 0)
    areas = shapely.area(polys)
    tol = 1e-9 * max(float(areas.sum()), 1e-12)
    if not (areas.max() - tol <= u.area <= areas.sum() + tol):
        u = shapely.union_all(polys)
    return u


def check_lonlat_bounds(path, bounds) -> None:
    """:func:`check_lonlat` from the total bounds ``(xmin, ymin, xmax, ymax)`` (None: nothing to check)."""
    if bounds is None:
        return
    xmin, ymin, xmax, ymax = bounds
    if xmin < -180.0 or xmax > 180.0 or ymin < -90.0 or ymax > 90.0:
        raise SourceError(path, f"coordinates are not lon/lat degrees (bounds {xmin:.0f},{ymin:.0f},{xmax:.0f},{ymax:.0f}); reproject to EPSG:4326 first")
    if 40.0 <= xmin and xmax <= 72.0 and 19.0 <= ymin and ymax <= 42.0:
        raise SourceError(path, f"coordinates look like lat/lon swapped (x {xmin:.1f}..{xmax:.1f}, y {ymin:.1f}..{ymax:.1f}); GeoJSON is lon,lat")


def check_lonlat(path, geoms) -> None:
    """SourceError when coordinates are not lon/lat degrees, or look like swapped lat/lon.

    The maps frontwatch reads cover Europe and the former USSR: a layer whose x range lies
    where latitudes of the region are (40-72) and y range where its longitudes are (20-50) is
    taken to be lat/lon swapped, since no land of interest lies there the other way round.
    """
    import numpy as np
    import shapely

    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return
    check_lonlat_bounds(path, shapely.total_bounds(np.asarray(geoms, dtype=object)))


# ---------------------------------------------------------------- registry

@dataclasses.dataclass(frozen=True)
class Reader:
    """A map maker's format: ``detect(path, first 4 KB) -> bool`` and
    ``read(path, data, **options) -> [Snapshot]``; readers are tried by ``order``, lowest first,
    the first that detects a file reads it (a catch-all reader has a high order). ``warm()``,
    when given, makes in this process what reading needs and every reading process would
    otherwise make for itself (imports of geometry libraries, geodesic objects): it is called
    before local reading workers are forked (:func:`warm_readers`), which then inherit it."""

    name: str
    detect: Callable[[Path, bytes], bool]
    read: Callable[..., list]
    order: int = 50
    warm: Callable[[], None] | None = None


READER_GROUP = "frontwatch.readers"  # the entry-point group readers are declared in
_EXTRA_READERS: list[Reader] = []


def readers() -> list[Reader]:
    """Every reader: those declared in the ``frontwatch.readers`` entry-point group (each entry a
    :class:`Reader`; frontwatch's own in its pyproject.toml, another package's in its own) and
    those :func:`register` added, by ``order`` then name.

    A new map maker is a module in ``sources/`` with a ``READER = Reader(...)`` and a line in
    pyproject.toml::

        [project.entry-points."frontwatch.readers"]
        deepstate = "frontwatch.sources.deepstate:READER"
    """
    return sorted(_declared_readers() + _EXTRA_READERS, key=lambda r: (r.order, r.name))


def warm_readers() -> None:
    """Load every reader and run its ``warm`` (:class:`Reader`), in this process: called before
    reading workers are forked, so that they inherit the readers' modules and libraries instead
    of each importing them (about 0.1 s of CPU a worker for DeepStateMap's, measured). Warming
    only saves time: when it fails (no readers declared, a library missing), reading each file
    says why, as it would have."""
    try:
        found = readers()
    except SourceError:
        return
    for r in found:
        if r.warm is not None:
            try:
                r.warm()
            except Exception:  # the reading workers meet the same failure and report it per file
                pass


@functools.lru_cache(maxsize=1)
def _declared_readers() -> list:
    import importlib.metadata

    found = []
    for ep in importlib.metadata.entry_points(group=READER_GROUP):
        reader = ep.load()
        if not isinstance(reader, Reader):
            raise TypeError(f"entry point {ep.name} = {ep.value} of {READER_GROUP} is not a frontwatch.sources.base.Reader")
        found.append(reader)
    if not found:
        raise SourceError(READER_GROUP, "no map readers are declared: frontwatch's package metadata is missing "
                                        "(install it: pip install -e .)")
    return found


def register(reader: Reader) -> None:
    """Add a reader for this process only (a test's, or a script's); packages declare theirs
    as entry points (:func:`readers`)."""
    _EXTRA_READERS.append(reader)


INPUT_SUFFIXES = (".geojson", ".json", ".geojson.gz", ".json.gz", ".gpkg", ".kml", ".kmz")
# Zip and tar archives of map files (frontwatch.sources.archives unpacks them).
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


# ---------------------------------------------------------------- object stores
# Inputs may be URLs (s3://bucket/prefix, gs://..., az://..., https://...): listed and fetched
# with fsspec and the filesystem package of the protocol (s3fs for s3://), which take their
# credentials and endpoint the usual way (for S3: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# AWS_ENDPOINT_URL for MinIO or another S3-compatible store). Each object is copied to a
# temporary file under its own name and read there like a local file, so every reader works
# on it unchanged; messages and the stored origin name the URL.

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(path) -> bool:
    """True for an fsspec URL (``s3://bucket/key``), False for a local path."""
    return isinstance(path, str) and bool(_URL.match(path))


def _filesystem(url):
    """``(fsspec filesystem, path within it)``; SourceError when the protocol is unknown or its
    package is not installed."""
    try:
        import fsspec
    except ImportError:
        raise SourceError(url, "reading URLs needs the s3 extra: pip install 'frontwatch[s3]'") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        hint = "; needs the s3 extra: pip install 'frontwatch[s3]'" if url.lower().startswith(("s3://", "s3a://")) else ""
        raise SourceError(url, f"cannot open this kind of URL ({' '.join(str(exc).split())}){hint}") from None


def _object_error(url, exc) -> SourceError:
    reason = {FileNotFoundError: "no such object", PermissionError: "access denied"}.get(type(exc))
    detail = " ".join(str(exc).split())[:200]
    return SourceError(url, f"{reason} ({detail})" if reason else f"cannot read object ({type(exc).__name__}: {detail})")


def open_input(path):
    """A local file or an object, opened for reading bytes."""
    if is_url(path):
        fs, key = _filesystem(path)
        return fs.open(key, "rb")
    return open(path, "rb")


def read_head(path, n: int = 4096) -> bytes:
    """The first ``n`` bytes of a local file or an object (b"" when unreadable: the reader says why)."""
    try:
        with open_input(path) as fh:
            return fh.read(n)
    except Exception:  # OSError, or a store client's own errors: the reader reports them
        return b""


def iter_blocks(path, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of a local file or an object, in blocks (OSError when unreadable)."""
    with open_input(path) as fh:
        yield from iter(lambda: fh.read(size), b"")


def object_fingerprint(url) -> str | None:
    """What identifies an object's content without downloading it: the store's entity tag (S3
    ``ETag``, GCS ``md5Hash``/``crc32c``, Azure ``etag``) with the size. None when the store gives
    none (the caller then hashes the bytes). A new upload of the same bytes may get another tag,
    which only means the object is read again, never that changed content is taken as known."""
    try:
        fs, key = _filesystem(url)
        info = fs.info(key)
    except Exception:  # unreadable: the reader reports why
        return None
    for field in ("ETag", "etag", "md5Hash", "crc32c", "content_md5"):
        tag = info.get(field)
        if tag:
            return f"{field}={str(tag).strip(chr(34))};size={info.get('size')}"
    return None


@contextlib.contextmanager
def local_copy(url):
    """A temporary local file holding the object at ``url``, under the object's own name (the
    readers take dates and ids from file names). SourceError, naming the URL, when it cannot be fetched."""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "object"
    with temp_folder("object") as folder:
        yield download(url, Path(folder) / name)


def download(url, local: Path) -> Path:
    """Copy the object at ``url`` to the file ``local``; SourceError, naming the URL, when it
    cannot be fetched."""
    import shutil

    try:
        with open_input(url) as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except SourceError:
        raise
    except Exception as exc:  # fsspec and the store clients raise their own kinds
        raise _object_error(url, exc) from None
    return local


def _read_url(url, reader, **options) -> list:
    with local_copy(url) as local:
        try:
            snaps = read_path(local, reader, **options)
        except SourceError as exc:
            raise SourceError(url, exc.reason.replace(str(local), url)) from None
    for s in snaps:
        s.origin = s.origin.replace(str(local), url)
    return snaps


def _iter_url(url, suffixes=None) -> Iterator[str]:
    suffixes = tuple(suffixes or INPUT_SUFFIXES + ARCHIVE_SUFFIXES)
    fs, root = _filesystem(url)
    try:
        if fs.isfile(root):
            yield url
            return
        found = [k for k in fs.find(root) if k.lower().endswith(suffixes)
                 and not any(part.startswith(".") for part in k[len(root.rstrip("/")):].split("/"))]
    except Exception as exc:  # fsspec and the store clients raise their own kinds
        raise _object_error(url, exc) from None
    if not found:
        raise SourceError(url, "no such object or prefix (or no map files under it)")
    yield from sorted(fs.unstrip_protocol(k) for k in found)


def iter_files(path, suffixes=None) -> Iterator[Path]:
    """The input files under ``path`` (a file, or a folder walked recursively, ``.git`` skipped), sorted;
    SourceError for a folder holding no map file. Archives are listed as files (see
    :mod:`frontwatch.sources.archives`). A URL (``s3://bucket/prefix``) gives the URLs of the objects under it, as strings.
    ``suffixes``: the file names listed in a folder (default: map files and archives; ``frontwatch.ingest``
    adds those of the other file kinds it knows, such as ``.csv`` places lists)."""
    suffixes = tuple(suffixes or INPUT_SUFFIXES + ARCHIVE_SUFFIXES)
    if is_url(path):
        yield from _iter_url(path, suffixes)
        return
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
            if f.lower().endswith(suffixes):
                found.append(Path(root) / f)
    if not found:
        raise SourceError(path, "no map files in this folder (.geojson, .json, .gpkg, .kml, .kmz, gzipped, "
                                "or zip/tar archives of them)")
    yield from sorted(found)


def is_borders_file(path) -> bool:
    """True for a GeoJSON whose first feature has an ISO-3 country attribute and no map-layer name:
    lets ``frontwatch ingest`` take a borders file (or a folder holding one) as it is."""
    name = str(path).rsplit("/", 1)[-1] if is_url(path) else Path(path).name
    if not name.lower().endswith((".geojson", ".json")):
        return False
    head = read_head(path).decode("utf-8", "replace")
    return bool(re.search(r'"(iso_a3|ISO_A3|ADM0_A3)"\s*:\s*"[A-Z]{3}"', head)) and '"name"' not in head[:2000]


def read_path(path, reader: str | None = None, **options) -> list[Snapshot]:
    """The snapshots in one file, read by the named reader or the first that recognises it."""
    if is_url(path):
        return _read_url(path, reader, **options)
    path = Path(path)
    suffix = path.name.lower()
    if suffix.endswith((".gpkg", ".kml", ".kmz")):
        data = b""
    else:
        data = read_bytes(path)
    if reader is None and options.get("status_field"):
        reader = "generic"  # a status attribute named: the file is read as the user maps it, whatever its name
    known = readers()
    candidates = known if reader is None else [r for r in known if r.name == reader]
    if not candidates:
        raise SourceError(path, f"unknown reader {reader!r}; known: {', '.join(r.name for r in known)}")
    for r in candidates:
        if reader is not None or r.detect(path, data[:4096]):
            return r.read(path, data, **options)
    raise SourceError(path, "format not recognised (expected DeepStateMap history, daily archive, or GeoJSON/GPKG/KML with --status-field)")
