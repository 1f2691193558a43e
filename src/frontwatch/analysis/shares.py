"""Shares of a region's land: how much of an oblast (or a country, a circle, a box) each status and
each side holds, as "Russia holds 65.9% of Donetsk oblast". Pure functions; nothing here prints.
May import: shapely, frontwatch.analysis.measure, frontwatch.geo (admin, geodesy, regions),
frontwatch.statuses.

The land of a region is its geometry when that is land already (a country of the borders, an
oblast cut to land: :attr:`frontwatch.geo.regions.Region.is_land`), else its intersection with
the countries of the borders (so a circle over the Sea of Azov is measured against its land).
Every share is of that land, in %, geodesic on WGS84.

A side's total follows frontwatch's rule: Russia holds ``occupied`` + ``occupied_before_2022``
plus the Russian land no layer covers, Ukraine ``ukraine_held`` plus the Ukrainian land no layer
covers; ``contested`` belongs to neither. The land no layer covers is the country's land in the
region less the area of every status inside it (the layers do not overlap on DeepStateMap's
maps; where they would, that ground is counted once per layer, which can only lower the side's
total). A region reaching several countries is cut into its RUS and UKR parts for this; a
country's part of the region that no layer covers but that lies in neither (Belarus) is held by
no side. The whole map ``ALL`` (sea included, the map maker's own region) gets no shares.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from frontwatch.analysis.measure import _r, area_series, select_snapshots, snapshot_on
from frontwatch.statuses import RUSSIA, SIDE_COUNTRY, SIDES, STATUSES, UKRAINE
from frontwatch.units import km2_to_sqmi
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.geo import admin
    from frontwatch.geo import geodesy
    from frontwatch.geo import regions
else:
    admin = lazy_import("frontwatch.geo.admin")
    geodesy = lazy_import("frontwatch.geo.geodesy")
    regions = lazy_import("frontwatch.geo.regions")

__all__ = ["area_with_shares", "land_parts", "list_regions"]

# Shapely and the geodesy are imported where used: shares the store holds already load neither.

# Below this share of the region's land, a country's part is a sliver of the border line, not land
# it holds in the region (the OSM line and an oblast's line differ by metres).
_SLIVER = 0.001


def land_parts(store, region, borders) -> dict:
    """``{iso3: (Region of the region's land in that country, land km2)}`` for RUS and UKR, and
    ``"_total"``: the land km2 of the region in every country of the borders."""
    if region.is_land:
        km2 = _land_km2(store, region.key, lambda: region.geometry)
        return {region.country: (region, km2), "_total": km2} if region.country in SIDE_COUNTRY.values() else {"_total": km2}
    import shapely

    out, total = {}, 0.0
    x0, y0, x1, y1 = region.geometry.bounds
    parts = {}
    for iso, land in borders.items():
        near = shapely.clip_by_rect(land, x0, y0, x1, y1)
        if near.is_empty:
            continue
        g = shapely.intersection(region.geometry, near)
        if g.is_empty or shapely.get_type_id(g) not in (3, 6) and shapely.area(g) == 0:
            continue
        parts[iso] = g
    for iso, g in parts.items():
        k = regions._key(g)
        km2 = _land_km2(store, k, g)
        total += km2
        if iso in SIDE_COUNTRY.values():
            out[iso] = (regions.Region(f"{region.name} ({iso} land)", g, k, country=iso), km2)
    out = {iso: v for iso, v in out.items() if total and v[1] / total >= _SLIVER}
    out["_total"] = total
    return out


def _land_km2(store, key: str, geom) -> float:
    """The land km2 of the region of ``key`` (``geom``, or a function giving it, is measured
    only when the store has no figure for it)."""
    cached = store.cached("land", [key]) if store is not None else {}
    if key in cached:
        return cached[key]

    km2 = geodesy.area_km2(geom() if callable(geom) else geom)
    if store is not None:
        store.put_cached("land", {key: km2})
    return km2


def area_with_shares(store, region, statuses, *, date=None, start=None, end=None, every=None, source=None,
                     engine=None, borders=None) -> list[dict]:
    """:func:`~frontwatch.analysis.measure.area_series` records (on ``date``, else one per snapshot
    of the window), each with ``share_pct`` (of the region's land) and ``land_km2``, followed, for
    each snapshot, by one record per side whose statuses are all asked for (``status`` and ``side``
    = ``russia``/``ukraine``, its km2, sqmi and share_pct) when all its statuses are asked for and
    the row would not merely repeat its one status. Without borders, or for ``ALL``, the plain
    records."""
    if date is not None or not (start or end or every):
        snaps = [snapshot_on(store, date, source=source) if date else select_snapshots(store, source=source)[-1]]
    else:
        snaps = select_snapshots(store, start=start, end=end, every=every, source=source)
    if region.name == "ALL" or borders is None:
        return area_series(store, region, statuses, snapshots=snaps, engine=engine)
    wanted = area_series(store, region, statuses, snapshots=snaps, engine=engine)
    parts = land_parts(store, region, borders)
    land = parts.pop("_total")
    pct = (lambda km2: _r(100.0 * km2 / land, 2)) if land > 0 else (lambda km2: None)  # noqa: E731
    for rec in wanted:
        rec["share_pct"] = pct(rec["km2"])
        rec["land_km2"] = _r(land)
    asked = {r["status"] for r in wanted}
    # A side's total, unless it would only repeat the one status asked for: a side of one status
    # (Ukraine: ukraine_held) in a region with none of its country's land adds nothing to that
    # status's row. Asked for every status, both sides are given (the web map shows both).
    sides = [s for s in (RUSSIA, UKRAINE) if set(SIDES[s]) <= asked
             and (len(SIDES[s]) > 1 or SIDE_COUNTRY[s] in parts or asked >= set(STATUSES))]
    if not sides:
        return wanted
    # Every status, for the land no layer covers: measured only when a side's total is given (a
    # series of one status in UKR measured all four, three for nothing).
    every_status = area_series(store, region, None, snapshots=snaps, engine=engine)
    # The land no layer covers, per country part and snapshot.
    unmapped = {}
    for iso, (sub, km2) in parts.items():
        covered = {}
        for rec in (every_status if sub is region else area_series(store, sub, None, snapshots=snaps, engine=engine)):
            covered[rec["snapshot_id"]] = covered.get(rec["snapshot_id"], 0.0) + rec["km2"]
        unmapped[iso] = {sid: max(km2 - c, 0.0) for sid, c in covered.items()}
    by_snap: dict = {}
    for rec in every_status:
        by_snap.setdefault(rec["snapshot_id"], {"date": rec["date"], "taken_at": rec["taken_at"]})[rec["status"]] = rec["km2"]
    out = []
    for s in snaps:
        out.extend(r for r in wanted if r["snapshot_id"] == s.id)
        figures = by_snap.get(s.id, {})
        for side in sides:
            km2 = sum(figures.get(st, 0.0) for st in SIDES[side]) + unmapped.get(SIDE_COUNTRY[side], {}).get(s.id, 0.0)
            out.append({"date": s.date.isoformat(), "taken_at": s.taken_at.isoformat(), "snapshot_id": s.id,
                        "region": region.name, "status": side, "side": side, "km2": _r(km2),
                        "sqmi": _r(km2_to_sqmi(km2)), "share_pct": pct(km2), "land_km2": _r(land)})
    return out


def list_regions(store, borders, *, admin_file=None, country=None, fetch=True) -> tuple[list, list]:
    """``(records, notes)``: one record per named unit (iso, country, name, name_uk, name_ru,
    land_km2 when borders are known) and per country of the borders; ``notes`` say which
    countries' units could not be had and how to add them."""
    import os

    notes = []
    units = admin.load_units(store, admin_file)
    have = {u.country for u in units}
    missing = [c for c in admin.COUNTRIES if c not in have]
    if missing and fetch and not os.environ.get("FRONTWATCH_OFFLINE"):
        try:
            units = admin.load_units(store, admin_file, fetch_missing=True)
        except admin.AdminError as exc:
            notes.append(str(exc))
        missing = [c for c in admin.COUNTRIES if c not in {u.country for u in units}]
    for c in missing:
        if not any(c in n for n in notes):
            notes.append(f"no {c} regions stored: `frontwatch admin FILE` saves a boundaries file of them "
                         f"(geoBoundaries {c} ADM1), or name one to fetch geoBoundaries' once")
    recs = admin.describe_units(units)
    by_iso = {u.iso: u for u in units}
    if country:
        recs = [r for r in recs if r["country"] == country.upper()]

    for r in recs:
        r["land_km2"] = None
        if borders is not None:
            g = admin.land_geometry(by_iso[r["iso"]], borders)
            r["land_km2"] = _r(geodesy.area_km2(g), 1) if not g.is_empty else 0.0
    if borders is not None:
        recs = [r for r in recs if r["land_km2"]]  # a Russian file's Crimea: no RUS land there
        for iso in sorted(borders):
            if country and iso != country.upper():
                continue
            recs.append({"iso": iso, "country": iso, "name": iso, "name_uk": "", "name_ru": "",
                         "land_km2": _r(_land_km2(store, regions._key(borders[iso]), borders[iso]), 1)})
    return recs, notes
