"""Areas of many layers as engine tasks: in one region, or in many regions at once (the front
lines of many maps are :func:`frontwatch.analysis.front.front_lines`, tasks of the same kind). The task functions are top-level (picklable by
reference) and take and return plain data (WKB, keys, tiling states), so that an engine
(:mod:`frontwatch.engine`) runs them in threads, forked processes or on a Dask cluster alike;
the functions without an underscore hand them to an engine and put the answers together.

Local workers share this process's region tilings (threads, or processes forked after the
tilings were made here); remote workers (``engine.remote``) get each tiling's saved state once
and send back the tiles they cut, which this process keeps (and :func:`~frontwatch.geo.tiling.save_tilings`
saves).

May import: numpy, shapely, frontwatch.geo (an engine is passed in, never imported).
"""
from __future__ import annotations

import pickle

import numpy as np
import shapely

from frontwatch.geo.geodesy import (TiledRegion, adopt_tiled_region, has_tiled_region, laea_transformer, measure_by_part, tiled_region,
                                    tiling_state)

__all__ = ["clipped_areas", "areas_many", "FORK_MIN_LAYERS"]

# Layers from which a local engine measures in forked processes: fewer are quicker in threads.
FORK_MIN_LAYERS = 24


# ---------------------------------------------------------------- the tasks (run on workers)

def _tiled(key, wkb, state=None):
    """The region's tiling in this worker: kept from an earlier task, rebuilt from the saved
    ``state`` (:func:`~frontwatch.geo.geodesy.tiling_state`) when one is sent, else cut here."""
    if state is not None and not has_tiled_region(key):
        if isinstance(state, bytes):
            state = pickle.loads(state)
        adopt_tiled_region(key, TiledRegion.from_state(shapely.from_wkb(wkb), state))
    return tiled_region(key, shapely.from_wkb(wkb))


def _areas_chunk(wkbs, region_key, region_wkb, state=None):
    """``(km2 of each WKB geometry inside one region, tiles of the region cut meanwhile)``: the
    region's tiling is cached per worker, and the tiles it cut go back to the caller, which keeps
    them (:meth:`~frontwatch.geo.geodesy.TiledRegion.take_cut`)."""
    tiled = _tiled(region_key, region_wkb, state)
    values = [tiled.area_km2(g) for g in shapely.from_wkb(np.asarray(wkbs, dtype=object))]
    return values, _take_cut(tiled)


def _areas_many_chunk(wkbs, regions):
    """``([[km2 in region r for r in regions] for each WKB geometry], [tiles cut in each region])``;
    ``regions`` is a list of ``(key, wkb, tiling state or None)``. Each geometry's new parts are
    projected once and reused for every region (:func:`~frontwatch.geo.geodesy.measure_by_part`)."""
    tiles = [_tiled(*r) for r in regions]
    rows = [measure_by_part(tiles, g) for g in shapely.from_wkb(np.asarray(wkbs, dtype=object))]
    return rows, [_take_cut(t) for t in tiles]


def _take_cut(tiled) -> dict:
    return tiled.take_cut() if tiled.tiled else {}


# ---------------------------------------------------------------- handing them to an engine

def _keep_cut(regions, cuts) -> None:
    """Give this process's tiling of each region the tiles its workers cut (``cuts``: per task,
    one ``{tile: ...}`` per region), so that the caller can save them with the tiling; local
    threads cut into this process's tilings directly, and their tiles are already here."""
    for j, r in enumerate(regions):
        got = [task[j] for task in cuts if task[j]]
        if got:
            tiled = tiled_region(r.key, r.geometry)
            for cut in got:
                tiled.adopt_cut(cut)


def _wkb(geoms) -> list:
    """WKB of each geometry; WKB given (as the store holds it) passes through."""
    geoms = list(geoms)
    if geoms and all(isinstance(g, bytes) for g in geoms):
        return geoms
    return list(shapely.to_wkb(np.asarray(geoms, dtype=object), output_dimension=2))


