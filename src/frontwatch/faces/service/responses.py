"""What the JSON API answers: JSON rendered by orjson, the one-line ``{"error": ...}`` answers,
and how a library exception becomes one (its status, its message in the API's words).

May import: fastapi, orjson, shapely, frontwatch.geo.display, frontwatch.faces.service.isolated.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import orjson
import shapely
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from frontwatch.faces.service.isolated import error_status
from frontwatch.geo.display import geojson_geometry

# ------------------------------------------------------------------ JSON


def _default(obj):
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, shapely.Geometry):
        return geojson_geometry(obj)
    if isinstance(obj, (set, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(type(obj).__name__)


def dumps(obj) -> bytes:
    return orjson.dumps(obj, default=_default, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


class JSONBytes(JSONResponse):
    """JSON rendered by orjson (dates, numpy numbers, shapes); bytes pass through (cached answers)."""

    def render(self, content) -> bytes:
        return content if isinstance(content, bytes) else dumps(content)


def error(status: int, message: str, headers=None) -> JSONBytes:
    return JSONBytes({"error": message}, status_code=status, headers=headers)


def feature_collection(features, **extra) -> dict:
    return {"type": "FeatureCollection", "features": features, **extra}


# ------------------------------------------------------------------ errors


class Error(BaseModel):
    error: str = Field(description="One-line explanation.")


class Unavailable(Exception):
    """A library feature this installation does not have (yet)."""


ERRORS = {
    400: {"model": Error, "description": "Malformed query"},
    404: {"model": Error, "description": "No data for that query (no snapshot, unknown country or place)"},
    413: {"model": Error, "description": "Request body too large"},
    422: {"model": Error, "description": "Invalid parameter"},
    501: {"model": Error, "description": "Not available in this installation"},
    504: {"model": Error, "description": "Took longer than the service's time limit"},
}
AUTH_ERRORS = {401: {"model": Error, "description": "No bearer token"},
               403: {"model": Error, "description": "Wrong token, or the service is read-only"},
               502: {"model": Error, "description": "The map site could not be reached"}}


def one_line(exc) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_FLAG_WORDS = {"--source": "source=", "--replace": "replace=true", "--published": "published="}


def api_words(message: str) -> str:
    """A library message as the API's user reads it: the query's parameter names, not the CLI's
    flags (``--from`` -> ``from``, ``--source X`` -> ``source=X``)."""
    message = re.sub(r"(--source|--published) ", lambda m: _FLAG_WORDS[m.group(1)], message)
    message = message.replace("--replace", _FLAG_WORDS["--replace"])
    return re.sub(r"--([a-z][a-z-]*)", r"\1", message)


def library_error(exc) -> JSONBytes | None:
    """The JSON answer for a library exception, or None for a bug (then: 500)."""
    if isinstance(exc, BadQuery):
        return error(422, str(exc))
    if isinstance(exc, Unavailable):
        return error(501, one_line(exc))
    got = error_status(exc)
    return None if got is None else error(got[0], api_words(got[1]))


class BadQuery(ValueError):
    """A query the schema admits but that cannot be answered as asked (a period that ends before
    it starts, an inverted box, coordinates off the globe): 422, not "no data"."""


class LibraryFailure(Exception):
    def __init__(self, response):
        self.response = response
