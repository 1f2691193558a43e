"""Measures of territorial control: area per status and region over time, change between two
dates per side, the peak and the share lost since. Pure functions over the store's geometries;
nothing here prints.

Areas are geodesic on the WGS84 ellipsoid (:mod:`frontwatch.geo.geodesy`), in km2 with square miles
beside. Every area of a layer inside a region is cached in the store under the layer's content
hash and the region's geometry hash, so a repeated query, or a series after one new snapshot,
computes only what is new, and a changed border or region is never served a stale figure.

Sides: Russia holds ``occupied`` + ``occupied_before_2022``, Ukraine ``ukraine_held``; ground
that no layer covers is held by the country it lies in (RUS or UKR land from the borders), and
``contested`` belongs to neither side. May import: numpy, shapely, frontwatch.geo.geodesy,
frontwatch.notices, frontwatch.statuses, frontwatch.store, frontwatch.engine,
frontwatch.analysis.official (the map maker's own figures).
"""
from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from frontwatch import notices
from frontwatch.statuses import RUSSIA, SIDE_COUNTRY, SIDES, STATUSES, mixes_sides
from frontwatch.geo.tiling import prepare_tilings, save_tilings
from frontwatch.units import km2_to_sqmi
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch import engine as engine_mod
    from frontwatch.geo import geodesy
    from frontwatch.analysis import official as official_mod
    from frontwatch.geo import regions as regions_mod
    from frontwatch.analysis import tasks
else:
    engine_mod = lazy_import("frontwatch.engine")
    geodesy = lazy_import("frontwatch.geo.geodesy")
    official_mod = lazy_import("frontwatch.analysis.official")
    regions_mod = lazy_import("frontwatch.geo.regions")
    tasks = lazy_import("frontwatch.analysis.tasks")

__all__ = ["MeasureError", "StaleMapWarning", "change", "change_between", "peak", "area_on", "area_series",
           "area_series_many", "totals_by_snapshot", "select_snapshots", "snapshot_on", "map_for_day",
           "period_maps", "period_key", "check_window", "mapped_statuses", "resolve_statuses",
           "layer_areas_km2", "side_geometry", "side_share", "status_geometry", "pieces_inside", "near_box",
           "distance_km", "PERIODS", "STALE_DAYS"]

# Shapely, the geodesy and the map maker's figures are imported where used: a query whose
# figures the store holds already (a repeated area, peak or change) loads no geometry library.

PERIODS = ("day", "week", "month", "year")


class MeasureError(ValueError):
    """A query the data cannot answer (no snapshots in the window, a date outside the archive)."""


class StaleMapWarning(UserWarning):
    """The map used for a day inside the archive is more than :data:`STALE_DAYS` older than the
    day (a gap in the archive): the figure is the old map's, which the record's ``date`` says; the
    CLI shows this as one ``warning:`` line."""


# How much older than the day asked for a map may be: a day up to a week after the archive's
# last map gets that map (DeepStateMap does not publish every day, and "today" often has no map
# yet); later is an error, and an older map inside the archive a warning.
STALE_DAYS = 7


def _r(x, nd=3):
    return None if x is None else round(float(x), nd)


# ------------------------------------------------------------------ snapshot selection

def period_key(d: dt.date, every: str):
    """The first day of the period (day, week from Monday, month, year) that ``d`` falls in: maps with the same key are of one period."""
    if every == "day":
        return d
    if every == "week":
        return d - dt.timedelta(days=d.weekday())
    if every == "month":
        return d.replace(day=1)
    if every == "year":
        return d.replace(month=1, day=1)
    raise MeasureError(f"unknown period {every!r}; use one of {', '.join(PERIODS)}")


def select_snapshots(store, *, start=None, end=None, every=None, source=None):
    """Snapshots between ``start`` and ``end`` (inclusive dates); with ``every``, the last one
    of each day/week/month. MeasureError, naming the archive's range, when none match."""
    check_window(start, end)
    snaps = store.snapshots(source=source, start=start, end=end)
    if not snaps:
        raise MeasureError(_no_data_message(store, start, end, source))
    if every:
        last = {}
        for s in snaps:
            last[period_key(s.date, every)] = s
        snaps = [last[k] for k in sorted(last)]
    return snaps


def check_window(start, end) -> None:
    """MeasureError when a window starts after it ends (either end may be None: open)."""
    if start is not None and end is not None and _as_date(start) > _as_date(end):
        raise MeasureError(f"the window starts after it ends ({_as_date(start)} > {_as_date(end)}): swap the two dates")


