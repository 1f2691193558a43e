"""Reader for any GeoJSON, GeoPackage or KML/KMZ file from other map makers.

The user says which attribute holds the status and how its values map onto the vocabulary,
e.g. ``--status-field layer --status-map "RU=occupied,UA=ukraine_held,grey=contested"``, and
gives the date (``--date``) or a date attribute (``--date-field``). Files are read with pyogrio
(GDAL), every layer of a multi-layer file (``--status-field layer`` maps layer names), and
reprojected to EPSG:4326 when they declare another CRS. Parts lying outside the
theatre (lon 20-50, lat 43-57) are dropped and counted as ``out_of_theatre``, as for DeepStateMap;
a file with no part inside it is an error (most often a wrong CRS: metres declared as degrees,
or degrees declared as a projected CRS). May import: the standard
library, pyogrio, geopandas, shapely, frontwatch.sources.*, frontwatch.statuses.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import shapely

from frontwatch.statuses import STATUSES
from frontwatch.sources.base import THEATRE_BBOX, Snapshot, SourceError, check_lonlat, clean_union, Reader
from frontwatch.sources.deepstate import ANNOTATION, classify


def parse_status_map(text: str | dict | None) -> dict:
    """``"a=occupied,b=ukraine_held"`` -> ``{"a": "occupied", ...}``; values must be statuses or ``ignore``."""
    if not text:
        return {}
    if isinstance(text, dict):
        pairs = text.items()
    else:
        pairs = []
        for item in str(text).split(","):
            if "=" not in item:
                raise ValueError(f"bad --status-map item {item!r}: expected VALUE=STATUS")
            k, v = item.split("=", 1)
            pairs.append((k.strip(), v.strip()))
    out = {}
    for k, v in pairs:
        if v not in STATUSES and v != "ignore":
            raise ValueError(f"--status-map: {v!r} is not a status ({', '.join(STATUSES)}, or ignore)")
        out[str(k)] = v
    return out


def _parse_date(value, path) -> dt.datetime:
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            d = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise SourceError(path, f"cannot read date {value!r} (expected YYYY-MM-DD)") from None
    return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)


def _read_layers(target, path):
    """``(features of every geometry layer in EPSG:4326, the CRS declared when another)``.

    A GeoPackage or KML often holds one layer per status (a QGIS export): every layer with
    geometries is read, not only the first, and each feature gets its layer's name in a
    ``layer`` attribute (unless it has one), so ``--status-field layer`` maps layer names."""
    import pandas as pd
    import pyogrio

    try:
        names = [str(n) for n, gtype in pyogrio.list_layers(target) if gtype is not None]
        frames = [pyogrio.read_dataframe(target, layer=n) for n in names] if len(names) > 1 else \
            [pyogrio.read_dataframe(target)]
    except Exception as exc:  # GDAL raises many types for bad files
        raise SourceError(path, f"cannot read ({str(exc).splitlines()[0]})") from None
    declared = None
    for i, df in enumerate(frames):
        if df.crs is not None and not df.crs.equals("EPSG:4326") and df.crs.to_epsg() != 4326:
            declared = declared or df.crs.to_string()
            frames[i] = df = df.to_crs(4326)
        if "layer" not in df.columns:
            df["layer"] = names[i] if len(names) > 1 else (names[0] if names else path.stem)
    if len(frames) == 1:
        return frames[0], declared
    import geopandas as gpd

    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326), declared


def _suggestion(target, path) -> str:
    """A ready-to-check ``--status-field``/``--status-map`` for a file read without them: the
    attribute (or ``layer``, the layer names) with the most values whose words name a status
    (:func:`frontwatch.sources.deepstate.classify`: "Occupied territory", "Liberated", "Grey zone",
    "Occupied before 2022"); a value that names none is given as ``?``, which --status-map refuses
    until the user says what it is. Empty when no attribute names a status or the file is unreadable."""
    try:
        df, _ = _read_layers(target, path)
    except SourceError:
        return ""
    best = None
    for col in (c for c in df.columns if c != "geometry"):
        values = [str(v) for v in df[col].dropna().unique()]
        if not 1 <= len(values) <= 20 or any("," in v or "=" in v or '"' in v for v in values):
            continue
        guess = {v: classify(v) for v in values}
        named = sum(g in STATUSES for g in guess.values())
        if named and (best is None or (named, col == "layer") > (best[0], best[1] == "layer")):
            best = (named, col, guess)
    if best is None:
        return ""
    _, col, guess = best
    pairs = ",".join(f"{v}={'ignore' if g == ANNOTATION else (g or '?')}" for v, g in guess.items())
    return f"; guessed from its {col!r} values, check before use: --status-field {col} --status-map \"{pairs}\""


def read(path, data: bytes = b"", *, status_field=None, status_map=None, date=None, date_field=None,
         source="custom", **_):
    path = Path(path)
    target = f"/vsizip/{path}" if path.suffix.lower() == ".kmz" else (f"/vsigzip/{path}" if path.suffix.lower() == ".gz" else str(path))
    if not status_field:
        raise SourceError(path, "not a DeepStateMap file: give --status-field and --status-map to map its attribute onto "
                                "the statuses" + _suggestion(target, path))
    mapping = parse_status_map(status_map)
    df, declared = _read_layers(target, path)
    if len(df) == 0:
        raise SourceError(path, "no features")
    if status_field not in df.columns:
        raise SourceError(path, f"no attribute {status_field!r} (has: {', '.join(c for c in df.columns if c != 'geometry')})")
    values = df[status_field].astype(str)
    statuses = values.map(lambda v: mapping.get(v, v if v in STATUSES else None))
    unknown = sorted(set(values[statuses.isna()]))
    stats = {"features": len(df), "points": int((~df.geometry.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])).sum()),
             "annotations": int((statuses == "ignore").sum()), "unknown_layers": unknown[:20],
             "fill_mismatch": 0, "repaired": 0, "dropped": 0}
    groups = {}
    if date_field:
        if date_field not in df.columns:
            raise SourceError(path, f"no date attribute {date_field!r}")
        keys = df[date_field].map(lambda v: _parse_date(v, path))
    else:
        if date is None:
            raise SourceError(path, "no date: give --date YYYY-MM-DD or --date-field")
        keys = [_parse_date(date, path)] * len(df)
    geoms = np.asarray(df.geometry.values, dtype=object)
    for key, status, g in zip(keys, statuses, geoms):
        if status in STATUSES and g is not None:
            groups.setdefault(key, {}).setdefault(status, []).append(g)
    if not groups:
        raise SourceError(path, f"no polygons with a mapped status (values seen: {', '.join(unknown[:8])})")
    out = []
    for when, by_status in sorted(groups.items()):
        # Judged on the geometries as read (reprojected), before anything is dropped.
        check_lonlat(path, [g for gs in by_status.values() for g in gs])
        layers = {}
        for status, gs in by_status.items():
            u = clean_union(gs, stats, extent=THEATRE_BBOX)
            if u is not None:
                layers[status] = u
        if not layers and stats.get("out_of_theatre"):
            b = shapely.total_bounds(np.asarray([g for gs in by_status.values() for g in gs], dtype=object))
            where = f"reprojected from {declared}, " if declared else ""
            x0, y0, x1, y1 = THEATRE_BBOX
            raise SourceError(path, f"no polygon lies in the theatre (lon {x0:g}..{x1:g}, lat {y0:g}..{y1:g}; {where}bounds "
                                    f"{b[0]:.4f},{b[1]:.4f},{b[2]:.4f},{b[3]:.4f}): is the file's CRS right?")
        if layers:
            out.append(Snapshot(source=source, taken_at=when, layers=layers, origin=str(path), stats=dict(stats),
                                source_id=f"{path.name}@{when:%Y%m%d%H%M%S}"))
    if not out:
        raise SourceError(path, "no valid polygons after repair")
    return out


def detect(path: Path, head: bytes) -> bool:
    return True  # the fallback: needs --status-field, and says so


# Declared in pyproject.toml ([project.entry-points."frontwatch.readers"]).
READER = Reader("generic", detect, read, order=90)
