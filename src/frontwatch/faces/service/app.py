"""The JSON API and the map UI of ``frontwatch serve``: one FastAPI app over one store.

Each endpoint parses its query (the same options as the CLI command of the same name), asks the
:class:`~frontwatch.workspace.Workspace` of the store's current view ONE question (the one the
CLI command asks) and returns its records as JSON; nothing is computed here. Shapes for the map
are simplified for display only (the numbers are always measured on the full-resolution
geometries by the library).

The routes are FastAPI routers, one module per topic, included here in this order (the order
of the schema's paths): :mod:`~frontwatch.faces.service.meta` (health, regions, places,
snapshots), :mod:`~frontwatch.faces.service.areas` (area, change, peak),
:mod:`~frontwatch.faces.service.maps` (layers, borders), :mod:`~frontwatch.faces.service.front`
(front, advance), :mod:`~frontwatch.faces.service.settlements`,
:mod:`~frontwatch.faces.service.claims`, :mod:`~frontwatch.faces.service.writes` (in the schema
only with a token) and :mod:`~frontwatch.faces.service.ui` (the map page, and the 404/405 of an
unknown ``/api/`` path). What they share is in :mod:`~frontwatch.faces.service.state` (the
views of the store, the pools, the cache, the warm-up; why it is built that way is there),
:mod:`~frontwatch.faces.service.query` (the query vocabulary) and
:mod:`~frontwatch.faces.service.responses` (JSON and errors); shapes are simplified for display
by :mod:`frontwatch.geo.display`. A route reaches the state through the ``StateDep``
dependency (``request.app.state.frontwatch``).

May import: fastapi, starlette, and frontwatch.faces.service.*.
"""
from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontwatch import __version__
from frontwatch.faces.service import areas, claims, front, maps, meta, settlements, ui, writes
from frontwatch.faces.service.query import PATTERN_HINTS, TOLERANCE_LEVELS, snap_tolerance
from frontwatch.faces.service.responses import JSONBytes, LibraryFailure, api_words, error, library_error
from frontwatch.faces.service.state import (BodyLimit, FastAnswers, ServiceConfig, State, _warm_places, warm_queries,
                                            warm_view)
from frontwatch.faces.service.ui import STATIC_DIR

__all__ = ["create_app", "ServiceConfig", "State", "STATIC_DIR", "TOLERANCE_LEVELS", "api_words", "snap_tolerance",
           "warm_queries", "warm_view"]

ROUTERS = (meta, areas, maps, front, settlements, claims)  # then writes and ui, which need the config


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The FastAPI application for ``config`` (opens the store now: StoreError if it cannot)."""
    config = config or ServiceConfig()
    state = State(config)

    # No lifespan hook closes anything: an ASGI client may run startup/shutdown around every call
    # (schemathesis does); State.close() is for whoever owns the app (running_server, tests).
    # Startup warms the store's first view, once (with config.warm), before the server listens.
    # No /docs or /redoc: FastAPI's pages load their scripts from a CDN, and frontwatch fetches
    # nothing from outside at run time. The schema itself is at /openapi.json.
    @contextlib.asynccontextmanager
    async def lifespan(app):
        if config.warm:
            await asyncio.get_running_loop().run_in_executor(state.pools["light"], _warm_places)
            view = state.view()
            if state.warmed_generation != view.generation:
                state.warmed_generation = view.generation
                try:
                    await asyncio.wait_for(warm_view(app, view), config.timeout_s)
                except asyncio.TimeoutError:
                    pass  # what is not warm yet is computed on demand
            # Then, in the background, the date slider's recent maps, and after them the claims
            # workers (whose start would compete with the first visitors' queries for the cores).
            state._start_warm(view, first=False, then=lambda: state.claims.start(warm=True))
        yield

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None, redoc_url=None,
        title="frontwatch",
        version=__version__,
        description="Verified numbers from front-line control maps: areas, changes, peaks, front lines, "
                    "advances and settlements from the snapshots in a frontwatch store, and checks of the "
                    "numeric claims of news articles. Every page of the map UI at / is made from these "
                    "endpoints.",
        default_response_class=JSONBytes,
    )
    app.state.frontwatch = state
    state.app = app

    @app.exception_handler(RequestValidationError)
    async def _validation(request, exc):
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
        if first.get("type") == "string_pattern_mismatch":
            hint = PATTERN_HINTS.get(where, "not in the accepted form")
            msg = f"{where}: {first.get('input')!r} is not valid: {hint}"
        else:
            msg = f"{where}: {first.get('msg', 'invalid')}" if where else first.get("msg", "invalid request")
        return JSONBytes({"error": msg}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc):
        return error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(LibraryFailure)
    async def _lib(request, exc):
        return exc.response

    for module in ROUTERS:
        app.include_router(module.router)
    app.include_router(writes.router, include_in_schema=not state.read_only)
    app.include_router(ui.router)
    ui.add_ui(app)

    # Run library work inside the handlers' own error mapping: a library error raised directly by
    # state.run() (health) becomes JSON too.
    @app.exception_handler(Exception)
    async def _any(request, exc):
        resp = library_error(exc)
        return resp if resp is not None else error(500, f"internal error ({type(exc).__name__})")

    app.add_middleware(FastAnswers, state=state)
    app.add_middleware(BodyLimit, limits={"/api/claims/extract": config.max_claims_bytes * 4,
                                          "/api/claims/check": config.max_claims_bytes * 4,
                                          "/api/ingest": config.max_upload_bytes},
                       default=config.max_other_bytes)
    return app