def snapshot_on(store, date, *, source=None, max_gap_days=None, stale_days=STALE_DAYS):
    """The last snapshot taken on or before ``date`` (a day: up to its end).

    MeasureError when the date is before the archive starts, more than ``max_gap_days`` after
    the last snapshot before it, or more than ``stale_days`` after the archive's last map (run
    ``frontwatch sync``: a figure for 2026 from a map of 2024 is not an answer). A day inside the
    archive whose map is more than ``stale_days`` older (a gap in the archive) gives a
    :class:`StaleMapWarning`. ``stale_days=None`` takes the last map whatever its age, quietly: for
    a caller that reports the map's date itself (the claims checker).
    """
    snaps = store.snapshots(source=source, end=date)
    if not snaps:
        raise MeasureError(_no_data_message(store, None, date, source))
    s = snaps[-1]
    gap = (_as_date(date) - s.date).days
    if max_gap_days is not None and gap > max_gap_days:
        raise MeasureError(f"no snapshot within {max_gap_days} days before {_as_date(date)}; "
                           f"the archive's last one before it is {s.date}")
    if stale_days is not None and gap > stale_days:
        every = store.snapshots(source=source)
        if s.id == every[-1].id:
            raise MeasureError(f"{_as_date(date)} is {gap} days after the archive's last snapshot ({s.date}; "
                               f"{len(every)} from {every[0].date}): `frontwatch sync` fetches newer maps")
        notices.warn(f"the map for {_as_date(date)} is of {s.date}, {gap} days earlier (a gap in the archive)",
                     StaleMapWarning, stacklevel=2)
    return s


def _as_date(d):
    return d.date() if isinstance(d, dt.datetime) else d


# ------------------------------------------------------------------ a period's maps

def map_for_day(snaps, day: dt.date, *, max_gap_days: int = STALE_DAYS):
    """The map that stands for the state at the END of ``day``, among ``snaps`` (oldest first), or None.

    DeepStateMap draws a day's changes on that day's map, so the map of a day shows the state at
    its end. The map used is the last one dated on or before ``day`` when it is at most
    ``max_gap_days`` older; otherwise the first map of the next day (a monthly archive holds the
    map of the 1st: the state at the end of 30 September is nearer to the map of 1 October than to
    that of 1 September); otherwise None.
    """
    before = [s for s in snaps if s.date <= day]
    if before and (day - before[-1].date).days <= max_gap_days:
        return before[-1]
    nxt = day + dt.timedelta(days=1)
    return next((s for s in snaps if s.date == nxt), None)


def period_maps(store, start, end, *, source=None, strict: bool = False):
    """The two maps a period is measured between: ``(a, b)``, snapshots.

    The ONE rule for a period everywhere (``change`` in the CLI and the API, the report, the claims
    checker): a period of days ``start``..``end`` (both inclusive) runs from the state at the START
    of ``start``, i.e. the end of the day before, to the state at the end of ``end``. So "November
    2024" is the map of 31 October to the map of 30 November (30 days), and a change on
    1 November counts. Each end is :func:`map_for_day` (the last map on or before that day, at
    most :data:`STALE_DAYS` older, else the next day's).

    A ``datetime`` instead of a date is an instant, not a day: the last map at or before it (the
    report's consecutive maps).

    Where :func:`map_for_day` finds no map for an end: with ``strict`` (the claims checker: a figure
    over a period other than the one claimed is worse than none) a MeasureError naming the nearest
    maps; otherwise the last map on or before the day (:func:`snapshot_on`: a StaleMapWarning for a
    gap in the archive, an error before the archive or more than a week after it).
    """
    check_window(start, end)
    snaps = store.snapshots(source=source)
    if not snaps:
        raise MeasureError(_no_data_message(store, start, end, source))
    a = _period_end(store, snaps, start, source, strict, first=True)
    b = _period_end(store, snaps, end, source, strict, first=False)
    if b.taken_at < a.taken_at:  # a one-day period inside a gap: no change rather than a negative span
        b = a
    return a, b


def _period_end(store, snaps, when, source, strict: bool, first: bool):
    if isinstance(when, dt.datetime):
        return snapshot_on(store, when, source=source)
    day = when - dt.timedelta(days=1) if first else when
    s = map_for_day(snaps, day)
    if s is not None:
        if s.date > day:
            notices.warn(f"no map within {STALE_DAYS} days before the end of {day}: the map of {s.date}, the "
                         "next day, is used", stacklevel=3)
        return s
    if strict:
        before = [x.date for x in snaps if x.date <= day]
        after = [x.date for x in snaps if x.date > day]
        near = "; ".join(([f"last before: {before[-1]}"] if before else []) + ([f"first after: {after[0]}"] if after else []))
        what = "the start of" if first else "the end of"
        raise MeasureError(f"no map for {what} {when} (none within {STALE_DAYS} days before {day} nor on the day "
                           f"after; {near}); the archive has {len(snaps)} maps from {snaps[0].date} to {snaps[-1].date}")
    return snapshot_on(store, day, source=source)


