"""The JSON API's query vocabulary: the parameters every endpoint shares (region, statuses,
dates, source, display tolerance, radius), with the patterns and help the schema states, and
the checks of what the schema cannot state (a file path as a region, an absurd radius).

May import: fastapi, pydantic, frontwatch.geo.regions, frontwatch.faces.service.responses.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, BeforeValidator, Field

from frontwatch.faces.service.responses import BadQuery
from frontwatch.geo.regions import RegionError, parse_radius_km

TOLERANCE_LEVELS = (0.0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05)  # degrees, for display


def snap_tolerance(tolerance: float) -> float:
    """The largest of :data:`TOLERANCE_LEVELS` not above ``tolerance`` (what the answer uses)."""
    return max(t for t in TOLERANCE_LEVELS if t <= tolerance + 1e-12)


STATUS_WORDS = "occupied|occupied_before_2022|ukraine_held|contested|russia|ukraine"
STATUS_PATTERN = rf"^(all|(?:{STATUS_WORDS})(?:,(?:{STATUS_WORDS}))*)$"
_NUM = r"-?\d{1,3}(?:\.\d{1,6})?"
# A named first-level region (an oblast in any script, "UA-14"), or several joined with "+".
_UNIT = r"[^\W\d_][\w' .-]*"  # unbounded: a bounded Unicode class blows the regex engine's size limit
REGION_PATTERN = (rf"^(ALL|all|[A-Za-z]{{3}}|bbox:{_NUM},{_NUM},{_NUM},{_NUM}|"
                  rf"[^/\\:]{{1,80}}:[1-9]\d{{0,2}}(?:\.\d{{1,3}})?(?:km|m|mi)?|"
                  rf"{_UNIT}(?:\+{_UNIT})*)$")
REGION_HELP = ("ALL, an ISO-3 country code (RUS, UKR), an oblast by name or ISO 3166-2 code (Donetsk oblast, "
               "UA-14; A+B for a union; /api/regions lists them), Place:15km, lat,lon:15km, or "
               "bbox:minlon,minlat,maxlon,maxlat. Files are not accepted over HTTP.")
MAX_RADIUS_KM = 2000.0  # above the largest radius the pattern admits (999 mi)
# The radius of /api/advance and /api/settlements, written as on the command line: "15", "15km",
# "500m" or "10mi", from 1 km (or 1 m) up to 100 km. The pattern admits only radii in that range
# (100 km = 62.1 mi), so every string it matches is answered.
RADIUS_PATTERN = r"^(?:(?:[1-9]\d?(?:\.\d{1,3})?|100)(?:\s?km)?|[1-9]\d{0,4}\s?m|(?:[1-9]|[1-5]\d|6[01])(?:\.\d{1,3})?\s?mi)$"
RADIUS_HELP = "Circle radius: 15 or 15km (km), 500m, 10mi; at most 100 km"
PATTERN_HINTS = {"region": "expected " + REGION_HELP,
                 "status": "expected statuses (occupied, occupied_before_2022, ukraine_held, contested), a side "
                           "(russia, ukraine) or all, comma-separated",
                 "near": "expected a place name or lat,lon (no ':' or '/')",
                 "radius": "expected " + RADIUS_HELP,
                 "source": "expected a source name (letters, digits, _ . -)",
                 "filename": "expected a plain file name (letters, digits, _ . -)"}


def check_region_spec(spec: str) -> str:
    """Refuse what the service must not resolve: file paths (the CLI accepts a GeoJSON file as a
    region; a web client must never make the server read a path), absurd radii and coordinates."""
    spec = str(spec).strip()
    if not spec or len(spec) > 200:
        raise BadQuery("region: give ALL, an ISO-3 code, Place:15km, lat,lon:15km or bbox:...")
    if "/" in spec or "\\" in spec or spec.lower().endswith((".json", ".geojson", ".gpkg")):
        raise BadQuery(f"region {spec!r}: files are not accepted by the web service")
    if spec.lower().startswith("bbox:"):
        try:
            x0, y0, x1, y1 = (float(v) for v in spec[5:].split(","))
        except ValueError:
            raise BadQuery(f"region: bad bbox {spec!r}: expected bbox:minlon,minlat,maxlon,maxlat") from None
        if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
            raise BadQuery(f"region: bad bbox {spec!r}: longitudes within ±180, latitudes within ±90")
        if not (x0 < x1 and y0 < y1):
            raise BadQuery(f"region: bad bbox {spec!r}: give minlon,minlat,maxlon,maxlat, each min below its max")
    elif ":" in spec:
        where, radius = spec.rsplit(":", 1)
        try:
            km = parse_radius_km(radius)
        except RegionError as exc:
            raise BadQuery(f"region: {exc}") from None
        if km > MAX_RADIUS_KM:
            raise BadQuery(f"region: radius {radius!r} too large (at most {MAX_RADIUS_KM:g} km)")
        m = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$", where)
        if m and not (-90 <= float(m.group(1)) <= 90 and -180 <= float(m.group(2)) <= 180):
            raise BadQuery(f"region: bad coordinates {where!r}: expected LAT,LON in degrees")
    return spec


Region = Annotated[str, Query(description=REGION_HELP, max_length=200, pattern=REGION_PATTERN)]
Statuses = Annotated[str, Query(description="Statuses, comma-separated (occupied, occupied_before_2022, ukraine_held, "
                                            "contested), a side (russia, ukraine), or all.",
                                max_length=200, pattern=STATUS_PATTERN)]
def _iso_date(value):
    """Only YYYY-MM-DD: pydantic alone would also take a number as a Unix time (from=0 as 1970-01-01)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip())):
        return value
    raise ValueError("expected a date, YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
OptDate = Annotated[IsoDate | None, Query(description="YYYY-MM-DD")]
From = Annotated[IsoDate | None, Query(alias="from", description="First day (inclusive), YYYY-MM-DD")]
To = Annotated[IsoDate | None, Query(alias="to", description="Last day (inclusive), YYYY-MM-DD")]
Every = Annotated[Literal["day", "week", "month", "year"] | None,
                  Query(description="One value per period: the last snapshot of each.")]
Source = Annotated[str | None, Query(description="Which map maker's snapshots (default: deepstate if present).",
                                     max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Tolerance = Annotated[float, Query(ge=0.0, le=0.05,
                                   description="Simplification for display, in degrees (0 = full resolution; "
                                               "at most 0.05), taken down to the nearest of 0, 0.0005, 0.001, "
                                               "0.002, 0.005, 0.01, 0.02, 0.05 (the answer's tolerance). Numbers "
                                               "are never measured on simplified shapes.")]


MAX_CLAIMS_TEXT = 256 * 1024  # characters the schema admits; the service's own limit is ServiceConfig.max_claims_bytes


class ClaimsRequest(BaseModel):
    text: str = Field(max_length=MAX_CLAIMS_TEXT, description="The article text (at most 256 KB).")
    published: IsoDate | None = Field(default=None, description="Publication date (default: the text's dateline).")
