"""Who held which settlement, and when it changed hands: every gazetteer settlement inside a region
gets, per snapshot, the status of the layer it stands in and the side that holds it. Pure
functions; nothing here prints. May import: numpy, shapely, frontwatch.analysis.measure,
frontwatch.geo.places, frontwatch.statuses.

``status`` is the layer's status (occupied, occupied_before_2022, ukraine_held, contested), or
None when no layer covers the place; ``side`` is ``russia`` for occupied / occupied_before_2022,
``ukraine`` for ukraine_held, None for contested (the grey zone belongs to neither), and for a
place on no layer the side whose country it lies in (RUS land -> russia, UKR land -> ukraine,
elsewhere None). So a Kursk village before August 2024 is ``status=None, side=russia``, and
under Ukrainian control ``status=ukraine_held, side=ukraine``. Where layers overlap the Russian
statuses win, then contested, as in the fronts. A change is any difference in (status, side)
between consecutive snapshots; its date is the first snapshot showing the new state. Every
place is tested against each layer at once (``shapely.intersects_xy`` on a prepared polygon),
never one place at a time.
"""
from __future__ import annotations

import numpy as np
import shapely

from frontwatch.analysis.measure import MeasureError, period_maps, select_snapshots, snapshot_on
from frontwatch.statuses import CONTESTED, OCCUPIED, OCCUPIED_BEFORE_2022, RUSSIA, UKRAINE, UKRAINE_HELD

# Later entries win where layers overlap.
_ORDER = (UKRAINE_HELD, CONTESTED, OCCUPIED_BEFORE_2022, OCCUPIED)
_CODES = (None,) + _ORDER  # code 0 = no layer
_SIDE_OF_STATUS = {OCCUPIED: RUSSIA, OCCUPIED_BEFORE_2022: RUSSIA, UKRAINE_HELD: UKRAINE, CONTESTED: None}


def _prepared(g):
    g = shapely.from_wkb(shapely.to_wkb(g))
    shapely.prepare(g)
    return g


def country_sides(lon, lat, borders) -> np.ndarray:
    """The side whose country each point lies in (``russia``/``ukraine``/None), as an object array."""
    out = np.full(len(lon), None, dtype=object)
    for iso, side in (("RUS", RUSSIA), ("UKR", UKRAINE)):  # UKR last: Crimea is in UKR only
        g = borders.get(iso)
        if g is not None and len(lon):
            out[shapely.intersects_xy(_prepared(g), lon, lat)] = side
    return out


def status_codes(layers: dict, lon, lat) -> np.ndarray:
    """Per point, the index in ``(None,) + _ORDER`` of the status of the layer it stands in."""
    code = np.zeros(len(lon), dtype=np.int8)
    for i, st in enumerate(_ORDER, start=1):
        g = layers.get(st)
        if g is None or g.is_empty or not len(lon):
            continue
        x0, y0, x1, y1 = g.bounds
        cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
        if cand.size:
            code[cand[shapely.intersects_xy(_prepared(g), lon[cand], lat[cand])]] = i
    return code


def statuses_of(layers: dict, lon, lat, home_side) -> tuple[list, list]:
    """(status list, side list) of points, given each point's country side ``home_side``."""
    code = status_codes(layers, lon, lat)
    status = [_CODES[c] for c in code]
    side = [_SIDE_OF_STATUS[s] if s is not None else h for s, h in zip(status, home_side)]
    return status, side


def _places(region):
    from frontwatch.geo.places import settlements_in

    df = settlements_in(region.geometry)
    if df.empty:
        raise MeasureError(f"no gazetteer settlement inside {region.name}")
    return df


def _base(row) -> dict:
    return {"place": row["name"], "country": row["country"], "population": int(row["population"]),
            "lat": round(float(row["lat"]), 5), "lon": round(float(row["lon"]), 5), "geonameid": int(row["geonameid"])}