def _no_data_message(store, start, end, source):
    every = store.snapshots(source=source)
    if not every:
        have = store.sources()
        if source and have:  # a mistyped source is not an empty store
            return f"no snapshots of source {source!r}; the store holds {', '.join(have)}"
        return "the store has no snapshots yet: run `frontwatch ingest PATH` or `frontwatch sync deepstate`"
    window = f"{start or '…'} to {end or '…'}" if start else f"on or before {end}"
    return (f"no snapshots {window}; the archive ({every[0].source}) has {len(every)} from "
            f"{every[0].date} to {every[-1].date}")


# ------------------------------------------------------------------ which statuses a source maps

def mapped_statuses(store, source=None) -> tuple:
    """The statuses of which ``source`` (default: the store's main one) has a layer in at least
    one snapshot, in vocabulary order. DeepStateMap's history maps all four; its processed daily
    archive only ``occupied``."""
    return store.source_statuses(source)


def resolve_statuses(store, statuses=None, source=None) -> tuple:
    """The statuses to measure. ``None``, or :data:`~frontwatch.statuses.STATUSES` itself (what
    ``all`` parses to), means every status the source maps. A status asked for by name that the
    source maps in none of its snapshots is a MeasureError: its area there is unknown, and a
    0 km2 would read as a measurement."""
    mapped = mapped_statuses(store, source)
    if statuses is None or statuses is STATUSES:
        return mapped if mapped else STATUSES
    statuses = tuple(statuses)
    missing = [st for st in statuses if st not in mapped]
    if missing and mapped:
        src = source or store.default_source()
        others = [o for o in store.sources() if o != src and all(st in store.source_statuses(o) for st in missing)]
        hint = f"; {', '.join(others)} maps {'it' if len(missing) == 1 else 'them'} (--source {others[0]})" if others else ""
        raise MeasureError(f"source {src} maps no {', '.join(missing)} in any of its snapshots (it maps "
                           f"{', '.join(mapped)}), so that area is unknown there, not 0{hint}")
    return statuses


# ------------------------------------------------------------------ areas

def layer_areas_km2(store, ghashes, region, engine=None) -> dict:
    """``{geom_hash: km2 of that layer inside region}``, from the cache or computed (and cached)."""
    # In the order given (callers give each status's layers in time order): consecutive maps
    # share most of their tiles, which the engine's workers memoise.
    ghashes = list(dict.fromkeys(ghashes))
    keys = {h: f"{h}|{region.key}" for h in ghashes}
    cached = store.cached("area", list(keys.values()))
    out = {h: cached[k] for h, k in keys.items() if k in cached}
    todo = [h for h in ghashes if h not in out]
    if engine is None and todo:
        engine = engine_mod.default_engine()
    if todo:
        prepare_tilings(store, [region])
    # In blocks, so memory stays flat however many layers are new, and each block is cached as done.
    for i in range(0, len(todo), LAYER_BLOCK):
        block = todo[i:i + LAYER_BLOCK]
        wkbs = store.geometry_wkbs(block)
        values = tasks.clipped_areas([wkbs[h] for h in block], region, engine)
        fresh = dict(zip(block, values))
        store.put_cached("area", {keys[h]: v for h, v in fresh.items()})
        out.update(fresh)
    if todo:
        save_tilings(store, [region])
    return out


# Layers measured per block: ~45 MB of WKB on the shared archive (43 KB a layer). Large enough
# that a whole series of the archive goes to the workers at once (one fork, one load balance),
# not in three rounds each waiting for its slowest chunk.
LAYER_BLOCK = 1024


def _in_time_order(hashes: dict, statuses) -> list:
    """The distinct layer hashes of ``{snapshot_id: {status: hash}}`` (snapshots in time order),
    status by status, each status's layers in time order."""
    return list(dict.fromkeys(hs[st] for st in statuses for hs in hashes.values() if st in hs))


