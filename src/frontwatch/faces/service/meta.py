"""The API's meta and data routes: service status, the regions the store can be cut to, the
gazetteer's places to label, the stored snapshots.

May import: fastapi, shapely, frontwatch library modules, frontwatch.faces.service.*.
"""
from __future__ import annotations

from typing import Annotated

import shapely
from fastapi import APIRouter, Query

from frontwatch import __version__
from frontwatch.faces.service.query import _NUM, From, Source, To
from frontwatch.faces.service.responses import ERRORS, JSONBytes
from frontwatch.faces.service.state import StateDep
from frontwatch.geo import places as gazetteer

router = APIRouter()


@router.get("/api/health", tags=["meta"], summary="Service status")
async def health(state: StateDep):
    broken = state.check_store()
    if broken is not None:
        return broken

    def fn():
        summ = state.store.summary()
        return {"status": "ok", "version": __version__, "read_only": state.read_only,
                "writes_enabled": not state.read_only,
                "snapshots": sum(s["snapshots"] for s in summ["sources"]), "sources": summ["sources"],
                "generation": state.generation, "claims_workers": len(state.claims.pids())}
    return JSONBytes(await state.run(fn))



@router.get("/api/regions", tags=["meta"], summary="Country codes and named first-level regions (oblasts) available as regions",
            responses=ERRORS)
async def regions(state: StateDep):
    def fn():
        # The oblasts the store holds (`frontwatch admin FILE`), with their ISO 3166-2 code,
        # English, Ukrainian and Russian names and land km2; never downloaded during a request.
        units, notes = state.ws.named_regions()
        return {"countries": sorted(state.borders),
                "units": [u for u in units if u["iso"] != u["country"]], "notes": notes,
                "forms": ["ALL", "ISO-3 code", "oblast name or ISO 3166-2 code (A+B for a union)", "Place:15km",
                          "lat,lon:15km", "bbox:minlon,minlat,maxlon,maxlat"]}
    return await state.run_answer("regions", {}, fn)



@router.get("/api/places", tags=["data"], summary="Settlements to label on the map in a box, largest first",
            responses=ERRORS)
async def places(state: StateDep, bbox: Annotated[str, Query(max_length=200, pattern=rf"^{_NUM},{_NUM},{_NUM},{_NUM}$",
                                            description="minlon,minlat,maxlon,maxlat")],
                 limit: Annotated[int, Query(ge=1, le=200)] = 40):
    def fn():
        x0, y0, x1, y1 = (float(v) for v in bbox.split(","))
        if x0 >= x1 or y0 >= y1:  # an empty box holds no place
            return {"places": [], "source": "GeoNames"}
        found = gazetteer.label_places(gazetteer.settlements_in(shapely.box(x0, y0, x1, y1)), limit)
        # Largest first, without city districts: the names a reader looks for at this view.
        return {"places": [{"name": r.name, "country": r.country, "population": int(r.population),
                            "lat": float(r.lat), "lon": float(r.lon)} for r in found.itertuples()],
                "source": "GeoNames"}
    return await state.run_answer("places", dict(bbox=bbox, limit=limit), fn)



@router.get("/api/snapshots", tags=["data"], summary="Stored snapshots (one per published map)", responses=ERRORS)
async def snapshots(state: StateDep, start: From = None, end: To = None, source: Source = None):
    return await state.run_answer("snapshots", dict(start=start, end=end, source=source), lambda: {
        "snapshots": [s.to_record() for s in state.store.snapshots(source=source, start=start, end=end)]})
