"""The API's map routes: the status polygons of one snapshot (``/api/layers``) and the country
borders (``/api/borders``), simplified for display only (:mod:`frontwatch.geo.display`).

May import: fastapi, frontwatch library modules, frontwatch.faces.service.*.
"""
from __future__ import annotations

from fastapi import APIRouter

from frontwatch.faces.service.query import OptDate, Source, Tolerance, snap_tolerance
from frontwatch.faces.service.responses import ERRORS, feature_collection
from frontwatch.faces.service.state import StateDep
from frontwatch.geo.display import display_borders, display_shape, geojson_geometry

router = APIRouter()


@router.get("/api/layers", tags=["shapes"], summary="The status polygons of one snapshot (GeoJSON)", responses=ERRORS)
async def layers(state: StateDep, date: OptDate = None, tolerance: Tolerance = 0.005, source: Source = None):
    tolerance = snap_tolerance(tolerance)

    def fn():
        s = state.ws.snapshot(date, source=source)
        feats = [{"type": "Feature", "properties": {"status": st, "date": s.date.isoformat(), "snapshot_id": s.id},
                  "geometry": geojson_geometry(display_shape(g, tolerance))}
                 for st, g in sorted(state.store.layers(s.id).items())]
        return feature_collection(feats, snapshot=s.to_record(), tolerance=tolerance)
    return await state.run_answer("layers", dict(date=date, tolerance=tolerance, source=source), fn)



@router.get("/api/borders", tags=["shapes"], summary="Country borders for the map (GeoJSON)", responses=ERRORS)
async def borders(state: StateDep, tolerance: Tolerance = 0.01):
    # A few levels (each new value cost 2.8 s of CPU and 8 MB of cache); coordinates are on a
    # 1e-4 degree grid anyway.
    tolerance = snap_tolerance(tolerance)

    def fn():
        isos = sorted(state.borders)
        shapes = display_borders([state.borders[iso] for iso in isos], tolerance)
        return feature_collection([
            {"type": "Feature", "properties": {"iso_a3": iso}, "geometry": geojson_geometry(g, 4)}
            for iso, g in zip(isos, shapes)], tolerance=tolerance)
    return await state.run_answer("borders", dict(tolerance=tolerance), fn)