def area_series(store, region, statuses=STATUSES, *, start=None, end=None, every=None, source=None,
                engine=None, snapshots=None) -> list[dict]:
    """One record per snapshot and status: the status's area inside ``region``.

    Record: ``date``, ``taken_at``, ``snapshot_id``, ``region``, ``status``, ``km2``, ``sqmi``, and,
    when the map maker published its own figure of the same ground (regions ``ALL``, ``UKR`` and
    ``RUS``: :mod:`frontwatch.analysis.official`), ``official_km2`` and ``diff_pct`` (ours minus
    theirs, in % of theirs), with ``official_note`` saying why they differ where that is known
    (and ``explained_diff_pct``, the difference once that is accounted for).
    """
    snaps = snapshots if snapshots is not None else select_snapshots(store, start=start, end=end, every=every, source=source)
    statuses = resolve_statuses(store, statuses, snaps[0].source if snaps else source)
    hashes = store.all_layer_hashes([s.id for s in snaps])
    needed = _in_time_order(hashes, statuses)
    areas = layer_areas_km2(store, needed, region, engine)
    kms = {s.id: {st: (areas[hashes[s.id][st]] if hashes[s.id].get(st) else 0.0) for st in statuses} for s in snaps}

    official = official_mod.compare(store, [s.id for s in snaps], region, kms)
    out = []
    for s in snaps:
        for st in statuses:
            km2 = kms[s.id][st]
            rec = {"date": s.date.isoformat(), "taken_at": s.taken_at.isoformat(), "snapshot_id": s.id,
                   "region": region.name, "status": st, "km2": _r(km2), "sqmi": _r(km2_to_sqmi(km2))}
            rec.update(official.get(s.id, {}).get(st, {}))
            out.append(rec)
    return out


def area_on(store, region, statuses=STATUSES, date=None, *, source=None, engine=None) -> list[dict]:
    """Area per status on ``date`` (the last snapshot on or before it; latest when None)."""
    s = snapshot_on(store, date, source=source) if date else select_snapshots(store, source=source)[-1]
    return area_series(store, region, statuses, snapshots=[s], engine=engine)


def totals_by_snapshot(records) -> list[dict]:
    """Sum the per-status records of each snapshot: ``{date, taken_at, snapshot_id, region, statuses, km2, sqmi}``."""
    acc: dict = {}
    for r in records:
        t = acc.setdefault(r["snapshot_id"], {"date": r["date"], "taken_at": r["taken_at"], "snapshot_id": r["snapshot_id"],
                                              "region": r["region"], "statuses": [], "km2": 0.0})
        t["statuses"].append(r["status"])
        t["km2"] += r["km2"]
    out = sorted(acc.values(), key=lambda t: t["taken_at"])
    for t in out:
        t["statuses"] = ",".join(t["statuses"])
        t["km2"] = _r(t["km2"])
        t["sqmi"] = _r(km2_to_sqmi(t["km2"]))
    return out


# ------------------------------------------------------------------ peak

def _refuse_mixed_sides(statuses, what: str) -> None:
    if mixes_sides(statuses):
        russian = [s for s in statuses if s in SIDES[RUSSIA]]
        raise MeasureError(f"a {what} of {' + '.join(statuses)} adds Russian-held ground ({', '.join(russian)}) to "
                           "Ukrainian-held ground (ukraine_held): give the statuses of one side (with contested if "
                           "wanted), or a side")


def peak(store, region, statuses, *, until=None, since=None, source=None, engine=None) -> dict:
    """The largest combined area of ``statuses`` in ``region``, and what is left of it.

    Statuses of both sides (``occupied`` with ``ukraine_held``) are a MeasureError: their sum adds
    one side's ground to the other's (:func:`frontwatch.statuses.mixes_sides`).

    Parameters
    ----------
    store : Store
        The store holding the maps.
    region : Region
        Where to measure.
    statuses : sequence of str
        The statuses whose combined area is followed.
    until : datetime.date, optional
        The last day looked at (default: the latest map).
    since : datetime.date, optional
        The first day looked at (default: the first map).
    source : str, optional
        Whose maps (default: the store's default source).
    engine : engine, optional
        Where per-snapshot work runs; None: here.

    Returns
    -------
    dict
        ``region``, ``statuses`` (comma-joined), ``peak_date`` and ``peak_km2``/``peak_sqmi``,
        ``date`` (the last map up to ``until``) and ``km2``/``sqmi`` then, ``lost_km2``/``lost_sqmi``,
        ``share_lost_pct`` (percent of the peak; None when the peak is 0) and ``snapshots`` (maps
        looked at).

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> pk = peak(store, resolve_region("RUS", borders), ("ukraine_held",))
    >>> pk["peak_date"], pk["peak_km2"], pk["date"], pk["km2"], pk["share_lost_pct"]
    ('2024-08-15', 3238.775, '2024-09-15', 1619.387, 50.0)
    >>> store.close()
    """
    snaps = select_snapshots(store, start=since, end=until, source=source)
    statuses = resolve_statuses(store, statuses, snaps[0].source)
    _refuse_mixed_sides(statuses, "peak")
    totals = totals_by_snapshot(area_series(store, region, statuses, snapshots=snaps, engine=engine))
    best = max(totals, key=lambda t: t["km2"])
    last = totals[-1]
    lost = best["km2"] - last["km2"]
    return {"region": region.name, "statuses": ",".join(statuses),
            "peak_date": best["date"], "peak_km2": best["km2"], "peak_sqmi": best["sqmi"],
            "date": last["date"], "km2": last["km2"], "sqmi": last["sqmi"],
            "lost_km2": _r(lost), "lost_sqmi": _r(km2_to_sqmi(lost)),
            "share_lost_pct": _r(100 * lost / best["km2"], 2) if best["km2"] else None,
            "snapshots": len(totals)}


