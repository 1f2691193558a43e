"""The API's area routes: the area of each status (``/api/area``), the area gained and lost
between two dates (``/api/change``), the peak and the share lost since (``/api/peak``); each asks
the view's :class:`~frontwatch.workspace.Workspace` the question ``frontwatch area``, ``change``
and ``peak`` ask.

May import: fastapi, frontwatch library modules, frontwatch.faces.service.*.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from frontwatch.faces.service.query import (STATUS_PATTERN, Every, From, IsoDate, OptDate, Region, Source, Statuses, To,
                                            Tolerance, snap_tolerance)
from frontwatch.faces.service.responses import ERRORS, feature_collection
from frontwatch.faces.service.state import StateDep
from frontwatch.geo.display import display_shape, geojson_geometry

router = APIRouter()


@router.get("/api/area", tags=["measures"], summary="Area of each status in a region, on a date or as a series",
            responses=ERRORS)
async def area(state: StateDep, region: Region = "UKR", status: Statuses = "all", date: OptDate = None,
               start: From = None, end: To = None, every: Every = None, source: Source = None,
               slivers: Annotated[Literal["leave_out", "keep"], Query(
                   description="Border slivers (Russia's statuses inside Russia narrower than 3 km along Ukraine's "
                               "border): left out of km2 (default, given in border_slivers_km2) or kept")] = "leave_out"):
    def fn():
        reg = state.region(region)
        # "all" is every status the source maps (the daily archive maps occupied only).
        statuses = state.ws.statuses(status, source)
        areas = state.ws.area(reg, statuses, date=date, start=start, end=end, every=every, source=source,
                              slivers=slivers)
        # Each status's record has share_pct (of the region's land) and, for Russia's statuses in
        # Russia, its border slivers left out (border_slivers_km2); each side's total (its
        # statuses and its country's land no layer covers) comes under "sides", never both added.
        sides = [a for a in areas if a.side is not None]
        areas = [a for a in areas if a.side is None]
        return {"region": reg.to_record(), "statuses": list(statuses), "records": [a.to_record() for a in areas],
                "totals": state.ws.area_totals(areas), "sides": [a.to_record() for a in sides]}
    return await state.run_answer("area", dict(region=region, status=status, date=date, start=start, end=end,
                                         every=every, source=source, slivers=slivers), fn)



@router.get("/api/change", tags=["measures"], summary="Area gained and lost between two dates", responses=ERRORS)
async def change(state: StateDep, start: Annotated[IsoDate, Query(alias="from", description=(
                     "First day of the period, YYYY-MM-DD (inclusive): measured from the state at its start, "
                     "i.e. the last map before it (from=2024-11-01 starts from the map of 31 October)"))],
                 end: Annotated[IsoDate, Query(alias="to", description=(
                     "Last day of the period, YYYY-MM-DD (inclusive): the last map on or before it"))],
                 region: Region = "UKR",
                 status: Annotated[str | None, Query(max_length=200, pattern=STATUS_PATTERN,
                                                     description="Statuses (their union); default: side russia")] = None,
                 side: Annotated[Literal["russia", "ukraine"] | None, Query()] = None,
                 geometry: Annotated[bool, Query(description="Include the gained and lost areas as GeoJSON")] = False,
                 tolerance: Tolerance = 0.002, source: Source = None):
    tolerance = snap_tolerance(tolerance)

    def fn():
        # As in the CLI: a side, when given, wins over statuses; neither means side russia.
        rec = state.ws.change(state.region(region), start=start, end=end, statuses=status, side=side,
                              source=source, geometry=geometry).to_record()
        geoms = rec.pop("geometry", {})
        if geometry:
            rec["geojson"] = feature_collection([
                {"type": "Feature", "properties": {"change": k, "from": rec["from_date"], "to": rec["to_date"]},
                 "geometry": geojson_geometry(display_shape(g, tolerance))}
                for k, g in geoms.items() if not g.is_empty])
        return rec
    return await state.run_answer("change", dict(start=start, end=end, region=region, status=status, side=side,
                                           geometry=geometry, tolerance=tolerance, source=source), fn)



@router.get("/api/peak", tags=["measures"], summary="Peak of an area and the share lost since", responses=ERRORS)
async def peak(state: StateDep, region: Region = "UKR", status: Statuses = "ukraine_held",
               until: OptDate = None, since: OptDate = None, source: Source = None):
    def fn():
        return state.ws.peak(state.region(region), status, until=until, since=since, source=source).to_record()
    return await state.run_answer("peak", dict(region=region, status=status, until=until, since=since,
                                         source=source), fn)
