"""Equal-area tilings of large regions (RUS, UKR) kept in the store: made once, loaded by later
processes with the tiles cut so far, saved again when a measure cut more. A tiling cuts a tile
when a layer first reaches it (:class:`~frontwatch.geo.geodesy.TiledRegion`).

May import: frontwatch.geo.geodesy, frontwatch.engine (the CPUs to use); a store is passed in.
"""
from __future__ import annotations

import concurrent.futures as cf
from typing import TYPE_CHECKING

from frontwatch.engine import available_cpus
from frontwatch.lazy import lazy_import

if TYPE_CHECKING:
    from frontwatch.geo import geodesy
else:  # numpy and shapely are loaded when a tiling is made, not when a query is answered from the store
    geodesy = lazy_import("frontwatch.geo.geodesy")

__all__ = ["prepare_tilings", "save_tilings", "build_tilings"]


def prepare_tilings(store, regions, workers=None, built=None) -> int:
    """Make the equal-area tilings of ``regions`` ready in this process: loaded from the store
    with the tiles cut so far, or made (the missing ones side by side in threads) and saved
    there. A tiling cuts its tiles when a layer first reaches them (:class:`~frontwatch.geo.geodesy.TiledRegion`);
    :func:`save_tilings` saves them after a measure, so that a later process does not cut them
    again. ``built`` maps region keys to tilings already made by :func:`build_tilings` (on another
    thread): those are saved as they are. Returns how many were made. Called when borders are set,
    and before an engine measures: local workers share this process's tilings, Dask workers get
    their saved state."""
    built = dict(built or {})
    todo = []
    for r in regions:
        if r.key in built or not geodesy.needs_tiling(r.geometry) or geodesy.has_tiled_region(r.key):
            continue
        state = store.region_tiles(f"{r.key}|v{geodesy.TILING_VERSION}")
        if state is not None:
            t = geodesy.TiledRegion.from_state(r.geometry, state)
            if t.tiled and not t.any_cut:
                # Saved before any tile was cut (with the borders): the first measure cuts some,
                # from the projected region. Projected here, once, before workers are forked,
                # not in each of them.
                t.plane
            geodesy.adopt_tiled_region(r.key, t)
        else:
            todo.append(r)
    built.update(build_tilings(todo, workers))
    for r in regions:
        if r.key in built:
            geodesy.adopt_tiled_region(r.key, built[r.key])
            store.put_region_tiles(f"{r.key}|v{geodesy.TILING_VERSION}", built[r.key].state())
    return len(built)


def save_tilings(store, regions) -> None:
    """Save the tilings of ``regions`` that cut (or were given) tiles since they were made,
    loaded or saved (in the store while it is being written, else in its cache: see
    :meth:`frontwatch.store.Store.put_region_tiles`)."""
    for r in regions:
        t = geodesy.held_tiling(r.key)
        if t is not None and t.tiled and t.dirty:
            store.put_region_tiles(f"{r.key}|v{geodesy.TILING_VERSION}", t.state())
            t.dirty = False


def build_tilings(regions, workers=None) -> dict:
    """``{region key: TiledRegion}`` for the regions that are tiled, built side by side in
    threads; nothing is saved or kept (see :func:`prepare_tilings`)."""
    todo = [r for r in regions if geodesy.needs_tiling(r.geometry)]
    if not todo:
        return {}
    with cf.ThreadPoolExecutor(max(1, min(len(todo), workers or available_cpus()))) as pool:
        return dict(zip((r.key for r in todo), pool.map(lambda r: geodesy.TiledRegion(r.geometry), todo)))
