"""The API's front routes: the front line on a date (``/api/front``, simplified for display
only) and the advance of each side near a place (``/api/advance``), from the view's workspace.

May import: fastapi, shapely, frontwatch library modules, frontwatch.faces.service.*.
"""
from __future__ import annotations

from typing import Annotated

import shapely
from fastapi import APIRouter, Query

from frontwatch.faces.service.query import (RADIUS_HELP, RADIUS_PATTERN, Every, IsoDate, OptDate, Region, Source,
                                            Tolerance, snap_tolerance)
from frontwatch.faces.service.responses import ERRORS, feature_collection
from frontwatch.faces.service.state import StateDep
from frontwatch.geo.display import display_shape, geojson_geometry
from frontwatch.geo.regions import parse_radius_km

router = APIRouter()


@router.get("/api/front", tags=["shapes"], summary="The front line on a date (GeoJSON and length)", responses=ERRORS)
async def front(state: StateDep, date: OptDate = None, region: Region = "ALL", tolerance: Tolerance = 0.0, source: Source = None):
    tolerance = snap_tolerance(tolerance)

    def fn():
        recs = state.memo.get(("front", state.generation, date, region, source), lambda: state.ws.front(
            state.region(region), date=date, source=source))
        rec = recs[-1].to_record()
        geom = rec.pop("geometry")
        return {"type": "Feature", "properties": rec,
                "geometry": geojson_geometry(display_shape(geom, tolerance)) or
                {"type": "MultiLineString", "coordinates": []},
                "length_km": rec["length_km"], "date": rec["date"]}
    return await state.run_answer("front", dict(date=date, region=region, tolerance=tolerance, source=source), fn)



@router.get("/api/advance", tags=["measures"], summary="Advance of each side near a place", responses=ERRORS)
async def advance(state: StateDep, near: Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[^/\\:]+$",
                                             description="A place name or lat,lon")],
                  start: Annotated[IsoDate, Query(alias="from", description="First day, YYYY-MM-DD")],
                  end: Annotated[IsoDate, Query(alias="to", description="Last day, YYYY-MM-DD")],
                  radius: Annotated[str, Query(max_length=12, pattern=RADIUS_PATTERN, description=RADIUS_HELP)] = "15km",
                  every: Every = None, geometry: bool = False, source: Source = None):
    def fn():
        recs = state.ws.advance(near, parse_radius_km(radius), start=start, end=end, every=every, source=source)
        out = []
        for r in (a.to_record() for a in recs):
            g = r.pop("geometry", None)
            if geometry and isinstance(g, dict):
                r["geojson"] = feature_collection([
                    {"type": "Feature", "properties": {"part": k}, "geometry": geojson_geometry(v)}
                    for k, v in g.items() if isinstance(v, shapely.Geometry) and not v.is_empty])
            out.append(r)
        return {"records": out}
    return await state.run_answer("advance", dict(near=near, start=start, end=end, radius=radius, every=every,
                                            geometry=geometry, source=source), fn)
