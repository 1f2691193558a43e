"""What each side holds in a region: the area of each status with the border slivers set apart,
and each side's total.

A map maker draws its layers against its own border line; OpenStreetMap's, which frontwatch
measures against, differs by tens to hundreds of metres. Where a Russian-side layer
(``occupied``, ``occupied_before_2022``) overruns the border into Russia, ``area --region RUS``
used to list "occupied 22.5 km2" first, as if Russia occupied its own land. Such pieces are
*border slivers*: parts of Russia's statuses inside Russia that lie along Ukraine's border and
are narrower than :data:`SLIVER_WIDTH_KM` (their largest inscribed circle is narrower). Only
there does a status contradict the country it lies in: ``ukraine_held`` inside Ukraine is the map
maker's "liberated", ground of its own (the same rule would take 80 km2 of it along the Russian
border on 31 December 2024, strips of the 2022-liberated north that are real), so it is not touched. On the 239 maps of the
shared archive, the widest such piece in RUS is 2.2 km wide (April 2022; 1.1 km from 2023 on),
while the narrowest strip of real ground a side holds along the border is several km wide.
:func:`area_by_status` leaves them out of the figures by default and gives them apart
(``border_slivers_km2``), so that the same command never reads as Russia occupying Russia; the
other side's slivers (``ukraine_held`` in RUS before August 2024) are ground the map maker draws
across the border and stay in.

Each side's total is frontwatch.analysis.shares's (its statuses and its country's land no layer
covers), never the two sides together: the web map's "total 847 km2" added Ukraine's ground in
Kursk to Russia's slivers.

May import: shapely, frontwatch.analysis.measure, frontwatch.geo.geodesy, frontwatch.statuses.
"""
from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from frontwatch.analysis.measure import area_on, area_series
from frontwatch.lazy import lazy_import
from frontwatch.statuses import SIDE_COUNTRY, SIDES
from frontwatch.units import km2_to_sqmi

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.analysis import shares as shares_mod
else:
    shares_mod = lazy_import("frontwatch.analysis.shares")

if TYPE_CHECKING:
    import numpy as np
    import shapely

    from frontwatch.geo import geodesy
else:  # a query the store holds the figures of loads no geometry library
    np = lazy_import("numpy")
    shapely = lazy_import("shapely")
    geodesy = lazy_import("frontwatch.geo.geodesy")

__all__ = ["area_by_status", "own_statuses", "border_band", "sliver_geometry", "sliver_km2",
           "SLIVER_WIDTH_KM"]

SLIVER_WIDTH_KM = 3.0
# How far from the other country's border a sliver may lie: the band searched (degrees; 0.1 deg
# of latitude is 11 km, of longitude at 52 N 6.8 km). Wider than a sliver, so that a real piece
# of ground cut by the band's inner edge is still wider than SLIVER_WIDTH_KM.
BAND_DEG = 0.1
_SIMPLIFY_DEG = 0.005  # the other country's outline, simplified before buffering: the band is a search zone
CACHE_VERSION = 1

_bands: dict = {}
_bands_lock = threading.Lock()


# The countries whose own side's statuses, inside them, can only be slivers: Russia's.
SLIVER_COUNTRIES = ("RUS",)


def own_statuses(country: str) -> tuple:
    """The statuses of the side whose country ``country`` is (RUS: occupied, occupied_before_2022)."""
    side = next((s for s, iso in SIDE_COUNTRY.items() if iso == country), None)
    return SIDES[side] if side else ()


def border_band(borders: dict, country: str):
    """The part of ``country`` within :data:`BAND_DEG` of the other side's country (RUS: the
    strip of Russia along Ukraine), where slivers can lie; None when either is missing.
    Memoised per borders (their geometry's bytes)."""
    other = next((iso for iso in SIDE_COUNTRY.values() if iso != country), None)
    if country not in borders or other not in borders:
        return None
    home, away = borders[country], borders[other]
    key = (country, hashlib.blake2b(shapely.to_wkb(home) + shapely.to_wkb(away), digest_size=16).digest())
    with _bands_lock:
        if key in _bands:
            return _bands[key]
    b = BAND_DEG
    x0, y0 = max(home.bounds[0], away.bounds[0]) - b, max(home.bounds[1], away.bounds[1]) - b
    x1, y1 = min(home.bounds[2], away.bounds[2]) + b, min(home.bounds[3], away.bounds[3]) + b
    shell = shapely.MultiLineString([p.exterior for p in shapely.get_parts(away) if p.geom_type == "Polygon"])
    shell = shapely.simplify(shapely.clip_by_rect(shell, x0, y0, x1, y1), _SIMPLIFY_DEG)
    zone = shapely.buffer(shell, b, quad_segs=2)
    band = shapely.intersection(shapely.clip_by_rect(home, *zone.bounds), zone)
    if not band.is_valid:
        band = shapely.make_valid(band)
    shapely.prepare(band)
    with _bands_lock:
        _bands[key] = band
    return band


def sliver_geometry(layer, band, width_km: float = SLIVER_WIDTH_KM):
    """The pieces of ``layer`` inside ``band`` narrower than ``width_km`` (EPSG:4326): a piece is
    narrower when shrinking it by half the width, in the equal-area plane, leaves nothing."""
    if layer is None or layer.is_empty or band is None:
        return shapely.Polygon()
    inside = shapely.intersection(layer, band)
    parts = np.asarray([p for p in shapely.get_parts(inside) if p.geom_type == "Polygon" and not p.is_empty], dtype=object)
    if parts.size == 0:
        return shapely.Polygon()
    narrow = shapely.is_empty(shapely.buffer(geodesy.to_laea(parts), -width_km * 500.0, quad_segs=4))
    return shapely.union_all(parts[narrow]) if narrow.any() else shapely.Polygon()


