"""Geodesic measures on the WGS84 ellipsoid, done by pyproj (geographiclib) and Shapely 2.

All inputs are EPSG:4326 lon/lat; areas are returned in km2, lengths in km. Local metric work
(distances, buffers near a place) uses an azimuthal equidistant projection centred on the place,
which is exact for distances from the centre and within 0.1% over a 50 km circle.
May import: numpy, shapely, pyproj.
"""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer

WGS84 = Geod(ellps="WGS84")
KM2_PER_SQMI = 2.589988110336  # exact by definition (1 mi = 1609.344 m); used only to label outputs
_SQMI_PER_KM2 = 1 / KM2_PER_SQMI


def km2_to_sqmi(km2):
    """Square kilometres to square miles (international mile)."""
    return km2 * _SQMI_PER_KM2


def area_km2(geom) -> float:
    """Geodesic area of a (Multi)Polygon on the WGS84 ellipsoid, in km2 (0 for empty/None)."""
    if geom is None or geom.is_empty:
        return 0.0
    # pyproj needs counter-clockwise shells and clockwise holes to add holes with the right sign.
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    area_m2, _ = WGS84.geometry_area_perimeter(geom)
    return abs(area_m2) / 1e6


def areas_km2(geoms) -> np.ndarray:
    """:func:`area_km2` of each geometry of an array."""
    return np.array([area_km2(g) for g in np.asarray(geoms, dtype=object).ravel()], dtype=float)


def length_km(geom) -> float:
    """Geodesic length of a (Multi)LineString on the WGS84 ellipsoid, in km."""
    if geom is None or geom.is_empty:
        return 0.0
    return WGS84.geometry_length(geom) / 1000.0


def local_crs(lon: float, lat: float) -> CRS:
    """Azimuthal equidistant CRS (metres) centred on lon/lat."""
    return CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")


def to_local(geom, lon: float, lat: float):
    """``geom`` (EPSG:4326) in metres in the azimuthal equidistant CRS centred on lon/lat."""
    tr = Transformer.from_crs(4326, local_crs(lon, lat), always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def from_local(geom, lon: float, lat: float):
    """Inverse of :func:`to_local`."""
    tr = Transformer.from_crs(local_crs(lon, lat), 4326, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def clip_to_region(geom, region):
    """``geom ∩ region``; the region is first cut to the geometry's bounds, which makes the
    overlay with a 10 m country border cheap (only the border near the geometry is touched)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if not shapely.intersects(region, shapely.box(*geom.bounds)):
        return shapely.Polygon()
    local = shapely.clip_by_rect(region, *geom.bounds)
    if not local.is_valid:
        local = shapely.make_valid(local)
    return shapely.intersection(geom, local)


class TiledRegion:
    """A region cut into a grid of lon/lat tiles, for fast repeated clipping of layers to it.

    Overlaying a layer with a 10 m-resolution country border touches all ~80,000 border vertices
    every time. Cut once into tiles, the region is mostly *full* tiles (inside it, where a layer
    is clipped by a rectangle, which is cheap) and a band of *partial* tiles holding only the
    border vertices nearby, where the real overlay happens on small pieces. The pieces of a layer
    form a coverage, so their geodesic areas add up to the area of the whole: shared tile edges
    cancel exactly. Regions with few vertices (circles, boxes) are not tiled.
    """

    def __init__(self, geom, tile_deg: float = 0.5, min_vertices: int = 4000):
        self.geom = geom
        self.tiled = shapely.get_num_coordinates(geom) >= min_vertices
        if not self.tiled:
            shapely.prepare(geom)
            return
        x0, y0, x1, y1 = geom.bounds
        self.x0, self.y0, self.d = x0, y0, tile_deg
        self.nx = max(1, int(np.ceil((x1 - x0) / tile_deg)))
        self.ny = max(1, int(np.ceil((y1 - y0) / tile_deg)))
        self.kind = np.zeros((self.ny, self.nx), dtype=np.int8)  # 0 empty, 1 full, 2 partial
        self.pieces = {}
        for j in range(self.ny):
            for i in range(self.nx):
                box = self._box(i, j)
                piece = shapely.clip_by_rect(geom, *box)
                if piece.is_empty:
                    continue
                if not piece.is_valid:
                    piece = shapely.make_valid(piece)
                full_area = (box[2] - box[0]) * (box[3] - box[1])
                if abs(piece.area - full_area) <= 1e-9 * full_area:
                    self.kind[j, i] = 1
                else:
                    self.kind[j, i] = 2
                    shapely.prepare(piece)
                    self.pieces[(j, i)] = piece

    def _box(self, i, j):
        return (self.x0 + i * self.d, self.y0 + j * self.d, self.x0 + (i + 1) * self.d, self.y0 + (j + 1) * self.d)

    def pieces_of(self, geom) -> list:
        """``geom ∩ region`` as a list of non-overlapping polygonal pieces."""
        if geom is None or geom.is_empty:
            return []
        if not self.tiled:
            return [clip_to_region(geom, self.geom)]
        gx0, gy0, gx1, gy1 = geom.bounds
        i0 = max(0, int((gx0 - self.x0) // self.d))
        i1 = min(self.nx - 1, int((gx1 - self.x0) // self.d))
        j0 = max(0, int((gy0 - self.y0) // self.d))
        j1 = min(self.ny - 1, int((gy1 - self.y0) // self.d))
        out = []
        for j in range(j0, j1 + 1):
            for i in range(i0, i1 + 1):
                k = self.kind[j, i]
                if k == 0:
                    continue
                part = shapely.clip_by_rect(geom, *self._box(i, j))
                if part.is_empty:
                    continue
                if not part.is_valid:
                    part = shapely.make_valid(part)
                if k == 2:
                    part = shapely.intersection(part, self.pieces[(j, i)])
                    if part.is_empty:
                        continue
                out.append(part)
        return out

    def area_km2(self, geom) -> float:
        """Geodesic km2 of ``geom ∩ region``."""
        return float(sum(area_km2(p) for p in self.pieces_of(geom)))

    def clip(self, geom):
        """``geom ∩ region`` as one geometry."""
        parts = self.pieces_of(geom)
        if not parts:
            return shapely.Polygon()
        if len(parts) == 1:
            return parts[0]
        polys = [p for p in parts if shapely.get_type_id(p) in (3, 6)]
        try:
            return shapely.coverage_union_all(polys) if polys else shapely.Polygon()
        except shapely.errors.GEOSException:
            return shapely.union_all(parts)


_TILED: dict = {}


def tiled_region(key: str, geom) -> TiledRegion:
    """The :class:`TiledRegion` of a region, built once per process and region key."""
    t = _TILED.get(key)
    if t is None:
        if len(_TILED) > 64:
            _TILED.clear()
        t = _TILED[key] = TiledRegion(geom)
    return t
