"""What a chart and a map of the report show, gathered from the analysis: the area of each status
over a window with its peak (:func:`area_chart_data`), the pace of the front near a place
(:func:`advance_chart_data`), the map of a date with the ground one side gained since a second
date, the front lines and the places in view (:func:`map_data`), and the weekly changes of a
side (:func:`change_pairs`, :func:`side_change`). The faces draw these (``faces.report``); they
reach them through :class:`frontwatch.workspace.Workspace` (``ws.area_chart_data``,
``ws.advance_chart_data``, ``ws.map_data``, ``ws.side_changes``). Nothing here draws or prints.

May import: shapely, frontwatch.analysis.*, frontwatch.geo.*, frontwatch.statuses.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from frontwatch.analysis.front import advance, front
from frontwatch.analysis.holdings import area_by_status
from frontwatch.analysis.measure import (MeasureError, area_series, change, peak, period_maps, resolve_statuses,
                                         select_snapshots, snapshot_on, totals_by_snapshot)
from frontwatch.geo.regions import resolve_region
from frontwatch.lazy import lazy_import
from frontwatch.statuses import SIDE_COUNTRY, SIDES, STATUSES, mixes_sides

if TYPE_CHECKING:
    import shapely

    from frontwatch.geo import geodesy, places
else:
    shapely = lazy_import("shapely")
    geodesy = lazy_import("frontwatch.geo.geodesy")
    places = lazy_import("frontwatch.geo.places")

__all__ = ["FOCUS_MIN_KM2", "MIN_VIEW_KM", "MAX_CHANGE_ROWS", "advance_chart_data", "advance_records_data",
           "area_chart_data", "borders_origin", "change_pairs", "map_data", "side_change", "view_box"]

FOCUS_MIN_KM2 = 20.0  # layer pieces smaller than this inside a country are border slivers, not a view
MIN_VIEW_KM = 40.0
MAX_CHANGE_ROWS = 26


# ------------------------------------------------------------------ the area chart

def area_chart_data(store, region, statuses=STATUSES, start=None, end=None, *, source=None) -> dict:
    """Everything the area chart shows: ``records`` (measure.area_series), ``totals``
    (measure.totals_by_snapshot), ``peak`` (measure.peak over the same window), ``statuses``,
    ``region``, ``source``, ``first``/``last`` (dates of the first and last snapshot used)."""
    snaps = select_snapshots(store, start=start, end=end, source=source)
    statuses = resolve_statuses(store, statuses, snaps[0].source)
    # Border slivers (Russia's statuses inside Russia, along Ukraine's border) left out, as `area` does.
    borders = store.borders() if region.name.upper() != "ALL" else None
    records = area_by_status(store, region, statuses, start=snaps[0].date, end=snaps[-1].date, source=source,
                             borders=borders or None, shares=False) if start or end else area_series(store, region, statuses, snapshots=snaps)
    # Statuses of both sides have no meaningful total: then no total line and no peak (None).
    mixed = mixes_sides(statuses)
    return {"records": records, "totals": totals_by_snapshot(records),
            "peak": None if mixed else peak(store, region, statuses, since=start, until=end, source=source),
            "statuses": tuple(statuses), "region": region.name, "source": snaps[0].source,
            "first": snaps[0].date.isoformat(), "last": snaps[-1].date.isoformat(), "snapshots": len(snaps),
            "slivers_left_out": any(r.get("border_slivers_km2") for r in records)}



# ------------------------------------------------------------------ the advance chart

def advance_chart_data(store, near, radius_km, start, end, *, every="week", borders, source=None, engine=None) -> dict:
    """Everything the advance chart shows: ``records`` (frontwatch.analysis.front.advance, one per pair of
    consecutive period-end maps), ``near``, ``radius_km``, ``every``, ``first``/``last``."""
    records = advance(store, near, radius_km, start=start, end=end, every=every, borders=borders, source=source,
                      engine=engine)
    if not records:  # nothing to draw, and no range
        return {"records": [], "near": near, "radius_km": radius_km, "every": every, "first": None, "last": None,
                "source": source or store.default_source(), "range": {"russia": None, "ukraine": None}}
    return advance_records_data(records, radius_km, every, source or store.default_source())


def advance_records_data(records, radius_km, every, source) -> dict:
    """:func:`advance_chart`'s input from records of frontwatch.analysis.front.advance already computed;
    ``range`` gives per side ``(lowest mean, highest mean, largest shift)`` in m/day over the
    periods with a front (None when no period has one)."""
    span = {}
    for side in ("russia", "ukraine"):
        means = [r[f"{side}_mean_m_per_day"] for r in records if r.get(f"{side}_mean_m_per_day") is not None]
        shifts = [r[f"{side}_shift_m_per_day"] for r in records if r.get(f"{side}_shift_m_per_day") is not None]
        span[side] = (min(means), max(means), max(shifts) if shifts else None) if means else None
    return {"records": records, "near": records[0]["place"], "radius_km": radius_km, "every": every,
            "first": records[0]["from_date"], "last": records[-1]["to_date"], "source": source, "range": span}



# ------------------------------------------------------------------ weekly changes

def change_pairs(store, start, end, source=None, max_rows=MAX_CHANGE_ROWS):
    """Consecutive pairs of the last snapshot of each week (month when the window is longer than
    ``max_rows`` weeks; then the last ``max_rows`` months)."""
    for every in ("week", "month"):
        snaps = select_snapshots(store, start=start, end=end, every=every, source=source)
        pairs = list(zip(snaps[:-1], snaps[1:]))
        if len(pairs) <= max_rows:
            return every, pairs
    return every, pairs[-max_rows:]



# ------------------------------------------------------------------ the map

def side_change(store, region, start, end, *, borders, source=None) -> dict:
    """measure.change between two dates for one side, picked so that the figure is exact and cheap.

    In a country region (``RUS``, ``UKR``) the side whose own country it is not is measured by its
    statuses: the other country's unmapped land lies outside the region, so the side's ground
    there *is* its statuses' ground (ukraine_held in RUS, occupied + occupied_before_2022 in UKR),
    and the costly overlay with the whole country is avoided. Elsewhere (circles, boxes) the
    Russian side is measured with measure.change(side="russia"). ``note`` says which was used.
    """
    name = region.name.upper()
    if len(name) == 3 and name.isalpha() and name in borders:
        side = next((s for s, iso in SIDE_COUNTRY.items() if iso != name and name in SIDE_COUNTRY.values()), "russia")
        rec = change(store, region, start=start, end=end, statuses=SIDES[side], source=source)
        rec["what"] = side
        rec["note"] = (f"{side} side = {' + '.join(SIDES[side])} (no {SIDE_COUNTRY[side]} land lies in {name})"
                       if name in SIDE_COUNTRY.values() else f"{side} side's statuses {' + '.join(SIDES[side])}")
    elif name == "ALL":
        rec = change(store, region, start=start, end=end, statuses=SIDES["russia"], source=source)
        rec["what"] = "russia"
        rec["note"] = "russia side's statuses (occupied + occupied_before_2022) on the whole map"
    else:
        rec = change(store, region, start=start, end=end, side="russia", borders=borders, source=source)
        rec["note"] = "russia side = occupied + occupied_before_2022 + unmapped RUS land"
    rec["side"] = rec["what"]
    return rec


def borders_origin(store) -> str | None:
    """Where the store's country borders came from (the file or URL given to `frontwatch borders`)."""
    rows = store.cursor().execute("SELECT DISTINCT origin FROM borders").fetchall()
    return ", ".join(sorted(str(r[0]) for r in rows if r[0])) or None


