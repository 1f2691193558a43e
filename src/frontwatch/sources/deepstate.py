"""Reader for DeepStateMap history snapshots (``/api/history/{id}/geojson`` bodies).

Each Polygon/GeometryCollection feature's ``name`` is ``Ukrainian /// English /// code`` with
stray spaces, non-breaking spaces, newlines and, in some files, damaged UTF-8. The naming changed
over the years (Ukrainian only in spring 2022; ``Taken back``/``Contested`` in mid 2022;
``Liberated``/``Unknown status``/``Occupied Crimea``/``CADR and CALR`` until early 2024; a
``geoJSON.status.*``/``geoJSON.territories.*`` code from spring 2024). :func:`classify` reads
the code first, then the English, then the Ukrainian words, then the fill colour; the fill is
also checked against the name and disagreements are counted. Points (arrows, unit markers) and
annotation layers that are not the front (Transnistria, Karelia, Kurils, East Prussia, ...) are
never counted; what they are, and the polygons not of their status's main colour, are recorded
with their areas for the map maker's own figures (``stats["fills"]``, ``stats["left_out"]``).
May import: the standard library, numpy, shapely, pyproj, frontwatch.sources.base, frontwatch.statuses.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from pathlib import Path

import numpy as np

from frontwatch.statuses import CONTESTED, FILL_STATUS, OCCUPIED, OCCUPIED_BEFORE_2022, UKRAINE_HELD
from frontwatch.sources.base import (THEATRE_BBOX, FeatureGeometryError, Snapshot, SourceError, check_lonlat_bounds, decode_feature,
                                     nothing_left, parse_features, polygonal, Reader, register_cache, split_features,
                                     union_geojson)

ANNOTATION = "annotation"

# Codes used from spring 2024.
_CODE_RULES = (
    (re.compile(r"geojson\.status\.dismissed"), UKRAINE_HELD),
    (re.compile(r"geojson\.status\.occupied"), OCCUPIED),
    (re.compile(r"geojson\.status\.unknown"), CONTESTED),
    (re.compile(r"geojson\.territories\.(crimea|ordlo|tuzla)"), OCCUPIED_BEFORE_2022),
    (re.compile(r"geojson\.(territories\.|zmiinyi)"), ANNOTATION),
)
# Political / historical annotation layers (checked before any "occupied" word, which they share).
_ANNOTATION_WORDS = re.compile(
    r"transnistri|придністров|abkhaz|абхаз|petsamo|петсамо|salla|салла|latvia|латві|estonia|естоні|"
    r"pechor|печор|kuril|курил|tskhinval|цхінвал|prussia|прусі|karelia|карелі|ichkeri|ічкері"
)
# "before 2022" / "since 2014": how other map makers name the same layer (no DeepStateMap name has them).
_PRE2022_WORDS = re.compile(r"crimea|cadr|calr|tuzla|крим|ордло|тузла|before (?:24 feb\w* )?2022|pre-2022|since 2014")
_SNAKE_ISLAND = re.compile(r"snake island|зміїн")
_ENGLISH_RULES = (
    (re.compile(r"liberated|taken back|recaptured"), UKRAINE_HELD),
    (re.compile(r"contested|contensed|unknown status|grey zone|gray zone"), CONTESTED),
    (re.compile(r"occupied"), OCCUPIED),
)
_UKRAINIAN_RULES = (
    (re.compile(r"під питанням|невідом|сіра зона|ситуація невідома|достеменно"), CONTESTED),
    (re.compile(r"звільн|орки відсутні|під контролем зсу"), UKRAINE_HELD),
    (re.compile(r"окуп|зайняті ворогом"), OCCUPIED),
)
_SPACE = re.compile(r"\s+")


def normalise_name(name) -> str:
    """Lower-case, single-spaced, with non-breaking spaces, newlines and U+FFFD removed."""
    text = str(name or "").replace("\ufffd", "").replace("\xa0", " ")
    return _SPACE.sub(" ", text).strip().lower()


def classify(name, fill=None) -> str | None:
    """The status of one DeepStateMap layer from its name (any naming scheme) and fill colour.

    Returns one of the statuses, ``"annotation"`` for layers that are not the front, or None when
    neither name nor colour says (an unknown layer, reported by the reader).
    """
    text = normalise_name(name)
    parts = [p.strip() for p in text.split("///")]
    code = parts[2] if len(parts) >= 3 else ""
    for rx, status in _CODE_RULES:
        if rx.search(code):
            return status
    if _ANNOTATION_WORDS.search(text):
        return ANNOTATION
    if _SNAKE_ISLAND.search(text):
        # A dot in the sea whose status changed in 2022: its colour says what it was.
        return FILL_STATUS.get(str(fill or "").lower(), ANNOTATION)
    if _PRE2022_WORDS.search(text):
        return OCCUPIED_BEFORE_2022
    # A name of one part is read as English too ("Occupied"): the Ukrainian words cannot match it.
    english = parts[1] if len(parts) >= 2 else parts[0]
    for rx, status in _ENGLISH_RULES:
        if rx.search(english):
            return status
    ukrainian = parts[0]
    for rx, status in _UKRAINIAN_RULES:
        if rx.search(ukrainian):
            return status
    return FILL_STATUS.get(str(fill or "").lower())


@functools.lru_cache(maxsize=4096)
def _classify_hashable(name, fill) -> tuple:
    return classify(name, fill), FILL_STATUS.get(str(fill or "").lower())


def _status_and_fill(name, fill) -> tuple:
    """``(classify(name, fill), status of the fill alone)``; a map repeats the same few names
    hundreds of times, so the answer is remembered per (name, fill)."""
    try:
        return _classify_hashable(name, fill)
    except TypeError:  # a name or fill that is a JSON list or object
        return classify(name, fill), FILL_STATUS.get(str(fill or "").lower())


def _taken_at_from_name(path: Path) -> dt.datetime:
    stem = path.name.split(".")[0]
    if not stem.isdigit():
        raise SourceError(path, "DeepStateMap snapshot name must be {unix_seconds}.geojson (the snapshot time)")
    seconds = int(stem)
    if seconds > 10**11:  # milliseconds
        seconds //= 1000
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


# ------------------------------------------------------------------ what the map maker counts by colour
# DeepStateMap's own figures (/api/history/{id}/areas) are sums by fill colour: one row per type
# with the type's colour as its ``hash``, and an ``other_territories`` row for each other colour
# (the ground Ukraine holds in Russia is #01579b, the grey zone there #bdbdbd, annotations
# #ff5252). frontwatch classifies a polygon by its name first. To tell what the map maker's
# figure means on each map, and to explain where it counts differently, the reader records the
# polygons that are not of their status's main colour (with their area and where they lie), the
# annotation layers, and the parts dropped outside the theatre: ``stats["fills"]`` and
# ``stats["left_out"]`` (frontwatch.sources.official reads them).

@functools.lru_cache(maxsize=2)
def _geod(sphere: bool = False):
    from pyproj import Geod

    # DeepStateMap measures its own figures on a sphere of radius 6,378,137 m (turf.js's former
    # earth radius): measured so, its pre-2022 figure and frontwatch's layer agree to 0.001% on
    # the shared maps, where the WGS84 ellipsoid gives 0.03% more. Recorded beside the ellipsoid's
    # area so that what the map maker counts and frontwatch does not is compared like with like.
    return Geod(a=6378137.0, b=6378137.0) if sphere else Geod(ellps="WGS84")


_GROUP_MEMO: dict = {}  # digests of a group's features -> (km2, lon, lat)
_GROUP_MEMO_MAX = 512


def _group_measure(blobs) -> tuple:
    """``(km2, km2 on the map maker's sphere, lon, lat)`` of the union of raw GeoJSON geometries:
    geodesic area on WGS84 (as :func:`frontwatch.geo.geodesy.area_km2`, pyproj), the same on the
    sphere DeepStateMap measures on, and a point on its largest part. Memoised: consecutive maps
    repeat the same layers byte for byte."""
    import hashlib

    import shapely

    key = tuple(hashlib.blake2b(bytes(b), digest_size=16).digest() for b in blobs)
    hit = _GROUP_MEMO.get(key)
    if hit is not None:
        return hit
    with np.errstate(all="ignore"):
        geoms = shapely.from_geojson(np.array([bytes(b) for b in blobs], dtype=object), on_invalid="ignore")
    geoms = geoms[~shapely.is_missing(geoms)]
    parts = polygonal(shapely.make_valid(shapely.force_2d(geoms))) if geoms.size else geoms
    out = (0.0, 0.0, None, None)
    if parts.size:
        g = shapely.orient_polygons(shapely.union_all(parts), exterior_cw=False)
        area_m2, _ = _geod().geometry_area_perimeter(g)
        sphere_m2, _ = _geod(True).geometry_area_perimeter(g)
        largest = parts[int(np.argmax(shapely.area(parts)))]
        pt = shapely.point_on_surface(largest)
        out = (abs(area_m2) / 1e6, abs(sphere_m2) / 1e6, round(pt.x, 4), round(pt.y, 4))
    if len(_GROUP_MEMO) >= _GROUP_MEMO_MAX:
        _GROUP_MEMO.pop(next(iter(_GROUP_MEMO)))
    _GROUP_MEMO[key] = out
    return out


def _group_point(blobs) -> tuple:
    """``(lon, lat)`` of a point inside the largest (by its JSON's length) of raw geometries."""
    import hashlib

    import shapely

    blob = bytes(max(blobs, key=len))
    key = ("point", hashlib.blake2b(blob, digest_size=16).digest())
    hit = _GROUP_MEMO.get(key)
    if hit is not None:
        return hit
    out = (None, None)
    with np.errstate(all="ignore"):
        g = shapely.from_geojson(blob, on_invalid="ignore")
    if g is not None and not g.is_empty:
        parts = polygonal([g if g.is_valid else shapely.make_valid(g)])
        if parts.size:
            pt = shapely.point_on_surface(parts[int(np.argmax(shapely.area(parts)))])
            out = (round(pt.x, 4), round(pt.y, 4))
    if len(_GROUP_MEMO) >= _GROUP_MEMO_MAX:
        _GROUP_MEMO.pop(next(iter(_GROUP_MEMO)))
    _GROUP_MEMO[key] = out
    return out


def _outside_theatre(blobs) -> tuple:
    """``(km2, km2 on the map maker's sphere, lon, lat)`` of the polygonal parts of raw geometries whose representative point lies
    outside the theatre (the parts :func:`~frontwatch.sources.base.union_geojson` drops)."""
    import shapely

    with np.errstate(all="ignore"):
        geoms = shapely.from_geojson(np.array([bytes(b) for b in blobs], dtype=object), on_invalid="ignore")
    geoms = geoms[~shapely.is_missing(geoms)]
    parts = polygonal(shapely.make_valid(shapely.force_2d(geoms))) if geoms.size else geoms
    if not parts.size:
        return 0.0, 0.0, None, None
    pts = shapely.point_on_surface(parts)
    out = ~shapely.intersects_xy(shapely.box(*THEATRE_BBOX), shapely.get_x(pts), shapely.get_y(pts))
    if not out.any():
        return 0.0, 0.0, None, None
    return _group_measure([shapely.to_geojson(g).encode() for g in parts[out]])


# The annotation layers by their English names, for messages (spring 2022 names them in Ukrainian only).
_ANNOTATION_NAMES = (
    ("transnistri|придністров", "Transnistria"), ("abkhaz|абхаз", "Abkhazia"), ("petsamo|петсамо", "Petsamo"),
    ("salla|салла", "Salla"), ("latvia|латві", "Latvian territories"), ("estonia|естоні", "Estonian territories"),
    ("pechor|печор", "Pechory district"), ("kuril|курил", "Kuril islands"), ("tskhinval|цхінвал", "Tskhinvali district"),
    ("prussia|прусі", "East Prussia"), ("karelia|карелі", "Karelia"), ("ichkeri|ічкері", "Ichkeria"),
    ("snake island|зміїн", "Snake Island"),
)


@functools.lru_cache(maxsize=4096)
def _english_name_cached(name: str) -> str:
    return _english_name(name)


def _english_name(name) -> str:
    """The English name of a layer: the annotation's English name when it is one, else the
    English part of the name (the Ukrainian one when there is none)."""
    low = normalise_name(name)
    for words, english in _ANNOTATION_NAMES:
        if re.search(words, low):
            return english
    parts = [p.strip() for p in str(name or "").replace("\xa0", " ").split("///")]
    text = parts[1] if len(parts) > 1 and parts[1] else parts[0]
    return " ".join(text.split()).rstrip(". ")[:60]


def _fill_records(groups: dict, stats: dict) -> None:
    """``stats["fills"]``: one record per (status, fill colour) group that is an annotation, or
    not its status's most used colour on this map: ``{"status", "fill", "fill_status", "features",
    "km2", "km2_sphere", "lon", "lat", "names"}`` (the areas only where the map maker counts the
    group otherwise than frontwatch: an annotation or a polygon in another status's colour) (``status`` "annotation" for annotation layers; ``names`` the
    English names of the group's features, at most 12)."""
    main = {}
    for (status, fill), feats in groups.items():
        if status != ANNOTATION and (status not in main or len(feats) > len(groups[(status, main[status])])):
            main[status] = fill
    records = []
    for (status, fill), feats in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if status != ANNOTATION and main.get(status) == fill:
            continue
        names = list(dict.fromkeys(_english_name_cached(n) if isinstance(n, str) else _english_name(n) for _, n in feats))
        if status == ANNOTATION and fill not in FILL_STATUS:
            # Annotations in a colour of no status (#ff5252): the map maker counts them apart too
            # (other_territories); no need to measure Karelia and the Kurils on every map.
            records.append({"status": status, "fill": fill, "fill_status": None, "features": len(feats),
                            "km2": None, "km2_sphere": None, "lon": None, "lat": None, "names": names[:12]})
            continue
        blobs = [b for b, _ in feats]
        fill_status = FILL_STATUS.get(fill)
        if status != ANNOTATION and fill_status in (None, status):
            # Counted as the map maker counts it: only where it lies matters (its country).
            km2, sphere, (lon, lat) = None, None, _group_point(blobs)
        else:
            km2, sphere, lon, lat = _group_measure(blobs)
        records.append({"status": status, "fill": fill, "fill_status": FILL_STATUS.get(fill), "features": len(feats),
                        "km2": None if km2 is None else round(km2, 3),
                        "km2_sphere": None if sphere is None else round(sphere, 3), "lon": lon, "lat": lat, "names": names[:12]})
    if records:
        stats["fills"] = records


# What the reader needs of one feature, worked out once per distinct feature: a map repeats
# most of the previous map's features byte for byte (on the shared archive 7,916 distinct
# features among 107,491), so each is recognised by the hash of its raw bytes, before anything
# of it is decoded, and only a feature never seen has its properties decoded, its name
# classified and its geometry's hash taken. ``(kind, status, by_fill, fill, name, geometry
# digest, raw geometry)``; kind: _POINT (points and lines, never counted), _OTHER (no polygon),
# _POLYGON.
_POINT, _OTHER, _POLYGON = 0, 1, 2
_ENTRIES: dict = register_cache({})  # digest of a raw feature -> its entry
_ENTRIES_MAX = 8_192


def _entry(ft) -> tuple:
    """The entry of one decoded feature (:class:`~frontwatch.sources.base.Feature` or None)."""
    gtype = ft.geometry_type() if ft is not None else None
    if gtype in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        return (_POINT,)
    if gtype not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        return (_OTHER,)
    props = ft.properties or {}
    name, fill = props.get("name"), props.get("fill")
    status, by_fill = _status_and_fill(name, fill)
    blob = bytes(ft.geometry)
    return (_POLYGON, status, by_fill, str(fill or "").strip().lower(), name if status is not None else
            (normalise_name(name)[:60] or f"<no name, fill {fill}>"), hashlib.blake2b(blob, digest_size=16).digest(), blob)


def _entries(raws) -> list:
    """The entries of raw features (:func:`~frontwatch.sources.base.split_features`), each
    decoded only when its bytes were never seen in this process."""
    out = []
    for raw in raws:
        key = hashlib.blake2b(raw, digest_size=16).digest()
        e = _ENTRIES.get(key)
        if e is None:
            e = _entry(decode_feature(raw))
            if len(_ENTRIES) >= _ENTRIES_MAX:
                _ENTRIES.pop(next(iter(_ENTRIES)))  # oldest first: archives are read in time order
            _ENTRIES[key] = e
        out.append(e)
    return out


def snapshot_from_features(path, feats, taken_at, *, source="deepstate", source_id=None, strict_layers=False) -> Snapshot:
    """Classify and union the features (:func:`~frontwatch.sources.base.parse_features`) of one
    DeepStateMap map into a :class:`Snapshot`."""
    return snapshot_from_entries(path, [_entry(ft) for ft in feats], taken_at, source=source, source_id=source_id,
                                 strict_layers=strict_layers)


def snapshot_from_entries(path, entries, taken_at, *, source="deepstate", source_id=None, strict_layers=False) -> Snapshot:
    """:func:`snapshot_from_features` from the features' entries (:func:`_entries`)."""
    stats = {"features": len(entries), "points": 0, "annotations": 0, "unknown_layers": [],
             "fill_mismatch": 0, "repaired": 0, "dropped": 0}
    by_status: dict[str, list] = {}
    digests: dict[str, list] = {}
    groups: dict[tuple, list] = {}  # (status or annotation, fill) -> [(raw geometry, name)]
    for e in entries:
        kind = e[0]
        if kind == _POINT:
            stats["points"] += 1
            continue
        if kind == _OTHER:
            stats["dropped"] += 1
            continue
        _, status, by_fill, fill, name, digest, blob = e
        if status is None:
            stats["unknown_layers"].append(name)
            continue
        groups.setdefault((status, fill), []).append((blob, name))
        if status == ANNOTATION:
            stats["annotations"] += 1
            continue
        if by_fill is not None and by_fill != status:
            stats["fill_mismatch"] += 1
        by_status.setdefault(status, []).append(blob)
        digests.setdefault(status, []).append(digest)
    if stats["unknown_layers"] and strict_layers:
        raise SourceError(path, f"unknown layer name {stats['unknown_layers'][0]!r}")
    if not by_status:
        unknown = stats["unknown_layers"]
        if unknown:
            raise SourceError(path, f"no control-area polygons: no status in the name or fill of its {len(unknown)} polygon "
                                    f"layer{'s' if len(unknown) > 1 else ''} (e.g. {unknown[0]!r}); for a file that is not "
                                    "DeepStateMap's, give --status-field and --status-map")
        what = "only points/lines" if stats["points"] else "no front-line layers"
        raise SourceError(path, f"no control-area polygons ({what}; {stats['features']} features)")
    layers, bounds = {}, []
    for status, blobs in by_status.items():
        try:
            g, b = union_geojson(blobs, stats, extent=THEATRE_BBOX, digests=digests[status])
        except FeatureGeometryError as exc:
            raise SourceError(path, f"invalid geometry in {status} layer ({exc})") from None
        if b is not None:
            bounds.append(b)
            x0, y0, x1, y1 = b
            tx0, ty0, tx1, ty1 = THEATRE_BBOX
            if x0 < tx0 or y0 < ty0 or x1 > tx1 or y1 > ty1:
                # Something of this layer reaches outside the theatre: what is dropped there, by colour.
                for fill in sorted({f for (st, f) in groups if st == status}):
                    km2, sphere, lon, lat = _outside_theatre([r for r, _ in groups[(status, fill)]])
                    if km2 > 0:
                        stats.setdefault("left_out", []).append(
                            {"why": "out_of_theatre", "status": status, "fill": fill, "fill_status": FILL_STATUS.get(fill),
                             "km2": round(km2, 3), "km2_sphere": round(sphere, 3), "lon": lon, "lat": lat})
        if g is not None:
            layers[status] = g
    # Swapped or projected coordinates are an error in the file, not stray parts: judged on the
    # geometries as read, before anything was dropped as out of the theatre.
    if bounds:
        b = np.asarray(bounds)
        check_lonlat_bounds(path, (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()))
    if not layers:
        raise SourceError(path, nothing_left([b for blobs in by_status.values() for b in blobs], stats, "control-area polygons"))
    _fill_records(groups, stats)
    return Snapshot(source=source, taken_at=taken_at, layers=layers, origin=str(path), stats=stats, source_id=source_id)


def read(path, data: bytes, *, taken_at=None, source_id=None, strict_layers=False, **_):
    path = Path(path)
    taken_at = taken_at or _taken_at_from_name(path)
    sid = source_id or path.name.split(".")[0]
    raws = split_features(data)
    if raws is None:  # not a plain FeatureCollection of objects: the general parser (and its errors)
        return [snapshot_from_features(path, parse_features(path, data), taken_at, source_id=sid, strict_layers=strict_layers)]
    return [snapshot_from_entries(path, _entries(raws), taken_at, source_id=sid, strict_layers=strict_layers)]


def detect(path: Path, head: bytes) -> bool:
    return path.name.split(".")[0].isdigit()


def warm() -> None:
    """What reading needs beyond this module, made now (:func:`~frontwatch.sources.base.warm_readers`):
    Shapely, and pyproj's two geodesics of the map maker's colour records (:func:`_geod`)."""
    import shapely  # noqa: F401

    _geod()
    _geod(True)


# Declared in pyproject.toml ([project.entry-points."frontwatch.readers"]).
READER = Reader("deepstate", detect, read, order=10, warm=warm)
