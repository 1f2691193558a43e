"""Geodesic measures on the WGS84 ellipsoid, done by pyproj (geographiclib) and Shapely 2.

All inputs are EPSG:4326 lon/lat; areas are returned in km2, lengths in km. Local metric work
(distances, buffers near a place) uses an azimuthal equidistant projection centred on the place,
which is exact for distances from the centre and within 0.1% over a 50 km circle. Areas of
layers inside regions (:class:`TiledRegion`) are computed in an equal-area projection of the
ellipsoid, vectorized, with the region cut once into tiles.
May import: the standard library, numpy, shapely, pyproj.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import math
import threading

import numpy as np
import shapely

__all__ = ["area_km2", "areas_km2", "length_km", "local_crs", "to_local", "from_local", "clip_to_region",
           "laea_transformer", "to_laea", "projected_areas_km2", "projected_area_km2", "densify", "TiledRegion",
           "measure_by_part", "clip_by_rects", "polygonal_parts", "needs_tiling", "has_tiled_region",
           "adopt_tiled_region", "held_tiling", "tiling_state", "tiled_region"]

# pyproj is imported when a measure first needs it (``WGS84``, ``LAEA``, the transformers), not
# with this module: a query the store answers from its cached figures never loads it.
_LAZY = {
    "WGS84": lambda: __import__("pyproj").Geod(ellps="WGS84"),
    # Lambert azimuthal equal-area on the WGS84 ellipsoid, centred on the theatre (see to_laea).
    "LAEA": lambda: __import__("pyproj").CRS.from_proj4("+proj=laea +lat_0=48.5 +lon_0=32 +ellps=WGS84 +units=m +no_defs"),
}


def __getattr__(name):
    make = _LAZY.get(name)
    if make is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = make()
    return value


def _geod():
    g = globals().get("WGS84")
    return g if g is not None else __getattr__("WGS84")


def _laea():
    c = globals().get("LAEA")
    return c if c is not None else __getattr__("LAEA")
from frontwatch.units import KM2_PER_SQMI, km2_to_sqmi  # noqa: E402,F401  (part of this module's interface)


def area_km2(geom) -> float:
    """Geodesic area of a (Multi)Polygon on the WGS84 ellipsoid, in km2 (0 for empty/None)."""
    if geom is None or geom.is_empty:
        return 0.0
    # pyproj needs counter-clockwise shells and clockwise holes to add holes with the right sign.
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    if shapely.get_type_id(geom) not in (3, 6):
        area_m2, _ = _geod().geometry_area_perimeter(geom)
        return abs(area_m2) / 1e6
    return abs(_rings_area_m2(geom)) / 1e6


def _rings_area_m2(geom) -> float:
    """pyproj's ``Geod.geometry_area_perimeter(geom)[0]`` of a (Multi)Polygon, the same float:
    each ring's geodesic area by ``polygon_area_perimeter``, added in pyproj's order (a
    polygon's shell then its holes; a MultiPolygon's polygons from 0.0). pyproj walks the rings
    in Python through ``ring.xy`` (0.13 s for Ukraine's 12,968 rings); here the coordinates come
    out of GEOS in one call and each ring is a slice of them."""
    geod = _geod()
    rings, owner = shapely.get_rings(shapely.get_parts(geom), return_index=True)
    counts = shapely.get_num_coordinates(rings)
    xy = shapely.get_coordinates(rings)
    lon, lat = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    ends = np.cumsum(counts)
    polys: list = []
    start, last = 0, -1
    for end, o in zip(ends.tolist(), owner.tolist()):
        a = geod.polygon_area_perimeter(lon[start:end], lat[start:end])[0]
        if o != last:
            polys.append(a)
            last = o
        else:
            polys[-1] += a
        start = end
    if shapely.get_type_id(geom) == 3:
        return polys[0]
    total = 0.0
    for a in polys:
        total += a
    return total


def areas_km2(geoms) -> np.ndarray:
    """:func:`area_km2` of each geometry of an array."""
    return np.array([area_km2(g) for g in np.asarray(geoms, dtype=object).ravel()], dtype=float)


def length_km(geom) -> float:
    """Geodesic length of a (Multi)LineString on the WGS84 ellipsoid, in km."""
    if geom is None or geom.is_empty:
        return 0.0
    return _geod().geometry_length(geom) / 1000.0


def local_crs(lon: float, lat: float):
    """Azimuthal equidistant CRS (metres) centred on lon/lat (a pyproj CRS)."""
    from pyproj import CRS

    return CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")


def to_local(geom, lon: float, lat: float):
    """``geom`` (EPSG:4326) in metres in the azimuthal equidistant CRS centred on lon/lat."""
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, local_crs(lon, lat), always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def from_local(geom, lon: float, lat: float):
    """Inverse of :func:`to_local`."""
    from pyproj import Transformer

    tr = Transformer.from_crs(local_crs(lon, lat), 4326, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def clip_to_region(geom, region):
    """``geom ∩ region``; the region is first cut to the geometry's bounds, which makes the
    overlay with a 10 m country border cheap (only the border near the geometry is touched)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if not shapely.intersects(region, shapely.box(*geom.bounds)):
        return shapely.Polygon()
    gx0, gy0, gx1, gy1 = geom.bounds
    rx0, ry0, rx1, ry1 = region.bounds
    if gx0 <= rx0 and gy0 <= ry0 and gx1 >= rx1 and gy1 >= ry1:
        # The geometry's box holds the whole region: nothing to cut, and no validity check of a
        # country-sized region (0.3 s for UKR's 12,000 holes, once per layer).
        return shapely.intersection(geom, region)
    local = shapely.clip_by_rect(region, *geom.bounds)
    if not local.is_valid:
        local = shapely.make_valid(local)
    return shapely.intersection(geom, local)


# Lambert azimuthal equal-area on the WGS84 ellipsoid, centred on the theatre. Being equal-area
# (PROJ's ellipsoidal form, through the authalic latitude), the planar area of projected
# coordinates is the ellipsoidal area: one vectorized transform and ``shapely.area`` replace a
# Python-level geodesic call per ring. An edge between two vertices is a straight line in this
# plane where pyproj's Geod takes the geodesic; on the archive's layers inside RUS and UKR the
# two agree within 3e-6 for areas over 100 km2 and 0.002 km2 below (tests/realdata/test_scale.py).
# (LAEA is made on first use: see _LAZY above.)
_LOCAL = threading.local()  # a Transformer per thread: PROJ objects are not shared across threads


def laea_transformer():
    """This thread's EPSG:4326 -> :data:`LAEA` transformer, made on its first use (about 20 ms
    of CPU). Made in the thread that then forks measuring workers, it is theirs too: a forked
    process's one thread is a copy of the thread that forked, with its thread-local values."""
    tr = getattr(_LOCAL, "laea", None)
    if tr is None:
        from pyproj import Transformer

        tr = _LOCAL.laea = Transformer.from_crs(4326, _laea(), always_xy=True)
    return tr


def to_laea(geoms):
    """EPSG:4326 geometry (or array of them) in metres in the equal-area :data:`LAEA` plane,
    all coordinates transformed in one call."""
    tr = laea_transformer()
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def projected_areas_km2(geoms) -> np.ndarray:
    """Ellipsoidal km2 of each EPSG:4326 polygonal geometry of an array, through :data:`LAEA`."""
    geoms = np.asarray(geoms, dtype=object).ravel()
    if geoms.size == 0:
        return np.zeros(0)
    return shapely.area(to_laea(geoms)) / 1e6


def projected_area_km2(geoms) -> float:
    """Sum of :func:`projected_areas_km2`."""
    return float(projected_areas_km2(geoms).sum())


REGION_SEGMENT_DEG = 0.01


def densify(geom, max_deg):
    """``geom`` with every edge longer than ``max_deg`` cut into pieces no longer. Only the rings
    that have such an edge are touched (GEOS's polygon densifier re-validates the whole polygon,
    seconds on a 10 m country border)."""
    parts = shapely.get_parts(geom)
    if not (shapely.get_type_id(parts) == 3).all():
        return shapely.segmentize(geom, max_deg)
    rings, owner = shapely.get_rings(parts, return_index=True)
    xy, ri = shapely.get_coordinates(rings, return_index=True)
    step = np.hypot(*np.diff(xy, axis=0).T)
    long_rings = np.unique(ri[1:][(step > max_deg) & (ri[1:] == ri[:-1])])
    if not long_rings.size:
        return geom
    rings = rings.copy()
    rings[long_rings] = shapely.segmentize(rings[long_rings], max_deg)
    parts = parts.copy()
    for k in np.unique(owner[long_rings]):
        mine = rings[owner == k]
        parts[k] = shapely.polygons(mine[0], holes=mine[1:] if len(mine) > 1 else None)
    return shapely.multipolygons(parts) if len(parts) > 1 or shapely.get_type_id(geom) == 6 else parts[0]


class TiledRegion:
    """A region prepared for fast repeated measures of layers inside it (:meth:`area_km2`).

    Overlaying a layer with a 10 m-resolution country border touches all ~80,000 border vertices
    and, for a land polygon like OSM's, thousands of lake holes every time. So the region is
    projected once to the equal-area :data:`LAEA` plane and laid on a grid of square tiles; a
    tile holds the region's piece in it, that piece's area, and the piece's *gaps*: the parts of
    the tile outside the region (lakes, sea, foreign land), each with its area. A layer, projected
    in one call, then splits into tiles it contains (their precomputed area counts: most of a
    large layer, no overlay at all), tiles it misses, and tiles its edge crosses. In those,
    ``area(L ∩ piece) = area(L ∩ tile) - Σ area(L ∩ gap)``, exact because the gaps fill the rest of
    the tile without overlapping: ``L ∩ tile`` is a rectangle clip, a gap the layer's piece contains
    counts with its precomputed area, a gap it misses counts nothing, and only gaps its edge
    crosses are overlaid, on small pieces. Tiling in the plane (not in lon/lat) keeps the cuts
    straight lines of the plane, so pieces add up exactly. Regions with few vertices (circles,
    boxes) are not tiled: the layer is intersected with the projected region directly.

    A tile is cut from the region the first time a layer reaches it, not when the tiling is made:
    the front's layers reach a small part of a country (on the shared archive, 20 of Russia's 244
    tiles and 70 of Ukraine's 306), so cutting every tile up front cost six times the work the
    measures need (0.6 s of CPU for the two countries). A tile's cut depends on the region and the
    tile alone, so the figures do not depend on which tiles were cut before. Tiles cut in worker
    processes travel back with their figures (:meth:`take_cut`, :meth:`adopt_cut`), so that the
    calling process can save them with the tiling (:meth:`state`, ``dirty``).
    """

    def __init__(self, geom, tile_m: float = 50_000.0, min_vertices: int | None = None):
        self.geom = geom
        # A region's long edges (a bbox, the theatre's cut of a country) follow parallels and
        # meridians: densified first, they stay on them in the plane.
        plane = to_laea(densify(geom, REGION_SEGMENT_DEG))
        self.tiled = shapely.get_num_coordinates(geom) >= (MIN_TILED_VERTICES if min_vertices is None else min_vertices)
        if not self.tiled:
            # Projection can make a valid polygon touch itself where two vertices nearly meet;
            # large regions are repaired tile by tile below, where it is cheap.
            if not plane.is_valid:
                plane = shapely.make_valid(plane)
            self._plane = plane
            self.frame = shapely.box(*plane.bounds)
            shapely.prepare(plane)
            self._memo = {}
            return
        self._plane = plane
        x0, y0, x1, y1 = plane.bounds
        nx = max(1, int(np.ceil((x1 - x0) / tile_m)))
        ny = max(1, int(np.ceil((y1 - y0) / tile_m)))
        j, i = np.divmod(np.arange(nx * ny), nx)  # row by row, as the rows are measured
        boxes = np.column_stack([x0 + i * tile_m, y0 + j * tile_m, x0 + (i + 1) * tile_m, y0 + (j + 1) * tile_m])
        # The tiles the region reaches (a prepared test of each box, no cut): the others hold nothing.
        shapely.prepare(plane)
        try:
            reached = shapely.intersects(plane, shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]))
        finally:
            shapely.destroy_prepared(plane)
        self.margin = tile_m / 50
        self._set_tiles(boxes[reached], np.full(int(reached.sum()), np.nan), {})

    @property
    def plane(self):
        """The region in the :data:`LAEA` plane (projected again only when a tiling rebuilt from
        its saved state must cut a tile it has not cut yet)."""
        if self._plane is None:
            self._plane = to_laea(densify(self.geom, REGION_SEGMENT_DEG))
        return self._plane

    @property
    def any_cut(self) -> bool:
        """Whether any tile of this tiling has been cut (here, or before its state was saved)."""
        return bool(self._cut)

    def _set_tiles(self, boxes, piece_km2, cut: dict):
        """Tiles ``boxes`` (row by row); ``piece_km2`` NaN for a tile not cut yet; ``cut`` maps a
        cut tile's index to its ``(gaps, gap km2)``."""
        self.boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
        self.cells = shapely.box(self.boxes[:, 0], self.boxes[:, 1], self.boxes[:, 2], self.boxes[:, 3])
        self.piece_km2 = np.asarray(piece_km2, dtype=float).copy()
        self._cut = dict(cut)
        self._fresh: set = set()  # tiles cut here and not yet taken by take_cut
        self._rows_cut: dict = {}  # (y0, y1) -> the region cut to that row
        self._lock = threading.Lock()
        self.dirty = False  # tiles cut or adopted since the tiling was made, loaded or saved
        # Tiles grouped by row (for area_km2_plane). Each row spans only its own tiles (plus the
        # margin): a layer is cut to that, so what is hashed and measured per row is the layer
        # near the region, not the whole latitude band.
        m = self.margin
        self._rows = []
        for y in np.unique(self.boxes[:, 1]):
            idx = np.flatnonzero(self.boxes[:, 1] == y)
            b = self.boxes[idx]
            self._rows.append((b[0, 1] - m, b[0, 3] + m, b[:, 0].min() - m, b[:, 2].max() + m, idx))
        # Each row's rectangle as (xmin, ymin, xmax, ymax), for clip_by_rects.
        self._row_rects = np.array([(x0, y0, x1, y1) for y0, y1, x0, x1, _ in self._rows], dtype=float).reshape(-1, 4)
        self._memo: dict = {}

    def _ensure_cut(self, idx) -> None:
        """Cut the tiles ``idx`` that are not cut yet (thread-safe: a tile is cut once)."""
        todo = idx[np.isnan(self.piece_km2[idx])]
        if not todo.size:
            return
        with self._lock:
            for k in todo:
                if not np.isnan(self.piece_km2[k]):
                    continue
                piece_km2, gaps, gap_km2 = self._cut_tile(self.boxes[k])
                self._cut[int(k)] = (gaps, gap_km2)
                self.piece_km2[k] = piece_km2
                self._fresh.add(int(k))
                self.dirty = True

    def cut_tiles_reached(self, geoms, threads: int = 1) -> int:
        """Cut now the tiles not cut yet that any of ``geoms`` (EPSG:4326) reaches, on
        ``threads`` threads (GEOS releases the GIL; each thread takes whole rows, whose cut of
        the region it then shares), and return how many were cut.

        For a measure shared out to several processes: cut before they are forked (or before
        their saved state is sent), these tiles are theirs without each cutting them again (on
        the shared archive two measuring workers cut 168 tiles where one process cuts 90). A
        tile's cut depends on the region and the tile alone, so the figures do not depend on
        who cuts it. Tiles the given geometries miss are cut by whoever first needs them."""
        if not self.tiled or not len(geoms):
            return 0
        planes = to_laea(np.asarray(geoms, dtype=object))
        hit = np.zeros(len(self.boxes), dtype=bool)
        for g in planes:
            if g is not None and not g.is_empty:
                hit |= shapely.intersects(g, self.cells)
        todo = np.flatnonzero(hit & np.isnan(self.piece_km2))
        if not todo.size:
            return 0
        self.plane  # projected here, not in each thread
        rows = [todo[self.boxes[todo, 1] == y] for y in np.unique(self.boxes[todo, 1])]

        def cut_row(idx):
            return [(int(k), self._cut_tile(self.boxes[k])) for k in idx]

        if threads > 1 and len(rows) > 1:
            with cf.ThreadPoolExecutor(min(threads, len(rows))) as pool:
                done = [t for row in pool.map(cut_row, rows) for t in row]
        else:
            done = [t for row in rows for t in cut_row(row)]
        with self._lock:
            for k, (piece_km2, gaps, gap_km2) in done:
                if np.isnan(self.piece_km2[k]):
                    self._cut[k] = (gaps, gap_km2)
                    self.piece_km2[k] = piece_km2
                    self.dirty = True  # saved with the tiling; not "fresh": no worker sends them back
        return len(done)

    def _cut_tile(self, box):
        """``(piece km2, gaps, gap km2)`` of one tile: the area of the region's piece, repaired,
        and the rest of the tile as polygons with their areas (a tile the region only touches: 0 km2)."""
        y = (box[1], box[3])
        row = self._rows_cut.get(y)
        if row is None:
            # A row first, then its tiles: each clip walks only the vertices near it.
            x0, _, x1, _ = self.plane.bounds
            row = self._rows_cut[y] = shapely.clip_by_rect(self.plane, x0, box[1], x1, box[3])
        piece = shapely.clip_by_rect(row, *box)
        polys = np.empty(0, dtype=object)
        if not piece.is_empty:
            if not piece.is_valid:
                piece = shapely.make_valid(piece)
            polys = shapely.get_parts(polygonal_parts(piece))
            polys = polys[shapely.area(polys) > 0]
        if polys.size == 0:
            return 0.0, np.empty(0, dtype=object), np.zeros(0)
        piece = shapely.union_all(polys) if shapely.get_type_id(piece) not in (3, 6) else piece
        rest = shapely.get_parts(polygonal_parts(shapely.difference(shapely.box(*box), piece)))
        rest = rest[shapely.area(rest) > 0]
        return float(shapely.area(piece)) / 1e6, rest, shapely.area(rest) / 1e6

    def take_cut(self) -> dict:
        """The tiles cut in this process since the last call, as plain data
        (``{tile: (piece km2, [gap WKB], [gap km2])}``) for :meth:`adopt_cut` in another process."""
        with self._lock:
            fresh, self._fresh = self._fresh, set()
            return {k: (float(self.piece_km2[k]), list(shapely.to_wkb(self._cut[k][0])), self._cut[k][1].tolist())
                    for k in sorted(fresh)}

    def adopt_cut(self, tiles: dict) -> None:
        """Take tiles cut elsewhere (:meth:`take_cut`) that this tiling has not cut yet."""
        with self._lock:
            for k, (piece, gaps, km2) in tiles.items():
                if np.isnan(self.piece_km2[k]):
                    g = shapely.from_wkb(np.asarray(gaps, dtype=object)) if gaps else np.empty(0, dtype=object)
                    self._cut[int(k)] = (g, np.asarray(km2, dtype=float))
                    self.piece_km2[k] = piece
                    self.dirty = True

    def state(self) -> dict:
        """What :meth:`from_state` needs to rebuild this tiling without cutting again the tiles
        already cut (plain arrays and WKB; ``piece_km2`` NaN for a tile not cut yet), for saving
        next to the data."""
        if not self.tiled:
            raise ValueError("only tiled regions have a state")
        with self._lock:
            ks = sorted(self._cut)
            gaps = [g for k in ks for g in self._cut[k][0]]
            return {"margin": float(self.margin), "boxes": self.boxes, "piece_km2": self.piece_km2.copy(),
                    "gaps": list(shapely.to_wkb(np.asarray(gaps, dtype=object))) if gaps else [],
                    "gap_cell": np.asarray([k for k in ks for _ in self._cut[k][0]], dtype=np.int64),
                    "gap_km2": np.concatenate([self._cut[k][1] for k in ks]) if ks else np.zeros(0)}

    @classmethod
    def from_state(cls, geom, state) -> "TiledRegion":
        """The tiling of ``geom`` saved by :meth:`state` (the caller keys it by the region's hash)."""
        self = cls.__new__(cls)
        self.geom = geom
        self.tiled = True
        self._plane = None
        self.margin = float(state["margin"])
        piece = np.asarray(state["piece_km2"], dtype=float)
        cells = np.asarray(state["gap_cell"], dtype=np.int64)
        gaps = shapely.from_wkb(np.asarray(state["gaps"], dtype=object)) if len(state["gaps"]) else np.empty(0, dtype=object)
        km2 = np.asarray(state["gap_km2"], dtype=float)
        cut = {}
        for k in np.flatnonzero(~np.isnan(piece)):
            mine = cells == k
            cut[int(k)] = (gaps[mine], km2[mine])
        self._set_tiles(state["boxes"], piece, cut)
        return self

    def area_km2(self, geom) -> float:
        """Ellipsoidal km2 of ``geom ∩ region`` (``geom`` in EPSG:4326)."""
        return measure_by_part([self], geom)[0]

    def area_km2_plane(self, g) -> float:
        """:meth:`area_km2` of a geometry already projected by :meth:`project`: measuring one
        layer in many regions projects it once."""
        if g is None or g.is_empty:
            return 0.0
        if not self.tiled:
            if not shapely.intersects(shapely.box(*g.bounds), self.frame):
                return 0.0
            # A rectangle clip first: the overlay then sees only the layer's vertices near the region.
            return float(shapely.area(shapely.intersection(shapely.clip_by_rect(g, *self.frame.bounds), self.plane))) / 1e6
        # Row by row: the layer cut to a row of tiles (plus a margin). A row's figure, and
        # within a row each crossed tile's, is a function of that cut alone, so it is memoised
        # under the cut's bytes: consecutive maps move the front in a few places and repeat the
        # rest exactly (on the shared archive 89% of the tiles UKR's occupied layers cross are
        # cut identically to an earlier map's), and a repeated row or tile costs a rectangle
        # clip and a hash. Values depend on the bytes only, never on which map came first.
        gx0, gy0, gx1, gy1 = g.bounds
        memo = self._memo
        total = 0.0
        rows = [j for j, (y0, y1, x0, x1, _) in enumerate(self._rows)
                if not (y1 < gy0 or y0 > gy1 or x1 < gx0 or x0 > gx1)]
        if not rows:
            return 0.0
        # Every row's band in one vectorized GEOS call (the same clip as one call per row).
        r = self._row_rects[rows]
        bands = clip_by_rects(g, r[:, 0], r[:, 1], r[:, 2], r[:, 3])
        keep = ~shapely.is_empty(bands)
        if not keep.any():
            return 0.0
        bands = bands[keep]
        rows = [j for j, k in zip(rows, keep) if k]
        for j, band, w in zip(rows, bands, shapely.to_wkb(bands)):
            key = ("row", j, hashlib.blake2b(w, digest_size=16).digest())
            v = memo.get(key)
            if v is None:
                v = self._row_km2(self._rows[j][4], band)
                _remember(memo, key, v)
            total += v
        return max(total, 0.0)

    def _row_km2(self, idx, band) -> float:
        """km2 of the region's pieces in the tiles ``idx`` (one row) covered by ``band``."""
        shapely.prepare(band)
        try:
            hit = idx[shapely.intersects(band, self.cells[idx])]
            self._ensure_cut(hit)
            hit = hit[self.piece_km2[hit] > 0]  # a tile the region only touches holds nothing
            inside = hit[shapely.contains(band, self.cells[hit])]
        finally:
            shapely.destroy_prepared(band)
        touched = np.setdiff1d(hit, inside)
        total = float(self.piece_km2[inside].sum())
        if not touched.size:
            return total
        m = self.margin
        b = self.boxes[touched]
        wide = clip_by_rects(band, b[:, 0] - m, b[:, 1] - m, b[:, 2] + m, b[:, 3] + m)
        keys = [("tile", int(k), hashlib.blake2b(w, digest_size=16).digest())
                for k, w in zip(touched, shapely.to_wkb(wide))]
        memo = self._memo
        values = [memo.get(key) for key in keys]
        todo = [i for i, v in enumerate(values) if v is None]
        if todo:
            for i, v in zip(todo, self._tile_km2(touched[todo], wide[todo])):
                values[i] = v
                _remember(memo, keys[i], v)
        return total + sum(values)

    def _tile_km2(self, touched, wide) -> list:
        """km2 of the region's piece in each tile ``touched[i]`` covered by ``wide[i]`` (the
        layer cut to that tile plus the margin)."""
        bad = ~shapely.is_valid(wide)
        if bad.any():
            wide = wide.copy()
            wide[bad] = shapely.make_valid(wide[bad])
        b = self.boxes[touched]
        parts = clip_by_rects(wide, b[:, 0], b[:, 1], b[:, 2], b[:, 3])
        bad = ~shapely.is_valid(parts)
        if bad.any():
            parts[bad] = shapely.make_valid(parts[bad])
        out = shapely.area(parts) / 1e6
        # The gaps are tested against the layer cut a little beyond the tile: the same answer
        # inside the tile (each gap lies in its tile), without the gap's edges along the tile
        # edge lying on the cut's, which overlays handle slowly (snapping fallbacks).
        shapely.prepare(wide)
        try:
            for n, k in enumerate(touched):
                gaps, km2 = self._cut[int(k)]
                if not gaps.size:
                    continue
                hit = np.flatnonzero(shapely.intersects(wide[n], gaps))
                if not hit.size:
                    continue
                within = shapely.contains(wide[n], gaps[hit])
                crossed = hit[~within]
                out[n] -= km2[hit[within]].sum()
                if crossed.size:
                    out[n] -= shapely.area(shapely.intersection(wide[n], gaps[crossed])).sum() / 1e6
        finally:
            shapely.destroy_prepared(wide)
        return [float(v) for v in out]

    def clip(self, geom):
        """``geom ∩ region`` as one EPSG:4326 geometry (a direct overlay: lon/lat output must not
        go through the projection and back)."""
        return clip_to_region(geom, self.geom)


