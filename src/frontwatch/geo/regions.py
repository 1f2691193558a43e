"""Regions: turn a region spec into a named polygon in EPSG:4326.

Specs: ``ALL`` (the whole map, unclipped: the theatre, where the readers keep every map part); an ISO-3 country code (``RUS``, ``UKR``) from the country borders; ``Place:15km`` (a
geodesic circle around a gazetteer settlement); ``lat,lon:15km``; ``bbox:minlon,minlat,maxlon,maxlat``;
or a path to a GeoJSON polygon file. Boxes, circles and files are cut to the theatre, and one
wholly outside it (or not in lon/lat) is a RegionError. Borders come from ``--borders FILE``, else those saved in
the store, else a public boundaries file fetched once and cached (see :func:`load_borders`).
Crimea lies inside both the UKR and the RUS polygons of OpenStreetMap: frontwatch counts it in
UKR only (its internationally recognised country) and removes every UKR overlap from RUS, so no
ground is counted twice. May import: the standard library, shapely, pyproj, numpy, msgspec, pyogrio,
frontwatch.geo.geodesy, frontwatch.sources.base, frontwatch.geo.places, frontwatch.store, frontwatch.analysis.measure
(to save tilings with the borders), frontwatch.engine (how many CPUs it may use).
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from frontwatch import notices
from frontwatch.sources.base import is_borders_file  # noqa: F401  (part of this module's interface)
from frontwatch.sources.base import (THEATRE_BBOX, is_url, local_copy, SourceError, check_lonlat_bounds, iter_blocks,
                                     object_fingerprint, parse_features, read_bytes)
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:  # imported on first use (the function-level imports this replaces)
    from frontwatch.geo import admin
    from frontwatch import engine
    from frontwatch.geo import files
    from frontwatch.geo import geodesy
    from frontwatch.geo import places
    from frontwatch.geo import tiling
else:
    admin = lazy_import("frontwatch.geo.admin")
    engine = lazy_import("frontwatch.engine")
    files = lazy_import("frontwatch.geo.files")
    geodesy = lazy_import("frontwatch.geo.geodesy")
    places = lazy_import("frontwatch.geo.places")
    tiling = lazy_import("frontwatch.geo.tiling")

__all__ = ["Region", "RegionError", "Deferred", "resolve_region", "union_region", "load_borders",
           "read_borders_file", "borders_from_file", "tilings_of", "kept_tilings", "prepare_borders", "save_borders",
           "stored_borders_of",
           "fetch_default_borders", "borders_file_hash", "region_keys", "parse_radius_km", "circle",
           "theatre_circle", "is_valid_polygonal", "surely_valid", "DEFAULT_BORDERS_URL", "CORE", "THEATRE"]

# geo-maps (OSM-derived land borders, ODbL), the same family as ../shared/data/borders.
DEFAULT_BORDERS_URL = os.environ.get(
    "FRONTWATCH_BORDERS_URL",
    "https://github.com/simonepri/geo-maps/releases/download/v0.6.0/countries-land-10m.geo.json",
)
# The countries whose ground the sides can hold; others are kept too when the file has them.
CORE = ("UKR", "RUS", "BLR", "MDA")
_CLIP = (20.0, 43.5, 42.0, 54.5)
THEATRE = THEATRE_BBOX  # where the readers keep map parts: one box for readers and regions


class RegionError(ValueError):
    """A region spec that cannot be resolved; the message is one line."""


class Deferred:
    """A region's geometry made when first needed (``make()``): a country of the stored borders is
    decoded only when a measure has to cut it, not to answer from figures filed under its key."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


@dataclasses.dataclass(frozen=True)
class Region:
    """A named polygon (EPSG:4326). ``key`` changes exactly when the geometry changes. The
    geometry may be given as :class:`Deferred` (made on first use of :attr:`geometry`)."""

    name: str
    _geometry: object = dataclasses.field(repr=False)
    key: str
    center: tuple | None = None  # (lon, lat) for circles
    radius_km: float | None = None
    # ISO-3 of the country whose land holds the whole region (a country, an oblast cut to land),
    # None when unknown or mixed; and the ISO 3166-2 codes of the named units it is made of.
    country: str | None = None
    units: tuple = ()

    @property
    def geometry(self):
        g = self._geometry
        if isinstance(g, Deferred):
            g = g.make()
            object.__setattr__(self, "_geometry", g)
        return g

    @property
    def is_land(self) -> bool:
        """True when the geometry is land only (a country of the borders, units cut to land): its
        area is the land the shares of :mod:`frontwatch.analysis.shares` are taken of."""
        return self.country is not None

    def to_record(self) -> dict:
        rec = {"name": self.name, "key": self.key, "bounds": list(self.geometry.bounds),
               "center": self.center, "radius_km": self.radius_km}
        if self.units:
            rec["units"] = list(self.units)
        if self.country:
            rec["country"] = self.country
        return rec


