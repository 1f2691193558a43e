"""The API's settlements route: the status and side of each settlement on a date, or the changes
of hands between two dates (``/api/settlements``), from the view's workspace.

May import: fastapi, frontwatch library modules, frontwatch.faces.service.*.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from frontwatch.faces.service.query import (RADIUS_HELP, RADIUS_PATTERN, REGION_HELP, REGION_PATTERN, From, OptDate,
                                            Source, To)
from frontwatch.faces.service.responses import ERRORS
from frontwatch.faces.service.state import StateDep
from frontwatch.geo.regions import parse_radius_km

router = APIRouter()


@router.get("/api/settlements", tags=["measures"], summary="Status and side of each settlement on a date, or the changes of hands between two dates",
            responses=ERRORS)
async def settlements(state: StateDep, region: Annotated[str | None, Query(max_length=200, pattern=REGION_PATTERN,
                                                          description=REGION_HELP)] = None,
                      near: Annotated[str | None, Query(max_length=100, pattern=r"^[^/\\:]+$",
                                                        description="A place name or lat,lon (with radius)")] = None,
                      radius: Annotated[str, Query(max_length=12, pattern=RADIUS_PATTERN, description=RADIUS_HELP)] = "20km",
                      date: OptDate = None, start: From = None, end: To = None, source: Source = None):
    def fn():
        # As in the CLI: near (with radius), when given, wins over region; neither means UKR.
        reg = state.region(f"{near}:{parse_radius_km(radius):g}km" if near is not None else (region or "UKR"))
        found = state.ws.settlements(reg, date=date, start=start, end=end, source=source)
        recs = [r.to_record() for r in found]
        if date or not (start or end):
            return {"region": reg.to_record(), "records": recs}
        return {"region": reg.to_record(), "records": recs, "summary": state.ws.settlement_summary(found)}
    return await state.run_answer("settlements", dict(region=region, near=near, radius=radius, date=date,
                                                start=start, end=end, source=source), fn)