def measure_by_part(regions, geom) -> list:
    """``[km2 of geom ∩ r for r in regions]`` (each a :class:`TiledRegion`; ``geom`` a polygonal
    EPSG:4326 geometry), part by part. The polygons of a valid (Multi)Polygon have disjoint
    interiors, so the layer's area in a region is the sum of its parts' areas there, and each
    part's figure is memoised under the part's WKB: consecutive maps repeat most parts byte for
    byte (a layer is dissolved per group of overlapping features, and only changed groups
    change), so a new map projects and measures only its new parts. A part's value depends on
    its bytes alone, as the row and tile figures do."""
    if geom is None or geom.is_empty:
        return [0.0] * len(regions)
    parts = shapely.get_parts(geom)
    if parts.size == 1:
        plane = to_laea(geom)
        return [r.area_km2_plane(plane) for r in regions]
    keys = [("part", hashlib.blake2b(w, digest_size=16).digest()) for w in shapely.to_wkb(parts)]
    planes = np.empty(parts.size, dtype=object)
    out = []
    for r in regions:
        memo = r._memo
        values = [memo.get(k) for k in keys]
        todo = [i for i, v in enumerate(values) if v is None]
        if todo:
            fresh = [i for i in todo if planes[i] is None]
            if fresh:
                planes[fresh] = to_laea(parts[fresh])
            for i in todo:
                values[i] = r.area_km2_plane(planes[i])
                _remember(memo, keys[i], values[i])
        # Correctly rounded, so the total does not depend on which parts were memoised.
        out.append(math.fsum(values))
    return out