def _key(geom) -> str:
    import shapely

    return hashlib.sha256(shapely.to_wkb(shapely.normalize(geom), output_dimension=2)).hexdigest()[:24]


def read_borders_file(path, clip=_CLIP) -> dict:
    """``{iso_a3: geometry}`` from a GeoJSON/GPKG of countries with an ISO-3 attribute (a local
    path or an object-store URL; SourceError when the object cannot be fetched).

    With ``clip`` (minlon, minlat, maxlon, maxlat; default the theatre), countries are cut to it
    *before* they are repaired and unioned: validating and unioning Russia's whole 10 m border
    takes seconds, its part in the theatre a fraction of that. ``clip=None`` keeps them whole.
    """
    import shapely

    if is_url(path):
        # In an object store: read from a temporary copy, the messages naming the URL.
        with local_copy(path) as local:
            try:
                return read_borders_file(local, clip)
            except RegionError as exc:
                raise RegionError(str(exc).replace(str(local), path)) from None
    path = Path(path)
    read = _read_geojson_borders(path) if path.name.lower().endswith((".geojson", ".json")) else None
    if read is None:
        read = _read_borders_with_gdal(path)
    geoms, isos = read
    if len(geoms):
        b = shapely.total_bounds(geoms)
        try:
            check_lonlat_bounds(path, b)
        except SourceError as exc:
            raise RegionError(str(exc)) from None
        if clip is not None and not (b[0] <= clip[2] and clip[0] <= b[2] and b[1] <= clip[3] and clip[1] <= b[3]):
            raise RegionError(f"{path}: no country in the borders file reaches the theatre (lon {clip[0]:g}..{clip[2]:g}, "
                              f"lat {clip[1]:g}..{clip[3]:g}; the file's bounds {b[0]:.2f},{b[1]:.2f},{b[2]:.2f},{b[3]:.2f})")
    if clip is not None:
        # A rectangle clip walks the vertices once and needs no valid input; what it leaves
        # is repaired below where needed.
        geoms = shapely.clip_by_rect(geoms, *clip)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms, isos = geoms[keep], isos[keep]
    bad = ~_threaded(is_valid_polygonal, geoms).astype(bool)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    out = {}
    for iso in sorted(set(isos)):
        mine = geoms[isos == iso]
        g = mine[0] if len(mine) == 1 else shapely.union_all(mine)
        if shapely.get_type_id(g) not in (3, 6):
            g = shapely.union_all(geodesy.polygonal_parts(g))
        if not g.is_empty:
            out[iso] = g
    if not out:
        raise RegionError(f"{path}: no countries in borders file" + (" inside the theatre" if clip is not None and len(isos) else ""))
    return out


_ISO_FIELDS = ("iso_a3", "ISO_A3", "A3", "iso3", "ADM0_A3", "shapeGroup")


def _read_borders_with_gdal(path):
    """``(geometries, iso codes)`` of any vector file GDAL reads, reprojected to EPSG:4326."""
    import numpy as np

    import pyogrio

    try:
        df = pyogrio.read_dataframe(path)
    except Exception as exc:
        raise RegionError(f"{path}: cannot read borders ({str(exc).splitlines()[0]})") from None
    col = next((c for c in _ISO_FIELDS if c in df.columns), None)
    if col is None:
        raise RegionError(f"{path}: borders file needs an ISO-3 attribute (iso_a3)")
    if df.crs is not None and df.crs.to_epsg() != 4326:
        df = df.to_crs(4326)
    return np.asarray(df.geometry.values, dtype=object), df[col].astype(str).to_numpy()


class _CrsOnly(msgspec.Struct):
    crs: dict | None = None


def _read_geojson_borders(path):
    """The same from a GeoJSON file, read directly (no GDAL, no data frame): None when the file
    declares a CRS other than lon/lat (GDAL then reprojects it)."""
    import numpy as np
    import shapely

    try:
        data = read_bytes(path)
        crs = msgspec.json.decode(data, type=_CrsOnly).crs
        name = str(((crs or {}).get("properties") or {}).get("name", ""))
        if crs and not re.search(r"CRS84|EPSG:?:?4326", name):
            return None
        feats = [f for f in parse_features(path, data) if f is not None]
    except SourceError as exc:
        raise RegionError(f"{path}: cannot read borders ({exc.reason})") from None
    except msgspec.DecodeError as exc:
        raise RegionError(f"{path}: cannot read borders ({exc})") from None
    col = next((c for c in _ISO_FIELDS if any(c in (f.properties or {}) for f in feats)), None)
    if col is None:
        raise RegionError(f"{path}: borders file needs an ISO-3 attribute (iso_a3)")
    try:
        geoms = shapely.from_geojson(np.array([bytes(f.geometry) for f in feats], dtype=object), on_invalid="ignore")
    except shapely.errors.GEOSException as exc:
        raise RegionError(f"{path}: cannot read borders ({exc})") from None
    return geoms, np.array([str((f.properties or {}).get(col)) for f in feats], dtype=object)


