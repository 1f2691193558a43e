"""The front line and how fast it moves: where one side's ground meets the other's, its geodesic
length, and the advance of each side near a place between two dates. Pure functions; nothing
here prints. May import: numpy, shapely, pyproj, frontwatch.geo.geodesy, frontwatch.analysis.measure,
frontwatch.geo.regions, frontwatch.geo.places, frontwatch.statuses.

**Front line.** For fronts the Russian side is occupied + occupied_before_2022 + contested + RUS
land no layer covers; the Ukrainian side is ukraine_held + UKR land no layer covers (see
:func:`front_sides`). The line is found by sampling, not by overlaying the two side polygons:
every edge of the Russian side's boundary is cut into pieces of at most ``segment_m`` metres,
and each piece is kept when the ground just beside it on one hand is Russian-held and on the
other Ukrainian-held (:func:`contact_line`). The flank is probed ``probe_m`` out, then further out
up to ``gap_m``, so that sides separated by water still meet: the lower Dnipro in Kherson is not
land in the OSM borders, and the occupied left bank faces the Ukrainian right bank across
0.3-1.5 km of river. The Dnipro therefore *is* front (the occupied layer's edge facing
Ukrainian-held land across the water, drawn along the occupied bank), while wider water (the
drained Kakhovka reservoir bed, which the borders still leave out, the Dnipro-Bug estuary, the
sea) is not: a gap wider than ``gap_m`` (2.5 km) separates, it does not join. Sampling gives
three things an overlay would need special cases for: coastlines and edges against third
countries drop out (their far flank is no side), slivers where a layer misses the border by a
few tens of metres do not become front, and the line ends cleanly where it reaches a border.

**International border.** Russian-held RUS land touching Ukrainian-held UKR land is only the
border, not front. A piece is dropped when, ``border_tol_m`` out on each flank, the Russian flank
stands on RUS land and the Ukrainian flank on UKR land (each side on its own country's ground).
So the edges of the Ukrainian pocket in Kursk against Russian-held land stay (the Ukrainian flank
is on RUS land), the pocket's own edge along the border never was a contact (Ukrainian ground on
both hands), the Donbas front stays (the Russian flank is on UKR land), and a front that runs
*along* the border because each side holds the other's land across it (a swap) stays too.

**Advance.** :func:`advance_between` works on plain side polygons. Two methods: the *mean
advance* is the net area a side gained inside the circle divided by the mean of the old and new
front lengths inside it, per day; the *largest local shift* is the farthest any part of the new
front (sampled every ``sample_m``) lies from the old front, straight-line, in a local azimuthal
equidistant projection, with its bearing from the old-front point to the new-front point and a
sign (positive when the new front lies in ground the side did not hold before). The old front
is taken from a wider disk than the circle so that the ends of the new front are measured to
the old line itself, not to where the circle cut it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Geod

from frontwatch.geo.geodesy import area_km2, clip_to_region, from_local, length_km, to_local, areas_km2
from frontwatch.analysis.measure import (MeasureError, period_maps, select_snapshots, side_geometry, snapshot_on,
                                         distance_km, near_box)
from frontwatch.geo.regions import RegionError, circle, theatre_circle
from frontwatch.statuses import CONTESTED, OCCUPIED, RUSSIA, SIDES, UKRAINE, SIDE_COUNTRY
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.geo import places
else:
    places = lazy_import("frontwatch.geo.places")

__all__ = ["front", "advance", "front_lines", "front_of_layers", "front_sides", "front_layers",
           "contact_line", "border_line", "components", "islets", "side_distance_km", "depth_km",
           "advance_depth_km", "advance_between", "resolve_center", "flatten_advance", "SEGMENT_M", "PROBE_M",
           "GAP_M", "SAMPLE_M"]

_GEOD = Geod(ellps="WGS84")

SEGMENT_M = 100.0     # front pieces are classified one by one at this resolution
PROBE_M = 30.0        # first look at the ground this far beside a piece
GAP_M = 2500.0        # widest water across which the sides still face each other
BORDER_TOL_M = 200.0  # a contact this close to the RUS-UKR border, each side on its own land, is the border
BORDER_BAND_M = 2000.0  # layers drawn along the border miss the 10 m OSM border by up to this much ...
SLIVER_M = 750.0      # ... leaving slivers up to this wide, which are not ground anyone holds against anyone
ISLET_KM2 = 10.0      # Ukrainian-side ground in pieces smaller than this, cut off from the rest, is no side's
BRIDGE_M = 500.0      # gaps this short along one layer edge (a probe landing across a sharp corner) are closed
SAMPLE_M = 25.0       # new front sampling step for the largest shift
_PROBES = (PROBE_M, 250.0, 1000.0, GAP_M)
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_320.0

# Ground classes a probe can land on. Plain side polygons give only RUSSIA_ANY/UKRAINE_ANY; a
# snapshot's layers also tell a side's layer from its country's uncovered land.
NONE, R_LAYER, U_LAYER, R_LAND, U_LAND = 0, 1, 2, 3, 4
_SIDE_OF = np.array([0, 1, 2, 1, 2], dtype=np.int8)  # class -> 0 neither, 1 Russian side, 2 Ukrainian side


def _r(x, nd=3):
    return None if x is None else round(float(x), nd)


# ------------------------------------------------------------------ the contact line

def _segments(lines, max_deg, with_part=False):
    """Every piece (<= max_deg long) of ``lines`` as arrays a, b of shape (n, 2), lon/lat, in
    order along each line; with ``with_part`` also the index of the line each piece is on."""
    parts = shapely.get_parts(shapely.get_parts(lines))
    parts = parts[~shapely.is_empty(parts)]
    if parts.size == 0:
        e = np.empty((0, 2))
        return (e, e, np.empty(0, dtype=np.int64)) if with_part else (e, e)
    parts = shapely.segmentize(parts, max_deg)
    xy, idx = shapely.get_coordinates(parts, return_index=True)
    same = idx[1:] == idx[:-1]
    a, b, part = xy[:-1][same], xy[1:][same], idx[:-1][same]
    keep = np.any(a != b, axis=1)
    return (a[keep], b[keep], part[keep]) if with_part else (a[keep], b[keep])


def _close_gaps(keep, part, max_run):
    """Fill runs of at most ``max_run`` dropped pieces lying between kept pieces of the same line.

    At a sharp corner of a layer the probe beside a piece can land across the corner, in the same
    side again; without this the line would break there into separate components."""
    n = len(keep)
    if n < 3 or max_run < 1:
        return keep
    change = np.flatnonzero(np.diff(keep.astype(np.int8)) != 0) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [n]])
    out = keep.copy()
    for s0, e0 in zip(starts, ends):
        if keep[s0] or s0 == 0 or e0 == n or e0 - s0 > max_run:
            continue
        if part[s0 - 1] == part[e0] == part[s0] == part[e0 - 1]:
            out[s0:e0] = True
    return out


def _prepared(g):
    g = shapely.from_wkb(shapely.to_wkb(g))  # prepare() mutates: never touch the caller's object
    shapely.prepare(g)
    return g


class _Sides:
    """Classifies points into ground classes (R_LAYER ... U_LAND) from side polygons or layers."""

    def __init__(self, russia=None, ukraine=None, *, r_layer=None, u_layer=None, rus=None, ukr=None, void=None):
        # Order matters where polygons overlap: later wins, so the Russian layer (with contested)
        # beats ukraine_held, and any layer beats uncovered country land.
        self.tests = []
        for cls, g in ((U_LAND, ukr), (R_LAND, rus), (U_LAYER, ukraine), (R_LAYER, russia),
                       (U_LAYER, u_layer), (R_LAYER, r_layer), (NONE, void)):
            if g is not None and not g.is_empty:
                self.tests.append((cls, _prepared(g)))

    def __call__(self, x, y):
        out = np.zeros(np.shape(x), dtype=np.int8)
        for cls, g in self.tests:
            out[shapely.intersects_xy(g, x, y)] = cls
        return out


def border_line(borders, a="RUS", b="UKR"):
    """The land border between countries ``a`` and ``b`` (EPSG:4326 lines), computed once per borders."""
    ga, gb = borders.get(a), borders.get(b)
    if ga is None or gb is None or ga.is_empty or gb.is_empty:
        return None
    key = (id(ga), id(gb))
    hit = _BORDER_LINES.get(key)
    if hit is not None and hit[0] is ga and hit[1] is gb:  # the same objects, not a reused id
        return hit[2]
    x0, y0, x1, y1 = ga.bounds
    sa, sb = _segments(shapely.boundary(shapely.clip_by_rect(gb, x0 - 0.01, y0 - 0.01, x1 + 0.01, y1 + 0.01)), 1.0)
    if len(sa) == 0:
        return None
    on = shapely.dwithin(_prepared(ga), shapely.points((sa + sb) / 2), 0.0005)  # ~50 m: both polygons have this edge
    if not on.any():
        return None
    line = shapely.line_merge(shapely.multilinestrings(shapely.linestrings(np.stack([sa[on], sb[on]], axis=1))))
    shapely.prepare(line)
    if len(_BORDER_LINES) > 8:
        _BORDER_LINES.clear()
    _BORDER_LINES[key] = (ga, gb, line)
    return line


_BORDER_LINES: dict = {}


def _contact(candidates, classify, *, within=None, home=None, segment_m=SEGMENT_M, probes_m=_PROBES,
             border_tol_m=BORDER_TOL_M, border_band_m=BORDER_BAND_M, sliver_m=SLIVER_M, bridge_m=BRIDGE_M):
    """Pieces of ``candidates`` (list of (lines, russian_flank_classes or None)) with the Russian
    side on one hand and the Ukrainian side on the other, merged into a line."""
    if within is not None:
        boxes = [shapely.box(*lines.bounds) for lines, _ in candidates if lines is not None and not lines.is_empty]
        if boxes and shapely.contains(within, shapely.union_all(boxes)):
            within = None  # a region holding every candidate line (a wide circle, a whole-theatre box): no cut
    small_within = within is not None and shapely.get_num_coordinates(within) < 5000
    A, B, P, OK = [], [], [], []
    for lines, r_classes in candidates:
        if lines is None or lines.is_empty:
            continue
        if small_within:
            # Cut a little outside the region, so the exact cut at the end has whole pieces to trim.
            lines = clip_to_region(lines, shapely.buffer(within, 0.01))
        a, b, part = _segments(lines, segment_m / _M_PER_DEG_LON_EQ, with_part=True)
        A.append(a)
        B.append(b)
        P.append(part + sum(len(x) for x in A))  # unique line ids across candidate sets
        OK.append(r_classes)
    if not A or sum(len(a) for a in A) == 0:
        return shapely.MultiLineString()
    a, b, part = np.concatenate(A), np.concatenate(B), np.concatenate(P)
    mid = (a + b) / 2
    kx = _M_PER_DEG_LON_EQ * np.cos(np.radians(mid[:, 1]))
    dx, dy = (b[:, 0] - a[:, 0]) * kx, (b[:, 1] - a[:, 1]) * _M_PER_DEG_LAT
    norm = np.hypot(dx, dy)
    norm[norm == 0] = 1.0
    nx, ny = -dy / norm / kx, dx / norm / _M_PER_DEG_LAT  # unit normal, in degrees per metre

    def at(idx, sign, d):
        return mid[idx, 0] + sign * d * nx[idx], mid[idx, 1] + sign * d * ny[idx]

    def flank(sign):
        found = np.zeros(len(a), dtype=np.int8)
        dist = np.zeros(len(a))
        for d in probes_m:
            todo = np.flatnonzero(found == NONE)
            if todo.size == 0:
                break
            found[todo] = classify(*at(todo, sign, d))
            dist[todo] = d
        return found, dist

    (left, _), (right, _) = flank(1.0), flank(-1.0)
    ls, rs = _SIDE_OF[left], _SIDE_OF[right]
    keep = ((ls == 1) & (rs == 2)) | ((ls == 2) & (rs == 1))
    keep = _close_gaps(keep, part, int(bridge_m // segment_m))
    r_cls = np.where(ls == 1, left, right)
    start = 0
    for r_classes, seg_a in zip(OK, A):
        if r_classes is not None:
            # A candidate set may only claim contacts with these Russian classes (no double counting).
            sl = slice(start, start + len(seg_a))
            keep[sl] &= np.isin(r_cls[sl], r_classes)
        start += len(seg_a)
    rsign = np.where(ls == 1, 1.0, -1.0)  # towards the Russian flank
    if home is not None and keep.any():
        line = border_line(home, "RUS", "UKR")
        k = np.flatnonzero(keep)
        if line is not None:
            k = k[shapely.dwithin(line, shapely.points(mid[k]), border_band_m / _M_PER_DEG_LAT)]
        else:
            k = k[:0]
        if k.size:
            rus, ukr = _prepared(home["RUS"]), _prepared(home["UKR"])
            s = rsign[k]
            # Each side on its own country's land just beside the line: that is only the border.
            own = (shapely.intersects_xy(rus, *at(k, s, border_tol_m)) & shapely.intersects_xy(ukr, *at(k, -s, border_tol_m))
                   & shapely.dwithin(line, shapely.points(mid[k]), border_tol_m / _M_PER_DEG_LAT))
            # A strip of one side narrower than sliver_m between the line and the border (a layer and
            # the border drawn apart): further out on that hand lies the other side again.
            sliver = (_SIDE_OF[classify(*at(k, s, sliver_m))] == 2) | (_SIDE_OF[classify(*at(k, -s, sliver_m))] == 1)
            keep[k[own | sliver]] = False
    if within is not None and not small_within:
        # A piece is in the region when its midpoint is; lines along rivers and reservoirs (the
        # Dnipro, the Oskil) lie on water no country polygon covers, and belong to the region when
        # it has land within the water gap of them.
        k = np.flatnonzero(keep)
        reg = _prepared(within)
        inside = shapely.intersects_xy(reg, mid[k, 0], mid[k, 1])
        j = np.flatnonzero(~inside)
        if j.size:
            pts = shapely.points(mid[k[j]])
            wet = np.ones(j.size, dtype=bool)
            for g in (home or {}).values():
                wet &= ~shapely.intersects(_prepared(g), pts)
            inside[j[wet]] = shapely.dwithin(reg, pts[wet], max(probes_m) / _M_PER_DEG_LAT)
        keep[k[~inside]] = False
    if not keep.any():
        return shapely.MultiLineString()
    segs = shapely.linestrings(np.stack([a[keep], b[keep]], axis=1))
    line = shapely.line_merge(shapely.multilinestrings(segs))
    if small_within:
        line = _cut(line, within)
    return line


def contact_line(russia, ukraine, *, within=None, home=None, void=None, **tolerances):
    """The line where ``russia`` meets ``ukraine`` (plain side polygons, EPSG:4326), as a merged
    (Multi)LineString in EPSG:4326.

    ``within``: only the part inside this polygon (exact cut when it is small, else the pieces whose
    midpoint is inside). ``home``: ``{"RUS": polygon, "UKR": polygon}`` to drop the stretches that
    are only the international border (module docstring); None keeps every contact.
    ``void``: ground that counts for neither side (see :func:`islets`).
    ``tolerances``: segment_m, probes_m, border_tol_m, border_band_m, sliver_m, bridge_m.
    """
    if russia is None or russia.is_empty or ukraine is None or ukraine.is_empty:
        return shapely.MultiLineString()
    return _contact([(shapely.boundary(russia), None)], _Sides(russia, ukraine, void=void), within=within, home=home,
                    **tolerances)


def components(line) -> list:
    """The connected pieces of a merged front line, longest first (EPSG:4326 LineStrings). Where
    the sides only touch at a point (two layers meeting corner to corner), the line's collection
    holds that point too: it is no piece of front (and made a MultiLineString fail)."""
    if line is None or line.is_empty:
        return []
    parts = [p for p in shapely.get_parts(shapely.get_parts(line)) if p.geom_type == "LineString" and not p.is_empty]
    return sorted(parts, key=length_km, reverse=True)


# ------------------------------------------------------------------ sides from a snapshot

def front_layers(layers: dict) -> dict:
    """Layers with contested merged into occupied: for fronts the grey zone counts with Russia."""
    out = {k: v for k, v in layers.items() if k != CONTESTED}
    if layers.get(CONTESTED) is not None:
        parts = [g for g in (layers.get(OCCUPIED), layers[CONTESTED]) if g is not None]
        out[OCCUPIED] = shapely.union_all(parts)
    return out


def front_sides(layers: dict, borders: dict, within=None):
    """(russia, ukraine) side polygons for fronts, cut to ``within``."""
    fl = front_layers(layers)
    return side_geometry(fl, RUSSIA, borders, within), side_geometry(fl, UKRAINE, borders, within)


def islets(ukraine_side, frame=None, min_km2=ISLET_KM2):
    """Pieces of the Ukrainian side smaller than ``min_km2`` not touching ``frame``'s edge (where a
    clip may have cut a larger piece): sandbars, spits and islets the occupied layer leaves out
    (Sivash, the Azov spits, the old Kakhovka reservoir bed), which are uncovered UKR land, hence
    Ukrainian by default, but not ground anybody holds against anybody."""
    parts = shapely.get_parts(ukraine_side)
    if parts.size == 0:
        return shapely.Polygon()

    small = areas_km2(parts) < min_km2
    if frame is not None:
        edge = _prepared(shapely.boundary(frame))
        small &= ~shapely.intersects(edge, parts)
    return shapely.union_all(parts[small]) if small.any() else shapely.Polygon()


def side_distance_km(layers: dict, side: str, borders: dict, lon: float, lat: float, *, with_contested=False,
                     search_km: float = 300.0) -> float | None:
    """Geodesic km from the point ``lon``/``lat`` to the nearest ground ``side`` holds: its
    statuses plus its country's unmapped land (:func:`~frontwatch.analysis.measure.side_geometry`), without
    the :func:`islets` the Ukrainian side would otherwise own inside Russian ground (slivers
    between two Russian layers are nobody's front); with ``with_contested``, the grey zone too.
    0 when the point lies on that ground, None when none lies within ``search_km``."""
    box = near_box(lon, lat, search_km)
    ground = side_geometry(layers, side, borders, within=box)
    if side == UKRAINE:
        void = islets(ground, box)
        if not void.is_empty:
            ground = shapely.difference(ground, void)
    if with_contested and layers.get(CONTESTED) is not None:
        ground = shapely.union(ground, clip_to_region(layers[CONTESTED], box))
    return distance_km(ground, lon, lat, search_km=search_km)


DEPTH_STATUSES = {UKRAINE: ("ukraine_held",), RUSSIA: (OCCUPIED,)}


def depth_km(layers: dict, side: str, borders: dict, *, within=None, with_contested: bool = False,
             step_m: float = 250.0) -> dict | None:
    """How far ``side``'s ground reaches into the other country on one map: the largest distance
    (km) from the side's own country of any point of its ground there. The ground is the side's
    status taken since 2022 (Ukraine's ``ukraine_held`` in RUS; Russia's ``occupied`` in UKR, cut
    to ``within``, since Russia's holding runs from its border to the Dnipro), plus the grey zone
    with ``with_contested``. Distances are measured in the azimuthal equidistant plane centred on
    that ground, on its outline sampled every ``step_m`` (the farthest point of a polygon from a
    line lies on its outline). Returns ``{"km", "lon", "lat"}`` (the deepest point), or None
    when the side holds nothing there."""
    home = borders.get(SIDE_COUNTRY[side])
    other = borders.get("RUS" if SIDE_COUNTRY[side] == "UKR" else "UKR")
    if home is None or other is None:
        raise MeasureError("depth needs the RUS and UKR borders in the store (frontwatch borders FILE)")
    statuses = DEPTH_STATUSES[side] + ((CONTESTED,) if with_contested else ())
    parts = [layers[s] for s in statuses if layers.get(s) is not None]
    if not parts:
        return None
    held = clip_to_region(shapely.union_all(parts), other)
    if within is not None:
        held = clip_to_region(held, within)
    if held.is_empty or held.area == 0:
        return None
    c = shapely.centroid(held)
    x0, y0, x1, y1 = held.bounds
    near_home = shapely.clip_by_rect(home, x0 - 3, y0 - 3, x1 + 3, y1 + 3)
    plane = to_local(held, c.x, c.y)
    xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(plane), step_m))
    far = shapely.distance(shapely.points(xy), to_local(near_home, c.x, c.y))
    k = int(np.argmax(far))
    lon, lat = shapely.get_coordinates(from_local(shapely.points(xy[k]), c.x, c.y))[0]
    return {"km": float(far[k]) / 1000.0, "lon": float(lon), "lat": float(lat)}


ADVANCE_MIN_KM2 = 0.01  # gained pieces smaller than this are a line redrawn, not an advance


def _approx_km2(parts) -> np.ndarray:
    """Rough areas (km2) of lon/lat polygons, for sorting and filtering only."""
    lat = shapely.get_coordinates(shapely.centroid(parts))[:, 1] if len(parts) else np.empty(0)
    return shapely.area(parts) * 110.57 * 111.32 * np.cos(np.radians(lat))


def advance_depth_km(old_layers: dict, new_layers: dict, side: str, borders: dict, within, *,
                     step_m: float = 250.0) -> dict:
    """How far ``side`` pushed forward between two maps inside the polygon ``within``: the largest
    distance (km) of any point of the ground it gained (its ground on the new map that was not its
    ground on the old one, :func:`~frontwatch.analysis.measure.side_geometry`, cut to ``within``)
    from its ground on the old map. "Ukrainian forces advanced up to 70 km in Kharkiv oblast"
    between the maps of 5 and 10 September 2022 is this figure for Kharkiv oblast.

    The ground that changed is found from the layers alone (the side's statuses it gained, and
    the other side's and the grey zone's it lost), cut into pieces; pieces under
    :data:`ADVANCE_MIN_KM2` are a line redrawn, and a piece counts when a point inside it is the
    side's on the new map and not on the old. Pieces are measured largest first, and a piece no
    longer than the depth already found is skipped: a gain grows from the side's old ground, so no
    point of it lies farther from that ground than the piece is long. Distances are geodesic
    (azimuthal equidistant plane centred on the piece) from its outline sampled every ``step_m``.
    Returns ``{"km", "lon", "lat", "gained_km2"}`` (``gained_km2``: the pieces counted); ``km`` 0
    and the point None when the side gained nothing there.
    """
    other = RUSSIA if side == UKRAINE else UKRAINE
    box = within.bounds

    def union(layers, statuses):
        parts = [shapely.clip_by_rect(layers[s], *box) for s in statuses if layers.get(s) is not None]
        return shapely.union_all(parts) if parts else shapely.Polygon()

    own_old, own_new = union(old_layers, SIDES[side]), union(new_layers, SIDES[side])
    opp = SIDES[other] + (CONTESTED,)
    opp_old, opp_new = union(old_layers, opp), union(new_layers, opp)
    changed = shapely.union(shapely.difference(own_new, own_old), shapely.difference(opp_old, opp_new))
    parts = shapely.get_parts(changed)
    parts = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts
    parts = parts[_approx_km2(parts) >= ADVANCE_MIN_KM2] if len(parts) else parts
    if len(parts):
        parts = np.array([clip_to_region(p_, within) for p_ in parts], dtype=object)
        parts = parts[~shapely.is_empty(parts)]
        parts = parts[_approx_km2(parts) >= ADVANCE_MIN_KM2] if len(parts) else parts
    if not len(parts):
        return {"km": 0.0, "lon": None, "lat": None, "gained_km2": 0.0}
    home = borders.get(SIDE_COUNTRY[side])
    pts = shapely.point_on_surface(parts)

    x, y = shapely.get_coordinates(pts).T
    on_home = shapely.contains_xy(home, x, y) if home is not None else np.zeros(len(pts), dtype=bool)

    def side_at(own, layers):
        """Whether each piece's point is the side's on that map: its status, or its home land uncovered."""
        covered = shapely.union_all([shapely.clip_by_rect(g, *box) for g in layers.values() if g is not None])
        return shapely.contains_xy(own, x, y) | (on_home & ~shapely.contains_xy(covered, x, y))

    keep = side_at(own_new, new_layers) & ~side_at(own_old, old_layers)
    parts = parts[keep]
    if not len(parts):
        return {"km": 0.0, "lon": None, "lat": None, "gained_km2": 0.0}
    bounds = shapely.bounds(parts)
    lat0 = np.radians((bounds[:, 1] + bounds[:, 3]) / 2)
    long_km = np.hypot((bounds[:, 2] - bounds[:, 0]) * 111.32 * np.cos(lat0), (bounds[:, 3] - bounds[:, 1]) * 110.57)
    best = {"km": 0.0, "lon": None, "lat": None}
    for i in np.argsort(-long_km):
        if long_km[i] <= best["km"]:
            break
        piece = parts[i]
        x0, y0, x1, y1 = bounds[i]
        pad = max(0.1, 1.5 * max(x1 - x0, y1 - y0))
        old = side_geometry(old_layers, side, borders, within=shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        if old.is_empty:
            continue
        c = shapely.centroid(piece)
        xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(to_local(piece, c.x, c.y)), step_m))
        far = shapely.distance(shapely.points(xy), to_local(old, c.x, c.y))
        k = int(np.argmax(far))
        if far[k] / 1000.0 > best["km"]:
            lon, lat = shapely.get_coordinates(from_local(shapely.points(xy[k]), c.x, c.y))[0]
            best = {"km": float(far[k]) / 1000.0, "lon": float(lon), "lat": float(lat)}
    best["gained_km2"] = float(area_km2(shapely.union_all(parts)))
    return best


def front_of_layers(layers: dict, borders: dict, region_geom=None):
    """The front line of one snapshot's layers (EPSG:4326), inside ``region_geom`` when given.

    Same ground as :func:`front_sides`, without building the side polygons (which would mean
    overlaying the layers with the 10 m country borders): a point is classified by the layers
    first and the countries second, and the candidates are the layers' own edges, since every
    contact that is not only the border runs along one of them. The edges of ukraine_held claim
    only contacts with uncovered Russian land; contacts with a Russian layer are the Russian
    layer's edges' (so no stretch is counted twice).
    """
    if region_geom is not None:
        layers, borders = _framed(layers, borders, region_geom)
    fl = front_layers(layers)
    r_layer = shapely.union_all([fl[s] for s in SIDES[RUSSIA] if fl.get(s) is not None])
    u_layer = shapely.union_all([fl[s] for s in SIDES[UKRAINE] if fl.get(s) is not None])
    void = None
    if borders.get("UKR") is not None and not r_layer.is_empty:
        # Islets only matter next to Russian ground: look for them around the Russian layers.
        x0, y0, x1, y1 = r_layer.bounds
        frame = shapely.box(x0 - 0.05, y0 - 0.05, x1 + 0.05, y1 + 0.05)
        covered = shapely.union_all([g for g in fl.values() if g is not None])
        uncovered = shapely.difference(shapely.clip_by_rect(borders["UKR"], *frame.bounds), covered)
        void = islets(shapely.union_all([uncovered, clip_to_region(u_layer, frame)]), frame)
    sides = _Sides(r_layer=r_layer, u_layer=u_layer, rus=borders.get("RUS"), ukr=borders.get("UKR"), void=void)
    home = {k: borders[k] for k in ("RUS", "UKR") if k in borders}
    return _contact([(shapely.boundary(r_layer), None), (shapely.boundary(u_layer), (R_LAND,))], sides,
                    within=region_geom, home=home if len(home) == 2 else None)


FRAME_DEG = 0.5  # the ground around a region that decides its front (see _framed)


def _framed(layers: dict, borders: dict, region_geom):
    """Layers and the RUS/UKR borders cut to the region's box widened by :data:`FRAME_DEG`, when
    that box is smaller than the layers': the front inside a region depends only on the ground
    near it (probes reach :data:`GAP_M`; an islet of under :data:`ISLET_KM2` reaching from the
    region past the frame would have to be 35 km long), and overlaying the whole theatre's layers
    and 10 m borders for a town's circle took 2 s a map."""
    x0, y0, x1, y1 = region_geom.bounds
    frame = (x0 - FRAME_DEG, y0 - FRAME_DEG, x1 + FRAME_DEG, y1 + FRAME_DEG)
    present = [g for g in layers.values() if g is not None and not g.is_empty]
    if not present:
        return layers, borders
    lx0, ly0, lx1, ly1 = shapely.total_bounds(present)
    if frame[0] <= lx0 and frame[1] <= ly0 and frame[2] >= lx1 and frame[3] >= ly1:
        return layers, borders
    cut = {k: (shapely.clip_by_rect(v, *frame) if v is not None else None) for k, v in layers.items()}
    return cut, {k: (shapely.clip_by_rect(v, *frame) if k in ("RUS", "UKR") else v) for k, v in borders.items()}


def front(store, region, *, date=None, start=None, end=None, every=None, borders, source=None, engine=None) -> list[dict]:
    """The front line inside a region, per map.

    With ``engine`` (:func:`frontwatch.engine.get_engine`) the maps' lines are traced there, in
    parallel (the same function, so the same lines); without, one after the other here.

    Parameters
    ----------
    store : Store
        The store holding the maps.
    region : Region or None
        Where to cut the line (None or ``ALL``: the whole map).
    date : datetime.date, optional
        The day: its last map (default: the latest map).
    start, end : datetime.date, optional
        A window: every map in it (one per ``every`` period).
    every : {"day", "week", "month"}, optional
        With a window, the last map of each period.
    borders : dict
        Country borders ``{iso_a3: geometry}`` (the sides' own land, the international border).
    source : str, optional
        Whose maps (default: the store's default source).
    engine : engine, optional
        Where the lines are traced; None: here.

    Returns
    -------
    list of dict
        Per map: ``date``, ``snapshot_id``, ``region``, ``length_km`` (geodesic on WGS84),
        ``components`` (connected pieces), ``longest_km`` (the longest piece) and ``geometry``
        (EPSG:4326 MultiLineString).

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> lines = front(store, resolve_region("UKR", borders), date=dt.date(2024, 9, 1), borders=borders)
    >>> [(r["date"], r["length_km"], r["components"], r["geometry"].geom_type) for r in lines]
    [('2024-09-01', 500.0, 1, 'MultiLineString')]
    >>> store.close()
    """
    if borders is None:
        raise MeasureError("the front line needs country borders")
    if date is not None or not (start or end or every):
        snaps = [snapshot_on(store, date, source=source) if date else select_snapshots(store, source=source)[-1]]
    else:
        snaps = select_snapshots(store, start=start, end=end, every=every, source=source)
    region_geom = None if region is None or region.name == "ALL" else region.geometry
    if engine is not None and len(snaps) > 1:
        lines = front_lines([store.layers(s.id) for s in snaps], borders, region_geom, engine)
    else:
        lines = [front_of_layers(store.layers(s.id), borders, region_geom) for s in snaps]
    out = []
    for s, line in zip(snaps, lines):
        parts = components(line)
        out.append({"date": s.date.isoformat(), "snapshot_id": s.id, "region": region.name if region else "ALL",
                    "length_km": _r(length_km(line), 1), "components": len(parts),
                    "longest_km": _r(length_km(parts[0]), 1) if parts else 0.0,
                    "geometry": shapely.MultiLineString(parts) if parts else shapely.MultiLineString()})
    return out


# ------------------------------------------------------------------ advance (plain polygons)

def _sample_points(line, step_m):
    seg = shapely.segmentize(line, step_m)
    return shapely.points(shapely.get_coordinates(seg))


def advance_between(old_russia, old_ukraine, new_russia, new_ukraine, center_lonlat, radius_km, days, *,
                    home=None, sample_m=SAMPLE_M, margin_km=None, voids=(None, None)) -> dict:
    """How far each side moved inside a circle between two maps (plain side polygons, EPSG:4326).

    ``days`` (> 0) between the maps; ``home`` as for :func:`contact_line`. The side polygons must
    cover the circle plus ``margin_km`` (default: max(radius, 5 km)), where the old front is looked
    for; ``voids``: (old, new) ground that counts for neither side in the fronts (:func:`islets`).
    Returns ``front_km_old``/``front_km_new`` (inside the circle) and, per side, a dict under
    ``russia``/``ukraine`` with ``gained_km2``, ``lost_km2``, ``net_km2``, ``mean_m_per_day``,
    ``shift_m``, ``shift_m_per_day``, ``shift_bearing_deg``; the circle, fronts and gained/lost areas
    are under ``geometry`` (EPSG:4326).
    """
    if radius_km is None or not radius_km > 0:
        raise MeasureError(f"radius must be positive (got {radius_km} km)")
    if days is None or not days > 0:
        raise MeasureError(f"the two maps must be some time apart (got {days} days)")
    lon, lat = center_lonlat
    margin_km = max(radius_km, 5.0) if margin_km is None else margin_km
    disk = circle(lon, lat, radius_km)
    wide = circle(lon, lat, radius_km + margin_km)
    f_old_wide = contact_line(old_russia, old_ukraine, within=wide, home=home, void=voids[0])
    f_new_wide = contact_line(new_russia, new_ukraine, within=wide, home=home, void=voids[1])
    f_old = _cut(f_old_wide, disk)
    f_new = _cut(f_new_wide, disk)
    km_old, km_new = length_km(f_old), length_km(f_new)
    mean_km = (km_old + km_new) / 2

    shift = _largest_shift(f_old_wide, f_new, lon, lat, sample_m)
    out = {"center": [lon, lat], "radius_km": radius_km, "days": _r(days, 4),
           "front_km_old": _r(km_old), "front_km_new": _r(km_new)}
    geoms = {"circle": disk, "front_old": f_old, "front_new": f_new}
    for side, old, new in ((RUSSIA, old_russia, new_russia), (UKRAINE, old_ukraine, new_ukraine)):
        old_c, new_c = clip_to_region(old, disk), clip_to_region(new, disk)
        gained, lost = shapely.difference(new_c, old_c), shapely.difference(old_c, new_c)
        g, l = area_km2(gained), area_km2(lost)
        rec = {"gained_km2": _r(g), "lost_km2": _r(l), "net_km2": _r(g - l),
               "mean_m_per_day": _r((g - l) * 1e6 / (mean_km * 1000) / days, 3) if mean_km > 0 else None,
               "shift_m": None, "shift_m_per_day": None, "shift_bearing_deg": None}
        if shift is not None:
            dist, q_ll, p_ll, mid_ll = shift
            # Positive when the new front lies in ground this side did not hold before.
            held_before = bool(shapely.intersects_xy(old, *mid_ll)) if dist > 0 else False
            sign = -1.0 if held_before else 1.0
            fwd, _, _ = _GEOD.inv(q_ll[0], q_ll[1], p_ll[0], p_ll[1]) if dist > 0 else (None, None, None)
            rec.update(shift_m=_r(sign * dist, 1), shift_m_per_day=_r(sign * dist / days, 3),
                       shift_bearing_deg=_r(fwd % 360, 1) if fwd is not None else None)
        out[side] = rec
        geoms[f"{side}_gained"], geoms[f"{side}_lost"] = gained, lost
    out["geometry"] = geoms
    return out


def _cut(line, disk):
    if line.is_empty:
        return line
    g = shapely.intersection(line, disk)
    return shapely.line_merge(g) if shapely.get_type_id(g) == 5 else g


def _largest_shift(old_front, new_front, lon, lat, step_m):
    """(metres, old point lon/lat, new point lon/lat, midpoint lon/lat) of the new-front point
    farthest from the old front, or None when either front is absent."""
    if old_front.is_empty or new_front.is_empty:
        return None
    old_l, new_l = to_local(old_front, lon, lat), to_local(new_front, lon, lat)
    pts = _sample_points(new_l, step_m)
    # Distance to the old front's nearest segment through an R-tree: the same minimum as the
    # distance to the whole line, without scanning all its vertices for each of the points.
    xy, idx = shapely.get_coordinates(shapely.get_parts(old_l), return_index=True)
    same = idx[1:] == idx[:-1]
    segs = shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))
    (which, _), near = shapely.STRtree(segs).query_nearest(pts, return_distance=True, all_matches=False)
    dist = np.zeros(len(pts))
    dist[which] = near
    i = int(np.argmax(dist))
    link = shapely.shortest_line(old_l, pts[i])  # from the old front to the new-front point
    (qx, qy), (px, py) = shapely.get_coordinates(link)
    ends = from_local(shapely.points([[qx, qy], [px, py], [(qx + px) / 2, (qy + py) / 2]]), lon, lat)
    q, p, m = (tuple(shapely.get_coordinates(e)[0]) for e in ends)
    return float(dist[i]), q, p, m


