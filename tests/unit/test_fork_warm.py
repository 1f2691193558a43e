"""What the parent process makes before it forks workers, so that each worker does not make it
again: the readers' libraries and geodesics (frontwatch.sources.base.warm_readers) and the
equal-area projection of the measures (frontwatch.analysis.tasks, frontwatch.geo.geodesy)."""
from __future__ import annotations

import multiprocessing
import threading

import pytest

from frontwatch.analysis import tasks
from frontwatch.engine import LocalEngine
from frontwatch.geo import geodesy
from frontwatch.geo.regions import resolve_region
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
