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


def region_summary(store, region, date=None, *, source=None, borders=None) -> dict:
    """Everything the main job prints for ``region`` on ``date`` (default: the latest snapshot).
    With ``borders``, border slivers are left out of the areas (frontwatch.analysis.holdings)."""
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