def sliver_km2(store, records, region, borders, width_km: float = SLIVER_WIDTH_KM) -> dict:
    """``{(snapshot_id, status): km2 of border slivers}`` for the records (measure.area_series's)
    whose status belongs to the side of a country the region holds. Cached in the store's
    measure cache under the layer's hash, the country, the region and the width."""
    name = region.name.upper()
    if name == "ALL":  # the map maker's own figures refer to the whole map, slivers and all
        return {}
    countries = [iso for iso in SLIVER_COUNTRIES if iso in borders
                 and (name == iso or (name not in borders and region.geometry.intersects(borders[iso])))]
    wanted = [(r, iso) for r in records for iso in countries if r["status"] in own_statuses(iso) and r["km2"] > 0]
    if not wanted:
        return {}
    hashes = store.all_layer_hashes(sorted({r["snapshot_id"] for r, _ in wanted}))
    keys = {}
    for r, iso in wanted:
        h = hashes[r["snapshot_id"]].get(r["status"])
        if h:
            keys[(r["snapshot_id"], r["status"], iso)] = (h, f"{h}|{iso}|{region.key}|{width_km:g}|v{CACHE_VERSION}")
    cached = store.cached("sliver", sorted({k for _, k in keys.values()}))
    fresh = {}
    for (sid, st, iso), (h, k) in keys.items():
        if k in cached or k in fresh:
            continue
        g = sliver_geometry(store.geometry(h), border_band(borders, iso), width_km)
        if not g.is_empty and name != iso:
            g = geodesy.clip_to_region(g, region.geometry)
        fresh[k] = float(geodesy.areas_km2(np.asarray([g], dtype=object)).sum()) if not g.is_empty else 0.0
    store.put_cached("sliver", fresh)
    values = {**cached, **fresh}
    out = {}
    for (sid, st, iso), (h, k) in keys.items():
        out[(sid, st)] = out.get((sid, st), 0.0) + values[k]
    return out


def area_by_status(store, region, statuses, *, date=None, start=None, end=None, every=None, source=None,
                   engine=None, borders=None, slivers: str = "leave_out", shares: bool = True) -> list[dict]:
    """The area of each status in a region, on one map or per map of a window, border slivers set apart.

    Each status's record comes from :func:`frontwatch.analysis.shares.area_with_shares` (with its
    share of the region's land, and each side's total when all its statuses are asked) or, without
    ``borders``, :func:`~frontwatch.analysis.measure.area_on` /
    :func:`~frontwatch.analysis.measure.area_series`. A side's total is not touched by ``slivers``:
    the slivers lie in Russia's own land, which is Russia's either way.

    Parameters
    ----------
    store : Store
        The store holding the maps.
    region : Region
        Where to measure (:func:`frontwatch.geo.regions.resolve_region`).
    statuses : sequence of str
        The statuses to measure.
    date : datetime.date, optional
        The day: its last map (the latest map when no window is given).
    start, end : datetime.date, optional
        A window: one record per status per map in it.
    every : {"day", "week", "month"}, optional
        With a window, the last map of each period.
    source : str, optional
        Whose maps (default: the store's default source).
    engine : engine, optional
        Where per-snapshot work runs (:func:`frontwatch.engine.get_engine`); None: here.
    borders : dict, optional
        Country borders ``{iso_a3: geometry}``; without them there are no shares and no slivers.
    slivers : {"leave_out", "keep"}
        ``leave_out`` takes the border slivers (Russia's statuses in Russia narrower than 3 km
        along Ukraine's border) out of ``km2``, ``sqmi`` and ``share_pct`` and gives them in
        ``border_slivers_km2``; ``keep`` leaves the figures as measured and still names them.
    shares : bool
        False: the status records alone, with no share and no side (charts, reports).

    Returns
    -------
    list of dict
        ``date``, ``taken_at``, ``snapshot_id``, ``region``, ``status`` (or ``side``), ``km2`` and
        ``sqmi`` (geodesic on WGS84), and where known ``share_pct`` (percent of ``land_km2``),
        ``official_km2``/``diff_pct`` (DeepStateMap's own figure) and ``border_slivers_km2``.

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> recs = area_by_status(store, resolve_region("RUS", borders), ("ukraine_held",), date=dt.date(2024, 8, 15),
    ...                       borders=borders)
    >>> [(r["status"], r["km2"], r["share_pct"], r["land_km2"]) for r in recs]
    [('ukraine_held', 3238.775, 1.66, 195205.72)]
    >>> store.close()
    """
    if slivers not in ("leave_out", "keep"):
        raise ValueError(f"slivers must be leave_out or keep, not {slivers!r}")
    if shares and borders and region.name.upper() != "ALL":
        recs = shares_mod.area_with_shares(store, region, statuses, date=date, start=start, end=end, every=every,
                                           source=source, engine=engine, borders=borders)
    elif date or not (start or end or every):
        recs = area_on(store, region, statuses, date, source=source, engine=engine)
    else:
        recs = area_series(store, region, statuses, start=start, end=end, every=every, source=source, engine=engine)
    if not borders:
        return recs
    split = sliver_km2(store, [r for r in recs if "side" not in r], region, borders)
    for r in recs:
        s = split.get((r["snapshot_id"], r["status"])) if "side" not in r else None
        if s is None:
            continue
        s = min(s, r["km2"])
        r["border_slivers_km2"] = round(s, 3)
        if slivers == "leave_out":
            r["km2"] = round(max(r["km2"] - s, 0.0), 3)
            r["sqmi"] = round(km2_to_sqmi(r["km2"]), 3)
            if r.get("share_pct") is not None and r.get("land_km2"):
                r["share_pct"] = round(100.0 * r["km2"] / r["land_km2"], 2)
    return recs
