"""The web face of frontwatch: a JSON API over the store and the map UI that uses it.

:func:`create_app` builds a FastAPI application; ``frontwatch serve`` runs it under uvicorn.
Every number the API returns comes from the same :class:`~frontwatch.workspace.Workspace`
questions the CLI asks; this package only parses queries (one router module per topic), asks one
question, and shapes the answer as JSON or GeoJSON. May import: fastapi, starlette, orjson,
shapely and any frontwatch library module (never frontwatch.faces.cli).
"""
from frontwatch.faces.service.app import ServiceConfig, create_app

__all__ = ["ServiceConfig", "create_app"]
