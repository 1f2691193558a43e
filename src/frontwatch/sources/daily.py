"""Reader for processed daily archives (the cyterat/deepstate-map-data format).

One file per day, ``deepstatemap_data_YYYYMMDD.geojson``, holding a single (Multi)Polygon of
Russian-held Ukraine (occupied + ORDLO + Crimea, already unioned). The archive does not separate
``occupied`` from ``occupied_before_2022``, so the whole polygon is stored as ``occupied`` and
the snapshot's stats say ``merged: occupied+occupied_before_2022``; the *side* (Russia) is exact,
the split between the two statuses is not available from this source. May import: the standard
library, orjson, shapely, frontwatch.sources.*, frontwatch.statuses.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from frontwatch.statuses import OCCUPIED
from frontwatch.sources.base import (FeatureGeometryError, Snapshot, SourceError, check_lonlat_bounds, nothing_left, parse_features, Reader,
                   union_geojson)

_NAME = re.compile(r"(\d{4})(\d{2})(\d{2})")


def read(path, data: bytes, **_):
    path = Path(path)
    m = _NAME.search(path.name)
    try:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except (AttributeError, ValueError):
        raise SourceError(path, "daily archive file name must contain the date as YYYYMMDD") from None
    feats = parse_features(path, data)
    stats = {"features": len(feats), "points": 0, "annotations": 0, "unknown_layers": [],
             "fill_mismatch": 0, "repaired": 0, "dropped": 0, "merged": "occupied+occupied_before_2022"}
    blobs = []
    for ft in feats:
        if ft is not None and ft.geometry_type() in ("Polygon", "MultiPolygon", "GeometryCollection"):
            blobs.append(ft.geometry)
        else:
            stats["points"] += 1
    if not blobs:
        raise SourceError(path, "no polygons in daily archive file")
    try:
        g, bounds = union_geojson(blobs, stats)
    except FeatureGeometryError as exc:
        raise SourceError(path, f"invalid geometry ({exc})") from None
    check_lonlat_bounds(path, bounds)
    if g is None:
        raise SourceError(path, nothing_left(blobs, stats))
    taken_at = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return [Snapshot(source="deepstate-daily", taken_at=taken_at, layers={OCCUPIED: g},
                     origin=str(path), stats=stats, source_id=day.strftime("%Y%m%d"))]


def detect(path: Path, head: bytes) -> bool:
    return path.name.lower().startswith("deepstatemap_data_")


# Declared in pyproject.toml ([project.entry-points."frontwatch.readers"]).
READER = Reader("deepstate-daily", detect, read, order=20)