def view_box(region, layer_sets, pad=0.15) -> tuple:
    """(minlon, minlat, maxlon, maxlat) to draw. A circle or box: its own bounds. A country or
    ALL: the map's layers inside it, without the border slivers (pieces under FOCUS_MIN_KM2)
    that come from the map maker's and OSM's borders not matching, so that ``RUS`` shows the
    Kursk pocket and not the whole of western Russia. Padded by ``pad`` of the size."""
    name = region.name.upper()
    bounds = region.geometry.bounds
    if name == "ALL" or (len(name) == 3 and name.isalpha() and region.center is None):
        parts = []
        for layers in layer_sets:
            for g in layers.values():
                inside = g if name == "ALL" else geodesy.clip_to_region(g, region.geometry)
                parts += [p for p in shapely.get_parts(inside) if geodesy.area_km2(p) >= FOCUS_MIN_KM2]
        if parts:
            bounds = shapely.total_bounds(parts)
    x0, y0, x1, y1 = bounds
    # Keep the view at least MIN_VIEW_KM across (a degree of latitude is ~111 km).
    cy = (y0 + y1) / 2
    min_dy = MIN_VIEW_KM / 111.0
    min_dx = min_dy / max(math.cos(math.radians(cy)), 0.2)
    if x1 - x0 < min_dx:
        x0, x1 = (x0 + x1) / 2 - min_dx / 2, (x0 + x1) / 2 + min_dx / 2
    if y1 - y0 < min_dy:
        y0, y1 = cy - min_dy / 2, cy + min_dy / 2
    px, py = (x1 - x0) * pad, (y1 - y0) * pad
    return (x0 - px, y0 - py, x1 + px, y1 + py)


def _fronts(store, view, dates, borders, source) -> dict:
    """Front lines inside the view for each date (frontwatch.analysis.front)."""
    box = resolve_region("bbox:" + ",".join(f"{v:.5f}" for v in view))
    return {d: front(store, box, date=d, borders=borders, source=source)[0] for d in dates}


def map_data(store, region, date, *, compare=None, borders, source=None, fronts=True, max_labels=14) -> dict:
    """Everything :func:`control_map` draws, from library calls: ``snapshot`` (measure.snapshot_on),
    ``layers`` (store, per status), ``view`` (lon/lat box), ``change`` (:func:`side_change` from
    ``compare`` to ``date``, or None), ``fronts`` ({date: frontwatch.analysis.front record}), ``places``
    (frontwatch.geo.places.settlements_in the view, largest first), ``borders`` and ``notes``."""
    snap = snapshot_on(store, date, source=source)
    layers = store.layers(snap.id)
    before = None
    if compare is not None:
        if compare >= date:
            raise MeasureError(f"--compare ({compare}) must be before --date ({date})")
        # Changes since the start of that day: the period's baseline (measure.period_maps, the
        # rule of `change --from`), the last map before it.
        before = period_maps(store, compare, date, source=source)[0]
    layer_sets = [layers] + ([store.layers(before.id)] if before else [])
    view = view_box(region, layer_sets)
    notes = []
    # Between the two maps drawn (instants, not a period: measure.period_maps).
    chg = side_change(store, region, before.taken_at, snap.taken_at, borders=borders, source=source) if before else None
    front_recs = {}
    if fronts:
        front_recs = _fronts(store, view, [date] + ([before.date] if before else []), borders, source)
    in_view = places.label_places(places.settlements_in(shapely.box(*view)), max_labels * 4)
    return {"snapshot": snap, "before": before, "region": region, "view": view, "layers": layers,
            "change": chg, "fronts": front_recs, "places": in_view, "borders": borders,
            "borders_origin": borders_origin(store), "date": date, "compare": compare, "notes": notes,
            "max_labels": max_labels}
