"""Reader for DeepStateMap history snapshots (``/api/history/{id}/geojson`` bodies).

Each Polygon/GeometryCollection feature's ``name`` is ``Ukrainian /// English /// code`` with
stray spaces, non-breaking spaces, newlines and, in some files, damaged UTF-8. The naming changed
over the years (Ukrainian only in spring 2022; ``Taken back``/``Contested`` in mid 2022;
``Liberated``/``Unknown status``/``Occupied Crimea``/``CADR and CALR`` until early 2024; a
``geoJSON.status.*``/``geoJSON.territories.*`` code from spring 2024). :func:`classify` reads
the code first, then the English, then the Ukrainian words, then the fill colour; the fill is
also checked against the name and disagreements are counted. Points (arrows, unit markers) and
annotation layers that are not the front (Transnistria, Karelia, Kurils, East Prussia, ...) are
never counted. May import: the standard library, numpy, frontwatch.sources.base,
frontwatch.statuses.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import numpy as np

from frontwatch.statuses import CONTESTED, FILL_STATUS, OCCUPIED, OCCUPIED_BEFORE_2022, UKRAINE_HELD
from frontwatch.sources.base import (THEATRE_BBOX, FeatureGeometryError, Snapshot, SourceError, check_lonlat_bounds, nothing_left,
                   parse_features, register, union_geojson)

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


def snapshot_from_features(path, feats, taken_at, *, source="deepstate", source_id=None, strict_layers=False) -> Snapshot:
    """Classify and union the features (:func:`~frontwatch.sources.base.parse_features`) of one
    DeepStateMap map into a :class:`Snapshot`."""
    stats = {"features": len(feats), "points": 0, "annotations": 0, "unknown_layers": [],
             "fill_mismatch": 0, "repaired": 0, "dropped": 0}
    by_status: dict[str, list] = {}
    for ft in feats:
        gtype = ft.geometry_type() if ft is not None else None
        if gtype in ("Point", "MultiPoint", "LineString", "MultiLineString"):
            stats["points"] += 1
            continue
        if gtype not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            stats["dropped"] += 1
            continue
        props = ft.properties or {}
        name, fill = props.get("name"), props.get("fill")
        status, by_fill = _status_and_fill(name, fill)
        if status is None:
            stats["unknown_layers"].append(normalise_name(name)[:60] or f"<no name, fill {fill}>")
            continue
        if status == ANNOTATION:
            stats["annotations"] += 1
            continue
        if by_fill is not None and by_fill != status:
            stats["fill_mismatch"] += 1
        by_status.setdefault(status, []).append(ft.geometry)
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
            g, b = union_geojson(blobs, stats, extent=THEATRE_BBOX)
        except FeatureGeometryError as exc:
            raise SourceError(path, f"invalid geometry in {status} layer ({exc})") from None
        if b is not None:
            bounds.append(b)
        if g is not None:
            layers[status] = g
    # Swapped or projected coordinates are an error in the file, not stray parts: judged on the
    # geometries as read, before anything was dropped as out of the theatre.
    if bounds:
        b = np.asarray(bounds)
        check_lonlat_bounds(path, (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()))
    if not layers:
        raise SourceError(path, nothing_left([b for blobs in by_status.values() for b in blobs], stats, "control-area polygons"))
    return Snapshot(source=source, taken_at=taken_at, layers=layers, origin=str(path), stats=stats, source_id=source_id)


def read(path, data: bytes, *, taken_at=None, source_id=None, strict_layers=False, **_):
    path = Path(path)
    taken_at = taken_at or _taken_at_from_name(path)
    feats = parse_features(path, data)
    sid = source_id or path.name.split(".")[0]
    return [snapshot_from_features(path, feats, taken_at, source_id=sid, strict_layers=strict_layers)]


def detect(path: Path, head: bytes) -> bool:
    return path.name.split(".")[0].isdigit()


register("deepstate", detect, read)
