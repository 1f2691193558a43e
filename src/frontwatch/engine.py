"""Engines run the per-geometry work of the analytics: locally on threads (Shapely 2 releases
the GIL inside GEOS, so two threads use both cores), or on a Dask distributed cluster.
May import: the standard library, numpy, shapely, frontwatch.geodesy; dask only when asked.
"""
from __future__ import annotations

import concurrent.futures as cf
import os

from .geodesy import tiled_region


def _clipped_area(args):
    geom, tiled = args
    return tiled.area_km2(geom)


class LocalEngine:
    """Threads on this machine."""

    name = "local"

    def __init__(self, workers=None):
        self.workers = workers or min(2, os.cpu_count() or 1)

    def map(self, fn, items):
        items = list(items)
        if self.workers <= 1 or len(items) < 2:
            return [fn(x) for x in items]
        with cf.ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(fn, items))

    def clipped_areas(self, geoms, region) -> list[float]:
        """Geodesic km2 of each ``geom ∩ region`` (a :class:`~frontwatch.regions.Region`)."""
        tiled = tiled_region(region.key, region.geometry)
        return self.map(_clipped_area, [(g, tiled) for g in geoms])


_DEFAULT = None


def default_engine():
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LocalEngine()
    return _DEFAULT
