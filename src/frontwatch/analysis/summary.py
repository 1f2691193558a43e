"""The region summary of the main job (`frontwatch run`): the latest map's areas per status, the
change over the last week and month, and the peak with the share lost since, for one region.

Chooses which figures the summary holds (the statuses present, the windows the store covers) and
asks :mod:`~frontwatch.analysis.holdings` and :mod:`~frontwatch.analysis.measure` for them; the
faces ask it through :meth:`frontwatch.workspace.Workspace.summary`.

May import: frontwatch.analysis.holdings, frontwatch.analysis.measure, frontwatch.statuses.
"""
from __future__ import annotations

import datetime as dt

from frontwatch.analysis.holdings import area_by_status
from frontwatch.analysis.measure import MeasureError, change, peak, snapshot_on
from frontwatch.statuses import OCCUPIED, OCCUPIED_BEFORE_2022, STATUSES, UKRAINE_HELD, CONTESTED

__all__ = ["region_summary"]


def region_summary(store, region, date=None, *, source=None, borders=None) -> dict:
    """Everything the main job (``frontwatch run``) prints for ``region`` on ``date``.

    Statuses below a tenth of the largest are border slivers, listed but given no change or peak.

    Parameters
    ----------
    store : Store
        The store holding the maps.
    region : Region
        The region reported on.
    date : datetime.date, optional
        The day (default: the latest map).
    source : str, optional
        Whose maps (default: the store's default source).
    borders : dict, optional
        Country borders: border slivers are left out of the areas
        (:func:`frontwatch.analysis.holdings.area_by_status`).

    Returns
    -------
    dict
        ``region``, ``date`` and ``taken_at`` of the map, ``source``, the store's ``snapshots``,
        ``first`` and ``last`` days, ``areas`` (per status, km2 and sqmi), ``changes`` (over the
        last 7 and 30 days, each with ``window_days``) and ``peaks`` (with ``share_lost_pct``).

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> rep = region_summary(store, resolve_region("RUS", borders), borders=borders)
    >>> rep["date"], [(c["what"], c["window_days"], c["net_km2"]) for c in rep["changes"]]
    ('2024-09-15', [('ukraine_held', 7, -809.694), ('ukraine_held', 30, -1619.387)])
    >>> store.close()
    """
    snaps = store.snapshots(source=source)
    if not snaps:
        raise MeasureError("the store has no snapshots yet: run `frontwatch ingest PATH` or `frontwatch sync deepstate`")
    snap = snapshot_on(store, date, source=source) if date else snaps[-1]
    areas = area_by_status(store, region, STATUSES, date=snap.taken_at, source=source,
                           borders=borders if region.name.upper() != "ALL" else None, shares=False)
    # Statuses below a tenth of the largest are border slivers (DeepStateMap's border line is not
    # OSM's), not territory worth a trend line; their areas are still listed.
    largest = max((r["km2"] for r in areas), default=0.0)
    present = [r["status"] for r in areas if r["km2"] > 0 and r["km2"] >= 0.1 * largest]
    changes = []
    for days in (7, 30):
        # The last ``days`` days up to the map: a period whose first day is days-1 before it, so
        # measured from the map ``days`` before (measure.period_maps, the rule of every face).
        start = snap.date - dt.timedelta(days=days - 1)
        if start - dt.timedelta(days=1) < snaps[0].date:
            continue
        for statuses in ((UKRAINE_HELD,), (OCCUPIED, OCCUPIED_BEFORE_2022), (CONTESTED,)):
            if not any(s in present for s in statuses):
                continue
            c = change(store, region, start=start, end=snap.taken_at, statuses=statuses, source=source, geometry=False)
            c["window_days"] = days
            changes.append(c)
    peaks = []
    for statuses in ((UKRAINE_HELD,), (OCCUPIED,)):
        if statuses[0] in present:
            peaks.append(peak(store, region, statuses, until=snap.taken_at, source=source))
    return {"region": region.name, "date": snap.date.isoformat(), "taken_at": snap.taken_at.isoformat(),
            "source": snap.source, "snapshots": len(snaps), "first": snaps[0].date.isoformat(),
            "last": snaps[-1].date.isoformat(), "areas": areas, "changes": changes, "peaks": peaks}