def is_valid_polygonal(geom, min_holes: int = 64) -> bool:
    """``shapely.is_valid(geom)``, quick for polygons with thousands of holes (OSM land borders).

    GEOS checks that each hole lies in its shell by walking the whole shell once per hole: for
    Ukraine's 12,600 lake holes in a 19,000-vertex shell that is 1.2 s. Here, for each polygon
    with at least ``min_holes`` holes, the same rules are checked in three cheap GEOS calls:

    - the holes that are not *properly* inside the shell (a prepared, indexed predicate), with
      every hole that touches them, directly or through other holes, form a valid polygon with the
      shell: the shell is simple, and these holes lie inside it, cross nothing and do not cut
      the interior off (any loop of touching rings through the shell is among them);
    - all the holes form a valid polygon inside a box around everything: each simple, none
      crossing, nested in or touching another in a loop;
    - the rest lie properly inside the shell, so they meet it nowhere.

    Polygons of a MultiPolygon must also meet only at points: each pair whose boxes overlap is
    disjoint, or touches with only points in common (prepared predicates). Any doubt (a check
    fails) is settled by GEOS's own check of the whole geometry, so the answer is always
    ``shapely.is_valid``'s; tests compare the two on random lattice polygons built to touch and
    cross."""
    import shapely

    return surely_valid(geom, min_holes) or bool(shapely.is_valid(geom))


def surely_valid(geom, min_holes: int = 64) -> bool:
    """True only if ``geom`` is valid; False when its polygons have fewer than ``min_holes``
    holes, or when the quick checks of :func:`is_valid_polygonal` cannot tell."""
    import shapely

    if shapely.get_type_id(geom) not in (3, 6) or shapely.is_empty(geom):
        return False
    polys = shapely.get_parts(geom)
    nholes = shapely.get_num_interior_rings(polys)
    if nholes.max(initial=0) < max(min_holes, 1):
        return False
    ok = all(_valid_polygon(p) if n >= max(min_holes, 1) else bool(shapely.is_valid(p)) for p, n in zip(polys, nholes))
    return ok and (len(polys) == 1 or _parts_meet_at_points(polys))


def _valid_polygon(poly) -> bool:
    """A sufficient condition for a polygon with many holes to be valid (see :func:`is_valid_polygonal`)."""
    import numpy as np
    import shapely

    rings = shapely.get_rings(poly)
    shell, holes = rings[0], rings[1:]
    hole_polys = shapely.polygons(holes)
    inside = shapely.polygons(shell)
    shapely.prepare(inside)
    proper = shapely.contains_properly(inside, hole_polys)
    near = np.flatnonzero(~proper)
    if near.size:
        # Holes touching those, directly or through others: a loop of touching rings lies among them.
        a, b = shapely.STRtree(hole_polys).query(hole_polys, predicate="intersects")
        mark = np.zeros(len(holes), dtype=bool)
        mark[near] = True
        while True:
            grow = mark.copy()
            grow[b[mark[a]]] = True
            if (grow == mark).all():
                break
            mark = grow
        near = np.flatnonzero(mark)
    if not shapely.is_valid(shapely.polygons(shell, holes=holes[near] if near.size else None)):
        return False
    x0, y0, x1, y1 = shapely.total_bounds(rings)
    frame = shapely.box(x0 - 1, y0 - 1, x1 + 1, y1 + 1).exterior
    return bool(shapely.is_valid(shapely.polygons(frame, holes=holes)))


