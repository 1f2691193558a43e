"""Shapes simplified for display: what a map draws, never what is measured.

The JSON API's map layers, front lines and borders are drawn at a zoom where full resolution is
wasted bytes; these functions thin them (Douglas-Peucker with topology kept, GEOS coverage
simplification for borders that share edges) and write them as GeoJSON with coordinates rounded.
Every figure frontwatch gives is measured on the full-resolution geometries by
:mod:`frontwatch.analysis`; nothing here is measured. Coordinates are WGS84 longitude/latitude
degrees; tolerances are in degrees.

May import: numpy, orjson, shapely.
"""
from __future__ import annotations

import numpy as np
import orjson
import shapely

__all__ = ["geojson_geometry", "display_shape", "display_borders", "without_small_holes"]


def geojson_geometry(geom, digits: int = 5):
    """A shapely geometry as a GeoJSON dict, coordinates rounded (1e-5 degrees is about 1 m)."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.transform(geom, lambda xy: np.round(xy, digits))
    return orjson.loads(shapely.to_geojson(geom))


def display_shape(geom, tolerance: float):
    """Simplified for drawing only (Douglas-Peucker, topology kept); never measured."""
    if geom is None or geom.is_empty or tolerance <= 0:
        return geom
    out = shapely.simplify(geom, tolerance, preserve_topology=True)
    # Topology-preserving still lets a simplified island poke out of its hole (rare, coarse tolerances).
    return out if shapely.is_valid(out) else shapely.make_valid(out, method="structure")


def display_borders(geoms, tolerance: float) -> list:
    """Country borders simplified together for drawing: holes under 25 tolerance^2 dropped (ponds
    and river islands of a 10 m land border), then GEOS coverage simplification, which gives an edge
    two countries share the same simplified line on both sides and takes well under a second where
    Douglas-Peucker with topology kept took 4 s on the 12,000 holes of Ukraine; coordinates on a
    1e-4 degree grid (about 11 m). Never measured."""
    shapes = np.asarray([without_small_holes(g, 25 * tolerance ** 2) for g in geoms], dtype=object)
    if tolerance > 0 and len(shapes):
        # Its rings never cross each other (topology-preserving Visvalingam-Whyatt), so valid stays valid.
        shapes = shapely.coverage_simplify(shapes, tolerance)
    # Snapped to the 1e-4 degree grid of the GeoJSON keeping them valid (rounding alone does not).
    return list(shapely.set_precision(shapes, 1e-4))


def without_small_holes(geom, min_area_deg2: float):
    """Polygons without the holes smaller than ``min_area_deg2`` (ponds and river islands of a 10 m
    land border speckle a country-wide map); for drawing only."""
    if geom is None or geom.is_empty or min_area_deg2 <= 0:
        return geom
    parts, filled = [], False
    for p in shapely.get_parts(geom):
        if p.geom_type == "Polygon":
            holes = shapely.get_rings(p)[1:]
            keep = shapely.area(shapely.polygons(holes)) >= min_area_deg2
            if keep.all():
                parts.append(p)
            else:
                filled = True
                parts.append(shapely.Polygon(p.exterior, list(holes[keep])))
    if not filled:
        return geom
    out = shapely.MultiPolygon(parts)
    # An island in a hole that was filled is now a shell nested in another: merge them.
    return out if shapely.is_valid(out) else shapely.union_all(parts)