# ------------------------------------------------------------------ advance (store)

def resolve_center(near):
    """``(name, lon, lat)`` for a gazetteer name (any script) or ``"lat,lon"``."""
    import re

    m = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$", str(near))
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise MeasureError(f"bad coordinates {near!r}: expected LAT,LON in degrees")
        return f"{lat:.4f},{lon:.4f}", lon, lat

    p = places.resolve_place(str(near))  # PlaceNotFound (a ValueError) lists the nearest matches
    return p.name, p.lon, p.lat


def _sides_in_disk(job):
    """Side polygons and islets of one snapshot cut to a disk: the per-snapshot work of
    :func:`advance`, a top-level function of plain data so an engine can run it anywhere.
    ``job``: ``(layer WKBs by status, border WKBs by ISO-3 (already cut to the disk), disk WKB)``."""
    layer_wkbs, border_wkbs, disk_wkb = job
    disk = shapely.from_wkb(disk_wkb)
    borders = {k: shapely.from_wkb(w) for k, w in border_wkbs.items()}
    layers = {s: clip_to_region(shapely.from_wkb(w), disk) for s, w in layer_wkbs.items()}
    russia, ukraine = front_sides(layers, borders, None)
    return russia, ukraine, islets(ukraine, disk)


def _advance_pair(job):
    """:func:`advance_between` for one pair of snapshots (the per-pair work of :func:`advance`)."""
    (r0, u0, v0), (r1, u1, v1), center, radius_km, days, home, margin_km = job
    return advance_between(r0, u0, r1, u1, center, radius_km, days, home=home, margin_km=margin_km, voids=(v0, v1))