def _parts_meet_at_points(polys) -> bool:
    """True when no two polygons share interior or a stretch of boundary. Each pair whose boxes
    overlap is tested against the larger one's shell alone (with its thousands of holes, a
    prepared polygon would test one point of every ring): the smaller one lies outside that
    shell, or touches it at points, or lies within one of its holes meeting it at points."""
    import numpy as np
    import shapely

    b = shapely.bounds(polys)
    boxes = shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
    i, j = shapely.STRtree(boxes).query(boxes, predicate="intersects")
    keep = i != j
    i, j = i[keep], j[keep]
    shells = shapely.polygons(shapely.get_exterior_ring(polys))
    big = shapely.area(shells)
    keep = (big[i] > big[j]) | ((big[i] == big[j]) & (i < j))  # each pair once, larger shell first
    i, j = i[keep], j[keep]
    if not i.size:
        return True
    shapely.prepare(shells)
    try:
        out = ~shapely.intersects(shells[i], polys[j])
        meet = ~out & shapely.touches(shells[i], polys[j])
    finally:
        shapely.destroy_prepared(shells)
    for a, c in zip(i[meet], j[meet]):
        # The shell near the small one (a rectangle clip keeps no line lying on the rectangle: widened).
        x0, y0, x1, y1 = polys[c].bounds
        m = 0.01 * max(x1 - x0, y1 - y0) + 1e-9
        edge = shapely.clip_by_rect(shapely.get_exterior_ring(polys[a]), x0 - m, y0 - m, x1 + m, y1 + m)
        if not _meet_at_points(edge, shapely.boundary(polys[c])):
            return False
    inner = ~out & ~meet
    for a in np.unique(i[inner]):
        rings = shapely.get_rings(polys[a])[1:]
        small = j[inner & (i == a)]
        where, hole = shapely.STRtree(shapely.polygons(rings)).query(polys[small], predicate="within")
        if not np.array_equal(where, np.arange(len(small))):  # each in exactly one hole
            return False
        if not all(_meet_at_points(rings[h], shapely.boundary(polys[c])) for c, h in zip(small, hole)):
            return False
    return True


def _meet_at_points(a, b) -> bool:
    """True when the lines ``a`` and ``b`` share no stretch (at most points)."""
    import shapely

    x = shapely.intersection(a, b)
    return x.is_empty or shapely.get_dimensions(x) <= 0


def _threaded(fn, geoms) -> np.ndarray:
    """``fn`` of each geometry, on as many threads as cores (GEOS releases the GIL), largest
    geometries first: checking a country with thousands of lake holes is the slow part."""
    import numpy as np
    import shapely

    import concurrent.futures as cf

    geoms = np.asarray(geoms, dtype=object)
    out = np.empty(len(geoms), dtype=object)
    if len(geoms) < 2:
        out[:] = [fn(g) for g in geoms]
        return out
    order = np.argsort(-shapely.get_num_coordinates(geoms), kind="stable")
    with cf.ThreadPoolExecutor(min(len(geoms), engine.available_cpus())) as ex:
        for i, v in zip(order, ex.map(fn, geoms[order])):
            out[i] = v
    return out


def fetch_default_borders(cache_dir: Path, timeout=60) -> Path:
    """Download the default borders file once into ``cache_dir``; RegionError when offline."""
    import requests

    target = cache_dir / "countries-land-10m.geo.json"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        r = requests.get(DEFAULT_BORDERS_URL, timeout=timeout)
        r.raise_for_status()
    except requests.RequestException as exc:
        raise RegionError(f"no country borders: {DEFAULT_BORDERS_URL} unreachable ({type(exc).__name__}); "
                          "give --borders FILE or run `frontwatch borders FILE`") from None
    tmp = target.with_suffix(".part")
    tmp.write_bytes(r.content)
    os.replace(tmp, target)
    return target


def prepare_borders(raw: dict) -> dict:
    """Clip countries to the theatre and remove from every other country its overlap with UKR."""
    import shapely

    box = shapely.box(*_CLIP)
    out = {}
    for iso, g in raw.items():
        # Inside the box when its bounds are (the box is a rectangle): no overlay, no predicate.
        x0, y0, x1, y1 = g.bounds
        inside = _CLIP[0] <= x0 and _CLIP[1] <= y0 and x1 <= _CLIP[2] and y1 <= _CLIP[3]
        g = g if inside else shapely.intersection(g, box)
        if not g.is_empty:
            out[iso] = g
    ukr = out.get("UKR")
    if ukr is not None:
        others = [iso for iso in out if iso != "UKR" and shapely.intersects(out[iso], ukr)]
        for iso, g in zip(others, _threaded(lambda g: shapely.difference(g, ukr), [out[i] for i in others])):
            out[iso] = g
    for g in out.values():
        shapely.prepare(g)
    return out


# Bumped whenever read_borders_file or prepare_borders change what they make of a file: borders
# kept under a file's hash by an older version are then prepared again.
BORDERS_PREPARATION = 1