# ------------------------------------------------------------------ sides and change

def side_geometry(layers: dict, side: str, borders: dict, within=None):
    """Ground held by ``side`` (``russia`` or ``ukraine``): its statuses' layers, plus its
    country's land that no layer covers; cut to ``within`` (a polygon) when given."""
    import shapely

    if side not in SIDES:
        raise MeasureError(f"unknown side {side!r}; use {', '.join(SIDES)}")
    if within is not None:
        layers = {k: geodesy.clip_to_region(v, within) for k, v in layers.items()}
    own = [layers[s] for s in SIDES[side] if s in layers]
    country = borders.get(SIDE_COUNTRY[side])
    if country is not None:
        land = geodesy.clip_to_region(country, within) if within is not None else country
        covered = shapely.union_all([g for g in layers.values() if g is not None and not g.is_empty])
        own.append(shapely.difference(land, covered) if not covered.is_empty else land)
    g = shapely.union_all([g for g in own if g is not None and not g.is_empty]) if own else shapely.Polygon()
    return g


def side_share(layers: dict, side: str, borders: dict, region_geom) -> dict:
    """How much of ``region_geom`` (a small polygon: a town's disc) ``side`` holds on one map:
    ``{"region_km2", "held_km2", "held_pct", "with_contested_km2", "with_contested_pct"}``,
    geodesic areas. The side's ground is :func:`side_geometry` (its statuses and its country's
    unmapped land); "with contested" adds the grey zone."""
    import shapely

    held = side_geometry(layers, side, borders, within=region_geom)
    grey = status_geometry(layers, ("contested",), within=region_geom)
    total = geodesy.area_km2(region_geom)
    a = geodesy.area_km2(held)
    b = geodesy.area_km2(shapely.union_all([held, grey])) if not grey.is_empty else a
    pct = (lambda x: 100.0 * x / total) if total > 0 else (lambda x: None)  # noqa: E731
    return {"region_km2": total, "held_km2": a, "held_pct": pct(a), "with_contested_km2": b, "with_contested_pct": pct(b)}


def status_geometry(layers: dict, statuses, within=None):
    """Union of the ``statuses`` layers, cut to ``within`` when given."""
    import shapely

    parts = [layers[s] for s in statuses if s in layers]
    g = shapely.union_all(parts) if parts else shapely.Polygon()
    return geodesy.clip_to_region(g, within) if within is not None else g