def _precut(wkbs, regions, engine) -> None:
    """When the layers are shared out to several worker processes, cut in this process (on as
    many threads as the engine has workers) the tiles of each region that the first layer of
    each worker's share reaches: the workers inherit them (or get them in the saved state)
    rather than each cut them again (:meth:`~frontwatch.geo.geodesy.TiledRegion.cut_tiles_reached`).
    Consecutive maps reach nearly the same tiles, so these are most of the tiles the measure needs."""
    if engine.workers < 2 or len(wkbs) < FORK_MIN_LAYERS:
        return
    k = 2 * engine.workers
    sample = [wkbs[round(i * (len(wkbs) - 1) / (k - 1))] for i in range(k)]
    geoms = shapely.from_wkb(np.asarray(list(dict.fromkeys(sample)), dtype=object))
    for r in regions:
        tiled = tiled_region(r.key, r.geometry)
        if tiled.tiled:
            tiled.cut_tiles_reached(geoms, threads=engine.workers)


def _tiling_states(regions, engine) -> list:
    """What the workers need to rebuild each region's tiling. Local workers are forked from this
    process, or are its threads, and share its tilings: the tilings are made here (once; forked
    workers inherit them) and nothing is sent. Remote workers get the state of each tiled
    region's tiling in this process (loaded from the store by
    :func:`~frontwatch.geo.tiling.prepare_tilings`, with the tiles cut so far): a worker then cuts
    only the tiles nobody has cut yet, and sends those back. Sent pickled, as one blob: Dask
    would make a message frame of each of the thousands of gap WKBs (2.3 s to scatter UKR's 13,000)."""
    if not engine.remote:
        for r in regions:
            tiled_region(r.key, r.geometry)
        # The projection too, in this thread: forked workers inherit it rather than each making
        # its own (20-25 ms of CPU a worker, measured).
        laea_transformer()
        return [None] * len(regions)
    states = [tiling_state(r.key) for r in regions]
    return [None if st is None else pickle.dumps(st, protocol=5) for st in states]


def clipped_areas(geoms, region, engine) -> list[float]:
    """Ellipsoidal area of each ``geom ∩ region``, measured on ``engine``.

    Parameters
    ----------
    geoms : sequence of shapely geometries or their WKB
        Layers in lon/lat (EPSG:4326).
    region : frontwatch.geo.regions.Region
        The region they are cut to.
    engine : frontwatch.engine.LocalEngine or frontwatch.engine.DaskEngine

    Returns
    -------
    list of float
        km2 on the WGS84 ellipsoid, in the order of ``geoms``.

    Examples
    --------
    >>> import shapely
    >>> from frontwatch.engine import LocalEngine
    >>> from frontwatch.geo.regions import resolve_region
    >>> km2 = clipped_areas([shapely.box(37.0, 48.0, 37.1, 48.1)], resolve_region("bbox:37,48,38,49"), LocalEngine(1))
    >>> round(km2[0], 1)
    82.6
    """
    wkbs = _wkb(geoms)
    if not wkbs:
        return []
    rwkb = shapely.to_wkb(region.geometry, output_dimension=2)
    _precut(wkbs, [region], engine)
    parts = engine.run_chunked(_areas_chunk, wkbs, region.key, rwkb, *_tiling_states([region], engine),
                               fork_from=FORK_MIN_LAYERS)
    _keep_cut([region], [[cut] for _, cut in parts])
    return [float(v) for values, _ in parts for v in values]


def areas_many(geoms, regions, engine) -> np.ndarray:
    """``km2[i, j]``: the ellipsoidal area of ``geoms[i] ∩ regions[j]``, measured on ``engine``
    in one pass (each geometry is loaded and projected once, then measured in every region)."""
    wkbs = _wkb(geoms)
    if not wkbs or not regions:
        return np.zeros((len(wkbs), len(regions)))
    _precut(wkbs, regions, engine)
    rs = [(r.key, shapely.to_wkb(r.geometry, output_dimension=2), st) for r, st in zip(regions, _tiling_states(regions, engine))]
    parts = engine.run_chunked(_areas_many_chunk, wkbs, rs, fork_from=FORK_MIN_LAYERS)
    _keep_cut(regions, [cuts for _, cuts in parts])
    rows = [row for part, _ in parts for row in part]
    return np.asarray(rows, dtype=float).reshape(len(wkbs), len(regions))