def borders_file_hash(path) -> str | None:
    """What identifies a borders file's content for the store: a hash of its bytes and of
    :data:`BORDERS_PREPARATION` (None when it cannot be read: preparing it then says why). An
    object-store URL is known by its entity tag and size where the store gives one."""
    h = hashlib.blake2b(f"borders v{BORDERS_PREPARATION} clip {_CLIP}\0".encode(), digest_size=16)
    tag = object_fingerprint(path) if is_url(path) else None
    try:
        if tag is not None:
            h.update(b"object\0" + str(path).encode() + b"\0" + tag.encode())
        else:
            for block in iter_blocks(path):
                h.update(block)
    except Exception:  # OSError, or an object store client's own errors
        return None
    return h.hexdigest()


def region_keys(borders: dict) -> dict:
    """``{iso_a3: region key}`` of prepared borders (what :class:`Region` of each country gets);
    borders read back from a store or a cache (``key_of``) give the keys saved with them."""
    key_of = getattr(borders, "key_of", None)
    return {iso: (key_of(iso) if key_of is not None else None) or _key(borders[iso]) for iso in borders}


def load_borders(store=None, borders_file=None) -> dict:
    """Country borders for region resolution: ``borders_file``, else the store's, else fetched.

    A ``borders_file`` whose content the store holds already (its own borders, or a file an
    earlier command was given: same hash, :func:`borders_file_hash`) is not read or prepared
    again; one it does not hold is prepared and kept in the store's cache for the next command
    (:meth:`~frontwatch.store.Store.keep_prepared_borders`), the store's own borders staying as
    they are. Fetched borders are saved into the store so that later runs work offline.
    """
    if borders_file:
        h = borders_file_hash(borders_file)
        held = store.borders_of_file(h) if store is not None and h else None
        if held is not None:
            return held
        raw = prepare_borders(read_borders_file(borders_file))
        if store is not None and h:
            store.keep_prepared_borders(h, raw, region_keys(raw), str(borders_file))
        return raw
    if store is not None:
        saved = store.borders()
        if saved:
            return saved

    path = fetch_default_borders(files.cache_dir())
    raw = prepare_borders(read_borders_file(path))
    if store is not None and not store.read_only:
        save_borders(store, raw, DEFAULT_BORDERS_URL, file_hash=borders_file_hash(path))
    return raw


TILED = ("RUS", "UKR")  # the countries measured most: their tilings are made with the borders


def tilings_of(borders: dict, states: dict | None = None) -> dict:
    """The equal-area tilings of RUS and UKR of prepared borders, not saved, for
    :func:`save_borders`: rebuilt from ``states`` (:func:`kept_tilings`, by region key) when
    given, else made (as :func:`borders_from_file` makes them). A tile's cut depends on the
    country and the tile alone, so a tiling rebuilt with tiles cut before gives the figures of
    one made now."""
    regions = [resolve_region(i, borders) for i in TILED if i in borders]
    states = states or {}
    made = {r.key: geodesy.TiledRegion.from_state(r.geometry, states[r.key]) for r in regions if r.key in states}
    made.update(tiling.build_tilings([r for r in regions if r.key not in made]))
    return made


def kept_tilings(store, borders: dict) -> dict:
    """``{region key: saved tiling state}`` of the RUS and UKR tilings of ``borders`` that the
    store or this machine keeps (:meth:`~frontwatch.store.Store.region_tiles`, and the machine
    cache also while the store is being written), with the tiles earlier measures cut, for
    :func:`tilings_of`."""
    out = {}
    for r in (resolve_region(i, borders) for i in TILED if i in borders):
        key = f"{r.key}|v{geodesy.TILING_VERSION}"
        state = store.region_tiles(key)
        if state is None:
            state = store.machine_cache.tiles(key)
        if state is not None:
            out[r.key] = state
    return out


def borders_from_file(path) -> tuple[dict, dict]:
    """``(borders, tilings)``: the prepared borders of a file (:func:`read_borders_file`,
    :func:`prepare_borders`) and the equal-area tilings of RUS and UKR (projected, their tiles
    not cut yet: a tile is cut when a layer first reaches it), made but not saved, for
    :func:`save_borders`. The slow part of setting borders, and safe on a thread of its own:
    ``frontwatch ingest`` runs it while the maps are read."""
    borders = prepare_borders(read_borders_file(path))
    return borders, tilings_of(borders)


def save_borders(store, borders: dict, origin: str, tilings: dict | None = None, file_hash: str | None = None) -> dict:
    """Save prepared borders in the store, with the equal-area tilings of RUS and UKR (the two
    countries measured most; ``tilings`` from :func:`borders_from_file` when already made), so
    that the first area query does not make them. ``file_hash`` (:func:`borders_file_hash` of
    the file they were prepared from) is kept with them: given the same file again, a command
    takes them from the store (:func:`load_borders`). Returns the countries' region keys."""
    keys = region_keys(borders)
    store.set_borders(borders, origin=origin, file_hash=file_hash, keys=keys)
    tiling.prepare_tilings(store, [resolve_region(i, borders) for i in TILED if i in borders], built=tilings)
    return keys