def change(store, region, *, start, end, statuses=None, side=None, borders=None, source=None,
           strict: bool = False, geometry: bool = True) -> dict:
    """What ``statuses`` (their union) or ``side`` gained and lost in ``region`` over a period.

    The period's first and last days are measured by :func:`period_maps`: from the state at the
    start of ``start`` (the last map before it) to the last map on or before ``end``. Datetimes are
    instants: the maps at or before them.

    Parameters
    ----------
    store : Store
        The store holding the maps.
    region : Region
        Where to measure.
    start, end : datetime.date or datetime.datetime
        The period's first and last days, inclusive (or two instants).
    statuses : sequence of str, optional
        Measure their union (statuses of one side; ``contested`` may join either).
    side : {"russia", "ukraine"}, optional
        Measure a side: its statuses and its country's land no layer covers (needs ``borders``).
        Exactly one of ``statuses`` and ``side``.
    borders : dict, optional
        Country borders ``{iso_a3: geometry}`` (for a side).
    source : str, optional
        Whose maps (default: the store's default source).
    strict : bool
        A MeasureError rather than a map more than a week away from a day of the period.
    geometry : bool
        Add the ground gained and lost (EPSG:4326) under ``geometry`` (``{"gained", "lost"}``);
        without, a change measured before is answered from the store's cache
        (:func:`change_between`).

    Returns
    -------
    dict
        ``region``, ``what`` (the side or the statuses), ``from_date``/``to_date`` (the maps'
        days) and ``from_snapshot``/``to_snapshot``, ``km2_from``/``km2_to`` (the area before and
        after), ``gained_km2``, ``lost_km2``, ``net_km2`` and their sqmi, ``days`` between the maps,
        ``first_day``/``last_day`` (the period asked for).

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> rec = change(store, resolve_region("UKR", borders), start=dt.date(2024, 8, 2), end=dt.date(2024, 9, 15),
    ...              side="russia", borders=borders, geometry=False)
    >>> rec["from_date"], rec["to_date"], rec["gained_km2"], rec["net_km2"], rec["days"]
    ('2024-08-01', '2024-09-15', 5072.86, 5072.86, 45)
    >>> store.close()

    On the shared archive, ``change(store, resolve_region("UKR", borders), start=date(2024, 11, 1),
    end=date(2024, 11, 30), side="russia", borders=borders)`` measures November 2024 from the map of
    31 October to that of 30 November (``days`` 30).
    """
    if (statuses is None) == (side is None):
        raise MeasureError("give statuses or a side")
    a, b = period_maps(store, start, end, source=source, strict=strict)
    rec = change_between(store, region, a, b, statuses=statuses, side=side, borders=borders, geometry=geometry)
    # The period asked for, beside the maps that measure it (``from_date`` is the day before).
    rec["first_day"], rec["last_day"] = _iso_day(start), _iso_day(end)
    return rec


def _iso_day(d) -> str:
    return d.isoformat() if isinstance(d, dt.datetime) else _as_date(d).isoformat()


SMALL_REGION_DEG2 = 4.0  # a region whose lon/lat box is smaller is overlaid whole (cheap), not by pieces


def change_between(store, region, a, b, *, statuses=None, side=None, borders=None, geometry: bool = True) -> dict:
    """:func:`change` between two given snapshots ``a`` and ``b`` (store SnapshotInfo).

    The ground that changed is found on the layers themselves (their differences between the two
    maps), and only those pieces are cut to the region: overlaying whole layers with a 10 m
    country border took seconds a change. The areas before and after come from the region's
    tiling (:func:`frontwatch.geo.geodesy.tiled_region`, the same figures as area_on to ~1e-6),
    the one after as the one before plus the gain less the loss, so ``net_km2`` equals their
    difference. Checked against the whole-layer overlay on the shared archive: the same figures
    to 0.1 km2 (0.03%).

    The three figures measured (the area before, the gain, the loss) are kept in the store's
    cache under what they depend on (the two maps' layers that take part, the region's key, the
    statuses or the side and its country's border key): with ``geometry=False`` (no ``geometry``
    in the record) a change measured before is answered from the cache, without any overlay."""
    if (statuses is None) == (side is None):
        raise MeasureError("give statuses or a side")
    if statuses is not None:
        statuses = resolve_statuses(store, statuses, a.source)
        _refuse_mixed_sides(statuses, "change")
    if side and borders is None:
        raise MeasureError("side change needs country borders")
    key = _change_key(store, region, a.id, b.id, statuses, side, borders)
    names = [f"{key}|{f}" for f in _CHANGE_FIGURES]
    figures = store.cached("change", names) if not geometry else {}
    shapes = None
    if len(figures) == len(names):
        km2_from, g_km2, l_km2 = (figures[n] for n in names)
    else:
        km2_from, g_km2, l_km2, shapes = _measure_change(store, region, a, b, statuses, side, borders)
        store.put_cached("change", dict(zip(names, (km2_from, g_km2, l_km2))))
    rec = {"region": region.name, "what": side or ",".join(statuses), "from_date": a.date.isoformat(),
           "to_date": b.date.isoformat(), "from_snapshot": a.id, "to_snapshot": b.id,
           "km2_from": _r(km2_from), "km2_to": _r(km2_from + g_km2 - l_km2),
           "gained_km2": _r(g_km2), "lost_km2": _r(l_km2), "net_km2": _r(g_km2 - l_km2),
           "gained_sqmi": _r(km2_to_sqmi(g_km2)), "lost_sqmi": _r(km2_to_sqmi(l_km2)),
           "net_sqmi": _r(km2_to_sqmi(g_km2 - l_km2)), "days": (b.date - a.date).days}
    if geometry:
        rec["geometry"] = shapes
    return rec


