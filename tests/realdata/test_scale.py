"""Scale on one machine: equal-area tiled areas agree with pyproj's geodesic areas, the ingest's
union cache and skip of unchanged files change no result, and the measure cache is invalidated
exactly when snapshots, borders or the region change. Real data: ../shared/data/deepstate/history
and ../shared/data/borders/countries-osm.geojson."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import shapely

from frontwatch.geo import geodesy

from frontwatch.analysis import measure, tasks
from frontwatch.geo import tiling
from frontwatch.engine import LocalEngine, _ordered
from frontwatch.ingest import ingest
from frontwatch.geo.regions import prepare_borders, read_borders_file, resolve_region
from frontwatch.sources import base
from frontwatch.store import Store


class CountingEngine(LocalEngine):
    """The local engine (one worker), counting the layers it measures and the files it reads."""

    def __init__(self):
        super().__init__(workers=1)
        self.measured = 0
        self.read = []

    def run_chunked(self, fn, items, *shared, fork_from=None):
        items = list(items)
        self.measured += len(items) * (len(shared[0]) if fn is tasks._areas_many_chunk else 1)
        return super().run_chunked(fn, items, *shared, fork_from=fork_from)

    def stream(self, fn, jobs, *shared, workers=None):
        jobs = list(jobs)
        self.read.extend(p for job in jobs for p in job)
        return super().stream(fn, jobs, *shared, workers=1)


@pytest.fixture(scope="module")
def borders(borders_file):
    return prepare_borders(read_borders_file(borders_file))


@pytest.fixture()
def small_store(tmp_path, history_dir, borders, borders_file):
    """A fresh store with the first 12 snapshots of Sept 2024 (../shared/data/deepstate/history)."""
    files = sorted(history_dir.glob("*.geojson"))
    start = int(dt.datetime(2024, 9, 1, tzinfo=dt.timezone.utc).timestamp())
    chosen = [f for f in files if int(f.stem) >= start][:13]
    folder = tmp_path / "history"
    folder.mkdir()
    for f in chosen[:12]:
        shutil.copy(f, folder / f.name)
    st = Store(tmp_path / "fw.duckdb")
    ingest(st, folder, workers=1)
    st.set_borders(borders, origin=str(borders_file))
    yield st, folder, chosen[12]
    st.close()


# ---------------------------------------------------------------- equal-area areas

@pytest.mark.parametrize("iso,statuses", [("RUS", ("ukraine_held", "contested")), ("UKR", ("occupied", "occupied_before_2022"))])
def test_tiled_equal_area_agrees_with_geodesic_area_of_the_overlay(store, iso, statuses):
    """On real layers across the archive, the tiled LAEA area of layer ∩ country agrees with
    pyproj Geod's area of shapely.intersection to 0.01% (1e-5 on areas over 100 km2)."""
    region = resolve_region(iso, store.borders())
    tiled = geodesy.TiledRegion(region.geometry)
    snaps = store.snapshots()
    for s in snaps[:: max(1, len(snaps) // 6)]:
        layers = store.layers(s.id)
        for st in statuses:
            if st not in layers:
                continue
            direct = geodesy.area_km2(shapely.intersection(layers[st], region.geometry))
            got = tiled.area_km2(layers[st])
            if direct > 100:
                assert got == pytest.approx(direct, rel=1e-5), (s.date, st)
            elif direct > 10:
                assert got == pytest.approx(direct, rel=1e-4), (s.date, st)
            else:
                assert got == pytest.approx(direct, abs=0.01), (s.date, st)


def test_tiles_add_up_whatever_their_size(store):
    """The pieces of a layer cover it exactly: tile size changes the work, not the area."""
    region = resolve_region("UKR", store.borders())
    layer = store.layers(measure.snapshot_on(store, dt.date(2024, 11, 24)).id)["occupied"]
    areas = [geodesy.TiledRegion(region.geometry, tile_m=m).area_km2(layer) for m in (25_000, 50_000, 100_000)]
    plane = geodesy.to_laea(layer)
    direct = shapely.area(shapely.intersection(plane, geodesy.TiledRegion(region.geometry).plane)) / 1e6
    assert np.allclose(areas, direct, rtol=1e-9)


def test_projected_area_agrees_with_geod_from_a_small_circle_to_a_country_sized_box():
    """A 15 km circle and an 8 by 6 degree box: the equal-area projection's area is Geod's to 1e-6."""
    for geom in (resolve_region("47.98,37.28:15km").geometry, shapely.box(30, 46, 38, 52)):
        assert geodesy.projected_area_km2([shapely.segmentize(geom, 0.01)]) == pytest.approx(
            geodesy.area_km2(shapely.segmentize(geom, 0.01)), rel=1e-6)


def test_a_circle_or_a_box_region_is_measured_without_tiles(store):
    """Circles and boxes are not tiled, and their area of a layer is Geod's of the densified overlay."""
    layer = store.layers(measure.snapshot_on(store, dt.date(2024, 11, 24)).id)["occupied"]
    for spec in ("47.98,37.28:15km", "bbox:37.0,47.5,38.0,48.5"):
        region = resolve_region(spec)
        tiled = geodesy.tiled_region(region.key, region.geometry)
        assert not tiled.tiled
        # A bbox's edges are parallels and meridians: densified, Geod's geodesic edges follow them too.
        dense = shapely.segmentize(region.geometry, geodesy.REGION_SEGMENT_DEG)
        assert tiled.area_km2(layer) == pytest.approx(geodesy.area_km2(shapely.intersection(layer, dense)), rel=1e-5)


# ---------------------------------------------------------------- ingest

def test_a_file_read_from_the_union_cache_equals_a_fresh_read(history_dir):
    """Reading a file twice (second time from the per-process union cache) gives the same
    snapshot and the same repair counts as reading it with the cache cleared."""
    f = sorted(history_dir.glob("*.geojson"))[0]
    base.clear_caches()
    first = base.read_path(f)[0]
    again = base.read_path(f)[0]
    base.clear_caches()
    fresh = base.read_path(f)[0]
    assert first.content_hash() == again.content_hash() == fresh.content_hash()
    for k in ("repaired", "dropped", "out_of_theatre"):
        assert first.stats.get(k, 0) == again.stats.get(k, 0) == fresh.stats.get(k, 0)


def test_features_recognised_by_their_bytes_give_the_snapshots_of_the_general_parser(history_dir):
    """The reader's fast path (features split raw, each decoded only when its bytes were never
    seen) gives, on 24 maps spread over the archive read in order, the layers (byte for byte)
    and the counts the general parser gives each map read on its own from cold caches."""
    from frontwatch.sources import deepstate

    files = sorted(history_dir.glob("*.geojson"))
    picked = files[:: max(1, len(files) // 24)][:24]
    base.clear_caches()
    fast = [base.read_path(f)[0] for f in picked]
    assert deepstate._ENTRIES  # the fast path was taken
    for f, a in zip(picked, fast):
        base.clear_caches()
        data = f.read_bytes()
        b = deepstate.snapshot_from_features(f, base.parse_features(f, data), a.taken_at, source_id=a.source_id)
        assert [(st, h, w) for st, h, w in a.encoded()[1]] == [(st, h, w) for st, h, w in b.encoded()[1]]
        assert a.stats == b.stats
    base.clear_caches()


def test_dissolving_by_zero_buffer_is_the_union_of_the_parts(history_dir, monkeypatch):
    """Every group of overlapping parts the reader dissolves in 16 maps spread over the archive:
    the zero buffer gives the geometry ``union_all`` gives (topologically equal, same area)."""
    groups = []
    dissolve = base._dissolve
    monkeypatch.setattr(base, "_dissolve", lambda polys: groups.append(polys.copy()) or dissolve(polys))
    files = sorted(history_dir.glob("*.geojson"))
    base.clear_caches()
    for f in files[:: max(1, len(files) // 16)][:16]:
        base.read_path(f)
    base.clear_caches()
    assert len(groups) >= 30
    for polys in groups:
        fast, plain = dissolve(polys), shapely.union_all(polys)
        assert fast.is_valid and shapely.equals(fast, plain)
        assert fast.area == pytest.approx(plain.area, rel=1e-12, abs=1e-15)


def test_dissolving_falls_back_to_union_all_when_the_buffer_loses_a_part(monkeypatch):
    a, b = shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)
    polys = np.array([a, b], dtype=object)
    assert base._dissolve(polys).area == pytest.approx(7.0)
    monkeypatch.setattr(shapely, "buffer", lambda g, d: shapely.box(0, 0, 1, 1))  # a buffer that drops ground
    assert base._dissolve(polys).area == pytest.approx(7.0)


def test_reingest_skips_unchanged_files_with_the_same_summary(small_store):
    st, folder, _ = small_store
    eng = CountingEngine()
    again = ingest(st, folder, engine=eng)
    assert eng.read == []  # nothing parsed
    assert again.unchanged == 12 and again.added == 0 and not again.errors
    # The summary still counts what the stored snapshots' readers repaired.
    reread = ingest(st, folder, engine=CountingEngine(), replace=True)
    assert reread.unchanged == 12
    for k in ("repaired", "dropped", "out_of_theatre", "fill_mismatch"):
        assert getattr(again, k) == getattr(reread, k)


def test_a_changed_file_is_read_again(small_store):
    st, folder, _ = small_store
    victim = sorted(folder.glob("*.geojson"))[3]
    victim.write_bytes(victim.read_bytes() + b"\n")  # same map, other bytes
    eng = CountingEngine()
    s = ingest(st, folder, engine=eng)
    assert [p.name for p in eng.read] == [victim.name]
    assert s.unchanged == 12


def test_ordered_reading_keeps_a_bounded_number_in_flight():
    """Results come back in input order, with at most `window` jobs in flight besides the one
    being consumed: memory stays flat however many files there are."""
    import concurrent.futures as cf

    live, peak = [0], [0]

    def submit(job):
        live[0] += 1
        peak[0] = max(peak[0], live[0])
        f = cf.Future()
        f.set_result(job)
        return f

    out = []
    for r in _ordered(submit, range(50), 4):
        live[0] -= 1
        out.append(r)
    assert out == list(range(50)) and peak[0] <= 4 + 1


# ---------------------------------------------------------------- incremental measures

def test_new_snapshot_computes_only_its_own_layers(small_store):
    st, folder, new_file = small_store
    rus = resolve_region("RUS", st.borders())
    statuses = ("ukraine_held", "contested")
    eng = CountingEngine()
    before = measure.area_series(st, rus, statuses, engine=eng)
    assert eng.measured > 0
    eng.measured = 0
    assert measure.area_series(st, rus, statuses, engine=eng) == before
    assert eng.measured == 0  # all from the cache
    shutil.copy(new_file, folder / new_file.name)
    ingest(st, folder, engine=eng)
    assert [p.name for p in eng.read] == [new_file.name]
    after = measure.area_series(st, rus, statuses, engine=eng)
    new_hashes = st.layer_hashes(st.snapshots()[-1].id)
    old_hashes = {h for s in st.snapshots()[:-1] for h in st.layer_hashes(s.id).values()}
    assert eng.measured == len({new_hashes[s] for s in statuses if s in new_hashes} - old_hashes) <= 2
    assert after[:len(before)] == before and len(after) == len(before) + 2


def test_changed_border_or_region_gives_new_numbers(small_store, borders):
    st, _, _ = small_store
    eng = CountingEngine()
    rus = resolve_region("RUS", borders)
    base_rec = measure.area_series(st, rus, ("ukraine_held",), engine=eng)
    # A border moved: RUS loses a strip along its western edge near Sudzha.
    cut = shapely.difference(borders["RUS"], shapely.box(35.0, 51.0, 35.3, 51.4))
    moved = dict(borders, RUS=cut)
    st.set_borders(moved, origin="test: RUS minus a strip")
    rus2 = resolve_region("RUS", st.borders())
    assert rus2.key != rus.key
    eng.measured = 0
    new_rec = measure.area_series(st, rus2, ("ukraine_held",), engine=eng)
    assert eng.measured > 0
    assert sum(r["km2"] for r in new_rec) < sum(r["km2"] for r in base_rec)
    # A different region (a circle) is computed, not served another region's figure.
    eng.measured = 0
    circle = measure.area_series(st, resolve_region("51.03,35.27:15km"), ("ukraine_held",), engine=eng)
    assert eng.measured > 0 and [r["km2"] for r in circle] != [r["km2"] for r in new_rec]


def test_area_series_many_matches_one_region_at_a_time(small_store):
    st, _, _ = small_store
    regions = [resolve_region(s, st.borders()) for s in ("RUS", "UKR", "51.03,35.27:15km", "bbox:34.8,51.0,35.8,51.6")]
    statuses = ("occupied", "ukraine_held", "contested")
    eng = CountingEngine()
    many = measure.area_series_many(st, regions, statuses, engine=eng)
    measured = eng.measured
    assert measured > 0
    for r in regions:
        one = [{k: v for k, v in rec.items() if k not in ("official_km2", "diff_pct")}
               for rec in measure.area_series(st, r, statuses, engine=eng)]
        assert [x for x in many if x["region"] == r.name] == one
    assert eng.measured == measured  # the single-region series came from the cache


def test_a_process_loads_the_saved_tiling_instead_of_building_it(small_store):
    """The first series builds RUS's tiling and saves it in the store; a process that has not
    built it (simulated by forgetting it) loads it instead of rebuilding, with identical figures.
    A changed border is another region key, for which no saved tiling is found."""
    st, _, _ = small_store
    rus = resolve_region("RUS", st.borders())
    statuses = ("ukraine_held", "contested")
    geodesy._TILED.clear()
    first = measure.area_series(st, rus, statuses, engine=LocalEngine(1))
    assert st.region_tiles(f"{rus.key}|v{geodesy.TILING_VERSION}") is not None
    geodesy._TILED.clear()
    st.clear_cached()
    built = []
    orig = geodesy.TiledRegion.__init__
    geodesy.TiledRegion.__init__ = lambda self, *a, **k: (built.append(1), orig(self, *a, **k))[1]
    try:
        again = measure.area_series(st, rus, statuses, engine=LocalEngine(1))
    finally:
        geodesy.TiledRegion.__init__ = orig
    assert built == [] and again == first
    # A changed border is another region key: its tiling is built, never the old one used.
    moved = resolve_region("RUS", dict(st.borders(), RUS=shapely.difference(st.borders()["RUS"], shapely.box(35.0, 51.0, 35.3, 51.4))))
    assert st.region_tiles(f"{moved.key}|v{geodesy.TILING_VERSION}") is None


def test_memoised_tile_figures_do_not_depend_on_order(store):
    """Row, tile and part figures are memoised under the bytes of the layer's cut or part:
    measuring the archive's layers in reverse order, or each with a cold memo, gives the same
    numbers exactly."""
    region = resolve_region("UKR", store.borders())
    snaps = store.snapshots()[-40:]
    layers = [store.layers(s.id)["occupied"] for s in snaps]
    fwd_t = geodesy.TiledRegion(region.geometry)
    fwd = [fwd_t.area_km2(g) for g in layers]
    rev_t = geodesy.TiledRegion(region.geometry)
    rev = [rev_t.area_km2(g) for g in reversed(layers)][::-1]
    cold = []
    for g in layers:
        fwd_t._memo.clear()
        cold.append(fwd_t.area_km2(g))
    assert fwd == rev == cold
    assert len(rev_t._memo) < 40 * 20  # consecutive maps share most rows and tiles


@pytest.mark.parametrize("iso,status", [("RUS", "contested"), ("UKR", "occupied"), ("50.5,36.0:20km", "ukraine_held")])
def test_a_layer_is_measured_part_by_part_each_part_once(store, iso, status):
    """A layer's area is the sum of its parts' (disjoint polygons), each memoised under its
    bytes: it equals the whole layer measured at once, and a map's parts seen in the map before
    cost no new measure."""
    region = resolve_region(iso, store.borders())
    snaps = store.snapshots()[-30:]
    layers = [g for s in snaps if (g := store.layers(s.id).get(status)) is not None]
    assert sum(len(shapely.get_parts(g)) > 1 for g in layers) >= 10
    parted = geodesy.TiledRegion(region.geometry)
    whole = geodesy.TiledRegion(region.geometry)
    measured = []
    real = parted.area_km2_plane
    parted.area_km2_plane = lambda g: measured.append(g) or real(g)
    for g in layers:
        n = len(measured)
        by_part = geodesy.measure_by_part([parted], g)[0]
        at_once = whole.area_km2_plane(geodesy.to_laea(g))
        assert by_part == pytest.approx(at_once, rel=1e-9, abs=1e-6)
        parts = shapely.get_parts(g)
        if len(parts) > 1:
            assert len(measured) - n <= len(parts)
    n_parts = sum(len(shapely.get_parts(g)) for g in layers if len(shapely.get_parts(g)) > 1)
    assert len(measured) < n_parts / 2  # most parts repeat from one map to the next

def test_prepare_tilings_builds_a_tiling_only_when_neither_held_nor_saved(small_store):
    """Built (and saved) the first time; not again in this process; loaded from the store in a
    process that forgot it."""
    st, _, _ = small_store
    regions = [resolve_region(i, st.borders()) for i in ("RUS", "UKR", "51.03,35.27:15km")]
    geodesy._TILED.clear()
    st.clear_cached(tiles=True)
    assert tiling.prepare_tilings(st, regions) == 2  # the circle is never tiled
    assert tiling.prepare_tilings(st, regions) == 0  # ready in this process
    geodesy._TILED.clear()
    assert tiling.prepare_tilings(st, regions) == 0  # loaded from the store
    assert all(geodesy.has_tiled_region(r.key) for r in regions[:2])


def test_a_tiling_loaded_with_no_tile_cut_is_projected_before_workers_fork(small_store):
    """A tiling saved before any tile was cut (with the borders) is projected when loaded, in
    the calling process, so that forked workers inherit the projected region instead of each
    projecting it; one loaded with tiles cut is not (its next layers mostly reach those)."""
    st, _, _ = small_store
    ukr = resolve_region("UKR", st.borders())
    geodesy._TILED.clear()
    st.clear_cached(tiles=True)
    tiling.prepare_tilings(st, [ukr])  # built and saved, nothing cut
    geodesy._TILED.clear()
    tiling.prepare_tilings(st, [ukr])  # loaded from that state
    assert geodesy.held_tiling(ukr.key)._plane is not None
    t = geodesy.held_tiling(ukr.key)
    t._ensure_cut(np.arange(3))
    st.put_region_tiles(f"{ukr.key}|v{geodesy.TILING_VERSION}", t.state())
    geodesy._TILED.clear()
    tiling.prepare_tilings(st, [ukr])
    assert geodesy.held_tiling(ukr.key).any_cut and geodesy.held_tiling(ukr.key)._plane is None


@pytest.fixture(scope="module")
def rus_lazy_tiling(store_path):
    """RUS, the ukraine_held layers of the archive's last 20 maps, a tiling of RUS made for them
    (whether anything was cut when it was made) and its figures of those layers."""
    with Store(store_path) as st:
        region = resolve_region("RUS", st.borders())
        layers = [st.layers(s.id).get("ukraine_held") for s in st.snapshots()[-20:]]
    lazy = geodesy.TiledRegion(region.geometry)
    cut_when_made = int((~np.isnan(lazy.piece_km2)).sum())
    got = [lazy.area_km2(g) for g in layers]
    return region, layers, lazy, cut_when_made, got


def test_a_tiling_cuts_only_the_tiles_layers_reach(rus_lazy_tiling):
    """A tiling cuts a tile the first time a layer reaches it (Russia's tiles near Kursk, not
    the Urals): nothing when made, under a quarter of RUS's tiles for the Kursk layers."""
    _, _, lazy, cut_when_made, _ = rus_lazy_tiling
    assert cut_when_made == 0  # nothing cut when made
    cut = ~np.isnan(lazy.piece_km2)
    assert 0 < cut.sum() < len(cut) / 4


def test_tiles_cut_as_layers_reach_them_give_the_figures_of_a_full_cut(rus_lazy_tiling):
    """The figures equal those of a tiling with every tile cut beforehand, exactly."""
    region, layers, _, _, got = rus_lazy_tiling
    full = geodesy.TiledRegion(region.geometry)
    full._ensure_cut(np.arange(len(full.boxes)))
    assert [full.area_km2(g) for g in layers] == got


def test_a_tiling_rebuilt_from_saved_state_cuts_nothing_more(rus_lazy_tiling):
    """A tiling rebuilt from the lazy one's saved state gives the same figures for the same
    layers and cuts no tile."""
    region, layers, lazy, _, got = rus_lazy_tiling
    again = geodesy.TiledRegion.from_state(region.geometry, lazy.state())
    assert [again.area_km2(g) for g in layers] == got and again.take_cut() == {}


def test_tiles_cut_by_forked_workers_reach_the_store(small_store):
    """The local engine's forked workers cut tiles in their own memory: they send them back with
    the figures, the calling process keeps them and the store saves them with the tiling."""
    st, _, _ = small_store
    ukr = resolve_region("UKR", st.borders())
    geodesy._TILED.clear()
    st.clear_cached(tiles=True)
    snaps = st.snapshots()
    # Enough layers for two forked workers (LocalEngine.FORK_MIN_LAYERS): every status of each map.
    forked = measure.area_series(st, ukr, None, engine=LocalEngine(2), snapshots=snaps)
    saved = st.region_tiles(f"{ukr.key}|v{geodesy.TILING_VERSION}")
    assert saved is not None and (~np.isnan(saved["piece_km2"])).sum() > 10
    assert geodesy.held_tiling(ukr.key).dirty is False
    st.clear_cached()
    geodesy._TILED.clear()
    tiling.prepare_tilings(st, [ukr])
    assert measure.area_series(st, ukr, None, engine=LocalEngine(1), snapshots=snaps) == forked
    assert geodesy.held_tiling(ukr.key).take_cut() == {}  # every tile it needed came from the store


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this system")
def test_local_engine_uses_the_cpus_this_process_may_use(tmp_path, history_dir):
    """The default number of worker processes is the process's CPU affinity (what taskset, cgroup
    cpusets and containers allow), at most MAX_LOCAL_WORKERS; a process pinned to one CPU reads
    with one worker and gets the same snapshots as one reading with the default."""
    from frontwatch import engine

    assert engine.default_workers() == min(len(os.sched_getaffinity(0)), engine.MAX_LOCAL_WORKERS)
    assert LocalEngine().workers == engine.default_workers()
    files = [str(f) for f in sorted(history_dir.glob("*.geojson"))[:6]]
    script = ("import json, os, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
              "from frontwatch.engine import LocalEngine; from frontwatch.ingest import ingest; "
              "from frontwatch.store import Store; e = LocalEngine(); "
              "s = ingest(Store(sys.argv[1]), json.loads(sys.argv[2]), engine=e); "
              "print(json.dumps([e.workers, s.added]))")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "one.duckdb"), json.dumps(files)],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [1, 6]
    with Store(tmp_path / "default.duckdb") as st:
        assert ingest(st, files).added == 6
        default = {s.taken_at: st.layer_hashes(s.id) for s in st.snapshots()}
    with Store(tmp_path / "one.duckdb", read_only=True) as st:
        assert {s.taken_at: st.layer_hashes(s.id) for s in st.snapshots()} == default


def test_default_workers_are_capped(monkeypatch):
    from frontwatch import engine

    monkeypatch.setattr(engine, "available_cpus", lambda: 64)
    assert engine.default_workers() == engine.MAX_LOCAL_WORKERS == LocalEngine().workers
    monkeypatch.setattr(engine, "available_cpus", lambda: 3)
    assert LocalEngine().workers == 3 and LocalEngine(1).workers == 1