def advance(store, near, radius_km, *, start, end, every=None, borders, source=None, engine=None) -> list[dict]:
    """Advance of each side inside ``radius_km`` of ``near``, between pairs of maps.

    With ``engine`` (:func:`frontwatch.engine.get_engine`) the per-snapshot side polygons and the
    per-pair advances of a series are computed there, in parallel; without, here, one after the
    other (the same functions, so the same figures).

    Parameters
    ----------
    store : Store
        The store holding the maps.
    near : str
        A place name (any spelling the gazetteer knows) or ``"lat,lon"``.
    radius_km : float
        The circle's radius (km; positive).
    start, end : datetime.date
        The period (days, inclusive).
    every : {"day", "week", "month"}, optional
        None: one record over the period, between the maps
        :func:`frontwatch.analysis.measure.period_maps` picks (the last map before ``start`` and the
        last on or before ``end``). A period: one record per consecutive pair of the maps selected
        in the window (the last of each period).
    borders : dict
        Country borders ``{iso_a3: geometry}``.
    source : str, optional
        Whose maps (default: the store's default source).
    engine : engine, optional
        Where the work runs; None: here.

    Returns
    -------
    list of dict
        Flat records: ``place``, ``radius_km``, ``from_date``, ``to_date``, ``days`` (fractional),
        ``front_km_old``/``front_km_new`` (km), and per side (``russia_*``, ``ukraine_*``):
        ``gained_km2``, ``lost_km2``, ``net_km2``, ``mean_m_per_day`` (net ground over the mean
        front length), ``shift_m``, ``shift_m_per_day`` and ``shift_bearing_deg`` (the largest local
        shift of the front, degrees from north); the shapes under ``geometry``.

    Examples
    --------
    >>> import datetime as dt
    >>> from frontwatch.geo.regions import resolve_region
    >>> from frontwatch.store import Store
    >>> store = Store(store_path, read_only=True)
    >>> borders = store.borders()
    >>> recs = advance(store, "47.5,35.9", 30, start=dt.date(2024, 8, 2), end=dt.date(2024, 9, 15), borders=borders)
    >>> [(r["from_date"], r["to_date"], r["russia_net_km2"], r["russia_mean_m_per_day"]) for r in recs]
    [('2024-08-01', '2024-09-15', ...)]
    >>> store.close()
    """
    if borders is None:
        raise MeasureError("advance needs country borders")
    if radius_km is None or not radius_km > 0:
        raise MeasureError(f"radius must be positive (got {radius_km} km)")
    if start is None or end is None:
        raise MeasureError("give both --from and --to")
    if end < start:
        raise MeasureError(f"--to ({end}) must not be before --from ({start})")
    name, lon, lat = resolve_center(near)
    try:
        theatre_circle(lon, lat, radius_km, name)
    except RegionError as exc:
        raise MeasureError(str(exc)) from None
    if every:
        snaps = select_snapshots(store, start=start, end=end, every=every, source=source)
        pairs = list(zip(snaps[:-1], snaps[1:]))
        if not pairs:
            raise MeasureError(f"only one snapshot ({snaps[0].date}) in {start} to {end} by {every}: need two")
    else:
        # A period's maps, by the one rule (measure.period_maps): from the state at the start of
        # ``start`` (the last map before it) to the last map on or before ``end``.
        a, b = period_maps(store, start, end, source=source)
        if a.id == b.id:
            raise MeasureError(f"no snapshot between {start} and {end}: both dates fall on the map of {a.date}")
        pairs = [(a, b)]
    margin_km = max(radius_km, 5.0)
    disk = circle(lon, lat, radius_km + margin_km + 1.0)
    home = {k: clip_to_region(v, disk) for k, v in borders.items() if k in ("RUS", "UKR")}
    run = engine.map if engine is not None and len(pairs) > 1 else (lambda fn, jobs: [fn(j) for j in jobs])
    # Sides once per distinct map (a map republished unchanged is one), then every pair.
    wkb = lambda g: shapely.to_wkb(g, output_dimension=2)  # noqa: E731
    shared = ({k: wkb(v) for k, v in home.items()}, wkb(disk))
    keys = {}
    for snap in (s for pair in pairs for s in pair):
        keys[snap.id] = tuple(sorted(store.layer_hashes(snap.id).items()))
    distinct = list(dict.fromkeys(keys.values()))
    wkbs = store.geometry_wkbs(h for key in distinct for _, h in key)
    sides = dict(zip(distinct, run(_sides_in_disk, [({st: wkbs[h] for st, h in key}, *shared) for key in distinct])))
    jobs = [(sides[keys[a.id]], sides[keys[b.id]], (lon, lat), radius_km,
             (b.taken_at - a.taken_at).total_seconds() / 86400, home, margin_km) for a, b in pairs]
    return [flatten_advance(res, name, a.date, b.date) for res, (a, b) in zip(run(_advance_pair, jobs), pairs)]