_CHANGE_FIGURES = ("km2_from", "gained", "lost")
CHANGE_VERSION = 1  # bumped when _measure_change computes otherwise: figures cached before are not used


def _change_key(store, region, a_id, b_id, statuses, side, borders) -> str:
    """What a change's figures depend on, hashed: the layers of both maps that take part (every
    layer for a side: the land no layer covers is the side's), the region, the statuses or the
    side and its country's borders."""
    import hashlib

    hashes = store.all_layer_hashes([a_id, b_id])
    parts = [f"v{CHANGE_VERSION}", region.key, side or ",".join(statuses)]
    for sid in (a_id, b_id):
        layers = hashes.get(sid, {})
        parts.append(",".join(f"{st}={layers[st]}" for st in sorted(layers) if side or st in statuses))
    if side:
        iso = SIDE_COUNTRY[side]
        key_of = getattr(borders, "key_of", None)
        if key_of is not None and key_of(iso):
            parts.append(key_of(iso))
        elif borders.get(iso) is not None:
            parts.append(regions_mod._key(borders[iso]))
        else:
            parts.append("-")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def _measure_change(store, region, a, b, statuses, side, borders):
    """``(km2 before, gained km2, lost km2, {"gained", "lost"})`` of a change (see :func:`change_between`)."""
    import shapely

    la, lb = store.layers(a.id), store.layers(b.id)
    prepare_tilings(store, [region])  # a tiling saved in the store is loaded, not made again
    if side:
        x0, y0, x1, y1 = region.geometry.bounds
        if borders.get(SIDE_COUNTRY[side]) is not None and (x1 - x0) * (y1 - y0) > SMALL_REGION_DEG2:
            gained, lost, km2_from = _side_change(la, lb, side, borders, region)
        else:  # a town's circle: the whole overlay is cheap there
            ga = side_geometry(la, side, borders, region.geometry)
            gb = side_geometry(lb, side, borders, region.geometry)
            gained, lost, km2_from = shapely.difference(gb, ga), shapely.difference(ga, gb), geodesy.area_km2(ga)
    else:
        ua, ub = status_geometry(la, statuses), status_geometry(lb, statuses)
        gained = pieces_inside(shapely.difference(ub, ua), region.geometry)
        lost = pieces_inside(shapely.difference(ua, ub), region.geometry)
        km2_from = geodesy.tiled_region(region.key, region.geometry).area_km2(ua)
    save_tilings(store, [region])
    return km2_from, geodesy.area_km2(gained), geodesy.area_km2(lost), {"gained": gained, "lost": lost}


def pieces_inside(geom, region_geom):
    """``geom ∩ region_geom`` for a geometry of many small pieces (the ground that changed
    between two maps): pieces inside the region are kept whole, only those its edge crosses are
    overlaid. Polygonal output."""
    import shapely

    if geom is None or geom.is_empty:
        return shapely.Polygon()
    parts = shapely.get_parts(geom)
    parts = parts[shapely.get_type_id(parts) == 3]  # differences may leave lines and points
    if not len(parts):
        return shapely.Polygon()
    shapely.prepare(region_geom)
    inside = shapely.contains(region_geom, parts)
    touched = ~inside & shapely.intersects(region_geom, parts)
    cut = [geodesy.clip_to_region(p, region_geom) for p in parts[touched]]
    keep = list(parts[inside]) + [g for c in cut for g in shapely.get_parts(c) if shapely.get_type_id(g) == 3]
    return shapely.union_all(keep) if keep else shapely.Polygon()


def _side_change(la: dict, lb: dict, side: str, borders: dict, region):
    """(gained, lost, km2 before) of ``side`` in ``region``. Its ground is its statuses plus its
    country's land no layer covers (:func:`side_geometry`), so it changes only where its statuses
    or the covered ground changed: only those pieces are overlaid with the border and the region.
    The area before is its statuses' (the region's tiling) plus its country's uncovered land in
    the region (the region itself when it is that country)."""
    import shapely

    home = borders[SIDE_COUNTRY[side]]
    own_a, own_b = status_geometry(la, SIDES[side]), status_geometry(lb, SIDES[side])
    cov_a = shapely.union_all([g for g in la.values() if g is not None])
    cov_b = shapely.union_all([g for g in lb.values() if g is not None])
    where = shapely.union_all([shapely.symmetric_difference(own_a, own_b), shapely.symmetric_difference(cov_a, cov_b)])
    land = pieces_inside(where, home)

    def ground(own, cov):
        """The side's ground within the changed pieces."""
        return shapely.union(shapely.intersection(own, where), shapely.difference(land, cov))

    ga, gb = ground(own_a, cov_a), ground(own_b, cov_b)
    gained = pieces_inside(shapely.difference(gb, ga), region.geometry)
    lost = pieces_inside(shapely.difference(ga, gb), region.geometry)
    tiled = geodesy.tiled_region(region.key, region.geometry)
    if region.name == SIDE_COUNTRY[side]:
        # The statuses are layers, so own ⊆ covered: ground = own ∩ R, plus R less the covered.
        km2_from = tiled.area_km2(own_a) + _land_km2(region) - tiled.area_km2(cov_a)
    else:
        km2_from = tiled.area_km2(own_a) + geodesy.area_km2(shapely.difference(_home_in(region, side, home), cov_a))
    return gained, lost, km2_from


