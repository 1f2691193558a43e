"""The API's claims routes: the numeric claims of an article (``/api/claims/extract``) and their
check against the maps (``/api/claims/check``), each run in a worker process killed when its
time budget runs out (:mod:`frontwatch.faces.service.isolated`).

May import: fastapi, frontwatch.faces.service.*.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from frontwatch.faces.service.query import ClaimsRequest
from frontwatch.faces.service.responses import ERRORS
from frontwatch.faces.service.state import StateDep

router = APIRouter()


@router.post("/api/claims/extract", tags=["claims"], summary="The numeric claims of an article", responses=ERRORS)
async def claims_extract(state: StateDep, body: Annotated[ClaimsRequest, Body()]):
    # In a worker process, killed if it passes the time budget (frontwatch.faces.service.isolated).
    fn = state.isolated("claims_extract", (body.text, body.published), state.config.claims_timeout_s)
    return await state.run_answer("claims_extract", dict(text=body.text, published=body.published), fn)



@router.post("/api/claims/check", tags=["claims"], summary="The claims of an article checked against the maps",
             responses=ERRORS)
async def claims_check(state: StateDep, body: Annotated[ClaimsRequest, Body()]):
    fn = state.isolated("claims_check", (body.text, body.published), state.config.claims_timeout_s)
    return await state.run_answer("claims_check", dict(text=body.text, published=body.published), fn)
