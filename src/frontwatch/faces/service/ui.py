"""The map UI: the built web page at ``/`` (or a page saying how to build it), and the answer to
a path under ``/api/`` that no route takes (404, or 405 naming the methods the path takes).

May import: fastapi, frontwatch.faces.service.responses.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from frontwatch.faces.service.responses import error

STATIC_DIR = Path(__file__).resolve().parent / "static"

router = APIRouter()


@router.get("/api/{rest:path}", include_in_schema=False)
async def api_not_found(rest: str, request: Request):
    # A path that exists for other methods (GET on a POST-only endpoint) is a 405.
    allowed = sorted({m for r in _routes(request.app.router.routes) if getattr(r, "methods", None)
                      and getattr(r, "endpoint", None) is not api_not_found
                      and r.path_regex.match(request.url.path) for m in r.methods} - {"HEAD"})
    if allowed:
        return error(405, f"/api/{rest} takes {', '.join(allowed)}, not GET", headers={"Allow": ", ".join(allowed)})
    return error(404, f"no endpoint /api/{rest}: see /openapi.json")


def _routes(routes):
    """The routes of the app, those of its included routers too (FastAPI keeps an included router
    as one route of its own since 0.16x; the routers here have no prefix, so their routes' paths
    are the app's)."""
    for r in routes:
        inner = getattr(r, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield r


async def no_ui():
    return HTMLResponse(
        "<!doctype html><title>frontwatch</title><h1>frontwatch API</h1>"
        "<p>The map UI is not built in this installation: run <code>npm ci && npm run build</code> "
        "in <code>web/</code>. The API works: see <a href='/openapi.json'>/openapi.json</a> and "
        "<a href='/api/health'>/api/health</a>.</p>")


def add_ui(app: FastAPI) -> None:
    """Serve the built map UI at ``/`` (after every API route), or a page saying how to build it."""
    if (STATIC_DIR / "index.html").exists():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="ui")
    else:
        app.add_api_route("/", no_ui, include_in_schema=False, response_class=HTMLResponse)