_HOME_IN: dict = {}


def _home_in(region, side: str, home):
    """The side's country's land inside ``region`` (Crimea lies in both RUS and UKR), once per process."""
    key = (region.key, side)
    if key not in _HOME_IN:
        _HOME_IN[key] = geodesy.clip_to_region(region.geometry, home)
    return _HOME_IN[key]


_LAND: dict = {}


def _land_km2(region) -> float:
    if region.key not in _LAND:
        _LAND[region.key] = geodesy.area_km2(region.geometry)
    return _LAND[region.key]


# ------------------------------------------------------------------ distance from a place

def near_box(lon: float, lat: float, km: float):
    """A lon/lat box reaching at least ``km`` from the point in every direction."""
    import shapely

    dlat = km / 110.0
    dlon = km / (111.32 * max(math.cos(math.radians(lat)), 0.05))
    return shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def distance_km(ground, lon: float, lat: float, *, search_km: float = 300.0) -> float | None:
    """Geodesic km from the point ``lon``/``lat`` to the nearest point of ``ground`` (EPSG:4326), 0
    when the point lies on it; None when nothing lies within ``search_km``. Measured in the
    azimuthal equidistant projection centred on the point, where distances from the centre are
    geodesic."""
    import shapely

    if ground is None or ground.is_empty:
        return None
    # Only the ground near the point is projected.
    near = shapely.clip_by_rect(ground, *near_box(lon, lat, search_km).bounds)
    if near.is_empty:
        return None
    d = shapely.distance(shapely.Point(0.0, 0.0), geodesy.to_local(near, lon, lat)) / 1000.0
    return float(d) if d <= search_km else None


# ------------------------------------------------------------------ many regions at once

def area_series_many(store, regions, statuses=STATUSES, *, start=None, end=None, every=None, source=None,
                     engine=None, snapshots=None) -> list[dict]:
    """:func:`area_series` for many regions in one pass over the geometries: each layer is read
    from the store and projected once, then measured in every region that has no cached figure
    for it. Records as :func:`area_series` (without official figures), region by region."""
    regions = list(regions)
    snaps = snapshots if snapshots is not None else select_snapshots(store, start=start, end=end, every=every, source=source)
    statuses = resolve_statuses(store, statuses, snaps[0].source if snaps else source)
    hashes = store.all_layer_hashes([s.id for s in snaps])
    needed = _in_time_order(hashes, statuses)
    keys = [[f"{h}|{r.key}" for r in regions] for h in needed]
    cached = store.cached("area", [k for row in keys for k in row])
    todo = [i for i, row in enumerate(keys) if any(k not in cached for k in row)]
    if engine is None and todo:
        engine = engine_mod.default_engine()
    if todo:
        prepare_tilings(store, regions)
    areas = {k: v for k, v in cached.items()}
    for b in range(0, len(todo), LAYER_BLOCK):
        block = todo[b:b + LAYER_BLOCK]
        wkbs = store.geometry_wkbs([needed[i] for i in block])
        km2 = tasks.areas_many([wkbs[needed[i]] for i in block], regions, engine)
        fresh = {keys[i][j]: float(km2[n, j]) for n, i in enumerate(block) for j in range(len(regions))
                 if keys[i][j] not in cached}
        store.put_cached("area", fresh)
        areas.update(fresh)
    if todo:
        save_tilings(store, regions)
    out = []
    for r in regions:
        for s in snaps:
            for st in statuses:
                h = hashes[s.id].get(st)
                km2 = areas[f"{h}|{r.key}"] if h else 0.0
                out.append({"date": s.date.isoformat(), "taken_at": s.taken_at.isoformat(), "snapshot_id": s.id,
                            "region": r.name, "status": st, "km2": _r(km2), "sqmi": _r(km2_to_sqmi(km2))})
    return out