def flatten_advance(res: dict, place: str, from_date, to_date) -> dict:
    """The flat record of one advance (:func:`advance`'s): ``place``, ``radius_km``, the two days, then each side's figures as ``russia_*`` / ``ukraine_*`` columns, the shapes under ``geometry``."""
    rec = {"place": place, "radius_km": res["radius_km"], "from_date": str(from_date), "to_date": str(to_date),
           "days": res["days"], "front_km_old": res["front_km_old"], "front_km_new": res["front_km_new"]}
    for side in (RUSSIA, UKRAINE):
        for k, v in res[side].items():
            rec[f"{side}_{k}"] = v
    rec["geometry"] = res["geometry"]
    return rec


# ------------------------------------------------------------------ the front lines of many maps on an engine

def _front_one(layer_wkbs, border_wkbs, region_wkb):
    layers = {k: shapely.from_wkb(w) for k, w in layer_wkbs.items()}
    borders = {k: shapely.from_wkb(w) for k, w in border_wkbs.items()}
    region = shapely.from_wkb(region_wkb) if region_wkb is not None else None
    return shapely.to_wkb(front_of_layers(layers, borders, region))


def front_lines(layer_sets, borders, region_geom, engine) -> list:
    """The front line (EPSG:4326) of each ``{status: geometry}`` of ``layer_sets``, by
    :func:`front_of_layers`, traced on ``engine`` (a task per map, run where the engine runs it)."""
    bw = {k: shapely.to_wkb(v, output_dimension=2) for k, v in borders.items() if k in ("RUS", "UKR")}
    rw = shapely.to_wkb(region_geom, output_dimension=2) if region_geom is not None else None
    jobs = [{k: shapely.to_wkb(v, output_dimension=2) for k, v in layers.items()} for layers in layer_sets]
    return [shapely.from_wkb(w) for w in engine.run(_front_one, jobs, bw, rw)]
