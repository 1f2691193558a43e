"""The pipeline people write by hand today, per file: geopandas.read_file, filter layers by name,
union_all, clip to the country, pyproj geodesic area. The baseline frontwatch must beat."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
from pyproj import Geod
from shapely.geometry.polygon import orient

GEOD = Geod(ellps="WGS84")
# What a careful analyst's hand-written name filter looks like (recent naming scheme, English part).
NAME_FILTERS = {
    "occupied": lambda n: "occupied" in n and not any(w in n for w in ("crimea", "cadr", "petsamo", "salla", "latvia", "estonia", "pechor", "kuril", "tskhinval", "prussia", "karelia", "ichkeri", "abkhaz", "transnistria", "tuzla")),
    "ukraine_held": lambda n: "liberated" in n or "taken back" in n,
    "contested": lambda n: "unknown status" in n or "contested" in n,
}


def geodesic_km2(geom) -> float:
    total = 0.0
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon":
            continue
        a, _ = GEOD.geometry_area_perimeter(orient(poly, 1.0))
        total += a
    return abs(total) / 1e6


def load_countries(borders_file):
    """``(rus, ukr)`` GeoDataFrames: Crimea is in both OSM polygons, so RUS without the UKR overlap."""
    borders = gpd.read_file(borders_file)
    ukr = borders[borders.iso_a3 == "UKR"]
    rus = gpd.GeoDataFrame(geometry=[borders[borders.iso_a3 == "RUS"].union_all().difference(ukr.union_all())], crs=4326)
    return rus, ukr


def naive_pass(history_dir, borders_file, limit=None, countries=None):
    """Daily area of ukraine_held and contested in RUS and of occupied in UKR, the naive way
    (``countries``: :func:`load_countries` of ``borders_file`` when already loaded)."""
    rus, ukr = countries or load_countries(borders_file)
    out = []
    files = sorted(Path(history_dir).glob("*.geojson"))[:limit]
    for f in files:
        df = gpd.read_file(f)
        df = df[df.geometry.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])]
        names = df["name"].fillna("").str.lower()
        day = dt.datetime.fromtimestamp(int(f.stem), dt.timezone.utc).date().isoformat()
        for status, country in (("ukraine_held", rus), ("contested", rus), ("occupied", ukr)):
            sel = df[names.map(NAME_FILTERS[status])]
            if sel.empty:
                out.append((day, status, 0.0))
                continue
            layer = gpd.GeoDataFrame(geometry=[sel.geometry.make_valid().union_all()], crs=4326)
            clipped = gpd.clip(layer, country)
            out.append((day, status, sum(geodesic_km2(g) for g in clipped.geometry)))
    return out