def clip_by_rects(geom, xmin, ymin, xmax, ymax) -> np.ndarray:
    """``shapely.clip_by_rect`` of ``geom`` (one geometry, or one per rectangle) by many
    rectangles in one vectorized call: GEOS's own rectangle clip, the same geometries as one
    ``shapely.clip_by_rect`` call per rectangle (whose wrapper takes scalar bounds only, and
    whose Python checks cost more than the clip of a small piece)."""
    return shapely.lib.clip_by_rect(geom, np.asarray(xmin, dtype=float), np.asarray(ymin, dtype=float),
                                    np.asarray(xmax, dtype=float), np.asarray(ymax, dtype=float))


def polygonal_parts(geom) -> np.ndarray:
    """The Polygon parts of a geometry (collections exploded)."""
    parts = shapely.get_parts(geom)
    types = shapely.get_type_id(parts)
    if (types == 7).any():
        parts = np.concatenate([parts[types != 7], *[polygonal_parts(g) for g in parts[types == 7]]])
        types = shapely.get_type_id(parts)
    return parts[(types == 3) | (types == 6)]


_TILED: dict = {}
_MEMO_MAX = 200_000  # (row or tile, digest of a layer's cut) -> km2; ~40 MB at most


def _remember(memo, key, value):
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = value