def settlements_on(store, region, date=None, *, borders, source=None) -> list[dict]:
    """Status and side of every settlement inside ``region`` on ``date`` (the last snapshot on or
    before it; the latest when None), largest population first."""
    s = snapshot_on(store, date, source=source) if date else select_snapshots(store, source=source)[-1]
    df = _places(region)
    lon, lat = df["lon"].to_numpy(float), df["lat"].to_numpy(float)
    status, side = statuses_of(store.layers(s.id), lon, lat, country_sides(lon, lat, borders))
    out = []
    for (_, row), st, sd in zip(df.iterrows(), status, side):
        out.append({"date": s.date.isoformat(), **_base(row), "status": st, "side": sd})
    return out


def settlement_changes(store, region, *, start=None, end=None, borders, source=None) -> list[dict]:
    """Every change of hands of a settlement inside ``region`` between ``start`` and ``end``.

    The baseline is the state at the start of ``start`` (a date: the last map before it, by the
    rule of every period, :func:`frontwatch.analysis.measure.period_maps`; a datetime: the map at
    or before it), so a change on the first day counts; then every snapshot in the window. Record: ``date`` (first snapshot showing the new
    state), the place, ``old_status``/``new_status``, ``old_side``/``new_side``. Sorted by date,
    then by population (largest first).
    """
    snaps = select_snapshots(store, start=start, end=end, source=source)
    if start is not None:
        try:
            base = period_maps(store, start, start if end is None else end, source=source)[0]
            if base.id != snaps[0].id:
                snaps = [base] + snaps
        except MeasureError:
            pass  # the window starts before the archive: its first snapshot is the baseline
    df = _places(region)
    lon, lat = df["lon"].to_numpy(float), df["lat"].to_numpy(float)
    home = country_sides(lon, lat, borders)
    home_code = np.array([{None: 0, RUSSIA: 1, UKRAINE: 2}[h] for h in home], dtype=np.int8)
    hashes = store.all_layer_hashes([s.id for s in snaps])
    memo = {}
    codes = np.zeros((len(snaps), len(df)), dtype=np.int8)
    for i, s in enumerate(snaps):
        key = tuple(sorted(hashes[s.id].items()))
        if key not in memo:  # unchanged maps (same layer content) are classified once
            memo[key] = status_codes({st: store.geometry(h) for st, h in hashes[s.id].items()}, lon, lat)
        codes[i] = memo[key]
    # Side per snapshot from the code (layer) or, with no layer, the country.
    side_of_code = np.array([0, 2, 0, 1, 1], dtype=np.int8)  # None, ukraine_held, contested, obf, occupied
    sides = np.where(codes == 0, home_code[None, :], side_of_code[codes])
    state = codes.astype(np.int16) * 4 + sides
    changed = np.argwhere(state[1:] != state[:-1])  # (snapshot index - 1, place index)
    side_name = (None, RUSSIA, UKRAINE)
    rows = df.reset_index(drop=True)
    out = []
    for k, j in changed:
        i = k + 1
        row = rows.iloc[j]
        out.append({"date": snaps[i].date.isoformat(), **_base(row),
                    "old_status": _CODES[codes[i - 1, j]], "new_status": _CODES[codes[i, j]],
                    "old_side": side_name[sides[i - 1, j]], "new_side": side_name[sides[i, j]],
                    "snapshot_id": snaps[i].id})
    out.sort(key=lambda r: (r["date"], -r["population"], r["place"]))
    return out


def summarise_changes(changes: list[dict]) -> dict:
    """Counts: changes, places that changed, and places whose side differs between first and last."""
    first, last = {}, {}
    for r in changes:
        first.setdefault(r["geonameid"], r["old_side"])
        last[r["geonameid"]] = r["new_side"]
    return {"changes": len(changes), "places": len(first),
            "places_changed_side": sum(1 for g in first if first[g] != last[g])}
