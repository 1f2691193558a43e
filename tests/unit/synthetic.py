"""A small synthetic archive for the unit tests, needing nothing outside the repo (the fixtures
``archive`` and ``unit_store`` of conftest.py make it).

Two made-up countries as rectangles in lon/lat: ``UKR`` (30-38 E, 46-50 N) and ``RUS``
(38-44 E, 46-52 N), meeting along 38 E. Four maps in DeepStateMap's history format (file
``{unix seconds}.geojson``, layer names ``Ukrainian /// English /// code`` with fills), on
2024-08-01, 2024-08-15, 2024-09-01 and 2024-09-15:

- ``occupied``: 36-38 E x 46-48 N on the first map, its west edge moving 0.1 degree west on each
  later one (Russia advances);
- ``occupied_before_2022``: 37-38 E x 48-49 N, on every map;
- ``ukraine_held`` in RUS: 38 E to 38.5, 38.8, 38.6, 38.4 E x 49-49.5 N (an incursion that peaks
  on 2024-08-15, then shrinks);
- ``contested``: a 0.05-degree strip west of the occupied ground.

And a gazetteer file (``places.csv``: name, lat, lon, country, population) of three made-up
settlements. The archive is ingested once per session (a few seconds) into ``unit_store``;
tests that write make their own store from ``archive``.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

UKR_BOX = (30.0, 46.0, 38.0, 50.0)
RUS_BOX = (38.0, 46.0, 44.0, 52.0)
DAYS = (dt.date(2024, 8, 1), dt.date(2024, 8, 15), dt.date(2024, 9, 1), dt.date(2024, 9, 15))
OCCUPIED_WEST = (36.0, 35.9, 35.8, 35.7)
INCURSION_EAST = (38.5, 38.8, 38.6, 38.4)

LAYERS = {  # status -> (name as DeepStateMap writes it, fill)
    "occupied": ("Окуповано /// Occupied /// geoJSON.status.occupied", "#a52714"),
    "occupied_before_2022": ("ОРДЛО /// CADR and CALR /// geoJSON.territories.ordlo", "#880e4f"),
    "ukraine_held": ("Звільнено /// Liberated /// geoJSON.status.dismissed", "#0f9d58"),
    "contested": ("Статус невідомий /// Unknown status /// geoJSON.status.unknown", "#bcaaa4"),
}

PLACES = (  # name, lat, lon, country, population
    ("Westford", 47.0, 35.5, "UA", 12000),
    ("Ridgeview", 47.5, 36.5, "UA", 3000),
    ("Borderton", 49.25, 38.3, "RU", 800),
)


STEP_DEG = 0.01  # a vertex every 0.01 degree (~1 km), as densely as real maps draw their edges


def _edge(a, b) -> list:
    n = max(1, round(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / STEP_DEG))
    return [[round(a[0] + (b[0] - a[0]) * k / n, 6), round(a[1] + (b[1] - a[1]) * k / n, 6)] for k in range(n)]


def box(x0, y0, x1, y1) -> list:
    """The rings of a lon/lat rectangle whose edges follow the meridians and parallels (vertices
    every :data:`STEP_DEG`, so that no measure reads an edge as a geodesic or a projected line)."""
    x0, y0, x1, y1 = (round(v, 6) for v in (x0, y0, x1, y1))
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    return [[p for a, b in zip(corners, corners[1:]) for p in _edge(a, b)] + [[x0, y0]]]


def map_layers(i: int) -> dict:
    """``{status: polygon rings}`` of the synthetic map ``i`` (0-3)."""
    west = OCCUPIED_WEST[i]
    return {
        "occupied": box(west, 46.0, 38.0, 48.0),
        "occupied_before_2022": box(37.0, 48.0, 38.0, 49.0),
        "ukraine_held": box(38.0, 49.0, INCURSION_EAST[i], 49.5),
        "contested": box(west - 0.05, 46.0, west, 48.0),
    }


def feature(status: str, rings: list) -> dict:
    name, fill = LAYERS[status]
    return {"type": "Feature", "properties": {"name": name, "fill": fill, "fill-opacity": 0.3},
            "geometry": {"type": "Polygon", "coordinates": rings}}


def write_archive(folder: Path) -> Path:
    """The synthetic archive in ``folder``: ``history/`` (the maps), ``borders.geojson`` and
    ``places.csv``."""
    history = folder / "history"
    history.mkdir(parents=True)
    for i, day in enumerate(DAYS):
        stamp = int(dt.datetime(day.year, day.month, day.day, 18, tzinfo=dt.timezone.utc).timestamp())
        doc = {"type": "FeatureCollection", "features": [feature(st, rings) for st, rings in map_layers(i).items()]}
        (history / f"{stamp}.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    borders = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso_a3": iso}, "geometry": {"type": "Polygon", "coordinates": box(*b)}}
        for iso, b in (("UKR", UKR_BOX), ("RUS", RUS_BOX))]}
    (folder / "borders.geojson").write_text(json.dumps(borders), encoding="utf-8")
    lines = ["name,lat,lon,country,population"] + [",".join(map(str, p)) for p in PLACES]
    (folder / "places.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