# Bumped whenever the tiling changes (tile size, how pieces and gaps are cut): saved tilings of
# another version are not used.
TILING_VERSION = 2
MIN_TILED_VERTICES = 4000


def needs_tiling(geom) -> bool:
    """True for regions :class:`TiledRegion` cuts into tiles (country borders, not circles)."""
    return int(shapely.get_num_coordinates(geom)) >= MIN_TILED_VERTICES


def has_tiled_region(key: str) -> bool:
    """Whether this process holds the tiling of region ``key``."""
    return key in _TILED


def adopt_tiled_region(key: str, tiled: TiledRegion) -> None:
    """Use ``tiled`` (e.g. rebuilt by :meth:`TiledRegion.from_state`) for region ``key`` in this process."""
    if len(_TILED) > 64:
        _TILED.clear()
    _TILED[key] = tiled


def held_tiling(key: str) -> TiledRegion | None:
    """The tiling this process holds for region ``key``, or None."""
    return _TILED.get(key)


def tiling_state(key: str) -> dict | None:
    """:meth:`TiledRegion.state` of region ``key`` when this process holds its tiling, else None
    (what a Dask worker needs to rebuild the tiling at once instead of cutting it again)."""
    t = _TILED.get(key)
    return t.state() if t is not None and t.tiled else None


def tiled_region(key: str, geom) -> TiledRegion:
    """The :class:`TiledRegion` of a region, built once per process and region key."""
    t = _TILED.get(key)
    if t is None:
        t = TiledRegion(geom)
        adopt_tiled_region(key, t)
    return t