def stored_borders_of(store, path, *, kept: bool = False):
    """``(borders, file hash)``: the store's own borders when they were prepared from a file with
    the content of ``path`` (with ``kept``, also those kept from a command given that file:
    :func:`load_borders`), else None; and that file's hash (:func:`borders_file_hash`)."""
    h = borders_file_hash(path)
    if not h:
        return None, h
    if kept:
        return store.borders_of_file(h), h
    own = store.borders()
    return (own if own and own.file_hash == h else None), h


_RADIUS = re.compile(r"^(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>km|m|mi)?$", re.I)


def parse_radius_km(text) -> float:
    """``"15km"`` / ``"500m"`` / ``"10mi"`` / ``15`` -> kilometres; RegionError if not positive."""
    m = _RADIUS.match(str(text).strip())
    if not m:
        raise RegionError(f"bad radius {text!r}: expected e.g. 15km, 500m or 10mi")
    value = float(m.group("num"))
    unit = (m.group("unit") or "km").lower()
    km = value / 1000 if unit == "m" else value * 1.609344 if unit == "mi" else value
    if km <= 0:
        raise RegionError(f"radius must be positive (got {text!r})")
    return km


def circle(lon: float, lat: float, radius_km: float, n: int = 256):
    """A geodesic circle (polygon of ``n`` vertices on the WGS84 ellipsoid) around lon/lat.

    A circle that reaches beyond the theatre (:data:`THEATRE`, where the readers keep every map
    part) is cut to it in its own azimuthal equidistant plane: so a radius of thousands of km is
    the theatre's part of the disk, not a ring folded over a pole or the antimeridian in lon/lat
    (a 10,000 km disk used to measure nothing)."""
    import numpy as np
    import shapely

    if radius_km <= 0:
        raise RegionError(f"radius must be positive (got {radius_km} km)")
    from pyproj import CRS, Transformer

    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    to_ll = Transformer.from_crs(aeqd, 4326, always_xy=True)
    ring = shapely.buffer(shapely.points(0, 0), radius_km * 1000, quad_segs=n // 4)
    ll = shapely.transform(ring, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
    x0, y0, x1, y1 = ll.bounds
    if THEATRE[0] <= x0 and THEATRE[1] <= y0 and x1 <= THEATRE[2] and y1 <= THEATRE[3] and ll.is_valid:
        return ll
    from_ll = Transformer.from_crs(4326, aeqd, always_xy=True)
    theatre = shapely.segmentize(shapely.box(*THEATRE), 0.05)  # its edges follow meridians and parallels
    local = shapely.transform(theatre, lambda xy: np.column_stack(from_ll.transform(xy[:, 0], xy[:, 1])))
    cut = shapely.intersection(ring, local)
    if cut.is_empty:
        return cut
    return shapely.transform(cut, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))


def theatre_circle(lon: float, lat: float, radius_km: float, what: str):
    """:func:`circle`, or RegionError naming ``what`` and the centre when the circle lies wholly
    outside the theatre (the cut circle is then empty)."""
    g = circle(lon, lat, radius_km)
    if g.is_empty:
        x0, y0, x1, y1 = THEATRE
        raise RegionError(f"{what}: the circle of {radius_km:g} km around lon {lon:.2f}, lat {lat:.2f} lies outside the "
                          f"theatre the maps cover (lon {x0:g}..{x1:g}, lat {y0:g}..{y1:g})")
    return g


def _in_theatre(what, g):
    """``g`` cut to the theatre the maps cover (:data:`THEATRE`; the readers keep no map part
    outside it, so nothing measurable is lost, and a region reaching round the globe, which no
    equal-area plane holds, becomes one that the measures handle). RegionError when it cannot be
    lon/lat (a file in metres read as degrees, lat/lon swapped) or lies wholly outside the
    theatre (every area there would be a meaningless 0)."""
    import shapely

    x0, y0, x1, y1 = g.bounds
    try:
        check_lonlat_bounds(what, (x0, y0, x1, y1))
    except SourceError as exc:
        raise RegionError(str(exc)) from None
    if not shapely.intersects(g, shapely.box(*THEATRE)):
        tx0, ty0, tx1, ty1 = THEATRE
        raise RegionError(f"{what}: the region (lon {x0:.2f}..{x1:.2f}, lat {y0:.2f}..{y1:.2f}) lies outside the theatre "
                          f"the maps cover (lon {tx0:g}..{tx1:g}, lat {ty0:g}..{ty1:g})")
    if not (THEATRE[0] <= x0 and THEATRE[1] <= y0 and x1 <= THEATRE[2] and y1 <= THEATRE[3]):
        g = shapely.intersection(g, shapely.box(*THEATRE))
    return g


def resolve_region(spec: str, borders=None, *, store=None, borders_file=None, admin_file=None) -> Region:
    """The :class:`Region` for ``spec`` (see the module docstring for the accepted forms).

    ``borders`` is the prepared borders dict, or a function of no argument that returns it (called
    only when the spec needs borders: a country, a named unit); when None, they come from
    :func:`load_borders` (``store``, ``borders_file``). Named units (:mod:`frontwatch.geo.admin`)
    come from ``admin_file``, else the store, else geoBoundaries (fetched once)."""
    spec = str(spec).strip()
    if not spec:
        raise RegionError("empty region")
    if callable(borders):
        get_borders = borders
    elif borders is not None:
        get_borders = lambda: borders  # noqa: E731
    else:
        get_borders = lambda: load_borders(store, borders_file)  # noqa: E731
    return _resolve(spec, get_borders, store, admin_file)


def _theatre_box():
    import shapely

    return shapely.box(*THEATRE)


# The key of ALL (:func:`_key` of the theatre's box; a test checks it), so that a query of the
# whole map whose figures are stored makes no geometry.
ALL_KEY = "313dc269d4c4f587e825c83f"


def _resolve(spec, get_borders, store, admin_file) -> Region:
    if "+" in spec:
        parts = [p.strip() for p in spec.split("+")]
        if len(parts) > 1 and all(re.match(r"[^\W\d_]", p) for p in parts):
            return union_region([_resolve(p, get_borders, store, admin_file) for p in parts])
    if spec.upper() == "ALL":
        # The whole map, unclipped: the region the map maker's own figures refer to.
        return Region("ALL", Deferred(_theatre_box), ALL_KEY)
    if spec.lower().startswith("bbox:"):
        try:
            x0, y0, x1, y1 = (float(v) for v in spec[5:].split(","))
        except ValueError:
            raise RegionError(f"bad bbox {spec!r}: expected bbox:minlon,minlat,maxlon,maxlat") from None
        if not (x0 < x1 and y0 < y1):
            raise RegionError(f"bad bbox {spec!r}: min must be below max")
        import shapely

        g = shapely.box(x0, y0, x1, y1)
        g = _in_theatre(spec, g)
        return Region(spec, g, _key(g))
    p = Path(spec)
    if p.suffix.lower() in (".geojson", ".json", ".gpkg") and p.exists():
        import numpy as np
        import pyogrio
        import shapely

        with open(p, "rb") as fh:
            head = fh.read(65536)
        if not head.strip():
            raise RegionError(f"{p}: empty file")
        try:
            df = pyogrio.read_dataframe(p)
        except Exception as exc:
            raise RegionError(f"{p}: cannot read region file ({str(exc).splitlines()[0]})") from None
        if df.crs is not None and df.crs.to_epsg() != 4326:
            df = df.to_crs(4326)
        g = shapely.union_all(shapely.make_valid(np.asarray(df.geometry.values, dtype=object)))
        if g.is_empty or g.area == 0:
            raise RegionError(f"{p}: region file has no polygon")
        g = _in_theatre(p, g)
        return Region(p.stem, g, _key(g))
    if ":" in spec:
        where, radius = spec.rsplit(":", 1)
        km = parse_radius_km(radius)
        latlon = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$", where)
        if latlon:
            lat, lon = float(latlon.group(1)), float(latlon.group(2))
            name = f"{lat:.4f},{lon:.4f}"
        else:
            try:
                place = places.resolve_place(where)
            except ValueError as exc:
                raise RegionError(str(exc)) from None
            lat, lon, name = place.lat, place.lon, place.name
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise RegionError(f"bad point in {spec!r}: give lat,lon in degrees (latitude first, -90..90)")
        g = theatre_circle(lon, lat, km, spec)  # cut to the theatre already
        # The radius as written when in miles or metres ("Kurakhove:10mi", not "Kurakhove:16.0934km").
        shown = re.sub(r"\s+", "", radius) if re.search(r"(?<!k)m(?:i|iles?)?\s*$", radius.strip(), re.I) else f"{km:g}km"
        return Region(f"{name}:{shown}", g, _key(g), center=(lon, lat), radius_km=km)
    iso = spec.upper()
    if re.fullmatch(r"[A-Z]{3}", iso):
        borders = get_borders()
        if iso not in borders:
            raise RegionError(f"unknown country {spec!r}; borders have: {', '.join(sorted(borders))}")
        key_of = getattr(borders, "key_of", None)  # stored borders keep each country's key
        key = key_of(iso) if key_of else None
        if key:  # decoded when first needed
            return Region(iso, Deferred(lambda: borders[iso]), key, country=iso)
        g = borders[iso]
        return Region(iso, g, _key(g), country=iso)

    if admin.looks_like_admin_name(spec):
        unit = _named_unit(spec, store, admin_file)
        if unit is not None:
            g = admin.land_geometry(unit, get_borders())
            if g.is_empty:
                raise RegionError(f"{spec!r}: {unit.name} ({unit.iso}) holds no {unit.country} land in the borders")
            g = _in_theatre(spec, g)
            return Region(unit.name, g, _key(g), country=unit.country, units=(unit.iso,))
    if re.fullmatch(r"[^\W\d_][\w' .-]*", spec.strip()):
        # A bare place name: it needs a radius (countries are the only named areas).

        try:
            place = places.resolve_place(spec.strip())
        except (places.PlaceNotFound, ValueError):
            place = None
        if place is not None:
            raise RegionError(f"{spec!r} is a place ({place.name}), not an area: give a radius, e.g. "
                              f"{spec.strip()}:15km, or use an ISO-3 code (RUS), bbox:..., or a GeoJSON file")
    close = _closest_unit_names(spec, store, admin_file)
    hint = f"; closest regions: {', '.join(close)}" if close else ""
    raise RegionError(f"unknown region {spec!r}{hint}: use an ISO-3 code (RUS), an oblast's name (Donetsk oblast, UA-14), "
                      "Place:15km, lat,lon:15km, bbox:..., or a GeoJSON file")


def union_region(regions: list) -> Region:
    """One region of several ("Donetsk oblast+Luhansk oblast"): the union of their geometries,
    named by their names joined with "+"; its country is theirs when they share one."""
    import shapely

    g = shapely.union_all([r.geometry for r in regions])
    countries = {r.country for r in regions}
    country = countries.pop() if len(countries) == 1 else None
    units = tuple(u for r in regions for u in r.units)
    return Region("+".join(r.name for r in regions), g, _key(g), country=country, units=units)


def _named_unit(spec, store, admin_file):
    """The admin unit ``spec`` names, from the given or stored units; the countries the store
    lacks are fetched (once, cached) only when ``spec`` is the name of one of their units in
    :data:`frontwatch.geo.admin.NAMES`. None when nothing matches; RegionError when the name is
    ambiguous, or names a unit whose country's shapes cannot be had."""
    try:
        units = admin.load_units(store, admin_file)
    except admin.AdminError as exc:
        raise RegionError(str(exc)) from None
    hits = admin.match_units(spec, units)
    if not hits:
        known = _known_units(spec)
        missing = sorted({u.country for u in known} - {u.country for u in units})
        if not missing:
            return None
        what = f"{spec!r} is {known[0].name} ({known[0].iso})"
        if os.environ.get("FRONTWATCH_OFFLINE"):
            raise RegionError(f"{what}, but no {'/'.join(missing)} regions are stored: run `frontwatch admin FILE` with a "
                              f"boundaries file of them (e.g. geoBoundaries {missing[0]} ADM1), or give --admin FILE"
                              f"{_radius_hint(spec)}")
        try:
            units = admin.load_units(store, admin_file, fetch_missing=True)
        except admin.AdminError as exc:
            raise RegionError(f"{what}: {exc}{_radius_hint(spec)}") from None
        hits = admin.match_units(spec, units)
    if len(hits) > 1:
        raise RegionError(f"{spec!r} names several regions: {', '.join(f'{u.name} ({u.iso})' for u in hits)}; "
                          "give the ISO 3166-2 code")
    return hits[0] if hits else None


def _radius_hint(spec) -> str:
    """"; for the place, a circle: Kursk:15km" when ``spec`` is also a place's name, else ""."""
    try:
        with notices.collect():
            place = places.resolve_place(spec.strip())
    except ValueError:
        return ""
    return f"; or, for the place {place.name} ({place.country}), a circle around it: {spec.strip()}:15km"


def _known_units(spec) -> list:
    """The units of :data:`frontwatch.geo.admin.NAMES` that ``spec`` names (no shapes)."""
    fake = [admin.AdminUnit(iso=i, country=admin._ISO_PREFIX[i[:2]], name=en[0], geometry=None)
            for i, (en, _, _) in admin.NAMES.items()]
    return admin.match_units(spec, fake)


def _closest_unit_names(spec, store, admin_file) -> list:
    try:
        units = admin.load_units(store, admin_file)
    except admin.AdminError:
        units = []
    if not units:
        units = [admin.AdminUnit(iso=i, country="", name=en[0], geometry=None) for i, (en, _, _) in admin.NAMES.items()]
    return admin.closest_names(spec, units)
