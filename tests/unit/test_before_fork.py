"""What the parent process makes before it forks workers, so that each worker does not make it
again: the readers' libraries and geodesics (frontwatch.sources.base.warm_readers), the
equal-area projection of the measures, and the tiles of a region the measured layers reach
(frontwatch.analysis.tasks, frontwatch.geo.geodesy), with the same figures as tiles cut when reached."""
from __future__ import annotations

import multiprocessing
import threading

import numpy as np
import pytest
import shapely

from frontwatch.analysis import tasks
from frontwatch.engine import LocalEngine
from frontwatch.geo import geodesy
from frontwatch.geo.regions import Region, resolve_region
from frontwatch.sources import base, deepstate


def test_warming_the_readers_makes_the_geodesics_of_the_colour_records():
    deepstate._geod.cache_clear()
    base.warm_readers()
    assert deepstate._geod.cache_info().currsize == 2


def _has_projection(_):
    return getattr(geodesy._LOCAL, "laea", None) is not None


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this system")
def test_forked_measuring_workers_inherit_the_projection_made_before_the_fork():
    region = resolve_region("bbox:37,48,38,49")
    # The region's tiling made on another thread, as `ingest` makes the borders' tilings.
    side = threading.Thread(target=geodesy.tiled_region, args=(region.key, region.geometry))
    side.start()
    side.join()
    geodesy._LOCAL.__dict__.pop("laea", None)
    tasks._tiling_states([region], LocalEngine(2))
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_has_projection, [0]) == [True]


def _disc(lon, lat, r_deg, n=5000):
    """A polygon of ``n`` vertices: enough for TiledRegion to tile it."""
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return shapely.Polygon(np.column_stack([lon + r_deg * np.cos(a), lat + 0.7 * r_deg * np.sin(a)]))


def test_tiles_cut_ahead_give_the_areas_of_tiles_cut_when_reached():
    region = _disc(37.0, 48.0, 2.0)
    layers = [shapely.box(36.0, 47.5, 37.3, 48.4), _disc(37.6, 48.2, 0.6, n=300), shapely.box(35.2, 46.9, 35.9, 47.4)]
    ahead, lazy = geodesy.TiledRegion(region), geodesy.TiledRegion(region)
    cut = ahead.cut_tiles_reached(layers[:2], threads=2)
    assert cut > 0 and ahead.dirty
    assert [ahead.area_km2(g) for g in layers] == [lazy.area_km2(g) for g in layers]
    assert set(ahead._cut) == set(lazy._cut)  # nothing cut ahead that a measure does not reach


def test_a_measure_shared_out_to_workers_cuts_its_tiles_before_they_start():
    region = _disc(37.0, 48.0, 2.0)
    r = Region("disc", region, "test-disc-key")
    layers = [shapely.box(36.0 + i / 100, 47.5, 37.3 + i / 100, 48.4) for i in range(tasks.FORK_MIN_LAYERS)]
    geodesy._TILED.pop(r.key, None)
    tasks._precut(list(shapely.to_wkb(layers)), [r], LocalEngine(2))
    tiled = geodesy.held_tiling(r.key)
    assert tiled is not None and tiled.any_cut
    assert tasks.clipped_areas(layers, r, LocalEngine(2)) == tasks.clipped_areas(layers, r, LocalEngine(1))


def test_a_reader_whose_warming_fails_leaves_reading_to_say_why():
    def broken():
        raise ImportError("no such library")

    base.register(base.Reader("broken-warm", lambda p, h: False, lambda *a, **k: [], order=99, warm=broken))
    try:
        base.warm_readers()  # does not raise
    finally:
        base._EXTRA_READERS[:] = [r for r in base._EXTRA_READERS if r.name != "broken-warm"]
